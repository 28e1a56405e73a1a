// The alert state machine, step by step as Prometheus 2.42 runs it.
#include "rules/alerting.h"

#include <gtest/gtest.h>

namespace opsagent::rules {
namespace {

constexpr std::int64_t kMinute = 60 * 1000;

promql::Vector One(double v, std::string_view instance = "a") {
  return {promql::Sample{Labels::FromPairs({{"__name__", "up"}, {"instance", instance}}), 0, v}};
}

RuleDef Def(std::int64_t for_ms, std::int64_t keep_firing_for_ms = 0) {
  RuleDef def;
  def.kind = RuleKind::kAlerting;
  def.name = "Down";
  def.for_ms = for_ms;
  def.keep_firing_for_ms = keep_firing_for_ms;
  def.labels = {{"severity", "page"}, {"where", "{{ $labels.instance }}"}};
  def.annotations = {{"summary", "{{ $labels.instance }} value {{ $value }} ext {{ $externalLabels.dc }}"}};
  return def;
}

class AlertingTest : public ::testing::Test {
 protected:
  RuleContext context_{Labels::FromPairs({{"dc", "eu1"}}), ""};
};

TEST_F(AlertingTest, PendingThenFiringAfterFor) {
  AlertingRule rule(Def(2 * kMinute), &context_);
  Result<promql::Vector> out = rule.Eval(One(0), 0, 0);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].labels.ToString(),
            "{__name__=\"ALERTS\", alertname=\"Down\", alertstate=\"pending\", instance=\"a\", "
            "severity=\"page\", where=\"a\"}");
  EXPECT_EQ((*out)[1].labels.MetricName(), "ALERTS_FOR_STATE");
  EXPECT_EQ((*out)[1].v, 0);

  ASSERT_TRUE(rule.Eval(One(0), kMinute, 0).ok());
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kPending);
  out = rule.Eval(One(0), 2 * kMinute, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].labels.Get("alertstate"), "firing");
  const Alert alert = rule.Alerts()[0];
  EXPECT_EQ(alert.state, AlertState::kFiring);
  EXPECT_EQ(alert.active_at_ms, 0);
  EXPECT_EQ(alert.fired_at_ms, 2 * kMinute);
  EXPECT_EQ(alert.annotations.Get("summary"), "a value 0 ext eu1");
}

TEST_F(AlertingTest, PendingAlertDisappearsAtOnceAndFiringOneResolvesAndIsRetained) {
  AlertingRule rule(Def(0), &context_);
  ASSERT_TRUE(rule.Eval(One(1), 0, 0).ok());
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kFiring);  // for: 0 fires at once
  Result<promql::Vector> out = rule.Eval({}, kMinute, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());  // resolved alerts write no ALERTS series
  ASSERT_EQ(rule.Alerts().size(), 1u);
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kInactive);
  EXPECT_EQ(rule.Alerts()[0].resolved_at_ms, kMinute);
  ASSERT_TRUE(rule.Eval({}, kMinute + kResolvedRetentionMs, 0).ok());
  EXPECT_EQ(rule.Alerts().size(), 1u);  // exactly the retention: still kept
  ASSERT_TRUE(rule.Eval({}, kMinute + kResolvedRetentionMs + 1, 0).ok());
  EXPECT_TRUE(rule.Alerts().empty());

  AlertingRule pending(Def(5 * kMinute), &context_);
  ASSERT_TRUE(pending.Eval(One(1), 0, 0).ok());
  ASSERT_TRUE(pending.Eval({}, kMinute, 0).ok());
  EXPECT_TRUE(pending.Alerts().empty());
}

TEST_F(AlertingTest, ResolvedAlertThatReturnsStartsPendingAgain) {
  AlertingRule rule(Def(kMinute), &context_);
  ASSERT_TRUE(rule.Eval(One(1), 0, 0).ok());
  ASSERT_TRUE(rule.Eval(One(1), kMinute, 0).ok());
  ASSERT_TRUE(rule.Eval({}, 2 * kMinute, 0).ok());
  ASSERT_TRUE(rule.Eval(One(1), 3 * kMinute, 0).ok());
  const Alert alert = rule.Alerts()[0];
  EXPECT_EQ(alert.state, AlertState::kPending);
  EXPECT_EQ(alert.active_at_ms, 3 * kMinute);
}

TEST_F(AlertingTest, KeepFiringForHoldsAFiringAlert) {
  AlertingRule rule(Def(0, 2 * kMinute), &context_);
  ASSERT_TRUE(rule.Eval(One(1), 0, 0).ok());
  ASSERT_TRUE(rule.Eval({}, kMinute, 0).ok());
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kFiring);
  EXPECT_EQ(rule.Alerts()[0].keep_firing_since_ms, kMinute);
  ASSERT_TRUE(rule.Eval({}, 2 * kMinute, 0).ok());
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kFiring);
  ASSERT_TRUE(rule.Eval({}, 3 * kMinute, 0).ok());  // 2m since keep_firing_since: resolves
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kInactive);
  EXPECT_EQ(rule.Alerts()[0].resolved_at_ms, 3 * kMinute);
}

TEST_F(AlertingTest, ValueAndAnnotationsFollowTheQueryButActiveAtStays) {
  AlertingRule rule(Def(10 * kMinute), &context_);
  ASSERT_TRUE(rule.Eval(One(1), 0, 0).ok());
  ASSERT_TRUE(rule.Eval(One(7.5), kMinute, 0).ok());
  const Alert alert = rule.Alerts()[0];
  EXPECT_EQ(alert.value, 7.5);
  EXPECT_EQ(alert.active_at_ms, 0);
  EXPECT_EQ(alert.annotations.Get("summary"), "a value 7.5 ext eu1");
}

TEST_F(AlertingTest, DuplicateLabelSetsAfterTemplatingAreAnError) {
  RuleDef def = Def(0);
  def.labels = {{"instance", "same"}};
  AlertingRule rule(def, &context_);
  promql::Vector two = One(1, "a");
  two.push_back(One(1, "b")[0]);
  Result<promql::Vector> out = rule.Eval(two, 0, 0);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message,
            "vector contains metrics with the same labelset after applying alert labels");
}

TEST_F(AlertingTest, LimitClearsActiveAlerts) {
  AlertingRule rule(Def(0), &context_);
  promql::Vector two = One(1, "a");
  two.push_back(One(1, "b")[0]);
  Result<promql::Vector> out = rule.Eval(two, 0, 1);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "exceeded limit of 1 with 2 alerts");
  EXPECT_TRUE(rule.Alerts().empty());
}

TEST_F(AlertingTest, RestoredFiringAlertStaysFiring) {
  AlertingRule before(Def(5 * kMinute), &context_);
  ASSERT_TRUE(before.Eval(One(1), 0, 0).ok());
  ASSERT_TRUE(before.Eval(One(1), 5 * kMinute, 0).ok());
  ASSERT_EQ(before.Alerts()[0].state, AlertState::kFiring);

  AlertingRule after(Def(5 * kMinute), &context_);
  after.Restore(before.Alerts());
  Result<promql::Vector> out = after.Eval(One(1), 6 * kMinute, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].labels.Get("alertstate"), "firing");
  EXPECT_EQ(after.Alerts()[0].active_at_ms, 0);
}

}  // namespace
}  // namespace opsagent::rules
