// hwmon collector: node_hwmon_* sensor readings (temperature, fan, voltage, power...) from
// /sys/class/hwmon, named and scaled like node_exporter 1.5.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "collectors/collector.h"
#include "collectors/metric_set.h"

namespace opsagent::collectors {

/// A hwmon attribute file name split as node_exporter does with
/// ^(?P<type>[^0-9]+)(?P<id>[0-9]*)?(_(?P<property>.+))?$ : "temp1_input" is {temp, 1, input},
/// "fan2" is {fan, 2, ""}, "beep_enable" is {beep_enable, 0, ""}.
struct HwmonFilename {
  std::string_view type;
  std::int64_t id = 0;
  std::string_view property;
};

/// Splits `name`; false when it does not have the shape above. Does not check the type.
bool ParseHwmonFilename(std::string_view name, HwmonFilename& out);

/// Whether node_exporter reads files of this sensor type ("temp", "fan", "in", ...).
bool IsHwmonSensorType(std::string_view type);

/// node_exporter's cleanMetricName: lower-case, every character outside [a-z0-9:_] becomes '_',
/// leading and trailing '_' trimmed. Used for chip names and property suffixes.
std::string CleanHwmonName(std::string_view name);

/// Raw attribute text of one chip (trailing newlines removed): sensor ("temp1") -> property
/// ("input"; "" for a bare "temp1" file) -> value. Ordered so output is stable.
using HwmonSensors = std::map<std::string, std::map<std::string, std::string>>;

/// Appends node_hwmon_* samples for one chip. Values that are not numbers are skipped, as
/// node_exporter does: drivers return odd text for absent sensors and the rest stay useful.
void AppendHwmonMetrics(std::string_view chip, const HwmonSensors& sensors, MetricSet& set);

/// Emits node_hwmon_* for every chip under <sysfs>/class/hwmon; a host without that directory
/// (VMs, containers) yields no families. The chip label follows node_exporter: derived from the
/// resolved `device` link ("platform_coretemp_0"), else from the `name` file, else the hwmonN
/// directory name. node_hwmon_chip_names maps chip to the cleaned `name` file.
/// Thread-safety: see Collector.
class HwmonCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;  // one attribute at a time
};

}  // namespace opsagent::collectors
