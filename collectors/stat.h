// stat collector: boot time, context switches, forks, interrupts, run queue from /proc/stat.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// The system-wide lines of /proc/stat that node_exporter's stat collector reads.
struct ProcStat {
  std::uint64_t boot_time = 0;         // btime, seconds since the epoch
  std::uint64_t context_switches = 0;  // ctxt
  std::uint64_t forks = 0;             // processes
  std::uint64_t interrupts = 0;        // intr, first column (the total)
  std::uint64_t procs_running = 0;
  std::uint64_t procs_blocked = 0;
};

/// Parses btime, ctxt, processes, intr, procs_running and procs_blocked; other lines (cpu,
/// softirq, ...) are skipped. Every one of the six is required (all kernels since 2.6 write
/// them, so a missing one means a truncated file); a missing or non-numeric value or a repeated
/// line is an error naming the line.
Result<ProcStat> ParseProcStat(std::string_view content);

/// Emits node_boot_time_seconds, node_context_switches_total, node_forks_total,
/// node_intr_total, node_procs_running and node_procs_blocked. Thread-safety: see Collector.
class StatCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;  // reused across cycles
};

}  // namespace opsagent::collectors
