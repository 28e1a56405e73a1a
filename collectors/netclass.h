// netclass collector: per-interface link properties from /sys/class/net/<device>/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/options.h"

namespace re2 {
class RE2;
}

namespace opsagent::collectors {

/// Parses a numeric sysfs attribute the way node_exporter's procfs does (Go's ParseInt with base
/// 0, minus octal, which sysfs never writes): signed decimal ("-1", "1500") or hex with a 0x
/// prefix ("0x1003"). Surrounding whitespace is ignored.
std::optional<std::int64_t> ParseSysfsInt(std::string_view s);

/// The attributes of one interface. Text attributes are empty and numeric ones unset when the
/// kernel refuses the read (EINVAL for `carrier` or `speed` on a down link) or the file is absent.
struct NetClassIface {
  std::string device;
  std::string address;
  std::string broadcast;
  std::string duplex;
  std::string ifalias;
  std::string operstate;
  std::optional<std::int64_t> addr_assign_type;
  std::optional<std::int64_t> carrier;
  std::optional<std::int64_t> carrier_changes;
  std::optional<std::int64_t> carrier_up_count;
  std::optional<std::int64_t> carrier_down_count;
  std::optional<std::int64_t> dev_id;
  std::optional<std::int64_t> dormant;
  std::optional<std::int64_t> flags;
  std::optional<std::int64_t> ifindex;
  std::optional<std::int64_t> iflink;
  std::optional<std::int64_t> link_mode;
  std::optional<std::int64_t> mtu;
  std::optional<std::int64_t> name_assign_type;
  std::optional<std::int64_t> netdev_group;
  std::optional<std::int64_t> speed;  // Mb/s; -1 when the driver does not know
  std::optional<std::int64_t> tx_queue_len;
  std::optional<std::int64_t> type;
};

/// Emits node_exporter 1.5's netclass metrics (node_network_up, node_network_info and the
/// "Network device property" gauges and counters) for every entry of /sys/class/net that is a
/// directory or a link to one and does not match `ignored_devices`. A missing /sys/class/net
/// yields no families. Thread-safety: see Collector.
class NetclassCollector : public Collector {
 public:
  explicit NetclassCollector(const CollectorOptions& options);
  ~NetclassCollector() override;

  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  // Reads <dir>/<attribute> into buffer_; false when unreadable in an expected way.
  Result<bool> ReadAttribute(const std::string& dir, std::string_view attribute);
  Result<bool> ReadText(const std::string& dir, std::string_view attribute, std::string& out);
  Status ReadInt(const std::string& dir, std::string_view attribute,
                 std::optional<std::int64_t>& out);
  Result<bool> ReadIface(const std::string& dir, NetClassIface& iface);

  std::unique_ptr<re2::RE2> ignored_;
  std::string buffer_;                // attribute contents, reused
  std::string path_;                  // attribute path scratch, reused
  std::vector<std::string> devices_;  // directory listing, reused
};

}  // namespace opsagent::collectors
