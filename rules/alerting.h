// Alerting rules: Prometheus's alert state machine (inactive -> pending -> firing, for,
// keep_firing_for, resolved retention) with templated labels and annotations.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "collectors/result.h"
#include "rules/promql/engine.h"
#include "rules/rule_file.h"
#include "rules/store/labels.h"

namespace opsagent::rules {

enum class AlertState { kInactive = 0, kPending = 1, kFiring = 2 };
/// "inactive", "pending", "firing".
const char* AlertStateName(AlertState state);

/// Resolved alerts are kept (and reported as resolved) this long, as Prometheus does.
inline constexpr std::int64_t kResolvedRetentionMs = 15 * 60 * 1000;

struct Alert {
  Labels labels;       ///< series labels without __name__, rule labels, alertname
  Labels annotations;  ///< expanded
  AlertState state = AlertState::kInactive;
  double value = 0;
  std::int64_t active_at_ms = 0;
  std::int64_t fired_at_ms = 0;
  std::int64_t resolved_at_ms = 0;
  std::int64_t keep_firing_since_ms = 0;
  std::int64_t last_eval_ms = 0;
};

/// Settings shared by every rule of the agent.
struct RuleContext {
  Labels external_labels;
  std::string external_url;
};

/// Thread-safety: not thread-safe; the owning group serializes Eval and reads.
class AlertingRule {
 public:
  AlertingRule(RuleDef def, const RuleContext* context);

  /// Applies one evaluation's query result at `t_ms`; returns the ALERTS and ALERTS_FOR_STATE
  /// samples to write, or an error (duplicate label sets after templating, over `limit`).
  Result<promql::Vector> Eval(const promql::Vector& result, std::int64_t t_ms, int limit);

  const RuleDef& def() const { return def_; }
  /// Every alert still tracked (pending, firing, or resolved within the retention), by labels.
  std::vector<Alert> Alerts() const;
  /// Puts back alerts saved before a restart (state, timestamps); later evaluations continue
  /// from them, so a firing alert stays firing.
  void Restore(const std::vector<Alert>& alerts);

 private:
  Alert Build(const promql::Sample& sample, std::int64_t t_ms) const;
  RuleDef def_;
  const RuleContext* context_;
  std::map<Labels, Alert> active_;
};

}  // namespace opsagent::rules
