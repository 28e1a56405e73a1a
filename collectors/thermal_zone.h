// thermal_zone collector: node_thermal_zone_temp and node_cooling_device_{cur,max}_state from
// /sys/class/thermal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// Parses a sysfs integer attribute ("48000\n", "-1"): surrounding whitespace allowed, nothing
/// else. Thermal zone temperatures are millidegrees Celsius; cooling states are plain integers.
std::optional<std::int64_t> ParseThermalInt(std::string_view content);

/// Emits node_thermal_zone_temp{type,zone} (Celsius) for every thermal_zoneN and
/// node_cooling_device_{cur,max}_state{name,type} for every cooling_deviceN under
/// <sysfs>/class/thermal. No such directory, or no zones, yields no families. A zone or device
/// whose attributes cannot be read right now (ENODATA from a powered-down wifi card, EIO, EAGAIN,
/// attributes that vanished) is skipped; text that is not an integer is an error.
/// Thread-safety: see Collector.
class ThermalZoneCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;  // one attribute at a time
};

}  // namespace opsagent::collectors
