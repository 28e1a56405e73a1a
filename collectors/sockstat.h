// sockstat collector: socket counts and memory from /proc/net/sockstat and /proc/net/sockstat6.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// One "<PROTO>: key value ..." line. Keys other than these are ignored, as in node_exporter.
struct SockstatProtocol {
  std::string_view protocol;  // "TCP", "UDP6", "FRAG" ...; points into the parsed text
  std::int64_t inuse = 0;     // node_exporter reports 0 when a line lacks it
  std::optional<std::int64_t> orphan;
  std::optional<std::int64_t> tw;
  std::optional<std::int64_t> alloc;
  std::optional<std::int64_t> mem;     // pages
  std::optional<std::int64_t> memory;  // bytes (FRAG)
};

struct Sockstat {
  std::optional<std::int64_t> sockets_used;  // "sockets: used N", IPv4 file only
  std::vector<SockstatProtocol> protocols;   // keeps capacity across parses
};

/// Parses /proc/net/sockstat or sockstat6 into `out`. A line needs a "<PROTO>:" tag and at least
/// one key/value pair; an odd number of key/value fields, a non-integer value or a protocol seen
/// twice is an error naming the line.
Status ParseSockstat(std::string_view content, Sockstat& out);

/// Emits node_sockstat_sockets_used and node_sockstat_<PROTO>_<key> gauges exactly as node_exporter
/// 1.5 does, including <PROTO>_mem_bytes (mem pages times the page size). Either file may be
/// absent (IPv4 or IPv6 disabled): it is skipped. Thread-safety: see Collector.
class SockstatCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer4_;
  std::string buffer6_;
  Sockstat stat4_;
  Sockstat stat6_;
};

}  // namespace opsagent::collectors
