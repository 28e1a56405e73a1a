// Agent: fixed-rate collection schedule, reload, and publishing of each cycle's exposition.
#include "agent/core/agent.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <thread>

#include "agent/core/logging.h"
#include "collectors/registry.h"

namespace opsagent::core {
namespace {

using Clock = std::chrono::steady_clock;

// Collectors are short kernel reads; two workers keep one slow or stuck collector from delaying
// the rest, and the bound keeps a pile of stuck collectors from turning into a pile of threads.
constexpr std::size_t kCollectorThreads = 2;

std::int64_t UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Sorted by name, with same-name families merged, so the output is stable and valid even if two
// collectors ever emit the same family.
std::vector<prometheus::MetricFamily> MergeAndSort(std::vector<prometheus::MetricFamily> all) {
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  std::vector<prometheus::MetricFamily> merged;
  merged.reserve(all.size());
  for (auto& family : all) {
    if (family.metric.empty()) continue;
    if (!merged.empty() && merged.back().name == family.name) {
      auto& into = merged.back().metric;
      into.insert(into.end(), std::make_move_iterator(family.metric.begin()),
                  std::make_move_iterator(family.metric.end()));
      continue;
    }
    merged.push_back(std::move(family));
  }
  return merged;
}

}  // namespace

void ApplyOverrides(config::Config& config, const Overrides& overrides) {
  if (overrides.listen_address) config.listen_address = *overrides.listen_address;
  if (overrides.procfs) config.procfs = *overrides.procfs;
  if (overrides.sysfs) config.sysfs = *overrides.sysfs;
  if (overrides.rootfs) config.rootfs = *overrides.rootfs;
  if (overrides.api_listen_address) config.api_listen_address = *overrides.api_listen_address;
  if (overrides.state_dir) config.state_dir = *overrides.state_dir;
}

Agent::Agent(boost::asio::io_context& io, config::Config config, std::string config_path,
             Overrides overrides)
    : io_(io),
      config_path_(std::move(config_path)),
      overrides_(std::move(overrides)),
      pool_(std::make_unique<boost::asio::thread_pool>(kCollectorThreads)),
      timer_(io),
      in_flight_(std::make_shared<std::atomic<int>>(0)) {
  reload_.last_success_timestamp_seconds = UnixNow();
  Apply(std::move(config));
}

Agent::~Agent() {
  if (pool_) {
    pool_->stop();
    pool_->join();
  }
}

void Agent::Apply(config::Config config) {
  ApplyOverrides(config, overrides_);
  ConfigureLogging(config.log_level, config.log_format);
  // Collectors carry over a reload when their options did not change: their state survives (a
  // hung mount stays known and keeps its one blocked thread instead of gaining new ones).
  bool carry_over = collectors_ && config.collector_options == config_.collector_options;
  std::vector<CollectorSet::Member> members;
  for (const auto& entry : collectors::BuiltinCollectors().entries()) {
    if (!config.CollectorEnabled(entry.info->name)) continue;
    std::string name(entry.info->name);
    bool reuse = carry_over && collectors_->Has(name);
    members.push_back({name, reuse ? nullptr : entry.make(config.collector_options)});
  }
  spdlog::info("{} collectors enabled, interval {}ms, timeout {}ms", members.size(),
               config.collect_interval.count(), config.collect_timeout.count());
  collectors_ = std::make_unique<CollectorSet>(
      std::move(members), collectors_.get(),
      collectors::HostPaths(config.procfs, config.sysfs, config.rootfs), in_flight_);
  config_ = std::move(config);
}

std::vector<std::string> Agent::Init() {
  Result<std::unique_ptr<StateDb>> db = StateDb::Open(config_.state_dir);
  if (!db.ok()) return {db.error().message + " (set state_dir or --state-dir)"};
  state_db_ = std::move(*db);
  rules::RuleFileLoad load = LoadRulesFor(config_);
  if (!load.ok()) return load.problems;
  rules_ = std::make_unique<RuleEngine>(config_, state_db_.get());
  rules_->Configure(config_, std::move(load.groups), UnixNowMs());
  rules_->RestoreState(UnixNowMs());
  return {};
}

std::int64_t Agent::CycleTimestampMs(Clock::time_point tick) const {
  return wall_start_ms_ +
         std::chrono::duration_cast<std::chrono::milliseconds>(tick - steady_start_).count();
}

void Agent::Start() {
  next_tick_ = Clock::now();
  steady_start_ = next_tick_;
  wall_start_ms_ = UnixNowMs();
  boost::asio::post(io_, [this] { OnTick(); });
}

bool Agent::Stop() {
  stopped_ = true;
  timer_.cancel();
  // Let a cycle in flight finish (its workers may still be queued: stopping the pool first would
  // strand the collectors they had not claimed). A collector blocked in the kernel cannot be
  // interrupted; wait briefly, then give up on it.
  for (int i = 0; i < 50 && in_flight_->load() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (in_flight_->load() > 0) {
    spdlog::warn("{} collector(s) still running at shutdown; not waiting for them",
                 in_flight_->load());
    pool_->stop();
    (void)pool_.release();  // deliberately leaked: its threads are blocked and the process exits
    return false;
  }
  pool_->stop();
  pool_->join();
  pool_.reset();
  return true;
}

std::vector<std::string> Agent::Reload() {
  config::LoadResult loaded =
      config_path_.empty() ? config::LoadEmbeddedDefault() : config::LoadConfigFile(config_path_);
  std::vector<std::string> problems;
  for (const auto& problem : loaded.problems) problems.push_back(problem.ToString());
  config::Config next = std::move(loaded.config);
  ApplyOverrides(next, overrides_);
  rules::RuleFileLoad rule_load;
  if (problems.empty()) {
    rule_load = LoadRulesFor(next);
    problems = std::move(rule_load.problems);
  }
  if (problems.empty() && rules_) problems = rules_->CheckBounds(rule_load.groups);
  if (!problems.empty()) {
    reload_.last_successful = false;
    for (const auto& problem : problems) {
      spdlog::error("reload rejected, keeping the running config: {}", problem);
    }
    return problems;
  }
  if (next.listen_address != config_.listen_address) {
    spdlog::warn("web.listen_address changed to {}; it takes effect after a restart",
                 next.listen_address);
  }
  if (next.state_dir != config_.state_dir ||
      next.max_series_history != config_.max_series_history ||
      next.evaluation_interval != config_.evaluation_interval ||
      next.external_labels != config_.external_labels) {
    spdlog::warn(
        "state_dir, evaluation_interval, external_labels and rules.* limits take effect "
        "after a restart; the rules themselves are reloaded now");
  }
  if (rules_) rules_->Configure(next, std::move(rule_load.groups), UnixNowMs());
  Apply(std::move(next));
  reload_.last_successful = true;
  reload_.last_success_timestamp_seconds = UnixNow();
  spdlog::info("configuration reloaded from {}", config_.source);
  return {};
}

void Agent::ScheduleNext() {
  // Fixed rate: ticks stay on start + k*interval however long a cycle takes; ticks missed while
  // behind are skipped rather than run back to back.
  Clock::time_point now = Clock::now();
  next_tick_ += config_.collect_interval;
  if (next_tick_ <= now) {
    auto missed = (now - next_tick_) / config_.collect_interval + 1;
    next_tick_ += missed * config_.collect_interval;
  }
  timer_.expires_at(next_tick_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnTick();
  });
}

void Agent::OnTick() {
  if (stopped_) return;
  const Clock::time_point tick = next_tick_;
  ScheduleNext();
  if (cycle_in_flight_) {
    spdlog::warn("previous collection cycle still running; skipping this tick");
    return;
  }
  cycle_in_flight_ = true;
  cycle_tick_ = tick;
  collectors_->RunCycle(io_, *pool_, kCollectorThreads, config_.collect_timeout,
                        [this](CycleResult result) { OnCycleDone(std::move(result)); });
}

void Agent::OnCycleDone(CycleResult result) {
  cycle_in_flight_ = false;
  ++cycles_total_;
  std::vector<CollectorHealth> health;
  std::vector<prometheus::MetricFamily> all;
  for (CollectorOutcome& outcome : result.outcomes) {
    std::uint64_t& timeouts = timeouts_total_[outcome.name];
    bool ok = outcome.success && !outcome.timed_out;
    if (outcome.timed_out) ++timeouts;
    bool was_ok = last_ok_.insert({outcome.name, true}).first->second;
    if (!ok && was_ok) spdlog::warn("collector {} failed: {}", outcome.name, outcome.error);
    if (ok && !was_ok) spdlog::info("collector {} recovered", outcome.name);
    last_ok_[outcome.name] = ok;
    health.push_back({outcome.name, outcome.duration_seconds, ok, timeouts});
    std::move(outcome.families.begin(), outcome.families.end(), std::back_inserter(all));
  }
  collectors::MetricSet self;
  AppendBuildInfo(self);
  AppendCycleMetrics(self, health, result.duration_seconds, cycles_total_);
  AppendReloadMetrics(self, reload_);
  AppendProcessMetrics(self);
  std::vector<prometheus::MetricFamily> self_families = self.Take();
  std::move(self_families.begin(), self_families.end(), std::back_inserter(all));
  if (rules_) {
    // Rules see what this cycle collected (self-metrics included), stamped with the tick time.
    rules_->OnCycle(all, CycleTimestampMs(cycle_tick_));
    collectors::Families rule_families = rules_->Families();
    std::move(rule_families.begin(), rule_families.end(), std::back_inserter(all));
  }

  cache_.Publish(std::make_shared<const Exposition>(Render(MergeAndSort(std::move(all)))));
  ready_.store(true);
}

}  // namespace opsagent::core
