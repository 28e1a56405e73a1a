// time collector: clock_gettime + localtime_r for now and zone, sysfs for clock sources.
#include "collectors/time.h"

#include <dirent.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

constexpr std::string_view kClocksourceDir = "devices/system/clocksource";
constexpr std::string_view kDevicePrefix = "clocksource";

// Lists the N of every clocksourceN entry in `dir` into `out`; a missing dir lists nothing.
Status ListClocksourceDevices(const std::string& dir, std::vector<unsigned>& out) {
  out.clear();
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::Ok();
    return Error{"opendir " + dir + ": " + std::strerror(errno)};
  }
  Status status;
  while (const dirent* entry = ::readdir(d)) {
    std::string_view name = entry->d_name;
    if (name.size() <= kDevicePrefix.size() ||
        name.substr(0, kDevicePrefix.size()) != kDevicePrefix) {
      continue;
    }
    std::optional<std::uint64_t> id = ParseUint(name.substr(kDevicePrefix.size()));
    if (!id || *id > std::numeric_limits<unsigned>::max()) continue;  // not a device directory
    if (out.size() == kMaxClocksourceDevices) {
      status = Error{dir + ": more than " + std::to_string(kMaxClocksourceDevices) + " devices"};
      break;
    }
    out.push_back(static_cast<unsigned>(*id));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return status;
}

}  // namespace

Status ParseAvailableClocksources(std::string_view content, std::vector<std::string_view>& out) {
  out.clear();
  std::string_view name;
  while (NextField(content, name)) {
    if (out.size() == kMaxClocksourceDevices) return Error{"too many clock sources"};
    // A repeated name would make a duplicate series, which Prometheus rejects.
    if (std::find(out.begin(), out.end(), name) != out.end()) {
      return Error{"clock source \"" + std::string(name) + "\" listed twice"};
    }
    out.push_back(name);
  }
  if (out.empty()) return Error{"no clock source listed"};
  return Status::Ok();
}

Result<std::string_view> ParseCurrentClocksource(std::string_view content) {
  std::string_view fields[2];
  const std::size_t n = SplitFields(content, fields, 2);
  if (n != 1) {
    return Error{"expected one clock source name, got " + std::to_string(n) + " fields"};
  }
  return fields[0];
}

const CollectorInfo& TimeCollector::StaticInfo() {
  static const CollectorInfo info{
      "time",
      "System time, local time zone offset, and available/current kernel clock sources.",
      {"sys/devices/system/clocksource/clocksource*/available_clocksource",
       "sys/devices/system/clocksource/clocksource*/current_clocksource"},
      true};
  return info;
}

CollectResult TimeCollector::Collect(const HostPaths& paths) {
  MetricSet set;
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  set.Gauge("node_time_seconds", "System time in seconds since epoch (1970).",
            static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9);

  // tzset() re-reads TZ and /etc/localtime, so a zone change shows without a restart
  // (localtime_r alone may keep the zone it loaded first).
  ::tzset();
  tm local{};
  if (::localtime_r(&now.tv_sec, &local) == nullptr) {
    return Error{"localtime_r failed: " + std::string(std::strerror(errno))};
  }
  set.Gauge("node_time_zone_offset_seconds", "System time zone offset in seconds.",
            static_cast<double>(local.tm_gmtoff),
            {{"time_zone", local.tm_zone != nullptr ? local.tm_zone : ""}});

  const std::string dir = paths.sys(kClocksourceDir);
  if (Status s = ListClocksourceDevices(dir, devices_); !s) return Error{s.message()};
  for (unsigned device : devices_) {
    const std::string device_dir = dir + "/" + std::string(kDevicePrefix) + std::to_string(device);
    const std::string label = std::to_string(device);

    std::string path = device_dir + "/available_clocksource";
    if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
    if (Status s = ParseAvailableClocksources(buffer_, names_); !s) {
      return Error{path + ": " + s.message()};
    }
    for (std::string_view name : names_) {
      set.Gauge("node_time_clocksource_available_info",
                "Available clocksources read from '/sys/devices/system/clocksource'.", 1,
                {{"clocksource", std::string(name)}, {"device", label}});
    }

    path = device_dir + "/current_clocksource";
    if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
    Result<std::string_view> current = ParseCurrentClocksource(buffer_);
    if (!current) return Error{path + ": " + current.error().message};
    set.Gauge("node_time_clocksource_current_info",
              "Current clocksource read from '/sys/devices/system/clocksource'.", 1,
              {{"clocksource", std::string(*current)}, {"device", label}});
  }
  return set.Take();
}

}  // namespace opsagent::collectors
