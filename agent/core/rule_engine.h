// RuleEngine: the agent's side of the rule engine. Loads rule files (config globs + the embedded
// pack), feeds every collection cycle into the store, evaluates due groups right after it,
// persists alert state in the state database and renders rule results and health for /metrics.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/core/state_db.h"
#include "collectors/collector.h"
#include "rules/manager.h"
#include "rules/rule_file.h"
#include "rules/store/memory_store.h"

namespace opsagent::core {

/// How long saved alert state stays valid across a restart (Prometheus's default
/// rules.alert.for-outage-tolerance).
inline constexpr std::int64_t kAlertOutageToleranceMs = 60 * 60 * 1000;

/// Expands `config.rule_files` (globs; relative ones against the config file's directory) and
/// parses them plus the embedded pack when enabled. A pattern without glob characters that
/// matches nothing is a problem (a typo must not silently disable alerting).
rules::RuleFileLoad LoadRulesFor(const config::Config& config);

/// Thread-safety: Configure, OnCycle and the state calls run on the agent's io_context thread;
/// store() and manager() are thread-safe for reading (the API's threads).
class RuleEngine {
 public:
  /// `db` may be null (no persistence).
  RuleEngine(const config::Config& config, StateDb* db);
  ~RuleEngine();

  /// Checks that `groups` keep history for at most rules.max_series_history of the series the
  /// store holds now; returns the problems (empty: fine).
  std::vector<std::string> CheckBounds(const std::vector<rules::GroupDef>& groups) const;
  /// Installs validated groups (start and reload); alert state carries over.
  void Configure(const config::Config& config, std::vector<rules::GroupDef> groups,
                 std::int64_t now_ms);
  /// Restores alert state saved within the outage tolerance; call once after the first
  /// Configure.
  void RestoreState(std::int64_t now_ms);

  /// One collection cycle stamped `t_ms`: ingest, evaluate due groups, trim, persist.
  void OnCycle(const collectors::Families& families, std::int64_t t_ms);

  /// Rule results (recording rules, ALERTS, ALERTS_FOR_STATE), rule health and store metrics.
  collectors::Families Families() const;
  /// Only the rule health and store metrics (also ingested with every cycle).
  collectors::Families HealthFamilies() const;

  const rules::MemoryStore& store() const { return *store_; }
  const rules::Manager& manager() const { return *manager_; }

 private:
  void SaveState(std::int64_t now_ms);

  StateDb* db_;
  std::size_t max_series_history_;
  std::int64_t evaluation_interval_ms_;
  std::unique_ptr<rules::MemoryStore> store_;
  std::unique_ptr<rules::Manager> manager_;
  std::string last_saved_;
  std::int64_t last_saved_ms_ = 0;
};

}  // namespace opsagent::core
