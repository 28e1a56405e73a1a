// RuleEngine: glue between the collection cycle, the rule store/manager and the state database.
#include "agent/core/rule_engine.h"

#include <glob.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "agent/core/series_bridge.h"
#include "collectors/metric_set.h"
#include "rules/pack.h"

namespace opsagent::core {
namespace {

constexpr std::string_view kCollectSource = "collect";
// State is written when it changes and at least this often, so saved_at stays fresh enough for
// the outage tolerance check after a restart.
constexpr std::int64_t kStateRefreshMs = 60 * 1000;

bool HasGlobChars(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

std::vector<std::string> ExpandPatterns(const config::Config& config,
                                        std::vector<std::string>* problems) {
  std::filesystem::path base;
  if (config.source != "<embedded>") base = std::filesystem::path(config.source).parent_path();
  std::vector<std::string> files;
  for (const std::string& pattern : config.rule_files) {
    std::filesystem::path path(pattern);
    if (path.is_relative() && !base.empty()) path = base / path;
    glob_t matches{};
    const int rc = glob(path.c_str(), 0, nullptr, &matches);
    if (rc == 0) {
      for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
        // A file matched by several patterns is loaded once, as Prometheus does.
        std::string file = matches.gl_pathv[i];
        if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
      }
    } else if (rc != GLOB_NOMATCH || !HasGlobChars(pattern)) {
      problems->push_back(config.source + ": rule_files: \"" + pattern + "\" matches no file (" +
                          path.string() + ")");
    }
    globfree(&matches);
  }
  return files;
}

nlohmann::json LabelsToJson(const rules::Labels& labels) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& label : labels) out[label.name] = label.value;
  return out;
}

rules::Labels LabelsFromJson(const std::string& text) {
  std::vector<rules::Label> labels;
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return rules::Labels();
  for (const auto& [name, value] : parsed.items()) {
    if (value.is_string()) labels.push_back({name, value.get<std::string>()});
  }
  return rules::Labels::FromVector(std::move(labels));
}

std::vector<AlertStateRow> ToRows(const std::vector<rules::SavedRuleAlerts>& saved,
                                  std::int64_t now_ms) {
  std::vector<AlertStateRow> rows;
  for (const auto& rule : saved) {
    for (const rules::Alert& alert : rule.alerts) {
      AlertStateRow row;
      row.rule_key = rule.rule_key;
      row.labels_json = LabelsToJson(alert.labels).dump();
      row.annotations_json = LabelsToJson(alert.annotations).dump();
      row.state = static_cast<int>(alert.state);
      row.value = alert.value;
      row.active_at_ms = alert.active_at_ms;
      row.fired_at_ms = alert.fired_at_ms;
      row.resolved_at_ms = alert.resolved_at_ms;
      row.keep_firing_since_ms = alert.keep_firing_since_ms;
      row.last_eval_ms = alert.last_eval_ms != 0 ? alert.last_eval_ms : now_ms;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<rules::SavedRuleAlerts> FromRows(const std::vector<AlertStateRow>& rows) {
  std::vector<rules::SavedRuleAlerts> saved;
  for (const AlertStateRow& row : rows) {
    if (saved.empty() || saved.back().rule_key != row.rule_key) saved.push_back({row.rule_key, {}});
    rules::Alert alert;
    alert.labels = LabelsFromJson(row.labels_json);
    alert.annotations = LabelsFromJson(row.annotations_json);
    alert.state = static_cast<rules::AlertState>(row.state);
    alert.value = row.value;
    alert.active_at_ms = row.active_at_ms;
    alert.fired_at_ms = row.fired_at_ms;
    alert.resolved_at_ms = row.resolved_at_ms;
    alert.keep_firing_since_ms = row.keep_firing_since_ms;
    alert.last_eval_ms = row.last_eval_ms;
    saved.back().alerts.push_back(std::move(alert));
  }
  return saved;
}

rules::Labels ExternalLabels(const config::Config& config) {
  std::vector<rules::Label> labels;
  for (const auto& [name, value] : config.external_labels) labels.push_back({name, value});
  return rules::Labels::FromVector(std::move(labels));
}

}  // namespace

rules::RuleFileLoad LoadRulesFor(const config::Config& config) {
  std::vector<std::string> problems;
  const std::vector<std::string> files = ExpandPatterns(config, &problems);
  std::vector<std::pair<std::string, std::string>> embedded;
  if (config.builtin_rule_pack) {
    for (const auto& file : rules::EmbeddedRulePack()) {
      embedded.emplace_back(std::string(file.name), std::string(file.text));
    }
  }
  rules::RuleFileLoad load = rules::LoadRuleFiles(files, embedded);
  load.problems.insert(load.problems.begin(), problems.begin(), problems.end());
  return load;
}

RuleEngine::RuleEngine(const config::Config& config, StateDb* db)
    : db_(db),
      max_series_history_(static_cast<std::size_t>(config.max_series_history)),
      evaluation_interval_ms_(config.evaluation_interval.count()) {
  rules::StoreOptions store_options;
  store_options.max_series_history = max_series_history_;
  store_ = std::make_unique<rules::MemoryStore>(store_options);
  rules::ManagerOptions options;
  options.evaluation_interval_ms = evaluation_interval_ms_;
  options.external_labels = ExternalLabels(config);
  options.eval.max_samples = static_cast<std::size_t>(config.query_max_samples);
  options.query_timeout = config.query_timeout;
  manager_ = std::make_unique<rules::Manager>(store_.get(), options);
}

RuleEngine::~RuleEngine() = default;

std::vector<std::string> RuleEngine::CheckBounds(const std::vector<rules::GroupDef>& groups) const {
  const std::size_t needed =
      store_->CountHistorySeries(rules::HistoryNeedsOf(groups, evaluation_interval_ms_));
  if (needed <= max_series_history_) return {};
  return {"rule files need history for " + std::to_string(needed) +
          " series, over rules.max_series_history (" + std::to_string(max_series_history_) +
          "): narrow the range selectors' matchers or raise the bound"};
}

void RuleEngine::Configure(const config::Config& config, std::vector<rules::GroupDef> groups,
                           std::int64_t now_ms) {
  (void)config;  // the store and manager options are fixed at start; reload swaps the rules
  std::size_t rules_total = 0;
  for (const auto& group : groups) rules_total += group.rules.size();
  spdlog::info("{} rule groups with {} rules loaded", groups.size(), rules_total);
  manager_->SetGroups(std::move(groups), now_ms);
}

void RuleEngine::RestoreState(std::int64_t now_ms) {
  if (db_ == nullptr) return;
  Result<AlertStateSnapshot> snapshot = db_->LoadAlertState();
  if (!snapshot.ok()) {
    spdlog::warn("alert state not restored: {}", snapshot.error().message);
    return;
  }
  if (snapshot->rows.empty()) return;
  if (now_ms - snapshot->saved_at_ms > kAlertOutageToleranceMs) {
    spdlog::info("alert state saved {} s ago is older than the outage tolerance; starting fresh",
                 (now_ms - snapshot->saved_at_ms) / 1000);
    return;
  }
  manager_->RestoreAlerts(FromRows(snapshot->rows));
  spdlog::info("restored {} alerts saved {} s ago", snapshot->rows.size(),
               (now_ms - snapshot->saved_at_ms) / 1000);
}

void RuleEngine::OnCycle(const collectors::Families& families, std::int64_t t_ms) {
  // Rule health (from the previous evaluation) is ingested with the cycle, so rules such as the
  // pack's OpsagentRuleEvaluationFailing can read it, as Prometheus reads its own metrics.
  LabeledSamples samples = FamiliesToSamples(families);
  LabeledSamples health = FamiliesToSamples(HealthFamilies());
  samples.insert(samples.end(), std::make_move_iterator(health.begin()),
                 std::make_move_iterator(health.end()));
  store_->AppendBatch(kCollectSource, t_ms, samples);
  manager_->EvaluateDue(t_ms);
  store_->Collect(t_ms);
  SaveState(t_ms);
}

void RuleEngine::SaveState(std::int64_t now_ms) {
  if (db_ == nullptr) return;
  const std::vector<AlertStateRow> rows = ToRows(manager_->SavedAlerts(), now_ms);
  std::string digest;
  for (const AlertStateRow& row : rows) {
    digest += row.rule_key + row.labels_json + std::to_string(row.state) +
              std::to_string(row.active_at_ms) + std::to_string(row.resolved_at_ms) +
              std::to_string(row.keep_firing_since_ms) + "\n";
  }
  if (digest == last_saved_ && now_ms - last_saved_ms_ < kStateRefreshMs) return;
  if (Status saved = db_->SaveAlertState(rows, now_ms); !saved) {
    spdlog::warn("alert state not saved: {}", saved.message());
    return;
  }
  last_saved_ = std::move(digest);
  last_saved_ms_ = now_ms;
}

collectors::Families RuleEngine::Families() const {
  collectors::Families families =
      SamplesToFamilies(manager_->Output(), "Result of an opsagent rule.");
  collectors::Families health = HealthFamilies();
  std::move(health.begin(), health.end(), std::back_inserter(families));
  return families;
}

collectors::Families RuleEngine::HealthFamilies() const {
  collectors::MetricSet set;
  for (const rules::GroupStatus& group : manager_->Status()) {
    const collectors::Labels labels = {{"rule_group", group.file + ";" + group.name}};
    set.Gauge("opsagent_rule_group_last_duration_seconds",
              "Duration of the last evaluation of the rule group.", group.last_duration_seconds,
              labels);
    set.Gauge("opsagent_rule_group_last_evaluation_timestamp_seconds",
              "Unix time of the last evaluation of the rule group.",
              static_cast<double>(group.last_eval_ms) / 1000.0, labels);
    set.Gauge("opsagent_rule_group_interval_seconds", "The interval of the rule group.",
              static_cast<double>(group.interval_ms) / 1000.0, labels);
    set.Gauge("opsagent_rule_group_rules", "Rules in the rule group.",
              static_cast<double>(group.rules.size()), labels);
    set.Counter("opsagent_rule_evaluations_total", "Rule group evaluations.",
                static_cast<double>(group.evaluations), labels);
    set.Counter("opsagent_rule_evaluation_failures_total", "Rule evaluations that failed.",
                static_cast<double>(group.failures), labels);
  }
  const rules::StoreStats stats = store_->Stats();
  set.Gauge("opsagent_rule_store_series", "Series held by the rule store.",
            static_cast<double>(stats.series));
  set.Gauge("opsagent_rule_store_history_series", "Series keeping history for range selectors.",
            static_cast<double>(stats.history_series));
  set.Gauge("opsagent_rule_store_samples", "Samples held in history chunks.",
            static_cast<double>(stats.samples));
  set.Gauge("opsagent_rule_store_chunk_bytes", "Bytes of compressed history chunks.",
            static_cast<double>(stats.bytes));
  set.Gauge("opsagent_rule_store_memory_bytes", "Estimated memory held by the rule store.",
            static_cast<double>(stats.memory_bytes));
  set.Counter("opsagent_rule_store_history_dropped_series_total",
              "Series that needed history but were over rules.max_series_history.",
              static_cast<double>(stats.history_dropped_series));
  set.Counter("opsagent_rule_store_dropped_samples_total",
              "Samples dropped by the rule store (out of order or over a bound).",
              static_cast<double>(stats.dropped_samples));
  return set.Take();
}

}  // namespace opsagent::core
