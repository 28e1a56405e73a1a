// The alert state machine of Prometheus 2.42's rules/alerting.go, step for step, so unit tests
// written for promtool give the same answers here.
#include "rules/alerting.h"

#include <cmath>
#include <set>

#include "rules/template.h"

namespace opsagent::rules {
namespace {

constexpr std::string_view kAlertNameLabel = "alertname";
constexpr std::string_view kAlertStateLabel = "alertstate";

}  // namespace

const char* AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
  }
  return "unknown";
}

AlertingRule::AlertingRule(RuleDef def, const RuleContext* context)
    : def_(std::move(def)), context_(context) {}

// Labels: the sample's labels minus __name__, then the rule's templated labels, then alertname.
// Templates see the sample's labels (with __name__, as Prometheus passes them) and its value.
Alert AlertingRule::Build(const promql::Sample& sample, std::int64_t t_ms) const {
  TemplateData data;
  data.labels = sample.labels;
  data.value = sample.v;
  data.external_labels = context_->external_labels;
  data.external_url = context_->external_url;
  const std::string template_name = "__alert_" + def_.name;

  LabelsBuilder labels(sample.labels);
  labels.Del(kMetricNameLabel);
  for (const auto& [name, text] : def_.labels) {
    labels.Set(name, ExpandTemplate(template_name, text, data));
  }
  labels.Set(kAlertNameLabel, def_.name);
  LabelsBuilder annotations;
  for (const auto& [name, text] : def_.annotations) {
    annotations.Set(name, ExpandTemplate(template_name, text, data));
  }

  Alert alert;
  alert.labels = labels.Build();
  alert.annotations = annotations.Build();
  alert.state = AlertState::kPending;
  alert.value = sample.v;
  alert.active_at_ms = t_ms;
  alert.last_eval_ms = t_ms;
  return alert;
}

Result<promql::Vector> AlertingRule::Eval(const promql::Vector& result, std::int64_t t_ms,
                                          int limit) {
  std::map<Labels, Alert> current;
  for (const promql::Sample& sample : result) {
    Alert alert = Build(sample, t_ms);
    Labels key = alert.labels;
    if (!current.emplace(std::move(key), std::move(alert)).second) {
      return Error{"vector contains metrics with the same labelset after applying alert labels"};
    }
  }
  // Known alerts keep their state and start time; only value and annotations follow the query.
  for (auto& [labels, alert] : current) {
    auto it = active_.find(labels);
    if (it != active_.end() && it->second.state != AlertState::kInactive) {
      it->second.value = alert.value;
      it->second.annotations = alert.annotations;
      it->second.last_eval_ms = t_ms;
      continue;
    }
    active_.insert_or_assign(labels, std::move(alert));
  }

  promql::Vector out;
  int active_count = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& alert = it->second;
    if (!current.contains(it->first)) {
      bool keep_firing = false;
      if (alert.state == AlertState::kFiring && def_.keep_firing_for_ms > 0) {
        if (alert.keep_firing_since_ms == 0) alert.keep_firing_since_ms = t_ms;
        keep_firing = t_ms - alert.keep_firing_since_ms < def_.keep_firing_for_ms;
      }
      // Pending alerts vanish at once; resolved ones stay for the retention so receivers hear
      // about the resolution.
      if (alert.state == AlertState::kPending ||
          (alert.resolved_at_ms != 0 && t_ms - alert.resolved_at_ms > kResolvedRetentionMs)) {
        it = active_.erase(it);
        continue;
      }
      if (alert.state != AlertState::kInactive && !keep_firing) {
        alert.state = AlertState::kInactive;
        alert.resolved_at_ms = t_ms;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      alert.keep_firing_since_ms = 0;
    }
    ++active_count;
    if (alert.state == AlertState::kPending && t_ms - alert.active_at_ms >= def_.for_ms) {
      alert.state = AlertState::kFiring;
      alert.fired_at_ms = t_ms;
    }
    LabelsBuilder series(alert.labels);
    series.Set(kMetricNameLabel, "ALERTS").Set(kAlertStateLabel, AlertStateName(alert.state));
    out.push_back(promql::Sample{series.Build(), t_ms, 1});
    LabelsBuilder for_state(alert.labels);
    for_state.Set(kMetricNameLabel, "ALERTS_FOR_STATE");
    out.push_back(
        promql::Sample{for_state.Build(), t_ms, static_cast<double>(alert.active_at_ms / 1000)});
    ++it;
  }
  if (limit > 0 && active_count > limit) {
    active_.clear();
    return Error{"exceeded limit of " + std::to_string(limit) + " with " +
                 std::to_string(active_count) + " alerts"};
  }
  return out;
}

std::vector<Alert> AlertingRule::Alerts() const {
  std::vector<Alert> alerts;
  alerts.reserve(active_.size());
  for (const auto& [labels, alert] : active_) alerts.push_back(alert);
  return alerts;
}

void AlertingRule::Restore(const std::vector<Alert>& alerts) {
  for (const Alert& alert : alerts) active_.insert_or_assign(alert.labels, alert);
}

}  // namespace opsagent::rules
