// conntrack collector: netfilter connection-tracking table size, limit and per-CPU statistics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// The counters node_exporter exports from /proc/net/stat/nf_conntrack, summed over all CPUs.
struct ConntrackStats {
  std::uint64_t found = 0;
  std::uint64_t invalid = 0;
  std::uint64_t ignore = 0;
  std::uint64_t insert = 0;
  std::uint64_t insert_failed = 0;
  std::uint64_t drop = 0;
  std::uint64_t early_drop = 0;
  std::optional<std::uint64_t> search_restart;  // absent before Linux 2.6.35
};

/// Parses /proc/net/stat/nf_conntrack: a header naming the columns ("entries clashres found new
/// invalid ...", which differs between kernels) then one line of hex values per CPU. Columns are
/// found by name, so a reordered or extended header still parses. A missing required column,
/// a line whose width differs from the header's, or a non-hex value is an error naming the line.
Result<ConntrackStats> ParseConntrackStat(std::string_view content);

/// Emits node_nf_conntrack_entries and _entries_limit, and node_nf_conntrack_stat_* like
/// node_exporter 1.5. Without conntrack loaded the files are absent: no families, no error; as
/// in node_exporter, whatever was read before the first absent file is still reported.
/// Thread-safety: see Collector.
class ConntrackCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;  // reused across files and cycles
};

}  // namespace opsagent::collectors
