// The rule manager: owns the loaded groups, evaluates them on schedule against the store, and
// hands out thread-safe status, outputs and alert state for the API, /metrics and persistence.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "rules/alerting.h"
#include "rules/group.h"
#include "rules/rule_file.h"
#include "rules/store/memory_store.h"

namespace opsagent::rules {

struct ManagerOptions {
  std::int64_t evaluation_interval_ms = 15000;
  Labels external_labels;
  std::string external_url;
  promql::EvalOptions eval;
  std::chrono::milliseconds query_timeout{10000};
};

/// The alerts of one rule, keyed as RuleGroup::AlertStates names it, for persistence.
struct SavedRuleAlerts {
  std::string rule_key;
  std::vector<Alert> alerts;
};

/// The history each selector of `groups` needs: range + offset + one interval for range
/// selectors, lookback + offset + one interval for instant selectors with an offset.
std::vector<HistoryNeed> HistoryNeedsOf(const std::vector<GroupDef>& groups,
                                        std::int64_t default_interval_ms);

/// Thread-safety: SetGroups/Evaluate*/RestoreAlerts from one thread (the agent's loop); Status,
/// Output, Alerts and SavedAlerts may be called from any thread.
class Manager {
 public:
  Manager(MemoryStore* store, ManagerOptions options);
  ~Manager();

  /// Replaces the groups (reload). A group with the same key and the same rules keeps its alert
  /// state; removed groups' series go stale at `t_ms`. Updates the store's history needs.
  void SetGroups(std::vector<GroupDef> groups, std::int64_t t_ms);
  /// Evaluates, in order, every group whose interval has elapsed since its last evaluation
  /// (all of them on the first call).
  void EvaluateDue(std::int64_t t_ms);
  /// Evaluates every group in order at `t_ms` (promtool's unit-test loop).
  void EvaluateAll(std::int64_t t_ms);

  std::vector<GroupStatus> Status() const;
  /// Every group's latest output (recording results, ALERTS, ALERTS_FOR_STATE).
  std::vector<std::pair<Labels, double>> Output() const;
  /// Every tracked alert of every alerting rule.
  std::vector<Alert> Alerts() const;

  std::vector<SavedRuleAlerts> SavedAlerts() const;
  /// Restores alerts saved by SavedAlerts for rules that still exist (by key).
  void RestoreAlerts(const std::vector<SavedRuleAlerts>& saved);

 private:
  void Publish();
  MemoryStore* store_;
  ManagerOptions options_;
  RuleContext context_;
  std::vector<std::unique_ptr<RuleGroup>> groups_;
  std::vector<std::int64_t> next_eval_ms_;
  mutable std::mutex mu_;  // guards the published copies below
  std::vector<GroupStatus> status_;
  std::vector<std::pair<Labels, double>> output_;
  std::vector<SavedRuleAlerts> saved_;
};

}  // namespace opsagent::rules
