// meminfo collector: every field of /proc/meminfo as node_memory_<Field>[_bytes].
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// One "Key:   value [kB]" line of /proc/meminfo; `key` points into the parsed buffer.
struct MeminfoField {
  std::string_view key;  // without the trailing ':', e.g. "Active(anon)"
  std::uint64_t value = 0;
  bool kilobytes = false;  // the line carried the "kB" unit
};

/// More fields than any kernel writes (about 60); past this the file is not meminfo.
inline constexpr std::size_t kMaxMeminfoFields = 1024;

/// Parses every line of /proc/meminfo into `out` (cleared first, capacity reused). Blank lines
/// are skipped (some CentOS 6 kernels write them). Errors name the line: a key without ':', a
/// non-numeric value, a unit other than kB, extra columns, or more than kMaxMeminfoFields lines.
Status ParseMeminfo(std::string_view content, std::vector<MeminfoField>& out);

/// node_exporter's name for a field: "Active(anon)" + kB -> "node_memory_Active_anon_bytes",
/// "HugePages_Total" (no unit) -> "node_memory_HugePages_Total". Characters that are not legal
/// in a metric name (none in real kernels) become '_'.
std::string MeminfoMetricName(std::string_view key, bool kilobytes);

/// Emits one gauge per field, kB converted to bytes. Thread-safety: see Collector.
class MeminfoCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;                // reused across cycles
  std::vector<MeminfoField> fields_;  // reused across cycles
};

}  // namespace opsagent::collectors
