// netstat collector: protocol counters from /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "collectors/collector.h"

namespace re2 {
class RE2;
}

namespace opsagent::collectors {

/// One counter: `protocol` "TcpExt", `field` "ListenOverflows". Views point into the parsed text.
struct NetstatEntry {
  std::string_view protocol;
  std::string_view field;
  double value = 0;
};

/// node_exporter 1.5's default --collector.netstat.fields, matched against "<Protocol>_<Field>".
inline constexpr std::string_view kNetstatDefaultFields =
    "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|"
    "TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|"
    "OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|"
    "RcvbufErrors|SndbufErrors))$";

/// Parses the header/value line pairs of /proc/net/netstat and /proc/net/snmp
/// ("TcpExt: SyncookiesSent ..." then "TcpExt: 0 ..."), appending every counter to `out`.
/// A value line whose protocol differs from its header's, a different number of names and
/// values, a missing value line or a non-integer value is an error naming the protocol.
Status ParseNetstatPairs(std::string_view content, std::vector<NetstatEntry>& out);

/// Parses /proc/net/snmp6 ("Ip6InReceives  123" per line), appending to `out`. The protocol is
/// the name up to and including its first '6' ("Icmp6", "UdpLite6"); names without a '6' are
/// skipped, as node_exporter does.
Status ParseSnmp6(std::string_view content, std::vector<NetstatEntry>& out);

/// Emits node_netstat_<Protocol>_<Field> (untyped) for the counters matching
/// kNetstatDefaultFields. netstat and snmp are required; snmp6 is absent when IPv6 is disabled
/// and then skipped. Thread-safety: see Collector.
class NetstatCollector : public Collector {
 public:
  NetstatCollector();
  ~NetstatCollector() override;

  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::unique_ptr<re2::RE2> fields_;
  // One buffer per file: entries_ holds views into all three until the families are built.
  std::string netstat_buffer_;
  std::string snmp_buffer_;
  std::string snmp6_buffer_;
  std::vector<NetstatEntry> entries_;
  std::string key_;                          // "<Protocol>_<Field>" scratch
  std::unordered_set<std::string> emitted_;  // bounded by the kernel's counter names
};

}  // namespace opsagent::collectors
