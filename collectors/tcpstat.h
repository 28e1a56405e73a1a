// tcpstat collector: TCP connections per state, and queued bytes, from /proc/net/tcp{,6}.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// Kernel TCP states as printed in the "st" column (include/net/tcp_states.h): 1 established
/// through 11 closing. Index 0 is unused.
inline constexpr std::size_t kTcpStateSlots = 12;

/// node_exporter's label value for kernel state `state` (1..11), or "" for any other number.
std::string_view TcpStateName(std::uint64_t state);

/// Sockets per state and the bytes waiting in send and receive queues, summed over lines.
struct TcpStats {
  std::array<std::uint64_t, kTcpStateSlots> states{};
  std::uint64_t tx_queued_bytes = 0;
  std::uint64_t rx_queued_bytes = 0;
};

/// Adds one socket line of /proc/net/tcp ("   0: 0100007F:0CEA 00000000:0000 0A
/// 00000000:00000000 ...") to `stats`: the state from column 4, the queues from column 5, all hex.
/// Does not allocate unless it fails. A state the kernel may add later is not counted; a
/// missing column or a non-hex value is an error.
Status AddTcpSocketLine(std::string_view line, TcpStats& stats);

/// Parses a whole /proc/net/tcp or tcp6 (header line first) into `stats`; errors name the line.
Status ParseTcpTable(std::string_view content, TcpStats& stats);

/// Emits node_tcp_connection_states{state} for all eleven states (zeros included) plus the
/// tx_queued_bytes and rx_queued_bytes pseudo-states, over IPv4 and IPv6. The files are streamed
/// through a fixed buffer, so 100k sockets cost no more memory than 10. Either file may be
/// absent. Thread-safety: see Collector.
class TcpstatCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  // Streams one file into `stats`: true when read, false when absent.
  Result<bool> AddFile(const std::string& path, TcpStats& stats);

  std::string chunk_;  // fixed-size read buffer, allocated on first use
};

}  // namespace opsagent::collectors
