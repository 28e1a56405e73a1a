// Agent: owns the configuration, the fixed-rate collection schedule and the exposition cache.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "agent/config/config.h"
#include "agent/core/collection.h"
#include "agent/core/exposition.h"
#include "agent/core/rule_engine.h"
#include "agent/core/self_metrics.h"
#include "agent/core/state_db.h"

namespace opsagent::core {

/// Command-line flags that take precedence over the config file, re-applied on every reload.
struct Overrides {
  std::optional<std::string> listen_address;
  std::optional<std::string> procfs;
  std::optional<std::string> sysfs;
  std::optional<std::string> rootfs;
  std::optional<std::string> api_listen_address;
  std::optional<std::string> state_dir;
};

void ApplyOverrides(config::Config& config, const Overrides& overrides);

/// Runs collection cycles at a fixed rate on `io` and publishes each cycle's exposition.
/// Thread-safety: Start, Stop and Reload must be called on the io_context's thread (or before it
/// runs); exposition() and ready() may be read from any thread (the HTTP workers).
class Agent {
 public:
  /// `config_path` empty means the embedded default (reload then re-reads the embedded default).
  Agent(boost::asio::io_context& io, config::Config config, std::string config_path,
        Overrides overrides);
  ~Agent();

  /// Opens the state database and loads the rule files; on failure the agent must not start.
  /// Returns every problem (`FILE:LINE:COL: message`).
  std::vector<std::string> Init();
  /// Schedules the first cycle immediately.
  void Start();
  /// Cancels the schedule; waits briefly for running collectors. Returns false when a collector
  /// is still stuck (the caller should exit without joining the pool).
  bool Stop();
  /// Re-reads the config and the rule files; on any problem keeps the running ones. Returns the
  /// problems as `FILE:LINE:COL: message` (empty on success).
  std::vector<std::string> Reload();

  const ExpositionCache& exposition() const { return cache_; }
  bool ready() const { return ready_.load(); }
  const config::Config& config() const { return config_; }
  /// The rule engine (null before Init). Its store and manager are safe to read from any thread.
  const RuleEngine* rule_engine() const { return rules_.get(); }

 private:
  void Apply(config::Config config);
  void ScheduleNext();
  void OnTick();
  void OnCycleDone(CycleResult result);
  std::int64_t CycleTimestampMs(std::chrono::steady_clock::time_point tick) const;

  boost::asio::io_context& io_;
  config::Config config_;
  std::string config_path_;
  Overrides overrides_;

  std::unique_ptr<StateDb> state_db_;
  std::unique_ptr<RuleEngine> rules_;
  // Wall-clock anchor of the schedule: cycle timestamps are start + k * interval exactly, which
  // keeps the store's delta-of-delta timestamp encoding at one bit per sample.
  std::chrono::steady_clock::time_point steady_start_;
  std::int64_t wall_start_ms_ = 0;
  std::chrono::steady_clock::time_point cycle_tick_;

  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::unique_ptr<CollectorSet> collectors_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point next_tick_;
  bool cycle_in_flight_ = false;
  bool stopped_ = false;

  std::shared_ptr<std::atomic<int>> in_flight_;
  std::map<std::string, std::uint64_t> timeouts_total_;
  std::map<std::string, bool> last_ok_;
  std::uint64_t cycles_total_ = 0;
  ReloadHealth reload_;
  ExpositionCache cache_;
  std::atomic<bool> ready_{false};
};

}  // namespace opsagent::core
