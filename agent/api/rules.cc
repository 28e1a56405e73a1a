// /api/v1/rules and /api/v1/alerts in Prometheus 2.42's JSON shapes, from the rule manager's
// published status (a copy: the API never blocks evaluation).
#include <httplib.h>

#include <charconv>
#include <cmath>

#include "agent/api/api.h"
#include "agent/api/json.h"
#include "rules/promql/printer.h"

namespace opsagent::api {
namespace {

using json = Json;

constexpr char kGoZeroTime[] = "0001-01-01T00:00:00Z";

json PairsJson(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json out = json::object();
  for (const auto& [name, value] : pairs) out[name] = value;
  return out;
}

// Go's strconv.FormatFloat(v, 'e', -1, 64), which Prometheus uses for alert values.
std::string FormatAlertValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

std::string EvalTime(std::int64_t t_ms) { return t_ms == 0 ? kGoZeroTime : FormatRfc3339(t_ms); }

json AlertJson(const rules::Alert& alert) {
  json out = {{"labels", LabelsJson(alert.labels)},
              {"annotations", LabelsJson(alert.annotations)},
              {"state", rules::AlertStateName(alert.state)},
              {"activeAt", FormatRfc3339(alert.active_at_ms)},
              {"value", FormatAlertValue(alert.value)}};
  if (alert.keep_firing_since_ms != 0) {
    out["keepFiringSince"] = FormatRfc3339(alert.keep_firing_since_ms);
  }
  return out;
}

bool IsActive(const rules::Alert& alert) { return alert.state != rules::AlertState::kInactive; }

json RuleJson(const rules::RuleStatus& rule) {
  json out = {{"name", rule.def.name},
              {"query", rule.def.expr ? rules::promql::Print(*rule.def.expr) : rule.def.expr_text},
              {"labels", PairsJson(rule.def.labels)},
              {"health", rules::RuleHealthName(rule.health)},
              {"evaluationTime", rule.last_duration_seconds},
              {"lastEvaluation", EvalTime(rule.last_eval_ms)}};
  if (!rule.last_error.empty()) out["lastError"] = rule.last_error;
  if (rule.def.kind == rules::RuleKind::kRecording) {
    out["type"] = "recording";
    return out;
  }
  rules::AlertState state = rules::AlertState::kInactive;
  json alerts = json::array();
  for (const rules::Alert& alert : rule.alerts) {
    if (!IsActive(alert)) continue;
    state = std::max(state, alert.state);
    alerts.push_back(AlertJson(alert));
  }
  out["type"] = "alerting";
  out["state"] = rules::AlertStateName(state);
  out["duration"] = static_cast<double>(rule.def.for_ms) / 1000.0;
  out["keepFiringFor"] = static_cast<double>(rule.def.keep_firing_for_ms) / 1000.0;
  out["annotations"] = PairsJson(rule.def.annotations);
  out["alerts"] = std::move(alerts);
  return out;
}

}  // namespace

void HandleRules(const ApiContext& context, const httplib::Request& req, httplib::Response& res) {
  const std::string type = req.get_param_value("type");
  if (!type.empty() && type != "alert" && type != "record") {
    WriteError(res, 400, "bad_data", "invalid query parameter type='" + type + "'");
    return;
  }
  json groups = json::array();
  for (const rules::GroupStatus& group : context.manager->Status()) {
    json rules_json = json::array();
    for (const rules::RuleStatus& rule : group.rules) {
      const bool alerting = rule.def.kind == rules::RuleKind::kAlerting;
      if ((type == "alert" && !alerting) || (type == "record" && alerting)) continue;
      rules_json.push_back(RuleJson(rule));
    }
    groups.push_back({{"name", group.name},
                      {"file", group.file},
                      {"rules", std::move(rules_json)},
                      {"interval", static_cast<double>(group.interval_ms) / 1000.0},
                      {"limit", group.limit},
                      {"evaluationTime", group.last_duration_seconds},
                      {"lastEvaluation", EvalTime(group.last_eval_ms)}});
  }
  WriteSuccess(res, Dump(json{{"groups", std::move(groups)}}));
}

void HandleAlerts(const ApiContext& context, const httplib::Request&, httplib::Response& res) {
  json alerts = json::array();
  for (const rules::Alert& alert : context.manager->Alerts()) {
    if (IsActive(alert)) alerts.push_back(AlertJson(alert));
  }
  WriteSuccess(res, Dump(json{{"alerts", std::move(alerts)}}));
}

}  // namespace opsagent::api
