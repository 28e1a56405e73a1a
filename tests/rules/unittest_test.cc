#include "rules/unittest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

namespace opsagent::rules {
namespace {

// Records what the runner prints, per stream and interleaved.
class RecordingOutput final : public TestOutput {
 public:
  void Out(std::string_view text) override {
    out += text;
    both += text;
  }
  void Err(std::string_view text) override {
    err += text;
    both += text;
  }
  std::string out, err, both;
};

// A directory of test and rule files, removed afterwards.
class UnitTestRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("opsagent_unittest_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
};

constexpr char kRules[] = R"txt(groups:
- name: g
  rules:
  - record: job:up:sum
    expr: sum by (job) (up)
  - alert: InstanceDown
    expr: up == 0
    for: 2m
    labels:
      severity: page
    annotations:
      summary: instance down
)txt";

constexpr char kPass[] = R"txt(rule_files: [rules.yml]
tests:
- interval: 1m
  input_series:
  - series: 'up{job="a",instance="i1"}'
    values: '1 1 0 0 0 0 0'
  - series: 'up{job="a",instance="i2"}'
    values: '1 1 1 1 _ stale'
  alert_rule_test:
  - eval_time: 3m
    alertname: InstanceDown
  - eval_time: 4m
    alertname: InstanceDown
    exp_alerts:
    - exp_labels: {instance: i1, job: a, severity: page}
      exp_annotations: {summary: instance down}
  promql_expr_test:
  - expr: job:up:sum
    eval_time: 1m
    exp_samples:
    - labels: 'job:up:sum{job="a"}'
      value: 2
  - expr: up
    eval_time: 5m
    exp_samples:
    - labels: 'up{job="a",instance="i1"}'
      value: 0
  - expr: scalar(job:up:sum)
    eval_time: 4m
    exp_samples:
    - value: 1
)txt";

constexpr char kFail[] = R"txt(rule_files: [rules.yml, nothing*.yml]
tests:
- interval: 1m
  name: down
  input_series:
  - series: 'up{job="a",instance="i1"}'
    values: '0 0 0 0 0 0'
  - series: 'up{job="a",instance="i2"}'
    values: '0 0 0 0 0 0'
  alert_rule_test:
  - eval_time: 5m
    alertname: InstanceDown
    exp_alerts:
    - exp_labels: {instance: i1, job: a, severity: page}
      exp_annotations: {summary: instance down}
  - eval_time: 1m
    alertname: InstanceDown
    exp_alerts:
    - exp_labels: {instance: i1, job: a, severity: page}
  promql_expr_test:
  - expr: up
    eval_time: 1m
    exp_samples:
    - labels: 'up{job="a",instance="i1"}'
      value: .nan
    - labels: 'up{job="a",instance="i2"}'
      value: 0
  - expr: sum(up
    eval_time: 2m
  - expr: up
    eval_time: 90s
    exp_samples:
    - labels: 'up{job="a"'
  - expr: '"s"'
    eval_time: 1m
- interval: 1m
  promql_expr_test:
  - expr: vector(1)
    eval_time: 0s
)txt";

// promtool 2.42's stderr for kFail, with the warning's path made relative to the test dir.
constexpr char kFailErr[] = R"txt(  WARNING: no file match pattern nothing*.yml
  FAILED:
    name: down,
    alertname: InstanceDown, time: 1m, 
        exp:[
            0:
              Labels:{alertname="InstanceDown", instance="i1", job="a", severity="page"}
              Annotations:{}
            ], 
        got:[]
    name: down,
    alertname: InstanceDown, time: 5m, 
        exp:[
            0:
              Labels:{alertname="InstanceDown", instance="i1", job="a", severity="page"}
              Annotations:{summary="instance down"}
            ], 
        got:[
            0:
              Labels:{alertname="InstanceDown", instance="i1", job="a", severity="page"}
              Annotations:{summary="instance down"},
            1:
              Labels:{alertname="InstanceDown", instance="i2", job="a", severity="page"}
              Annotations:{summary="instance down"}
            ]
    expr: "up", time: 1m,
        exp: {__name__="up", instance="i1", job="a"} NaN, {__name__="up", instance="i2", job="a"} 0E+00
        got: {__name__="up", instance="i1", job="a"} 0E+00, {__name__="up", instance="i2", job="a"} 0E+00
    expr: "sum(up", time: 2m, err: 1:7: parse error: unclosed left parenthesis
    expr: "up", time: 1m30s, err: labels "up{job=\"a\"": 1:11: parse error: unexpected end of input inside braces
    expr: "\"s\"", time: 1m, err: rule result is not a vector or scalar
    expr: "vector(1)", time: 0s,
        exp: nil
        got: {} 1E+00
)txt";

TEST_F(UnitTestRunnerTest, PassingFilePrintsSuccess) {
  Write("rules.yml", kRules);
  std::string path = Write("pass.yml", kPass);
  RecordingOutput output;
  EXPECT_EQ(RunRuleUnitTests({path}, output), 0);
  EXPECT_EQ(output.out, "Unit Testing:  " + path + "\n  SUCCESS\n\n");
  EXPECT_EQ(output.err, "");
}

TEST_F(UnitTestRunnerTest, FailuresMatchPromtoolByteForByte) {
  Write("rules.yml", kRules);
  std::string path = Write("fail.yml", kFail);
  RecordingOutput output;
  EXPECT_EQ(RunRuleUnitTests({path}, output), 1);
  // One blank stdout line per failure plus one after the file, as promtool prints them.
  EXPECT_EQ(output.out, "Unit Testing:  " + path + "\n" + std::string(8, '\n'));
  std::string expected = kFailErr;
  std::string pattern = "nothing*.yml";
  expected.replace(expected.find(pattern), pattern.size(), (dir_ / pattern).string());
  EXPECT_EQ(output.err, expected);
}

TEST_F(UnitTestRunnerTest, RuleEvaluationErrorEndsOnlyItsTestGroup) {
  Write("evalerr_rules.yml", R"txt(groups:
- name: ge
  rules:
  - record: dup
    expr: label_replace(up, "instance", "", "", "")
)txt");
  std::string path = Write("evalerr.yml", R"txt(rule_files: [evalerr_rules.yml]
evaluation_interval: 30s
tests:
- interval: 1m
  input_series:
  - series: 'up{instance="i1"}'
    values: '_ _ 1'
  - series: 'up{instance="i2"}'
    values: '_ _ 1'
  promql_expr_test:
  - expr: up
    eval_time: 3m
- interval: 1m
  promql_expr_test:
  - expr: vector(2)
    eval_time: 1m
)txt");
  RecordingOutput output;
  EXPECT_EQ(RunRuleUnitTests({path}, output), 1);
  EXPECT_EQ(output.err, R"txt(  FAILED:
    rule: dup, time: 2m0s, err: vector cannot contain metrics with the same labelset
    expr: "vector(2)", time: 1m,
        exp: nil
        got: {} 2E+00
)txt");
  EXPECT_EQ(output.both, "Unit Testing:  " + path + "\n" + R"txt(  FAILED:
    rule: dup, time: 2m0s, err: vector cannot contain metrics with the same labelset
)txt" + "\n" +
                             R"txt(    expr: "vector(2)", time: 1m,
        exp: nil
        got: {} 2E+00)txt" + "\n\n\n");
}

TEST_F(UnitTestRunnerTest, GroupEvalOrderChainsRecordingRulesWithinATick) {
  Write("chain.yml", R"txt(groups:
- name: second
  rules:
  - record: b
    expr: a * 10
- name: first
  rules:
  - record: a
    expr: x + 1
)txt");
  std::string ordered = Write("order.yml", R"txt(rule_files: [chain.yml]
group_eval_order: [first, second]
tests:
- interval: 1m
  input_series:
  - series: x
    values: 0+1x5
  promql_expr_test:
  - expr: b
    eval_time: 2m
    exp_samples:
    - labels: b
      value: 30
)txt");
  // Without an order, file order: `second` runs first and sees the previous tick's `a`.
  std::string unordered = Write("noorder.yml", R"txt(rule_files: [chain.yml]
tests:
- interval: 1m
  input_series:
  - series: x
    values: 0+1x5
  promql_expr_test:
  - expr: b
    eval_time: 2m
    exp_samples:
    - labels: b
      value: 20
)txt");
  RecordingOutput output;
  EXPECT_EQ(RunRuleUnitTests({ordered, unordered}, output), 0) << output.err;
}

// promtool 2.42 has no default `interval`: every sample lands at t=0 and the first one wins.
TEST_F(UnitTestRunnerTest, MissingIntervalPutsEverySampleAtZero) {
  Write("rules.yml", kRules);
  std::string path = Write("t.yml", R"(rule_files: [rules.yml]
tests:
- input_series:
  - series: x
    values: 1 2 3 4 5 6 7 8 9 10
  promql_expr_test:
  - expr: x
    eval_time: 5m
    exp_samples:
    - labels: x
      value: 1
  - expr: x
    eval_time: 10m
)");
  RecordingOutput output;
  EXPECT_EQ(RunRuleUnitTests({path}, output), 0) << output.err;
}

// Input samples are loaded only up to the last evaluation tick <= the largest eval_time.
TEST_F(UnitTestRunnerTest, SamplesAfterTheLastTickAreNotLoaded) {
  Write("rules.yml", kRules);
  std::string path = Write("t.yml", R"(rule_files: [rules.yml]
tests:
- interval: 30s
  input_series:
  - series: x
    values: 1 2 3 4 5 6 7 8 9 10
  promql_expr_test:
  - expr: x
    eval_time: 90s
    exp_samples:
    - labels: x
      value: 3
)");
  RecordingOutput output;
  EXPECT_EQ(RunRuleUnitTests({path}, output), 0) << output.err;
}

TEST_F(UnitTestRunnerTest, MissingAlertnameIsAnError) {
  std::string path = Write("t.yml", R"(tests:
- interval: 1m
  name: nm
  alert_rule_test:
  - eval_time: 1m
    exp_alerts: []
)");
  RecordingOutput output;
  EXPECT_EQ(RunRuleUnitTests({path}, output), 1);
  EXPECT_EQ(output.err,
            "  FAILED:\nan item under alert_rule_test misses required attribute alertname at "
            "eval_time 1m (in TestGroup nm)\n");
}

TEST_F(UnitTestRunnerTest, DecodeErrorsAndRepeatedGroupOrder) {
  std::string bad = Write("bad.yml", "tests:\n- interval: 1m\n  foo: bar\n");
  std::string repeated = Write("rep.yml", "group_eval_order: [a, b, a]\n");
  RecordingOutput output;
  EXPECT_EQ(RunRuleUnitTests({bad, repeated}, output), 1);
  EXPECT_EQ(output.err,
            "  FAILED:\nyaml: unmarshal errors:\n  line 3: field foo not found in type "
            "main.testGroup\n  FAILED:\ngroup name repeated in evaluation order: a\n");
  EXPECT_EQ(output.out, "Unit Testing:  " + bad + "\n\n\nUnit Testing:  " + repeated + "\n\n\n");
}

// External labels and URL reach templates; a rule file matched by several patterns loads once.
TEST_F(UnitTestRunnerTest, ExternalLabelsAndDuplicateRuleFiles) {
  Write("ext_rules.yml", R"(groups:
- name: ext
  rules:
  - alert: Ext
    expr: vector(1)
    labels:
      cluster_label: '{{ $externalLabels.cluster }}'
    annotations:
      url: '{{ $externalURL }}/graph'
      summary: 'value {{ $value }} in {{ $externalLabels.cluster }}'
)");
  std::string path = Write("ext.yml", R"(rule_files: [ext_rules.yml, ext_rules.yml, "ext_*.yml"]
tests:
- interval: 1m
  external_labels: {cluster: prod}
  external_url: https://prom.example.com
  alert_rule_test:
  - eval_time: 1m
    alertname: Ext
    exp_alerts:
    - exp_labels: {cluster_label: prod}
      exp_annotations: {url: https://prom.example.com/graph, summary: value 1 in prod}
  promql_expr_test:
  - expr: ALERTS
    eval_time: 1m
    exp_samples:
    - labels: 'ALERTS{alertname="Ext",alertstate="firing",cluster_label="prod"}'
      value: 1
)");
  RecordingOutput output;
  EXPECT_EQ(RunRuleUnitTests({path}, output), 0) << output.err;
}

TEST_F(UnitTestRunnerTest, UnreadableFileIsAFailure) {
  RecordingOutput output;
  std::string missing = (dir_ / "missing.yml").string();
  EXPECT_EQ(RunRuleUnitTests({missing, dir_.string()}, output), 1);
  EXPECT_EQ(output.err, "  FAILED:\nopen " + missing +
                            ": no such file or directory\n  FAILED:\nread " + dir_.string() +
                            ": is a directory\n");
}

}  // namespace
}  // namespace opsagent::rules
