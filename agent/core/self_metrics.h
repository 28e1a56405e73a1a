// Self-metrics: the agent's own process_* metrics, build info, collector and cycle health.
#pragma once

#include <string>
#include <vector>

#include "collectors/metric_set.h"

namespace opsagent::core {

/// How one collector did in the last cycle.
struct CollectorHealth {
  std::string name;
  double duration_seconds = 0;
  bool success = false;
  std::uint64_t timeouts_total = 0;
};

/// The state of the last config (re)load.
struct ReloadHealth {
  bool last_successful = true;
  double last_success_timestamp_seconds = 0;
};

/// The standard process_* metrics of the agent itself, from its own /proc/self (always the real
/// procfs: --path.procfs may point at a fixture or the host's /proc, never at the agent).
void AppendProcessMetrics(collectors::MetricSet& set);

void AppendBuildInfo(collectors::MetricSet& set);

void AppendCycleMetrics(collectors::MetricSet& set, const std::vector<CollectorHealth>& collectors,
                        double cycle_duration_seconds, std::uint64_t cycles_total);

void AppendReloadMetrics(collectors::MetricSet& set, const ReloadHealth& reload);

/// The version and revision baked in at build time.
const char* Version();
const char* Revision();

}  // namespace opsagent::core
