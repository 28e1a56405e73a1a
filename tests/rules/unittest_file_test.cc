#include "rules/unittest_file.h"

#include <gtest/gtest.h>

#include <cmath>

namespace opsagent::rules {
namespace {

TEST(UnitTestFileTest, ParsesEveryField) {
  UnitTestFileParse parse = ParseUnitTestFile(R"(rule_files: [a.yml, "b/*.yml"]
evaluation_interval: 30s
group_eval_order: [g2, g1]
tests:
- interval: 1m
  name: first
  external_labels: {cluster: c1, region: ""}
  external_url: http://x
  input_series:
  - series: 'up{job="a"}'
    values: 1+1x3 _ stale
  - series: n
    values: 5
  alert_rule_test:
  - eval_time: 5m
    alertname: Down
    exp_alerts:
    - exp_labels: {severity: page, job: a}
      exp_annotations: {summary: x}
  promql_expr_test:
  - expr: up
    eval_time: 1h30m
    exp_samples:
    - labels: 'up{job="a"}'
      value: 1.5e3
    - value: -.inf
)");
  ASSERT_TRUE(parse.ok()) << FormatParseProblems(parse);
  const UnitTestFile& f = parse.file;
  EXPECT_EQ(f.rule_files, (std::vector<std::string>{"a.yml", "b/*.yml"}));
  EXPECT_EQ(f.evaluation_interval_ms, 30'000);
  EXPECT_EQ(f.group_eval_order, (std::vector<std::string>{"g2", "g1"}));
  ASSERT_EQ(f.tests.size(), 1u);
  const TestGroup& g = f.tests[0];
  EXPECT_EQ(g.line, 5);
  EXPECT_EQ(g.interval_ms, 60'000);
  EXPECT_EQ(g.name, "first");
  EXPECT_EQ(FormatLabelList(g.external_labels), R"({cluster="c1", region=""})");
  EXPECT_EQ(g.external_url, "http://x");
  ASSERT_EQ(g.input_series.size(), 2u);
  EXPECT_EQ(g.input_series[0].series, R"(up{job="a"})");
  EXPECT_EQ(g.input_series[0].values, "1+1x3 _ stale");
  EXPECT_EQ(g.input_series[0].line, 10);
  EXPECT_EQ(g.input_series[1].values, "5");
  ASSERT_EQ(g.alert_rule_test.size(), 1u);
  EXPECT_EQ(g.alert_rule_test[0].eval_time_ms, 300'000);
  EXPECT_EQ(g.alert_rule_test[0].alertname, "Down");
  ASSERT_EQ(g.alert_rule_test[0].exp_alerts.size(), 1u);
  EXPECT_EQ(FormatLabelList(g.alert_rule_test[0].exp_alerts[0].labels),
            R"({job="a", severity="page"})");
  EXPECT_EQ(FormatLabelList(g.alert_rule_test[0].exp_alerts[0].annotations), R"({summary="x"})");
  ASSERT_EQ(g.promql_expr_test.size(), 1u);
  EXPECT_EQ(g.promql_expr_test[0].eval_time_ms, 5'400'000);
  ASSERT_EQ(g.promql_expr_test[0].exp_samples.size(), 2u);
  EXPECT_EQ(g.promql_expr_test[0].exp_samples[0].value, 1500);
  EXPECT_EQ(g.promql_expr_test[0].exp_samples[1].labels, "");
  EXPECT_EQ(g.promql_expr_test[0].exp_samples[1].value, -INFINITY);
}

TEST(UnitTestFileTest, EmptyDocumentIsAnEmptyFile) {
  UnitTestFileParse parse = ParseUnitTestFile("");
  EXPECT_TRUE(parse.ok());
  EXPECT_TRUE(parse.file.tests.empty());
  EXPECT_EQ(parse.file.evaluation_interval_ms, 0);
}

TEST(UnitTestFileTest, IntervalHasNoDefault) {
  UnitTestFileParse parse = ParseUnitTestFile("tests:\n- input_series: []\n");
  ASSERT_TRUE(parse.ok());
  EXPECT_EQ(parse.file.tests.at(0).interval_ms, 0);
}

// The text promtool 2.42 printed for the same document (yaml.v2's UnmarshalStrict).
TEST(UnitTestFileTest, CollectsUnknownFieldsAndTypeErrorsWithLines) {
  UnitTestFileParse parse = ParseUnitTestFile(R"(rule_files: [rules.yml]
tests:
- interval: 1m
  foo: bar
  input_series:
  - series: 'up{job="a",instance="i1"}'
    values: '0x10'
    extra: 1
  promql_expr_test:
  - expr: up
    eval_time: [1]
    exp_samples:
    - value: abc
)");
  EXPECT_FALSE(parse.ok());
  EXPECT_EQ(FormatParseProblems(parse),
            "yaml: unmarshal errors:\n"
            "  line 4: field foo not found in type main.testGroup\n"
            "  line 8: field extra not found in type main.series\n"
            "  line 11: cannot unmarshal !!seq into string\n"
            "  line 13: cannot unmarshal !!str `abc` into float64");
  std::vector<std::string> described = DescribeParseProblems("t.yml", parse);
  ASSERT_EQ(described.size(), 4u);
  EXPECT_EQ(described[0], "t.yml:4: field foo not found in type main.testGroup");
}

TEST(UnitTestFileTest, WrongShapesNameTheGoType) {
  EXPECT_EQ(FormatParseProblems(ParseUnitTestFile("rule_files: rules.yml\ntests: []\n")),
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `rules.yml` into []string");
  EXPECT_EQ(FormatParseProblems(ParseUnitTestFile("groups: []\n")),
            "yaml: unmarshal errors:\n  line 1: field groups not found in type main.unitTestFile");
  EXPECT_EQ(FormatParseProblems(ParseUnitTestFile("tests:\n  a: 1\n")),
            "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into []main.testGroup");
  EXPECT_EQ(FormatParseProblems(ParseUnitTestFile("tests:\n- promql_expr_test:\n  - value: '2'\n")),
            "yaml: unmarshal errors:\n  line 3: field value not found in type main.promqlTestCase");
}

TEST(UnitTestFileTest, QuotedNumberIsNotAFloat) {
  UnitTestFileParse parse = ParseUnitTestFile(
      "tests:\n- promql_expr_test:\n  - exp_samples:\n    - value: '2'\n    - value: true\n");
  EXPECT_EQ(FormatParseProblems(parse),
            "yaml: unmarshal errors:\n"
            "  line 4: cannot unmarshal !!str `2` into float64\n"
            "  line 5: cannot unmarshal !!bool `true` into float64");
}

TEST(UnitTestFileTest, FloatNotations) {
  UnitTestFileParse parse = ParseUnitTestFile(
      "tests:\n- promql_expr_test:\n  - exp_samples:\n    - value: .nan\n    - value: 0x10\n"
      "    - value: -2\n    - value: +.Inf\n    - value: 1_000\n    - value:\n");
  ASSERT_TRUE(parse.ok()) << FormatParseProblems(parse);
  const auto& s = parse.file.tests[0].promql_expr_test[0].exp_samples;
  ASSERT_EQ(s.size(), 6u);
  EXPECT_TRUE(std::isnan(s[0].value));
  EXPECT_EQ(s[1].value, 16);
  EXPECT_EQ(s[2].value, -2);
  EXPECT_EQ(s[3].value, INFINITY);
  EXPECT_EQ(s[4].value, 1000);
  EXPECT_EQ(s[5].value, 0);
}

TEST(UnitTestFileTest, BadDurationStopsDecoding) {
  UnitTestFileParse parse = ParseUnitTestFile(
      "rule_files: [r.yml]\nevaluation_interval: 1x\ntests:\n- interval: 1m\n  foo: bar\n");
  ASSERT_TRUE(parse.fatal.has_value());
  EXPECT_EQ(parse.fatal->line, 2);
  EXPECT_EQ(FormatParseProblems(parse), R"(not a valid duration string: "1x")");
  EXPECT_EQ(FormatParseProblems(ParseUnitTestFile("tests:\n- interval: -1m\n")),
            R"(not a valid duration string: "-1m")");
}

TEST(UnitTestFileTest, SyntaxErrorNamesTheLine) {
  UnitTestFileParse parse = ParseUnitTestFile("tests:\n- a: [\n");
  ASSERT_TRUE(parse.fatal.has_value());
  EXPECT_GE(parse.fatal->line, 2);
  EXPECT_EQ(FormatParseProblems(parse).rfind("yaml: line ", 0), 0u);
}

// promtool 2.42 printed exactly this for the misindented key.
TEST(UnitTestFileTest, SyntaxErrorInLibyamlWording) {
  EXPECT_EQ(FormatParseProblems(ParseUnitTestFile("tests:\n- interval: 1m\n   name: x\n")),
            "yaml: line 3: mapping values are not allowed in this context");
}

TEST(UnitTestFileTest, DuplicateKeyIsAnError) {
  UnitTestFileParse parse = ParseUnitTestFile("tests:\n- interval: 1m\n  interval: 2m\n");
  EXPECT_EQ(FormatParseProblems(parse),
            "yaml: unmarshal errors:\n  line 3: field interval already set in type main.testGroup");
  EXPECT_EQ(FormatParseProblems(ParseUnitTestFile(
                "tests:\n- external_labels: [a]\n  name: [x]\n  external_url: {a: 1}\n")),
            "yaml: unmarshal errors:\n"
            "  line 2: cannot unmarshal !!seq into map[string]string\n"
            "  line 3: cannot unmarshal !!seq into string\n"
            "  line 4: cannot unmarshal !!map into string");
}

TEST(MetricLabelsTest, ParsesNotation) {
  EXPECT_EQ(FormatLabelList(*ParseMetricLabels(R"(up{job="a",instance="i1"})")),
            R"({__name__="up", instance="i1", job="a"})");
  EXPECT_EQ(FormatLabelList(*ParseMetricLabels("{}")), "{}");
  EXPECT_EQ(FormatLabelList(*ParseMetricLabels("")), "{}");
  EXPECT_EQ(FormatLabelList(*ParseMetricLabels("job:up:sum")), R"({__name__="job:up:sum"})");
  // Empty values are dropped, escapes decoded, duplicates kept (promql's ParseMetric).
  EXPECT_EQ(FormatLabelList(*ParseMetricLabels(R"(x{a="", b='c\n', d=`e\`,})")),
            R"({__name__="x", b="c\n", d="e\\"})");
  EXPECT_EQ(FormatLabelList(*ParseMetricLabels("{x='1',x='2'}")), R"({x="1", x="2"})");
  EXPECT_EQ(FormatLabelList(*ParseMetricLabels(R"(x{a="éAA"})")),
            "{__name__=\"x\", a=\"\u00e9AA\"}");
}

// Error texts as promtool 2.42 printed them.
TEST(MetricLabelsTest, ErrorsLikePromql) {
  EXPECT_EQ(ParseMetricLabels(R"(up{job="a",instance="i1")").error().message,
            "1:25: parse error: unexpected end of input inside braces");
  EXPECT_EQ(ParseMetricLabels("x{a=~'b'}").error().message,
            R"(1:4: parse error: unexpected <op:=~> in label set, expected "=")");
  EXPECT_EQ(ParseMetricLabels("x y").error().message,
            R"(1:3: parse error: unexpected identifier "y")");
  EXPECT_EQ(ParseMetricLabels("x{a}").error().message,
            R"(1:4: parse error: unexpected "}" in label set, expected "=")");
  EXPECT_EQ(ParseMetricLabels("x}").error().message, "1:2: parse error: unexpected character: '}'");
  EXPECT_EQ(ParseMetricLabels("1x").error().message,
            R"(1:1: parse error: bad number or duration syntax: "1")");
  EXPECT_EQ(ParseMetricLabels(R"(x{a="\q"})").error().message,
            "1:5: parse error: unknown escape sequence U+0071 'q'");
}

TEST(FormatTest, FloatsLikeGoE) {
  EXPECT_EQ(FormatFloatE(1), "1E+00");
  EXPECT_EQ(FormatFloatE(0), "0E+00");
  EXPECT_EQ(FormatFloatE(0.1), "1E-01");
  EXPECT_EQ(FormatFloatE(-2.5), "-2.5E+00");
  EXPECT_EQ(FormatFloatE(123456789), "1.23456789E+08");
  EXPECT_EQ(FormatFloatE(1e100), "1E+100");
  EXPECT_EQ(FormatFloatE(NAN), "NaN");
  EXPECT_EQ(FormatFloatE(INFINITY), "+Inf");
  EXPECT_EQ(FormatFloatE(-INFINITY), "-Inf");
}

TEST(FormatTest, GoDurations) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(250), "250ms");
  EXPECT_EQ(FormatGoDuration(1500), "1.5s");
  EXPECT_EQ(FormatGoDuration(300'000), "5m0s");
  EXPECT_EQ(FormatGoDuration(90'000), "1m30s");
  EXPECT_EQ(FormatGoDuration(3'600'000), "1h0m0s");
  EXPECT_EQ(FormatGoDuration(90'061'000), "25h1m1s");
}

TEST(FormatTest, IndentLines) {
  EXPECT_EQ(IndentLines("a\nb\nc", "  "), "a\n  b\n  c");
  EXPECT_EQ(IndentLines("a", "  "), "a");
  EXPECT_EQ(IndentLines("a\n", "  "), "a\n  ");
}

TEST(FormatTest, RuleError) {
  EXPECT_EQ(RuleErrorMessage("dup", 0, "vector cannot contain metrics with the same labelset"),
            "    rule: dup, time: 0s, err: vector cannot contain metrics with the same labelset");
}

// promtool 2.42's output for an alert test that expected one alert and got two.
TEST(FormatTest, AlertMismatchLikePromtool) {
  AlertSnapshot i1{{{"alertname", "InstanceDown"}, {"instance", "i1"}, {"job", "a"}},
                   {{"summary", "Instance i1 down"}}};
  AlertSnapshot i2{{{"alertname", "InstanceDown"}, {"instance", "i2"}, {"job", "a"}},
                   {{"summary", "Instance i2 down"}}};
  EXPECT_EQ(AlertMismatchMessage("mygroup", "InstanceDown", 300'000, {i1}, {i1, i2}),
            "    name: mygroup,\n"
            "    alertname: InstanceDown, time: 5m, \n"
            "        exp:[\n"
            "            0:\n"
            "              Labels:{alertname=\"InstanceDown\", instance=\"i1\", job=\"a\"}\n"
            "              Annotations:{summary=\"Instance i1 down\"}\n"
            "            ], \n"
            "        got:[\n"
            "            0:\n"
            "              Labels:{alertname=\"InstanceDown\", instance=\"i1\", job=\"a\"}\n"
            "              Annotations:{summary=\"Instance i1 down\"},\n"
            "            1:\n"
            "              Labels:{alertname=\"InstanceDown\", instance=\"i2\", job=\"a\"}\n"
            "              Annotations:{summary=\"Instance i2 down\"}\n"
            "            ]");
  EXPECT_EQ(AlertMismatchMessage("", "X", 180'000, {}, {}),
            "    alertname: X, time: 3m, \n        exp:[], \n        got:[]");
}

TEST(FormatTest, ExprMessagesLikePromtool) {
  std::vector<SampleSnapshot> exp = {{{{"__name__", "up"}, {"job", "a"}}, 0.1},
                                     {{{"__name__", "up"}, {"job", "b"}}, NAN}};
  std::vector<SampleSnapshot> got = {{{{"__name__", "up"}, {"job", "a"}}, 1}};
  EXPECT_EQ(ExprMismatchMessage("up", 240'000, exp, got),
            "    expr: \"up\", time: 4m,\n"
            "        exp: {__name__=\"up\", job=\"a\"} 1E-01, {__name__=\"up\", job=\"b\"} NaN\n"
            "        got: {__name__=\"up\", job=\"a\"} 1E+00");
  EXPECT_EQ(ExprMismatchMessage("x", 90'000, {}, {}),
            "    expr: \"x\", time: 1m30s,\n        exp: nil\n        got: nil");
  EXPECT_EQ(ExprErrorMessage("sum(up", 240'000, "1:7: parse error: unclosed left parenthesis"),
            "    expr: \"sum(up\", time: 4m, err: 1:7: parse error: unclosed left parenthesis");
  EXPECT_EQ(ExprErrorMessage(R"("foo")", 60'000, "rule result is not a vector or scalar"),
            R"(    expr: "\"foo\"", time: 1m, err: rule result is not a vector or scalar)");
}

}  // namespace
}  // namespace opsagent::rules
