// The rule manager: schedules groups, carries alert state across reloads and restarts, and
// publishes copies for readers on other threads so evaluation never waits for the API.
#include "rules/manager.h"

#include <algorithm>
#include <map>
#include <set>

namespace opsagent::rules {
namespace {

using promql::Expr;
using promql::ExprKind;

void CollectNeeds(const Expr& expr, std::int64_t interval_ms,
                  std::map<std::string, HistoryNeed>* needs) {
  auto add = [&](const promql::VectorSelector& selector, std::int64_t span_ms) {
    std::string key;
    for (const LabelMatcher& m : selector.matchers) key += m.ToString() + ",";
    HistoryNeed& need = (*needs)[key];
    need.matchers = selector.matchers;
    need.retention_ms = std::max(
        need.retention_ms, span_ms + std::max<std::int64_t>(selector.offset_ms, 0) + interval_ms);
  };
  switch (expr.kind) {
    case ExprKind::kVectorSelector: {
      const auto& selector = static_cast<const promql::VectorSelector&>(expr);
      if (selector.offset_ms > 0) add(selector, kLookbackDeltaMs);
      break;
    }
    case ExprKind::kMatrixSelector: {
      const auto& matrix = static_cast<const promql::MatrixSelector&>(expr);
      add(*matrix.selector, matrix.range_ms);
      break;
    }
    case ExprKind::kParen:
      CollectNeeds(*static_cast<const promql::ParenExpr&>(expr).expr, interval_ms, needs);
      break;
    case ExprKind::kUnary:
      CollectNeeds(*static_cast<const promql::UnaryExpr&>(expr).expr, interval_ms, needs);
      break;
    case ExprKind::kBinary: {
      const auto& binary = static_cast<const promql::BinaryExpr&>(expr);
      CollectNeeds(*binary.lhs, interval_ms, needs);
      CollectNeeds(*binary.rhs, interval_ms, needs);
      break;
    }
    case ExprKind::kAggregate: {
      const auto& aggregate = static_cast<const promql::AggregateExpr&>(expr);
      if (aggregate.param) CollectNeeds(*aggregate.param, interval_ms, needs);
      CollectNeeds(*aggregate.expr, interval_ms, needs);
      break;
    }
    case ExprKind::kCall:
      for (const auto& arg : static_cast<const promql::Call&>(expr).args) {
        CollectNeeds(*arg, interval_ms, needs);
      }
      break;
    case ExprKind::kNumber:
    case ExprKind::kString:
      break;
  }
}

}  // namespace

std::vector<HistoryNeed> HistoryNeedsOf(const std::vector<GroupDef>& groups,
                                        std::int64_t default_interval_ms) {
  std::map<std::string, HistoryNeed> needs;
  for (const GroupDef& group : groups) {
    const std::int64_t interval = group.interval_ms > 0 ? group.interval_ms : default_interval_ms;
    for (const RuleDef& rule : group.rules) {
      if (rule.expr) CollectNeeds(*rule.expr, interval, &needs);
    }
  }
  std::vector<HistoryNeed> out;
  for (auto& [key, need] : needs) out.push_back(std::move(need));
  return out;
}

Manager::Manager(MemoryStore* store, ManagerOptions options)
    : store_(store), options_(std::move(options)) {
  context_.external_labels = options_.external_labels;
  context_.external_url = options_.external_url;
}

Manager::~Manager() = default;

void Manager::SetGroups(std::vector<GroupDef> groups, std::int64_t t_ms) {
  std::vector<SavedRuleAlerts> carried;
  std::set<std::string> old_sources;
  for (const auto& group : groups_) {
    for (auto& [key, alerts] : group->AlertStates()) carried.push_back({key, std::move(alerts)});
    for (std::string& key : group->RuleKeys()) old_sources.insert(std::move(key));
  }
  std::map<std::string, std::int64_t> old_next;
  for (std::size_t i = 0; i < groups_.size(); ++i) old_next[groups_[i]->Key()] = next_eval_ms_[i];

  store_->SetHistoryNeeds(HistoryNeedsOf(groups, options_.evaluation_interval_ms));
  GroupOptions group_options;
  group_options.default_interval_ms = options_.evaluation_interval_ms;
  group_options.eval = options_.eval;
  group_options.query_timeout = options_.query_timeout;
  groups_.clear();
  next_eval_ms_.clear();
  for (GroupDef& def : groups) {
    groups_.push_back(std::make_unique<RuleGroup>(std::move(def), &context_, group_options));
    auto next = old_next.find(groups_.back()->Key());
    next_eval_ms_.push_back(next == old_next.end() ? 0 : next->second);
    for (const std::string& key : groups_.back()->RuleKeys()) old_sources.erase(key);
  }
  // Rules that are gone: their recording results and ALERTS series go stale now.
  for (const std::string& source : old_sources) store_->EndSource(source, t_ms);
  RestoreAlerts(carried);
}

void Manager::EvaluateDue(std::int64_t t_ms) {
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    if (t_ms < next_eval_ms_[i]) continue;
    groups_[i]->Eval(*store_, t_ms);
    next_eval_ms_[i] = t_ms + groups_[i]->interval_ms();
  }
  Publish();
}

void Manager::EvaluateAll(std::int64_t t_ms) {
  for (auto& group : groups_) group->Eval(*store_, t_ms);
  Publish();
}

void Manager::Publish() {
  std::vector<GroupStatus> status;
  std::vector<std::pair<Labels, double>> output;
  std::vector<SavedRuleAlerts> saved;
  for (const auto& group : groups_) {
    status.push_back(group->Status());
    output.insert(output.end(), group->LastOutput().begin(), group->LastOutput().end());
    for (auto& [key, alerts] : group->AlertStates()) saved.push_back({key, std::move(alerts)});
  }
  std::lock_guard lock(mu_);
  status_ = std::move(status);
  output_ = std::move(output);
  saved_ = std::move(saved);
}

std::vector<GroupStatus> Manager::Status() const {
  std::lock_guard lock(mu_);
  return status_;
}

std::vector<std::pair<Labels, double>> Manager::Output() const {
  std::lock_guard lock(mu_);
  return output_;
}

std::vector<Alert> Manager::Alerts() const {
  std::lock_guard lock(mu_);
  std::vector<Alert> alerts;
  for (const SavedRuleAlerts& rule : saved_) {
    alerts.insert(alerts.end(), rule.alerts.begin(), rule.alerts.end());
  }
  return alerts;
}

std::vector<SavedRuleAlerts> Manager::SavedAlerts() const {
  std::lock_guard lock(mu_);
  return saved_;
}

void Manager::RestoreAlerts(const std::vector<SavedRuleAlerts>& saved) {
  for (const SavedRuleAlerts& rule : saved) {
    for (auto& group : groups_) group->RestoreAlerts(rule.rule_key, rule.alerts);
  }
  Publish();
}

}  // namespace opsagent::rules
