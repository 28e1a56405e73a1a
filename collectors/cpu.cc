// cpu collector: parse the "cpuN" lines of /proc/stat, emit node_exporter's per-CPU mode times.
#include "collectors/cpu.h"

#include <unistd.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// node_exporter's threshold: an idle counter that drops this much means the CPU was replugged.
constexpr double kJumpBackSeconds = 3.0;

constexpr std::string_view kModes[CpuTimes::kGuest] = {"user",   "nice", "system",  "idle",
                                                       "iowait", "irq",  "softirq", "steal"};

Error LineError(int line_no, std::string_view line, const std::string& what) {
  return Error{"line " + std::to_string(line_no) + " " + Snippet(line) + ": " + what};
}

}  // namespace

Status ParseProcStatCpus(std::string_view content, std::vector<CpuTimes>& out) {
  out.clear();
  std::string_view rest = content;
  std::string_view line;
  int line_no = 0;
  while (NextLine(rest, line)) {
    ++line_no;
    std::string_view columns = line;
    std::string_view name;
    if (!NextField(columns, name)) continue;
    // "cpu" alone is the all-CPU sum, which node_exporter leaves to PromQL.
    if (name.size() <= 3 || name.substr(0, 3) != "cpu") continue;
    std::optional<std::uint64_t> id = ParseUint(name.substr(3));
    if (!id || *id > std::numeric_limits<std::uint32_t>::max()) {
      return LineError(line_no, line, "CPU id is not a number");
    }
    CpuTimes& times = out.emplace_back();
    times.cpu = static_cast<std::uint32_t>(*id);
    std::string_view column;
    while (NextField(columns, column)) {
      if (times.fields == CpuTimes::kMaxFields) {
        return LineError(line_no, line,
                         "more than " + std::to_string(CpuTimes::kMaxFields) + " time columns");
      }
      std::optional<std::uint64_t> ticks = ParseUint(column);
      if (!ticks) {
        return LineError(line_no, line,
                         "time column " + std::to_string(times.fields + 1) + " is not a number");
      }
      times.ticks[times.fields++] = *ticks;
    }
    if (times.fields < CpuTimes::kMinFields) {
      return LineError(line_no, line,
                       "expected " + std::to_string(CpuTimes::kMinFields) + " to " +
                           std::to_string(CpuTimes::kMaxFields) + " time columns, got " +
                           std::to_string(times.fields));
    }
  }
  if (out.empty()) return Error{"no per-CPU \"cpuN\" lines"};
  // The kernel writes ascending ids; sorting makes the duplicate check and the merge with the
  // previous cycle independent of that.
  std::sort(out.begin(), out.end(),
            [](const CpuTimes& a, const CpuTimes& b) { return a.cpu < b.cpu; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].cpu == out[i - 1].cpu) {
      return Error{"cpu" + std::to_string(out[i].cpu) + " is listed twice"};
    }
  }
  return Status::Ok();
}

CpuCollector::CpuCollector() : CpuCollector(::sysconf(_SC_CLK_TCK)) {}

CpuCollector::CpuCollector(long ticks_per_second)
    // USER_HZ is 100 on every mainstream architecture; a failed sysconf must not divide by 0.
    : ticks_per_second_(ticks_per_second > 0 ? static_cast<double>(ticks_per_second) : 100.0) {}

const CollectorInfo& CpuCollector::StaticInfo() {
  static const CollectorInfo info{
      "cpu",
      "Seconds each CPU spent in each mode (and in guests), from /proc/stat.",
      {"proc/stat"},
      true};
  return info;
}

void CpuCollector::ClampToPrevious() {
  const double jump_back_ticks = kJumpBackSeconds * ticks_per_second_;
  auto prev = previous_.begin();
  for (CpuTimes& cur : current_) {
    while (prev != previous_.end() && prev->cpu < cur.cpu) ++prev;
    if (prev == previous_.end() || prev->cpu != cur.cpu) continue;  // new (or replugged) CPU
    const std::uint64_t old_idle = prev->ticks[CpuTimes::kIdle];
    const std::uint64_t new_idle = cur.ticks[CpuTimes::kIdle];
    if (old_idle > new_idle && static_cast<double>(old_idle - new_idle) >= jump_back_ticks) {
      continue;  // hotplug: the kernel restarted this CPU's counters; take them as they are
    }
    for (int i = 0; i < CpuTimes::kMaxFields; ++i) {
      cur.ticks[i] = std::max(cur.ticks[i], prev->ticks[i]);
    }
  }
  previous_ = current_;  // copy-assignment reuses previous_'s capacity
}

CollectResult CpuCollector::Collect(const HostPaths& paths) {
  const std::string path = paths.proc("stat");
  if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
  if (Status s = ParseProcStatCpus(buffer_, current_); !s) {
    return Error{path + ": " + s.message()};
  }
  ClampToPrevious();

  MetricSet set;
  for (const CpuTimes& times : current_) {
    const std::string cpu = std::to_string(times.cpu);
    for (int mode = 0; mode < CpuTimes::kGuest; ++mode) {
      set.Counter("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.",
                  static_cast<double>(times.ticks[mode]) / ticks_per_second_,
                  {{"cpu", cpu}, {"mode", std::string(kModes[mode])}});
    }
    // Guest time is also counted in user and nice; node_exporter exposes it separately. Kernels
    // that predate the guest columns get no guest samples rather than made-up zeros.
    constexpr std::string_view kGuestHelp = "Seconds the CPUs spent in guests (VMs) for each mode.";
    if (times.fields > CpuTimes::kGuest) {
      set.Counter("node_cpu_guest_seconds_total", kGuestHelp,
                  static_cast<double>(times.ticks[CpuTimes::kGuest]) / ticks_per_second_,
                  {{"cpu", cpu}, {"mode", "user"}});
    }
    if (times.fields > CpuTimes::kGuestNice) {
      set.Counter("node_cpu_guest_seconds_total", kGuestHelp,
                  static_cast<double>(times.ticks[CpuTimes::kGuestNice]) / ticks_per_second_,
                  {{"cpu", cpu}, {"mode", "nice"}});
    }
  }
  return set.Take();
}

}  // namespace opsagent::collectors
