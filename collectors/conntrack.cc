// conntrack collector: read nf_conntrack_{count,max} and the per-CPU stat table.
#include "collectors/conntrack.h"

#include <array>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// Wide enough for every kernel's header (17 columns today).
constexpr std::size_t kMaxColumns = 64;

enum Column : std::size_t {
  kFound,
  kInvalid,
  kIgnore,
  kInsert,
  kInsertFailed,
  kDrop,
  kEarlyDrop,
  kSearchRestart,
  kColumnCount,
};

constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "found",         "invalid", "ignore",     "insert",
    "insert_failed", "drop",    "early_drop", "search_restart"};

constexpr std::size_t kAbsent = kMaxColumns;

// Reads a one-number procfs file: true when present, false when absent (conntrack not loaded).
Result<bool> ReadCounter(const std::string& path, std::string& buffer, std::uint64_t& value) {
  Result<bool> present = ReadOptionalFile(path, buffer);
  if (!present || !*present) return present;
  std::optional<std::uint64_t> parsed = ParseUint(Trim(buffer));
  if (!parsed) {
    return Error{path + ": not an unsigned integer: \"" + std::string(Trim(buffer)) + "\""};
  }
  value = *parsed;
  return true;
}

}  // namespace

Result<ConntrackStats> ParseConntrackStat(std::string_view content) {
  std::string_view header;
  if (!NextLine(content, header)) return Error{"empty file"};
  std::array<std::size_t, kColumnCount> index;
  index.fill(kAbsent);
  std::size_t columns = 0;
  std::string_view field;
  while (NextField(header, field)) {
    if (columns == kMaxColumns) {
      return Error{"line 1: more than " + std::to_string(kMaxColumns) + " columns"};
    }
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      if (field == kColumnNames[c] && index[c] == kAbsent) index[c] = columns;
    }
    ++columns;
  }
  for (std::size_t c = 0; c < kSearchRestart; ++c) {
    if (index[c] == kAbsent) {
      return Error{"line 1: header has no \"" + std::string(kColumnNames[c]) + "\" column"};
    }
  }

  std::array<std::uint64_t, kColumnCount> sums{};
  std::string_view line;
  for (std::size_t line_number = 2; NextLine(content, line); ++line_number) {
    std::size_t n = 0;
    for (std::string_view rest = line; NextField(rest, field); ++n) {
      if (n >= columns) continue;  // counted, reported below
      std::optional<std::uint64_t> value = ParseHex(field);
      if (!value) {
        return Error{"line " + std::to_string(line_number) + ": column " + std::to_string(n + 1) +
                     " is not a hex number: \"" + std::string(field) + "\""};
      }
      for (std::size_t c = 0; c < kColumnCount; ++c) {
        if (index[c] == n) sums[c] += *value;
      }
    }
    if (n == 0) continue;  // blank line
    if (n != columns) {
      return Error{"line " + std::to_string(line_number) + ": " + std::to_string(n) +
                   " values but the header has " + std::to_string(columns) + " columns"};
    }
  }
  ConntrackStats stats;
  stats.found = sums[kFound];
  stats.invalid = sums[kInvalid];
  stats.ignore = sums[kIgnore];
  stats.insert = sums[kInsert];
  stats.insert_failed = sums[kInsertFailed];
  stats.drop = sums[kDrop];
  stats.early_drop = sums[kEarlyDrop];
  if (index[kSearchRestart] != kAbsent) stats.search_restart = sums[kSearchRestart];
  return stats;
}

const CollectorInfo& ConntrackCollector::StaticInfo() {
  static const CollectorInfo info{
      "conntrack",
      "Netfilter connection tracking table usage and statistics.",
      {"proc/sys/net/netfilter/nf_conntrack_count", "proc/sys/net/netfilter/nf_conntrack_max",
       "proc/net/stat/nf_conntrack"},
      true};
  return info;
}

CollectResult ConntrackCollector::Collect(const HostPaths& paths) {
  MetricSet set;
  std::uint64_t value = 0;
  Result<bool> present =
      ReadCounter(paths.proc("sys/net/netfilter/nf_conntrack_count"), buffer_, value);
  if (!present) return present.error();
  if (!*present) return set.Take();
  set.Gauge("node_nf_conntrack_entries",
            "Number of currently allocated flow entries for connection tracking.",
            static_cast<double>(value));

  present = ReadCounter(paths.proc("sys/net/netfilter/nf_conntrack_max"), buffer_, value);
  if (!present) return present.error();
  if (!*present) return set.Take();
  set.Gauge("node_nf_conntrack_entries_limit", "Maximum size of connection tracking table.",
            static_cast<double>(value));

  const std::string stat_path = paths.proc("net/stat/nf_conntrack");
  present = ReadOptionalFile(stat_path, buffer_);
  if (!present) return present.error();
  if (!*present) return set.Take();
  Result<ConntrackStats> stats = ParseConntrackStat(buffer_);
  if (!stats) return Error{stat_path + ": " + stats.error().message};
  auto gauge = [&](std::string_view name, std::string_view help, std::uint64_t v) {
    set.Gauge(name, help, static_cast<double>(v));
  };
  gauge("node_nf_conntrack_stat_found", "Number of searched entries which were successful.",
        stats->found);
  gauge("node_nf_conntrack_stat_invalid", "Number of packets seen which can not be tracked.",
        stats->invalid);
  gauge("node_nf_conntrack_stat_ignore",
        "Number of packets seen which are already connected to a conntrack entry.", stats->ignore);
  gauge("node_nf_conntrack_stat_insert", "Number of entries inserted into the list.",
        stats->insert);
  gauge("node_nf_conntrack_stat_insert_failed",
        "Number of entries for which list insertion was attempted but failed.",
        stats->insert_failed);
  gauge("node_nf_conntrack_stat_drop", "Number of packets dropped due to conntrack failure.",
        stats->drop);
  gauge("node_nf_conntrack_stat_early_drop",
        "Number of dropped conntrack entries to make room for new ones, if maximum table size "
        "was reached.",
        stats->early_drop);
  if (stats->search_restart) {
    gauge("node_nf_conntrack_stat_search_restart",
          "Number of conntrack table lookups which had to be restarted due to hashtable resizes.",
          *stats->search_restart);
  }
  return set.Take();
}

}  // namespace opsagent::collectors
