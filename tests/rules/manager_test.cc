// Groups and the manager over the real parser, evaluator and store.
#include "rules/manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace opsagent::rules {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t kSecond = 1000;

std::vector<GroupDef> Groups(std::string_view text) {
  RuleFileLoad load = ParseRuleFile("m.yml", text);
  EXPECT_TRUE(load.ok()) << (load.problems.empty() ? "" : load.problems[0]);
  return std::move(load.groups);
}

double ValueOf(const std::vector<std::pair<Labels, double>>& output, std::string_view name) {
  for (const auto& [labels, v] : output) {
    if (labels.MetricName() == name) return v;
  }
  return -1;
}

TEST(ManagerTest, RecordingResultsFeedLaterRulesInTheSameEvaluation) {
  MemoryStore store;
  Manager manager(&store, {});
  manager.SetGroups(Groups(R"(groups:
  - name: g
    rules:
      - record: total:x
        expr: sum(x)
      - alert: TooMany
        expr: total:x > 5
)"),
                    0);
  store.AppendBatch("collect", 10 * kSecond,
                    {{Labels::FromPairs({{"__name__", "x"}, {"i", "1"}}), 4},
                     {Labels::FromPairs({{"__name__", "x"}, {"i", "2"}}), 3}});
  manager.EvaluateAll(10 * kSecond);
  const auto output = manager.Output();
  EXPECT_EQ(ValueOf(output, "total:x"), 7);
  EXPECT_EQ(ValueOf(output, "ALERTS"), 1);
  ASSERT_EQ(manager.Alerts().size(), 1u);
  EXPECT_EQ(manager.Alerts()[0].state, AlertState::kFiring);
  const auto status = manager.Status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].rules[1].health, RuleHealth::kOk);
  EXPECT_EQ(status[0].evaluations, 1u);
}

TEST(ManagerTest, AFailingRuleIsIsolatedAndCounted) {
  MemoryStore store;
  Manager manager(&store, {});
  manager.SetGroups(Groups(R"(groups:
  - name: g
    rules:
      - record: dup
        expr: x * 0 + 1
        labels: {i: same}
      - record: fine
        expr: vector(1)
)"),
                    0);
  store.AppendBatch("collect", kSecond,
                    {{Labels::FromPairs({{"__name__", "x"}, {"i", "1"}}), 1},
                     {Labels::FromPairs({{"__name__", "x"}, {"i", "2"}}), 2}});
  manager.EvaluateAll(kSecond);
  const auto status = manager.Status();
  EXPECT_EQ(status[0].failures, 1u);
  EXPECT_EQ(status[0].rules[0].health, RuleHealth::kError);
  EXPECT_THAT(status[0].rules[0].last_error, HasSubstr("same labelset"));
  EXPECT_EQ(status[0].rules[1].health, RuleHealth::kOk);
  EXPECT_EQ(ValueOf(manager.Output(), "fine"), 1);
}

TEST(ManagerTest, GroupsRunOnTheirOwnInterval) {
  MemoryStore store;
  ManagerOptions options;
  options.evaluation_interval_ms = 10 * kSecond;
  Manager manager(&store, options);
  manager.SetGroups(Groups(R"(groups:
  - name: fast
    rules: [{record: a, expr: vector(1)}]
  - name: slow
    interval: 30s
    rules: [{record: b, expr: vector(1)}]
)"),
                    0);
  for (std::int64_t t = 0; t <= 60 * kSecond; t += 10 * kSecond) manager.EvaluateDue(t);
  const auto status = manager.Status();
  EXPECT_EQ(status[0].evaluations, 7u);
  EXPECT_EQ(status[1].evaluations, 3u);  // 0s, 30s, 60s
}

TEST(ManagerTest, ReloadKeepsAlertStateAndRemovedRulesGoStale) {
  MemoryStore store;
  Manager manager(&store, {});
  const char* kRules = R"(groups:
  - name: g
    rules:
      - alert: Up
        expr: vector(1)
        for: 1m
      - record: r
        expr: vector(2)
)";
  manager.SetGroups(Groups(kRules), 0);
  manager.EvaluateAll(0);
  manager.EvaluateAll(60 * kSecond);
  ASSERT_EQ(manager.Alerts()[0].state, AlertState::kFiring);

  manager.SetGroups(Groups(R"(groups:
  - name: g
    rules:
      - alert: Up
        expr: vector(1)
        for: 1m
)"),
                    70 * kSecond);
  EXPECT_EQ(manager.Alerts()[0].state, AlertState::kFiring);
  auto r = store.Select({*LabelMatcher::Make(MatchType::kEqual, "__name__", "r")}, 0,
                        100 * kSecond);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(IsStaleMarker(r[0].points.back().v));
}

TEST(ManagerTest, SavedAlertsRoundTrip) {
  MemoryStore store;
  Manager first(&store, {});
  const char* kRules = R"(groups:
  - name: g
    rules:
      - alert: Up
        expr: vector(1)
        for: 10m
)";
  first.SetGroups(Groups(kRules), 0);
  first.EvaluateAll(0);
  const auto saved = first.SavedAlerts();
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].rule_key, "m.yml;g;0;Up");

  MemoryStore store2;
  Manager second(&store2, {});
  second.SetGroups(Groups(kRules), 0);
  second.RestoreAlerts(saved);
  second.EvaluateAll(10 * 60 * kSecond);
  ASSERT_EQ(second.Alerts().size(), 1u);
  EXPECT_EQ(second.Alerts()[0].state, AlertState::kFiring);  // the pending time counted
}

TEST(ManagerTest, HistoryNeedsCoverRangePlusOffsetPlusInterval) {
  const auto needs = HistoryNeedsOf(Groups(R"(groups:
  - name: g
    interval: 30s
    rules:
      - record: a
        expr: rate(x[5m] offset 1m) + y offset 10m + z
)"),
                                    15 * kSecond);
  ASSERT_EQ(needs.size(), 2u);
  std::map<std::string, std::int64_t> by_name;
  for (const auto& need : needs) {
    for (const auto& m : need.matchers) {
      if (m.name() == "__name__") by_name[m.value()] = need.retention_ms;
    }
  }
  EXPECT_EQ(by_name["x"], (5 * 60 + 60 + 30) * kSecond);
  EXPECT_EQ(by_name["y"], (5 * 60 + 10 * 60 + 30) * kSecond);
}

}  // namespace
}  // namespace opsagent::rules
