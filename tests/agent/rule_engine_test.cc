// RuleEngine: finding rule files, persisting alert state with the outage tolerance, and the
// history bound checked at reload.
#include "agent/core/rule_engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "collectors/metric_set.h"

namespace opsagent::core {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000;

class RuleEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("opsagent-rule-engine-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "rules.d");
    config_.source = (dir_ / "config.yaml").string();
    config_.builtin_rule_pack = false;
    config_.evaluation_interval = std::chrono::seconds(10);
    config_.collect_interval = std::chrono::seconds(10);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void WriteRules(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / "rules.d" / name) << text;
  }

  static collectors::Families Up(double v) {
    collectors::MetricSet set;
    set.Gauge("up", "Up.", v, {{"job", "node"}});
    return set.Take();
  }

  std::filesystem::path dir_;
  config::Config config_;
};

TEST_F(RuleEngineTest, GlobsAreRelativeToTheConfigFileAndThePackIsOptional) {
  WriteRules("a.yml", "groups:\n  - name: a\n    rules: [{record: r, expr: vector(1)}]\n");
  WriteRules("b.yml", "groups:\n  - name: b\n    rules: [{record: s, expr: vector(1)}]\n");
  config_.rule_files = {"rules.d/*.yml"};
  rules::RuleFileLoad load = LoadRulesFor(config_);
  ASSERT_TRUE(load.ok()) << load.problems[0];
  ASSERT_EQ(load.groups.size(), 2u);
  EXPECT_EQ(load.groups[0].file, (dir_ / "rules.d" / "a.yml").string());

  config_.builtin_rule_pack = true;
  load = LoadRulesFor(config_);
  ASSERT_TRUE(load.ok());
  EXPECT_GT(load.groups.size(), 2u);
  EXPECT_EQ(load.groups[0].file.rfind("<embedded>/rules/pack/", 0), 0u);
}

TEST_F(RuleEngineTest, AFileMatchedByTwoPatternsLoadsOnce) {
  WriteRules("a.yml", "groups:\n  - name: a\n    rules: [{record: r, expr: vector(1)}]\n");
  config_.rule_files = {"rules.d/a.yml", "rules.d/*.yml"};
  rules::RuleFileLoad load = LoadRulesFor(config_);
  ASSERT_TRUE(load.ok()) << load.problems[0];
  EXPECT_EQ(load.groups.size(), 1u);
}

TEST_F(RuleEngineTest, RuleHealthIsQueryableByRules) {
  WriteRules("a.yml", "groups:\n  - name: a\n    rules: [{record: r, expr: vector(1)}]\n");
  config_.rule_files = {"rules.d/a.yml"};
  RuleEngine engine(config_, nullptr);
  engine.Configure(config_, LoadRulesFor(config_).groups, kT0);
  engine.OnCycle(Up(1), kT0);
  engine.OnCycle(Up(1), kT0 + 10000);
  auto matcher = rules::LabelMatcher::Make(rules::MatchType::kEqual, "__name__",
                                           "opsagent_rule_evaluations_total");
  auto series = engine.store().Select({*matcher}, kT0, kT0 + 10000);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].points.back().v, 1);  // the evaluation before this cycle's
}

TEST_F(RuleEngineTest, ALiteralPathThatMatchesNothingIsAProblemButAnEmptyGlobIsNot) {
  config_.rule_files = {"rules.d/none-*.yml", "typo.yml"};
  rules::RuleFileLoad load = LoadRulesFor(config_);
  ASSERT_EQ(load.problems.size(), 1u);
  EXPECT_NE(load.problems[0].find("\"typo.yml\" matches no file"), std::string::npos)
      << load.problems[0];
}

TEST_F(RuleEngineTest, AlertStateIsRestoredWithinTheOutageTolerance) {
  WriteRules("a.yml",
             "groups:\n  - name: a\n    rules:\n      - alert: Up\n        expr: up > 0\n"
             "        for: 1h\n");
  config_.rule_files = {"rules.d/a.yml"};
  auto db = StateDb::Open((dir_ / "state").string());
  ASSERT_TRUE(db.ok()) << db.error().message;
  {
    RuleEngine engine(config_, db->get());
    engine.Configure(config_, LoadRulesFor(config_).groups, kT0);
    engine.OnCycle(Up(1), kT0);
    ASSERT_EQ(engine.manager().Alerts().size(), 1u);
  }
  {
    RuleEngine engine(config_, db->get());
    engine.Configure(config_, LoadRulesFor(config_).groups, kT0 + 30 * 60 * 1000);
    engine.RestoreState(kT0 + 30 * 60 * 1000);
    ASSERT_EQ(engine.manager().Alerts().size(), 1u);
    EXPECT_EQ(engine.manager().Alerts()[0].active_at_ms, kT0);
    EXPECT_EQ(engine.manager().Alerts()[0].labels.Get("job"), "node");
  }
  {
    RuleEngine engine(config_, db->get());
    engine.Configure(config_, LoadRulesFor(config_).groups, kT0 + 2 * kAlertOutageToleranceMs);
    engine.RestoreState(kT0 + 2 * kAlertOutageToleranceMs);
    EXPECT_TRUE(engine.manager().Alerts().empty());
  }
}

TEST_F(RuleEngineTest, HistoryOverTheBoundIsRefused) {
  config_.max_series_history = 1;
  RuleEngine engine(config_, nullptr);
  collectors::MetricSet set;
  set.Gauge("x", "X.", 1, {{"i", "1"}});
  set.Gauge("x", "X.", 2, {{"i", "2"}});
  engine.OnCycle(set.Take(), kT0);
  rules::RuleFileLoad load = rules::ParseRuleFile(
      "h.yml", "groups:\n  - name: h\n    rules: [{record: r, expr: 'rate(x[5m])'}]\n");
  ASSERT_TRUE(load.ok());
  std::vector<std::string> problems = engine.CheckBounds(load.groups);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("history for 2 series, over rules.max_series_history (1)"),
            std::string::npos)
      << problems[0];
}

TEST_F(RuleEngineTest, FamiliesCarryRuleResultsAndHealth) {
  WriteRules("a.yml", "groups:\n  - name: a\n    rules: [{record: 'job:up:sum', expr: sum(up)}]\n");
  config_.rule_files = {"rules.d/a.yml"};
  RuleEngine engine(config_, nullptr);
  engine.Configure(config_, LoadRulesFor(config_).groups, kT0);
  engine.OnCycle(Up(3), kT0);
  bool saw_result = false, saw_health = false;
  for (const auto& family : engine.Families()) {
    if (family.name == "job:up:sum") saw_result = family.metric.at(0).untyped.value == 3;
    if (family.name == "opsagent_rule_evaluations_total") saw_health = true;
  }
  EXPECT_TRUE(saw_result);
  EXPECT_TRUE(saw_health);
}

}  // namespace
}  // namespace opsagent::core
