// A rule group: its rules evaluated in order at one timestamp, recording results written to the
// store before the next rule runs (so later rules see them), with per-rule health.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "rules/alerting.h"
#include "rules/promql/engine.h"
#include "rules/rule_file.h"
#include "rules/store/memory_store.h"

namespace opsagent::rules {

enum class RuleHealth { kUnknown, kOk, kError };
/// "unknown", "ok", "err" as Prometheus's API spells them.
const char* RuleHealthName(RuleHealth health);

struct RuleStatus {
  RuleDef def;
  RuleHealth health = RuleHealth::kUnknown;
  std::string last_error;
  std::int64_t last_eval_ms = 0;
  double last_duration_seconds = 0;
  std::vector<Alert> alerts;  ///< alerting rules only
};

struct GroupStatus {
  std::string file;
  std::string name;
  std::int64_t interval_ms = 0;
  int limit = 0;
  std::int64_t last_eval_ms = 0;
  double last_duration_seconds = 0;
  std::uint64_t evaluations = 0;
  std::uint64_t failures = 0;  ///< rule evaluations that failed, summed over all rules
  std::vector<RuleStatus> rules;
};

/// Options for evaluating queries inside rules.
struct GroupOptions {
  std::int64_t default_interval_ms = 15000;
  promql::EvalOptions eval;
  std::chrono::milliseconds query_timeout{10000};
};

/// Thread-safety: not thread-safe; the Manager serializes calls.
class RuleGroup {
 public:
  RuleGroup(GroupDef def, const RuleContext* context, GroupOptions options);
  ~RuleGroup();
  RuleGroup(const RuleGroup&) = delete;
  RuleGroup& operator=(const RuleGroup&) = delete;

  /// Evaluates every rule at `t_ms` against `store`, appending each rule's output (recording
  /// results, ALERTS, ALERTS_FOR_STATE) to `store` as its own source so series that disappear go
  /// stale. A failing rule is recorded and the others still run.
  void Eval(MemoryStore& store, std::int64_t t_ms);
  /// Marks every series this group wrote stale (on removal at reload).
  void EndSeries(MemoryStore& store, std::int64_t t_ms) const;

  std::int64_t interval_ms() const;
  const GroupDef& def() const { return def_; }
  /// "FILE;NAME", the group's identity across reloads and restarts.
  std::string Key() const;
  /// The samples the last evaluation produced (recording results, ALERTS*), for /metrics.
  const std::vector<std::pair<Labels, double>>& LastOutput() const { return last_output_; }
  GroupStatus Status() const;

  /// Alert state for persistence: key of the rule (`FILE;GROUP;INDEX;NAME`) and its alerts.
  std::vector<std::pair<std::string, std::vector<Alert>>> AlertStates() const;
  void RestoreAlerts(const std::string& rule_key, const std::vector<Alert>& alerts);
  /// The store source of every rule (`FILE;GROUP;INDEX;NAME`).
  std::vector<std::string> RuleKeys() const;

 private:
  struct RuleSlot;
  std::string RuleKey(std::size_t index) const;
  GroupDef def_;
  const RuleContext* context_;
  GroupOptions options_;
  std::vector<std::unique_ptr<RuleSlot>> slots_;
  std::vector<std::pair<Labels, double>> last_output_;
  std::int64_t last_eval_ms_ = 0;
  double last_duration_seconds_ = 0;
  std::uint64_t evaluations_ = 0;
  std::uint64_t failures_ = 0;
};

}  // namespace opsagent::rules
