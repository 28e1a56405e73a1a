// netdev collector: per-interface traffic counters from /proc/net/dev.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/options.h"

namespace re2 {
class RE2;
}

namespace opsagent::collectors {

/// The kernel prints 8 receive and 8 transmit columns; the header is parsed rather than assumed,
/// but a header wider than this is refused as malformed.
inline constexpr std::size_t kMaxNetDevColumns = 32;

/// One interface line of /proc/net/dev. `values` holds the receive columns first, then the
/// transmit columns, in header order.
struct NetDevRow {
  std::string_view device;
  std::array<std::uint64_t, kMaxNetDevColumns> values{};
};

/// The parsed file. All views point into the parsed content; vectors keep their capacity across
/// parses so a warm collector does not allocate.
struct NetDevTable {
  std::vector<std::string_view> receive_columns;   // "bytes", "packets", "errs", ...
  std::vector<std::string_view> transmit_columns;  // "bytes", "packets", ..., "colls", "carrier"
  std::vector<NetDevRow> rows;
};

/// Parses /proc/net/dev: two header lines ("Inter-|...", " face |bytes packets ...|bytes ...")
/// then "<device>: <values>". The device name ends at the first ':' (the kernel forbids ':' in
/// names) and large counters may follow the colon without a space. Every value must be an
/// unsigned integer and every line must have as many values as the header has columns.
Status ParseNetDev(std::string_view content, NetDevTable& table);

/// Emits node_network_{receive,transmit}_<column>_total{device} for every interface that passes
/// the filter: with `device_include` set only matching devices, otherwise every device not
/// matching `device_exclude`. Thread-safety: see Collector.
class NetdevCollector : public Collector {
 public:
  explicit NetdevCollector(const CollectorOptions& options);
  ~NetdevCollector() override;

  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  bool Ignored(std::string_view device) const;

  std::unique_ptr<re2::RE2> include_;  // null when device_include is empty
  std::unique_ptr<re2::RE2> exclude_;  // null when include_ is set or device_exclude is empty
  std::string buffer_;                 // reused across cycles
  NetDevTable table_;                  // reused across cycles
  std::string name_;                   // metric name scratch
  std::string help_;                   // help text scratch
};

}  // namespace opsagent::collectors
