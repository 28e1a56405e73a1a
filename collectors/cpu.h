// cpu collector: per-CPU mode and guest times from /proc/stat (node_cpu_*_seconds_total).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// One "cpuN" line of /proc/stat, in USER_HZ ticks.
struct CpuTimes {
  /// Column order in /proc/stat; also the index into `ticks`.
  enum Field { kUser, kNice, kSystem, kIdle, kIowait, kIrq, kSoftirq, kSteal, kGuest, kGuestNice };
  static constexpr int kMaxFields = 10;
  /// Kernels since 2.6.11 write at least user..steal; guest and guest_nice came later.
  static constexpr int kMinFields = 8;

  std::uint32_t cpu = 0;  // the N of "cpuN"; offline CPUs have no line, so ids may have gaps
  std::array<std::uint64_t, kMaxFields> ticks{};
  int fields = 0;  // how many columns the kernel wrote (kMinFields..kMaxFields)
};

/// Parses every per-CPU "cpuN" line of /proc/stat into `out` (cleared first, capacity reused, so
/// no allocation once warm), sorted by CPU id. The aggregate "cpu" line and all other lines are
/// skipped. Errors name the line: a bad CPU id, a duplicate id, too few or too many columns, or a
/// non-numeric column; no "cpuN" line at all is an error too.
Status ParseProcStatCpus(std::string_view content, std::vector<CpuTimes>& out);

/// Emits node_exporter 1.5's node_cpu_seconds_total{cpu,mode} and
/// node_cpu_guest_seconds_total{cpu,mode}. Like node_exporter, a counter that goes backwards
/// (the kernel's idle and iowait accounting can) keeps its previous value, and a CPU whose idle
/// time drops by 3 s or more (hotplug) starts afresh. Unlike node_exporter 1.5, offline CPUs are
/// not reported as zeros. Thread-safety: see Collector (keeps the previous sample between calls).
class CpuCollector : public Collector {
 public:
  /// Converts ticks with sysconf(_SC_CLK_TCK).
  CpuCollector();
  /// For tests: a fixed tick rate (USER_HZ of the machine a fixture was recorded on).
  explicit CpuCollector(long ticks_per_second);

  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  // Makes `current_` monotonic against `previous_` (both sorted by CPU id).
  void ClampToPrevious();

  double ticks_per_second_;
  std::string buffer_;              // reused across cycles
  std::vector<CpuTimes> current_;   // reused across cycles
  std::vector<CpuTimes> previous_;  // last emitted values; only CPUs present last cycle
};

}  // namespace opsagent::collectors
