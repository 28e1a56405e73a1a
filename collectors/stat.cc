// stat collector: parse the system-wide lines of /proc/stat, emit node_exporter's stat metrics.
#include "collectors/stat.h"

#include <optional>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

struct Key {
  std::string_view name;
  std::uint64_t ProcStat::*field;
};

constexpr Key kKeys[] = {
    {"btime", &ProcStat::boot_time},
    {"ctxt", &ProcStat::context_switches},
    {"processes", &ProcStat::forks},
    {"intr", &ProcStat::interrupts},
    {"procs_running", &ProcStat::procs_running},
    {"procs_blocked", &ProcStat::procs_blocked},
};
constexpr int kKeyCount = sizeof(kKeys) / sizeof(kKeys[0]);

}  // namespace

Result<ProcStat> ParseProcStat(std::string_view content) {
  ProcStat stat;
  bool seen[kKeyCount] = {};
  std::string_view rest = content;
  std::string_view line;
  int line_no = 0;
  while (NextLine(rest, line)) {
    ++line_no;
    std::string_view columns = line;
    std::string_view name;
    if (!NextField(columns, name)) continue;
    int key = 0;
    while (key < kKeyCount && kKeys[key].name != name) ++key;
    if (key == kKeyCount) continue;
    auto fail = [&](std::string_view what) {
      return Error{"line " + std::to_string(line_no) + " " + Snippet(line) + ": " +
                   std::string(what)};
    };
    if (seen[key]) return fail("the line appears twice");
    seen[key] = true;
    // "intr" is followed by one count per interrupt line; only the leading total is used.
    std::string_view value;
    if (!NextField(columns, value)) return fail("missing value");
    std::optional<std::uint64_t> parsed = ParseUint(value);
    if (!parsed) return fail("value is not a number");
    stat.*kKeys[key].field = *parsed;
  }
  for (int key = 0; key < kKeyCount; ++key) {
    if (!seen[key]) return Error{"missing \"" + std::string(kKeys[key].name) + "\" line"};
  }
  return stat;
}

const CollectorInfo& StatCollector::StaticInfo() {
  static const CollectorInfo info{"stat",
                                  "Boot time, context switches, forks, interrupts and "
                                  "running/blocked processes, from /proc/stat.",
                                  {"proc/stat"},
                                  true};
  return info;
}

CollectResult StatCollector::Collect(const HostPaths& paths) {
  const std::string path = paths.proc("stat");
  if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
  Result<ProcStat> stat = ParseProcStat(buffer_);
  if (!stat) return Error{path + ": " + stat.error().message};
  MetricSet set;
  set.Gauge("node_boot_time_seconds", "Node boot time, in unixtime.",
            static_cast<double>(stat->boot_time));
  set.Counter("node_context_switches_total", "Total number of context switches.",
              static_cast<double>(stat->context_switches));
  set.Counter("node_forks_total", "Total number of forks.", static_cast<double>(stat->forks));
  set.Counter("node_intr_total", "Total number of interrupts serviced.",
              static_cast<double>(stat->interrupts));
  set.Gauge("node_procs_running", "Number of processes in runnable state.",
            static_cast<double>(stat->procs_running));
  set.Gauge("node_procs_blocked", "Number of processes blocked waiting for I/O to complete.",
            static_cast<double>(stat->procs_blocked));
  return set.Take();
}

}  // namespace opsagent::collectors
