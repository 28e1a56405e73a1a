// Collector: the interface every collector implements, and its static description.
#pragma once

#include <string_view>
#include <vector>

#include "collectors/host_paths.h"
#include "collectors/result.h"
#include "prometheus/metric_family.h"

namespace opsagent::collectors {

/// Static facts about a collector, listed by `opsagent check` and docs/metrics.md.
struct CollectorInfo {
  std::string_view name;
  std::string_view help;
  /// Paths relative to procfs/sysfs/rootfs, for the docs and for recording fixtures.
  std::vector<std::string_view> files_read;
  bool default_enabled = true;
};

using Families = std::vector<prometheus::MetricFamily>;
using CollectResult = Result<Families>;

/// Reads one area of the host and returns its metric families. A collector only reads; it never
/// spawns a process or changes the host. Thread-safety: the scheduler never calls Collect() on the
/// same instance concurrently; a collector may keep state between calls (previous samples, stuck
/// mount points) without locking unless it shares that state with its own helper threads.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual const CollectorInfo& Info() const = 0;
  std::string_view Name() const { return Info().name; }

  /// Returns the families, or an error when nothing useful could be read. A missing optional
  /// source (no PSI, no conntrack) is not an error: return no families.
  virtual CollectResult Collect(const HostPaths& paths) = 0;
};

}  // namespace opsagent::collectors
