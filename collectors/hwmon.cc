// hwmon collector: walk /sys/class/hwmon, name chips and sensors, emit node_exporter's
// node_hwmon_*.
#include "collectors/hwmon.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

constexpr std::string_view kSensorTypes[] = {
    "vrm",  "beep_enable", "update_interval", "in",     "cpu",      "fan",      "pwm",
    "temp", "curr",        "power",           "energy", "humidity", "intrusion"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the valid UTF-8 sequence starting at s[i], or 0 when the byte there starts none
// (overlong forms, surrogates and code points above U+10FFFF are invalid, as in Go).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  std::size_t n;
  std::uint32_t cp;
  std::uint32_t min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Go's strings.ToValidUTF8(s, "\uFFFD"): label values must be valid UTF-8, and driver-supplied
// labels are not guaranteed to be.
std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_invalid_run = false;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      if (!in_invalid_run) out += "\xEF\xBF\xBD";
      in_invalid_run = true;
      ++i;
      continue;
    }
    in_invalid_run = false;
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

// Go's strconv.ParseFloat accepts a leading '+', std::from_chars does not.
std::optional<double> ParseGoFloat(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  return ParseDouble(s);
}

// node_exporter trims only newlines from attribute text.
std::string_view TrimNewlines(std::string_view s) {
  while (!s.empty() && s.front() == '\n') s.remove_prefix(1);
  while (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  return s;
}

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string_view Basename(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::optional<std::string> RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return std::nullopt;
  return std::string(resolved);
}

// The chip label, in node_exporter's order of preference: "<bus>_<device>" from the resolved
// device link (stable across reboots, unique), the `name` file, then the hwmonN name.
std::optional<std::string> ChipName(const std::string& dir, std::string& buffer) {
  if (std::optional<std::string> device = RealPath(dir + "/device")) {
    std::string_view path = *device;
    std::string_view dev_name = Basename(path);
    std::string_view prefix = path.substr(0, path.size() - dev_name.size());
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    std::string clean_name = CleanHwmonName(dev_name);
    std::string clean_type = CleanHwmonName(Basename(prefix));
    if (!clean_type.empty() && !clean_name.empty()) return clean_type + "_" + clean_name;
    if (!clean_name.empty()) return clean_name;
  }
  Result<bool> found = ReadOptionalFile(dir + "/name", buffer);
  if (found.ok() && *found) {
    std::string clean = CleanHwmonName(buffer);
    if (!clean.empty()) return clean;
  }
  if (std::optional<std::string> real = RealPath(dir)) {
    std::string clean = CleanHwmonName(Basename(*real));
    if (!clean.empty()) return clean;
  }
  return std::nullopt;
}

// Reads every sensor attribute directly in `dir` into `sensors`; returns 0 or an errno value.
int CollectSensorData(const std::string& dir, HwmonSensors& sensors, std::string& buffer) {
  std::vector<std::string> names;
  if (int err = ListDir(dir, names); err != 0) return err;
  for (const std::string& name : names) {
    HwmonFilename parsed;
    if (!ParseHwmonFilename(name, parsed) || !IsHwmonSensorType(parsed.type)) continue;
    // Unreadable attributes (write-only, EIO/ENODATA from a sleeping device, directories such as
    // "power/" that match the pattern) are skipped like node_exporter does: one bad sensor must
    // not hide the chip.
    if (!ReadFile(dir + "/" + name, buffer).ok()) continue;
    std::string sensor = std::string(parsed.type) + std::to_string(parsed.id);
    sensors[sensor][std::string(parsed.property)] = std::string(TrimNewlines(buffer));
  }
  return 0;
}

Labels ChipSensor(std::string_view chip, std::string_view sensor) {
  return {{"chip", std::string(chip)}, {"sensor", std::string(sensor)}};
}

}  // namespace

bool ParseHwmonFilename(std::string_view name, HwmonFilename& out) {
  std::size_t type_end = 0;
  while (type_end < name.size() && !IsDigit(name[type_end])) ++type_end;
  if (type_end == 0) return false;

  // Leftmost-first regex semantics: the longest type wins; only if the rest does not fit does
  // the type shrink, and then it must end right before a '_' that starts the property.
  std::size_t id_end = type_end;
  while (id_end < name.size() && IsDigit(name[id_end])) ++id_end;
  std::string_view tail = name.substr(id_end);
  if (tail.empty() || (tail.size() >= 2 && tail[0] == '_')) {
    std::string_view digits = name.substr(type_end, id_end - type_end);
    std::int64_t id = 0;
    if (!digits.empty()) {
      std::optional<std::int64_t> parsed = ParseInt(digits);
      if (!parsed) return false;  // out of range, like Go's Atoi failing
      id = *parsed;
    }
    out = HwmonFilename{name.substr(0, type_end), id, tail.empty() ? tail : tail.substr(1)};
    return true;
  }
  for (std::size_t t = type_end - 1; t >= 1; --t) {
    if (name[t] == '_' && name.size() - t >= 2) {
      out = HwmonFilename{name.substr(0, t), 0, name.substr(t + 1)};
      return true;
    }
  }
  return false;
}

bool IsHwmonSensorType(std::string_view type) {
  return std::find(std::begin(kSensorTypes), std::end(kSensorTypes), type) !=
         std::end(kSensorTypes);
}

std::string CleanHwmonName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    // One '_' per character, as Go's regexp replaces runes (an invalid byte counts as one).
    std::size_t n = std::max<std::size_t>(Utf8SequenceLength(name, i), 1);
    char c = name[i];
    if (n == 1 && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool keep = n == 1 && ((c >= 'a' && c <= 'z') || IsDigit(c) || c == ':' || c == '_');
    out.push_back(keep ? c : '_');
    i += n;
  }
  std::size_t begin = out.find_first_not_of('_');
  if (begin == std::string::npos) return {};
  std::size_t end = out.find_last_not_of('_');
  return out.substr(begin, end - begin + 1);
}

void AppendHwmonMetrics(std::string_view chip, const HwmonSensors& sensors, MetricSet& set) {
  for (const auto& [sensor, data] : sensors) {
    HwmonFilename parsed;
    if (!ParseHwmonFilename(sensor, parsed)) continue;
    const std::string type(parsed.type);
    const Labels labels = ChipSensor(chip, sensor);

    if (auto label = data.find("label"); label != data.end()) {
      set.Gauge(
          "node_hwmon_sensor_label", "Label for given chip and sensor", 1.0,
          {{"chip", std::string(chip)}, {"label", ValidUtf8(label->second)}, {"sensor", sensor}});
    }
    auto bare = data.find("");
    if (type == "beep_enable") {
      double value = bare != data.end() && bare->second == "1" ? 1.0 : 0.0;
      set.Gauge("node_hwmon_beep_enabled", "Hardware beep enabled", value, labels);
      continue;
    }
    if (type == "vrm" || type == "update_interval") {
      std::optional<double> value = bare == data.end() ? std::nullopt : ParseGoFloat(bare->second);
      if (!value) continue;
      if (type == "vrm") {
        set.Gauge("node_hwmon_voltage_regulator_version", "Hardware voltage regulator", *value,
                  labels);
      } else {
        set.Gauge("node_hwmon_update_interval_seconds", "Hardware monitor update interval",
                  *value * 0.001, labels);
      }
      continue;
    }

    const std::string prefix = "node_hwmon_" + type;
    for (const auto& [property, text] : data) {
      if (property == "label") continue;
      std::string element = property;
      std::string name = prefix;
      if (element == "input") {
        // A bare "temp1" file already took the plain name.
        if (bare != data.end()) name += "_input";
      } else if (!element.empty()) {
        name += "_" + CleanHwmonName(element);
      }
      std::optional<double> value = ParseGoFloat(text);
      if (!value) continue;
      const double v = *value;

      if (element == "fault" || element == "alarm") {
        set.Gauge(name, "Hardware sensor " + element + " status (" + type + ")", v, labels);
      } else if (element == "beep") {
        set.Gauge(name + "_enabled", "Hardware monitor sensor has beeping enabled", v, labels);
      } else if (type == "in" || type == "cpu") {
        set.Gauge(name + "_volts", "Hardware monitor for voltage (" + element + ")", v * 0.001,
                  labels);
      } else if (type == "temp" && element != "type") {
        if (element.empty()) element = "input";
        set.Gauge(name + "_celsius", "Hardware monitor for temperature (" + element + ")",
                  v * 0.001, labels);
      } else if (type == "curr") {
        set.Gauge(name + "_amps", "Hardware monitor for current (" + element + ")", v * 0.001,
                  labels);
      } else if (type == "energy") {
        set.Counter(name + "_joule_total",
                    "Hardware monitor for joules used so far (" + element + ")", v / 1000000.0,
                    labels);
      } else if (type == "power" && element == "accuracy") {
        set.Gauge(name, "Hardware monitor power meter accuracy, as a ratio", v / 1000000.0, labels);
      } else if (type == "power" &&
                 (element == "average_interval" || element == "average_interval_min" ||
                  element == "average_interval_max")) {
        set.Gauge(name + "_seconds",
                  "Hardware monitor power usage update interval (" + element + ")", v * 0.001,
                  labels);
      } else if (type == "power") {
        set.Gauge(name + "_watt", "Hardware monitor for power usage in watts (" + element + ")",
                  v / 1000000.0, labels);
      } else if (type == "humidity") {
        set.Gauge(name,
                  "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the "
                  "humidity as a percentage) (" +
                      element + ")",
                  v / 1000000.0, labels);
      } else if (type == "fan" && (element == "input" || element == "min" || element == "max" ||
                                   element == "target")) {
        set.Gauge(name + "_rpm",
                  "Hardware monitor for fan revolutions per minute (" + element + ")", v, labels);
      } else {
        set.Gauge(name, "Hardware monitor " + type + " element " + element, v, labels);
      }
    }
  }
}

const CollectorInfo& HwmonCollector::StaticInfo() {
  static const CollectorInfo info{
      "hwmon",
      "Hardware sensors (temperature, fan, voltage, current, power) from /sys/class/hwmon.",
      {"sys/class/hwmon/hwmon*/*", "sys/class/hwmon/hwmon*/device/*"},
      true};
  return info;
}

CollectResult HwmonCollector::Collect(const HostPaths& paths) {
  const std::string base = paths.sys("class/hwmon");
  std::vector<std::string> entries;
  if (int err = ListDir(base, entries); err != 0) {
    if (err == ENOENT || err == ENOTDIR) return Families{};  // no hwmon on this host
    return Error{"opendir " + base + ": " + std::strerror(err)};
  }
  MetricSet set;
  std::set<std::string> chips;
  for (const std::string& entry : entries) {
    const std::string dir = base + "/" + entry;
    if (!IsDirectory(dir)) continue;  // follows the hwmonN -> ../../devices/... links
    std::optional<std::string> chip = ChipName(dir, buffer_);
    if (!chip) continue;  // vanished while we looked (hot-unplug)
    if (chips.count(*chip) != 0) {
      // Two chips with one label would be duplicate series (node_exporter fails the scrape);
      // keep the second one apart under its directory name.
      chip = CleanHwmonName(entry);
      if (chip->empty() || chips.count(*chip) != 0) continue;
    }
    chips.insert(*chip);

    HwmonSensors sensors;
    if (int err = CollectSensorData(dir, sensors, buffer_); err != 0) {
      if (err == ENOENT) continue;
      return Error{"opendir " + dir + ": " + std::strerror(err)};
    }
    // Older drivers keep their attributes on the parent device instead.
    const std::string device_dir = dir + "/device";
    if (IsDirectory(device_dir)) {
      if (int err = CollectSensorData(device_dir, sensors, buffer_); err != 0 && err != ENOENT) {
        return Error{"opendir " + device_dir + ": " + std::strerror(err)};
      }
    }

    Result<bool> has_name = ReadOptionalFile(dir + "/name", buffer_);
    if (has_name.ok() && *has_name) {
      std::string chip_name = CleanHwmonName(buffer_);
      if (!chip_name.empty()) {
        set.Gauge("node_hwmon_chip_names", "Annotation metric for human-readable chip names", 1.0,
                  {{"chip", *chip}, {"chip_name", chip_name}});
      }
    }
    AppendHwmonMetrics(*chip, sensors, set);
  }
  return set.Take();
}

}  // namespace opsagent::collectors
