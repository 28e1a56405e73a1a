// loadavg collector: parse /proc/loadavg, emit node_exporter's node_load{1,5,15}.
#include "collectors/loadavg.h"

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {

Result<LoadAverage> ParseLoadavg(std::string_view content) {
  std::string_view fields[3];
  if (SplitFields(content, fields, 3) != 3) {
    return Error{"loadavg: expected at least 3 fields, got \"" + std::string(Trim(content)) + "\""};
  }
  double values[3];
  for (int i = 0; i < 3; ++i) {
    std::optional<double> v = ParseDouble(fields[i]);
    if (!v || *v < 0) {
      return Error{"loadavg: field " + std::to_string(i + 1) + " is not a load value: \"" +
                   std::string(fields[i]) + "\""};
    }
    values[i] = *v;
  }
  return LoadAverage{values[0], values[1], values[2]};
}

const CollectorInfo& LoadavgCollector::StaticInfo() {
  static const CollectorInfo info{
      "loadavg", "Load averages over 1, 5 and 15 minutes.", {"proc/loadavg"}, true};
  return info;
}

CollectResult LoadavgCollector::Collect(const HostPaths& paths) {
  if (Status s = ReadFile(paths.proc("loadavg"), buffer_); !s) return Error{s.message()};
  Result<LoadAverage> load = ParseLoadavg(buffer_);
  if (!load) return load.error();
  MetricSet set;
  set.Gauge("node_load1", "1m load average.", load->load1);
  set.Gauge("node_load5", "5m load average.", load->load5);
  set.Gauge("node_load15", "15m load average.", load->load15);
  return set.Take();
}

}  // namespace opsagent::collectors
