// time collector: wall-clock time, local time zone offset, and the kernel's clock sources.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// Parses a clocksource's available_clocksource ("tsc hpet acpi_pm \n") into `out` (cleared
/// first). An empty list is an error: the kernel always lists the current source.
Status ParseAvailableClocksources(std::string_view content, std::vector<std::string_view>& out);

/// Parses current_clocksource ("tsc\n"): exactly one name.
Result<std::string_view> ParseCurrentClocksource(std::string_view content);

/// More clocksource devices than a kernel creates (it creates one); guards a bad sysfs root.
inline constexpr std::size_t kMaxClocksourceDevices = 64;

/// Emits node_time_seconds, node_time_zone_offset_seconds{time_zone} (this process's local
/// zone, as node_exporter does), and node_time_clocksource_{available,current}_info
/// {clocksource,device} for each sys devices/system/clocksource/clocksourceN (none when the
/// directory is absent). Thread-safety: see Collector; calls tzset(), which glibc serialises.
class TimeCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;                   // reused across cycles and files
  std::vector<std::string_view> names_;  // reused across cycles
  std::vector<unsigned> devices_;        // reused across cycles
};

}  // namespace opsagent::collectors
