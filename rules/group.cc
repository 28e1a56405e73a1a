// Group evaluation as Prometheus's rules/group.go does it: rules in file order at one timestamp,
// each rule's output written before the next rule is queried, failures isolated per rule.
#include "rules/group.h"

#include <set>

namespace opsagent::rules {
namespace {

using Clock = std::chrono::steady_clock;
using LabeledSamples = std::vector<std::pair<Labels, double>>;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Prometheus's EngineQueryFunc: a scalar result becomes one sample without labels.
Result<promql::Vector> AsVector(promql::EvalResult result, std::int64_t t_ms) {
  if (!result.ok()) return Error{result.error->message};
  if (auto* vector = std::get_if<promql::Vector>(&result.value)) return std::move(*vector);
  if (auto* scalar = std::get_if<promql::Scalar>(&result.value)) {
    return promql::Vector{promql::Sample{Labels(), t_ms, scalar->v}};
  }
  return Error{"rule result is not a vector or scalar"};
}

Result<promql::Vector> Record(const RuleDef& def, promql::Vector vector, int limit) {
  std::set<Labels> seen;
  for (promql::Sample& sample : vector) {
    LabelsBuilder labels(sample.labels);
    labels.Set(kMetricNameLabel, def.name);
    for (const auto& [name, value] : def.labels) labels.Set(name, value);
    sample.labels = labels.Build();
    if (!seen.insert(sample.labels).second) {
      return Error{"vector contains metrics with the same labelset after applying rule labels"};
    }
  }
  if (limit > 0 && static_cast<int>(vector.size()) > limit) {
    return Error{"exceeded limit of " + std::to_string(limit) + " with " +
                 std::to_string(vector.size()) + " series"};
  }
  return vector;
}

}  // namespace

const char* RuleHealthName(RuleHealth health) {
  switch (health) {
    case RuleHealth::kUnknown:
      return "unknown";
    case RuleHealth::kOk:
      return "ok";
    case RuleHealth::kError:
      return "err";
  }
  return "unknown";
}

struct RuleGroup::RuleSlot {
  RuleSlot(const RuleDef& def, const RuleContext* context) : def(def) {
    if (def.kind == RuleKind::kAlerting) alerting = std::make_unique<AlertingRule>(def, context);
  }
  RuleDef def;
  std::unique_ptr<AlertingRule> alerting;  // null for recording rules
  RuleHealth health = RuleHealth::kUnknown;
  std::string last_error;
  std::int64_t last_eval_ms = 0;
  double last_duration_seconds = 0;
  LabeledSamples output;
};

RuleGroup::RuleGroup(GroupDef def, const RuleContext* context, GroupOptions options)
    : def_(std::move(def)), context_(context), options_(std::move(options)) {
  for (const RuleDef& rule : def_.rules)
    slots_.push_back(std::make_unique<RuleSlot>(rule, context_));
}

RuleGroup::~RuleGroup() = default;

std::int64_t RuleGroup::interval_ms() const {
  return def_.interval_ms > 0 ? def_.interval_ms : options_.default_interval_ms;
}

std::string RuleGroup::Key() const { return def_.file + ";" + def_.name; }

std::string RuleGroup::RuleKey(std::size_t index) const {
  return Key() + ";" + std::to_string(index) + ";" + slots_[index]->def.name;
}

std::vector<std::string> RuleGroup::RuleKeys() const {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < slots_.size(); ++i) keys.push_back(RuleKey(i));
  return keys;
}

void RuleGroup::Eval(MemoryStore& store, std::int64_t t_ms) {
  const Clock::time_point group_start = Clock::now();
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    RuleSlot& slot = *slots_[i];
    const Clock::time_point start = Clock::now();
    promql::EvalOptions eval = options_.eval;
    eval.deadline = std::min(eval.deadline, start + options_.query_timeout);
    Result<promql::Vector> vector =
        AsVector(promql::EvalInstant(*slot.def.expr, store, t_ms, eval), t_ms);
    if (vector.ok()) {
      vector = slot.alerting ? slot.alerting->Eval(*vector, t_ms, def_.limit)
                             : Record(slot.def, std::move(*vector), def_.limit);
    }
    slot.last_eval_ms = t_ms;
    if (!vector.ok()) {
      // As in Prometheus: nothing is written, so the previous output neither goes stale nor
      // is replaced; the rule reports the error and the group goes on.
      slot.health = RuleHealth::kError;
      slot.last_error = vector.error().message;
      ++failures_;
    } else {
      slot.health = RuleHealth::kOk;
      slot.last_error.clear();
      slot.output.clear();
      for (promql::Sample& sample : *vector)
        slot.output.emplace_back(std::move(sample.labels), sample.v);
      store.AppendBatch(RuleKey(i), t_ms, slot.output);
    }
    slot.last_duration_seconds = SecondsSince(start);
  }
  last_output_.clear();
  for (const auto& slot : slots_) {
    last_output_.insert(last_output_.end(), slot->output.begin(), slot->output.end());
  }
  last_eval_ms_ = t_ms;
  last_duration_seconds_ = SecondsSince(group_start);
  ++evaluations_;
}

void RuleGroup::EndSeries(MemoryStore& store, std::int64_t t_ms) const {
  for (std::size_t i = 0; i < slots_.size(); ++i) store.EndSource(RuleKey(i), t_ms);
}

GroupStatus RuleGroup::Status() const {
  GroupStatus status;
  status.file = def_.file;
  status.name = def_.name;
  status.interval_ms = interval_ms();
  status.limit = def_.limit;
  status.last_eval_ms = last_eval_ms_;
  status.last_duration_seconds = last_duration_seconds_;
  status.evaluations = evaluations_;
  status.failures = failures_;
  for (const auto& slot : slots_) {
    RuleStatus rule;
    rule.def = slot->def;
    rule.health = slot->health;
    rule.last_error = slot->last_error;
    rule.last_eval_ms = slot->last_eval_ms;
    rule.last_duration_seconds = slot->last_duration_seconds;
    if (slot->alerting) rule.alerts = slot->alerting->Alerts();
    status.rules.push_back(std::move(rule));
  }
  return status;
}

std::vector<std::pair<std::string, std::vector<Alert>>> RuleGroup::AlertStates() const {
  std::vector<std::pair<std::string, std::vector<Alert>>> states;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i]->alerting) states.emplace_back(RuleKey(i), slots_[i]->alerting->Alerts());
  }
  return states;
}

void RuleGroup::RestoreAlerts(const std::string& rule_key, const std::vector<Alert>& alerts) {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i]->alerting && RuleKey(i) == rule_key) slots_[i]->alerting->Restore(alerts);
  }
}

}  // namespace opsagent::rules
