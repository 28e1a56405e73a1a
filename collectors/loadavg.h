// loadavg collector: node_load1/5/15 from /proc/loadavg.
#pragma once

#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace opsagent::collectors {

struct LoadAverage {
  double load1 = 0;
  double load5 = 0;
  double load15 = 0;
};

/// Parses the first three fields of /proc/loadavg ("0.52 0.58 0.59 1/467 12345").
Result<LoadAverage> ParseLoadavg(std::string_view content);

/// Thread-safety: see Collector.
class LoadavgCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;  // reused across cycles: no allocation once warm
};

}  // namespace opsagent::collectors
