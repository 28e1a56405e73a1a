// vmstat collector: selected /proc/vmstat counters as node_vmstat_<field>.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// node_exporter 1.5's default --collector.vmstat.fields: paging, swapping, faults, OOM kills.
/// Matched unanchored (RE2::PartialMatch), like Go's MatchString.
inline constexpr std::string_view kVmstatFields = "^(oom_kill|pgpg|pswp|pg.*fault).*";

/// More lines than any kernel writes (about 180); past this the file is not vmstat.
inline constexpr std::size_t kMaxVmstatFields = 4096;

/// One "name value" line of /proc/vmstat; `name` points into the parsed buffer.
struct VmstatField {
  std::string_view name;
  std::uint64_t value = 0;
};

/// Parses every line of /proc/vmstat into `out` (cleared first, capacity reused). Errors name
/// the line: a missing or extra column, a non-numeric value, or more than kMaxVmstatFields lines.
Status ParseVmstat(std::string_view content, std::vector<VmstatField>& out);

/// Emits node_vmstat_<name> (untyped, as node_exporter does) for the fields matching
/// kVmstatFields. Thread-safety: see Collector.
class VmstatCollector : public Collector {
 public:
  VmstatCollector();

  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  RE2 fields_re_;
  std::string buffer_;               // reused across cycles
  std::vector<VmstatField> fields_;  // reused across cycles
};

}  // namespace opsagent::collectors
