// Rule files: what Prometheus accepts parses into groups; every problem names FILE:LINE:COL.
#include "rules/rule_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rules/promql/printer.h"

namespace opsagent::rules {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(RuleFileTest, ParsesGroupsRulesAndFields) {
  RuleFileLoad load = ParseRuleFile("r.yml", R"(groups:
  - name: host
    interval: 30s
    limit: 5
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: {team: sre}
      - alert: HostDown
        expr: up == 0
        for: 1h30m
        keep_firing_for: 5m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} is down"
)");
  ASSERT_TRUE(load.ok()) << load.problems[0];
  ASSERT_EQ(load.groups.size(), 1u);
  const GroupDef& group = load.groups[0];
  EXPECT_EQ(group.file, "r.yml");
  EXPECT_EQ(group.name, "host");
  EXPECT_EQ(group.interval_ms, 30000);
  EXPECT_EQ(group.limit, 5);
  ASSERT_EQ(group.rules.size(), 2u);
  EXPECT_EQ(group.rules[0].kind, RuleKind::kRecording);
  EXPECT_EQ(group.rules[0].name, "job:up:sum");
  EXPECT_EQ(promql::Print(*group.rules[0].expr), "sum by (job) (up)");
  EXPECT_EQ(group.rules[0].line, 6);
  const RuleDef& alert = group.rules[1];
  EXPECT_EQ(alert.kind, RuleKind::kAlerting);
  EXPECT_EQ(alert.for_ms, 5400000);
  EXPECT_EQ(alert.keep_firing_for_ms, 300000);
  EXPECT_THAT(alert.labels, ElementsAre(std::pair<std::string, std::string>("severity", "page")));
  ASSERT_EQ(alert.annotations.size(), 1u);
  EXPECT_EQ(alert.annotations[0].second, "{{ $labels.instance }} is down");
}

TEST(RuleFileTest, EmptyFileHasNoGroups) {
  RuleFileLoad load = ParseRuleFile("e.yml", "");
  EXPECT_TRUE(load.ok());
  EXPECT_TRUE(load.groups.empty());
}

TEST(RuleFileTest, UnknownKeysAndMissingFieldsAreReportedWithPositions) {
  RuleFileLoad load = ParseRuleFile("bad.yml", R"(groups:
  - name: g
    rules:
      - alert: A
        expr: up
        forr: 5m
      - expr: up
      - alert: B
        record: b
        expr: up
      - alert: C
)");
  ASSERT_EQ(load.problems.size(), 4u);
  EXPECT_EQ(load.problems[0], "bad.yml:6:9: field forr not found in rule");
  EXPECT_EQ(load.problems[1],
            "bad.yml:7:9: group \"g\", rule 2: one of 'record' or 'alert' must be set");
  EXPECT_EQ(load.problems[2],
            "bad.yml:8:9: group \"g\", rule 3: only one of 'record' and 'alert' must be set");
  EXPECT_EQ(load.problems[3],
            "bad.yml:11:9: group \"g\", rule 4, \"C\": field 'expr' must be set in rule");
}

TEST(RuleFileTest, RecordingRulesRejectAlertOnlyFields) {
  RuleFileLoad load = ParseRuleFile("r.yml", R"(groups:
  - name: g
    rules:
      - record: "bad name"
        expr: up
        for: 1m
        annotations: {a: b}
)");
  EXPECT_THAT(load.problems,
              ElementsAre(HasSubstr("r.yml:4:17: group \"g\", rule 1, \"bad name\": invalid "
                                    "recording rule name: bad name"),
                          HasSubstr("invalid field 'annotations' in recording rule"),
                          HasSubstr("invalid field 'for' in recording rule")));
}

TEST(RuleFileTest, BadDurationAndDuplicateGroupName) {
  RuleFileLoad load = ParseRuleFile("r.yml", R"(groups:
  - name: g
    interval: 5 minutes
  - name: g
)");
  EXPECT_THAT(load.problems,
              ElementsAre("r.yml:3:15: group \"g\": interval: not a valid duration string: "
                          "\"5 minutes\"",
                          "r.yml:4:11: groupname: \"g\" is repeated in the same file"));
}

TEST(RuleFileTest, ExpressionErrorsPointIntoPlainScalars) {
  RuleFileLoad load = ParseRuleFile("r.yml", R"(groups:
  - name: g
    rules:
      - alert: A
        expr: rate(up[5m]) > )");
  ASSERT_EQ(load.problems.size(), 1u);
  EXPECT_THAT(load.problems[0], HasSubstr("r.yml:5:"));
  EXPECT_THAT(load.problems[0], HasSubstr("group \"g\", rule 1, \"A\": could not parse expression"));
}

TEST(RuleFileTest, ExpressionErrorsPointIntoBlockScalars) {
  RuleFileLoad load = ParseRuleFile("r.yml", R"(groups:
  - name: g
    rules:
      - alert: A
        expr: |
          sum(up)
            / holt_winters(up[5m], 0.5, 0.5)
)");
  ASSERT_EQ(load.problems.size(), 1u);
  // The unsupported function is named, at its line and column in the file.
  EXPECT_THAT(load.problems[0], HasSubstr("r.yml:7:15:"));
  EXPECT_THAT(load.problems[0], HasSubstr("holt_winters"));
}

TEST(RuleFileTest, InvalidTemplatesAndLabelNames) {
  RuleFileLoad load = ParseRuleFile("r.yml", R"(groups:
  - name: g
    rules:
      - alert: A
        expr: up
        labels:
          "bad-label": x
        annotations:
          summary: "{{ .Labels.instance "
)");
  ASSERT_EQ(load.problems.size(), 2u);
  EXPECT_THAT(load.problems[0], HasSubstr("invalid label name: bad-label"));
  EXPECT_THAT(load.problems[1], HasSubstr("r.yml:9:"));
  EXPECT_THAT(load.problems[1], HasSubstr("invalid annotation template for summary"));
}

TEST(RuleFileTest, YamlSyntaxErrorsHavePositions) {
  RuleFileLoad load = ParseRuleFile("r.yml", "groups:\n  - name: [unclosed\n");
  ASSERT_EQ(load.problems.size(), 1u);
  EXPECT_THAT(load.problems[0], HasSubstr("r.yml:"));
  EXPECT_THAT(load.problems[0], HasSubstr("YAML syntax error"));
}

TEST(RuleFileTest, LoadRuleFilesReportsUnreadableFiles) {
  RuleFileLoad load = LoadRuleFiles({"/nonexistent/rules.yml"}, {{"<embedded>/x.yml", "groups: []"}});
  EXPECT_THAT(load.problems, ElementsAre("/nonexistent/rules.yml: cannot read rule file"));
}

}  // namespace
}  // namespace opsagent::rules
