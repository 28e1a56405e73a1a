// netclass collector: read /sys/class/net/<device>/<attribute>, emit node_exporter's netclass set.
#include "collectors/netclass.h"

#include <fcntl.h>
#include <re2/re2.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// sysfs attributes are at most a page; anything longer is not an attribute we understand.
constexpr std::size_t kMaxAttributeBytes = 64 * 1024;

// Errors that mean "this interface does not offer the attribute right now", which node_exporter's
// procfs skips silently: EINVAL from `speed`/`carrier`/`duplex` on a down link, EOPNOTSUPP from
// `phys_port_id`, ENOENT/ENODEV when the device vanished mid-scrape, EACCES/EPERM under a
// hardened sysfs.
bool IsUnavailable(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case EINVAL:
    case EOPNOTSUPP:
    case ENODEV:
    case ENXIO:
    case ENODATA:
    case EACCES:
    case EPERM:
      return true;
    default:
      return false;
  }
}

Error ErrnoError(const char* what, const std::string& path, int err) {
  return Error{std::string(what) + " " + path + ": " + std::strerror(err)};
}

// Reads a small sysfs attribute into `out`: true when read, false when the kernel declined in
// one of the expected ways, an error otherwise. A static helper rather than parse.h's ReadFile
// because skipping depends on errno, which ReadFile folds into its message.
Result<bool> ReadSysfsAttribute(const std::string& path, std::string& out) {
  out.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (IsUnavailable(err)) return false;
    return ErrnoError("open", path, err);
  }
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0) {
      int err = errno;
      if (err == EINTR) continue;
      ::close(fd);
      if (IsUnavailable(err)) return false;
      return ErrnoError("read", path, err);
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > kMaxAttributeBytes) {
      ::close(fd);
      return Error{"attribute larger than " + std::to_string(kMaxAttributeBytes) +
                   " bytes: " + path};
    }
    out.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return true;
}

void SetPath(std::string& path, const std::string& dir, std::string_view attribute) {
  path.assign(dir).append("/").append(attribute);
}

}  // namespace

std::optional<std::int64_t> ParseSysfsInt(std::string_view s) {
  s = Trim(s);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::optional<std::uint64_t> magnitude;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    magnitude = ParseHex(s.substr(2));
  } else {
    magnitude = ParseUint(s);
  }
  if (!magnitude) return std::nullopt;
  constexpr std::uint64_t kMax = static_cast<std::uint64_t>(INT64_MAX);
  if (negative) {
    if (*magnitude > kMax + 1) return std::nullopt;
    return static_cast<std::int64_t>(0 - *magnitude);
  }
  if (*magnitude > kMax) return std::nullopt;
  return static_cast<std::int64_t>(*magnitude);
}

NetclassCollector::NetclassCollector(const CollectorOptions& options)
    : ignored_(std::make_unique<re2::RE2>(options.netclass.ignored_devices)) {}

NetclassCollector::~NetclassCollector() = default;

const CollectorInfo& NetclassCollector::StaticInfo() {
  static const CollectorInfo info{"netclass",
                                  "Network interface properties from /sys/class/net.",
                                  {"sys/class/net/*/addr_assign_type",
                                   "sys/class/net/*/address",
                                   "sys/class/net/*/broadcast",
                                   "sys/class/net/*/carrier",
                                   "sys/class/net/*/carrier_changes",
                                   "sys/class/net/*/carrier_up_count",
                                   "sys/class/net/*/carrier_down_count",
                                   "sys/class/net/*/dev_id",
                                   "sys/class/net/*/dormant",
                                   "sys/class/net/*/duplex",
                                   "sys/class/net/*/flags",
                                   "sys/class/net/*/ifalias",
                                   "sys/class/net/*/ifindex",
                                   "sys/class/net/*/iflink",
                                   "sys/class/net/*/link_mode",
                                   "sys/class/net/*/mtu",
                                   "sys/class/net/*/name_assign_type",
                                   "sys/class/net/*/netdev_group",
                                   "sys/class/net/*/operstate",
                                   "sys/class/net/*/speed",
                                   "sys/class/net/*/tx_queue_len",
                                   "sys/class/net/*/type"},
                                  true};
  return info;
}

Result<bool> NetclassCollector::ReadAttribute(const std::string& dir, std::string_view attribute) {
  SetPath(path_, dir, attribute);
  return ReadSysfsAttribute(path_, buffer_);
}

Result<bool> NetclassCollector::ReadText(const std::string& dir, std::string_view attribute,
                                         std::string& out) {
  Result<bool> read = ReadAttribute(dir, attribute);
  if (!read) return read;
  if (*read) {
    out.assign(Trim(buffer_));
  } else {
    out.clear();
  }
  return read;
}

Status NetclassCollector::ReadInt(const std::string& dir, std::string_view attribute,
                                  std::optional<std::int64_t>& out) {
  out.reset();
  Result<bool> read = ReadAttribute(dir, attribute);
  if (!read) return read.error();
  if (!*read) return Status::Ok();
  out = ParseSysfsInt(buffer_);
  if (!out) {
    return Error{path_ + ": not an integer: \"" + std::string(Trim(buffer_)) + "\""};
  }
  return Status::Ok();
}

Result<bool> NetclassCollector::ReadIface(const std::string& dir, NetClassIface& iface) {
  // operstate exists for every net device; its absence means the device went away since the
  // directory was listed, which is not worth failing the scrape for.
  Result<bool> present = ReadText(dir, "operstate", iface.operstate);
  if (!present || !*present) return present;

  for (auto [attribute, field] : {std::pair{"address", &iface.address},
                                  {"broadcast", &iface.broadcast},
                                  {"duplex", &iface.duplex},
                                  {"ifalias", &iface.ifalias}}) {
    if (Result<bool> r = ReadText(dir, attribute, *field); !r) return r;
  }
  for (auto [attribute, field] : {std::pair{"addr_assign_type", &iface.addr_assign_type},
                                  {"carrier", &iface.carrier},
                                  {"carrier_changes", &iface.carrier_changes},
                                  {"carrier_up_count", &iface.carrier_up_count},
                                  {"carrier_down_count", &iface.carrier_down_count},
                                  {"dev_id", &iface.dev_id},
                                  {"dormant", &iface.dormant},
                                  {"flags", &iface.flags},
                                  {"ifindex", &iface.ifindex},
                                  {"iflink", &iface.iflink},
                                  {"link_mode", &iface.link_mode},
                                  {"mtu", &iface.mtu},
                                  {"name_assign_type", &iface.name_assign_type},
                                  {"netdev_group", &iface.netdev_group},
                                  {"speed", &iface.speed},
                                  {"tx_queue_len", &iface.tx_queue_len},
                                  {"type", &iface.type}}) {
    if (Status s = ReadInt(dir, attribute, *field); !s) return Error{s.message()};
  }
  return true;
}

CollectResult NetclassCollector::Collect(const HostPaths& paths) {
  const std::string class_dir = paths.sys("class/net");
  std::error_code ec;
  std::filesystem::directory_iterator it(class_dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      return Families{};  // no sysfs (or no networking) mounted: nothing to report
    }
    return Error{"list " + class_dir + ": " + ec.message()};
  }
  devices_.clear();
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return Error{"list " + class_dir + ": " + ec.message()};
    std::string name = it->path().filename().string();
    if (RE2::PartialMatch(name, *ignored_)) continue;
    // Real entries are symlinks into /sys/devices; stat() follows them. Regular files such as
    // bonding_masters and dangling links are not devices.
    struct stat st;
    if (::stat(it->path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    devices_.push_back(std::move(name));
  }
  std::sort(devices_.begin(), devices_.end());

  MetricSet set;
  NetClassIface iface;
  std::string dir;
  for (const std::string& device : devices_) {
    dir.assign(class_dir).append("/").append(device);
    Result<bool> read = ReadIface(dir, iface);
    if (!read) return read.error();
    if (!*read) continue;
    iface.device = device;

    set.Gauge("node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.",
              iface.operstate == "up" ? 1 : 0, {{"device", device}});
    set.Gauge("node_network_info",
              "Non-numeric data from /sys/class/net/<iface>, value is always 1.", 1,
              {{"address", iface.address},
               {"broadcast", iface.broadcast},
               {"device", device},
               {"duplex", iface.duplex},
               {"ifalias", iface.ifalias},
               {"operstate", iface.operstate}});

    auto property = [&](std::string_view suffix, std::string_view help,
                        const std::optional<std::int64_t>& value, bool counter) {
      if (!value) return;
      std::string name = "node_network_" + std::string(suffix);
      set.Add(name, help, counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge,
              static_cast<double>(*value), {{"device", device}});
    };
    // node_exporter's help is "Network device property: <suffix>" for every one of these.
    property("address_assign_type", "Network device property: address_assign_type",
             iface.addr_assign_type, false);
    property("carrier", "Network device property: carrier", iface.carrier, false);
    property("carrier_changes_total", "Network device property: carrier_changes_total",
             iface.carrier_changes, true);
    property("carrier_up_changes_total", "Network device property: carrier_up_changes_total",
             iface.carrier_up_count, true);
    property("carrier_down_changes_total", "Network device property: carrier_down_changes_total",
             iface.carrier_down_count, true);
    property("device_id", "Network device property: device_id", iface.dev_id, false);
    property("dormant", "Network device property: dormant", iface.dormant, false);
    property("flags", "Network device property: flags", iface.flags, false);
    property("iface_id", "Network device property: iface_id", iface.ifindex, false);
    property("iface_link", "Network device property: iface_link", iface.iflink, false);
    property("iface_link_mode", "Network device property: iface_link_mode", iface.link_mode, false);
    property("mtu_bytes", "Network device property: mtu_bytes", iface.mtu, false);
    property("name_assign_type", "Network device property: name_assign_type",
             iface.name_assign_type, false);
    property("net_dev_group", "Network device property: net_dev_group", iface.netdev_group, false);
    // The kernel reports -1 Mb/s when the driver does not know the speed (virtio, down links).
    // node_exporter 1.5 turns that into -125000 unless --collector.netclass.ignore-invalid-speed
    // is given; a negative link speed breaks every utilisation ratio, so it is skipped here, as
    // node_exporter 2.x will by default.
    if (iface.speed && *iface.speed >= 0) {
      set.Gauge("node_network_speed_bytes", "Network device property: speed_bytes",
                static_cast<double>(*iface.speed) * 125000.0, {{"device", device}});
    }
    property("transmit_queue_length", "Network device property: transmit_queue_length",
             iface.tx_queue_len, false);
    property("protocol_type", "Network device property: protocol_type", iface.type, false);
  }
  return set.Take();
}

}  // namespace opsagent::collectors
