// thermal_zone collector: read thermal zones and cooling devices, emit node_exporter's metrics.
#include "collectors/thermal_zone.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

constexpr std::string_view kZonePrefix = "thermal_zone";
constexpr std::string_view kCoolingPrefix = "cooling_device";
// sysfs attributes are at most one page; anything longer is not a thermal attribute.
constexpr std::size_t kMaxAttributeBytes = 4096;

// Reads one attribute into `out`; returns 0 or an errno value (callers classify it).
int ReadAttribute(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  out.resize(kMaxAttributeBytes);
  ssize_t n;
  do {
    n = ::read(fd, out.data(), out.size());
  } while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : 0;
  ::close(fd);
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return err;
}

// Errors that mean "this device has nothing to report right now", not a broken host.
bool IsTransient(int err) {
  return err == ENODATA || err == EAGAIN || err == EIO || err == ENXIO || err == ENODEV ||
         err == EINVAL || err == ENOENT;
}

struct Attribute {
  std::string path;
  int err = 0;
};

}  // namespace

std::optional<std::int64_t> ParseThermalInt(std::string_view content) {
  return ParseInt(Trim(content));
}

const CollectorInfo& ThermalZoneCollector::StaticInfo() {
  static const CollectorInfo info{
      "thermal_zone",
      "Thermal zone temperatures and cooling device throttle states from /sys/class/thermal.",
      {"sys/class/thermal/thermal_zone*/type", "sys/class/thermal/thermal_zone*/temp",
       "sys/class/thermal/cooling_device*/type", "sys/class/thermal/cooling_device*/cur_state",
       "sys/class/thermal/cooling_device*/max_state"},
      true};
  return info;
}

CollectResult ThermalZoneCollector::Collect(const HostPaths& paths) {
  const std::string base = paths.sys("class/thermal");
  std::vector<std::string> entries;
  if (int err = ListDir(base, entries); err != 0) {
    if (err == ENOENT || err == ENOTDIR) return Families{};  // no thermal class on this host
    return Error{"opendir " + base + ": " + std::strerror(err)};
  }

  // Reads `dir/attr`: the trimmed text, nullopt when the device should be skipped, or an error.
  auto read = [&](const std::string& dir, const char* attr, std::string& text) -> Result<bool> {
    std::string path = dir + "/" + attr;
    if (int err = ReadAttribute(path, buffer_); err != 0) {
      if (IsTransient(err)) return false;
      return Error{"read " + path + ": " + std::strerror(err)};
    }
    text = std::string(Trim(buffer_));
    return true;
  };
  auto read_int = [&](const std::string& dir, const char* attr,
                      std::int64_t& value) -> Result<bool> {
    std::string text;
    Result<bool> ok = read(dir, attr, text);
    if (!ok.ok() || !*ok) return ok;
    std::optional<std::int64_t> parsed = ParseThermalInt(text);
    if (!parsed) return Error{dir + "/" + attr + ": not an integer: \"" + text + "\""};
    value = *parsed;
    return true;
  };

  MetricSet set;
  for (const std::string& entry : entries) {
    const std::string dir = base + "/" + entry;
    std::string_view name = entry;
    if (name.substr(0, kZonePrefix.size()) == kZonePrefix) {
      std::string type;
      std::int64_t temp = 0;
      Result<bool> ok = read(dir, "type", type);
      if (ok.ok() && *ok) ok = read_int(dir, "temp", temp);
      if (!ok.ok()) return ok.error();
      if (!*ok) continue;
      set.Gauge("node_thermal_zone_temp", "Zone temperature in Celsius",
                static_cast<double>(temp) / 1000.0,
                {{"type", type}, {"zone", std::string(name.substr(kZonePrefix.size()))}});
    } else if (name.substr(0, kCoolingPrefix.size()) == kCoolingPrefix) {
      std::string type;
      std::int64_t cur = 0;
      std::int64_t max = 0;
      Result<bool> ok = read(dir, "type", type);
      if (ok.ok() && *ok) ok = read_int(dir, "cur_state", cur);
      if (ok.ok() && *ok) ok = read_int(dir, "max_state", max);
      if (!ok.ok()) return ok.error();
      if (!*ok) continue;
      Labels labels = {{"name", std::string(name.substr(kCoolingPrefix.size()))}, {"type", type}};
      set.Gauge("node_cooling_device_cur_state", "Current throttle state of the cooling device",
                static_cast<double>(cur), labels);
      set.Gauge("node_cooling_device_max_state", "Maximum throttle state of the cooling device",
                static_cast<double>(max), labels);
    }
  }
  return set.Take();
}

}  // namespace opsagent::collectors
