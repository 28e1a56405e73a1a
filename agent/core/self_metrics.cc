// Self-metrics of the agent: process_*, build info, per-collector and per-cycle health.
#include "agent/core/self_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <string_view>

#include "collectors/parse.h"

#ifndef OPSAGENT_VERSION
#define OPSAGENT_VERSION "0.0.0"
#endif
#ifndef OPSAGENT_REVISION
#define OPSAGENT_REVISION "unknown"
#endif

namespace opsagent::core {
namespace {

using collectors::MetricSet;

double BootTimeSeconds() {
  std::string stat;
  if (!collectors::ReadFile("/proc/stat", stat).ok()) return 0;
  std::string_view rest = stat, line;
  while (collectors::NextLine(rest, line)) {
    if (line.substr(0, 6) == "btime ") {
      return static_cast<double>(
          collectors::ParseUint(collectors::Trim(line.substr(6))).value_or(0));
    }
  }
  return 0;
}

int CountOpenFds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count - 1;  // the descriptor opendir itself holds
}

}  // namespace

const char* Version() { return OPSAGENT_VERSION; }
const char* Revision() { return OPSAGENT_REVISION; }

void AppendProcessMetrics(MetricSet& set) {
  static const double clk_tck = static_cast<double>(::sysconf(_SC_CLK_TCK));
  static const double page_size = static_cast<double>(::sysconf(_SC_PAGESIZE));
  static const double boot_time = BootTimeSeconds();

  std::string stat;
  if (collectors::ReadFile("/proc/self/stat", stat).ok()) {
    // Fields after the ")" that closes comm: state is field 3; utime 14, stime 15,
    // starttime 22, vsize 23, rss 24 (1-based, as in proc(5)).
    std::size_t close = stat.rfind(')');
    std::string_view rest =
        std::string_view(stat).substr(close == std::string::npos ? 0 : close + 1);
    std::string_view fields[22];
    if (collectors::SplitFields(rest, fields, 22) == 22) {
      double utime = static_cast<double>(collectors::ParseUint(fields[11]).value_or(0));
      double stime = static_cast<double>(collectors::ParseUint(fields[12]).value_or(0));
      double start = static_cast<double>(collectors::ParseUint(fields[19]).value_or(0));
      double vsize = static_cast<double>(collectors::ParseUint(fields[20]).value_or(0));
      double rss = static_cast<double>(collectors::ParseUint(fields[21]).value_or(0));
      set.Counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                  (utime + stime) / clk_tck);
      set.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", rss * page_size);
      set.Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", vsize);
      set.Gauge("process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                boot_time + start / clk_tck);
    }
  }
  if (int fds = CountOpenFds(); fds >= 0) {
    set.Gauge("process_open_fds", "Number of open file descriptors.", fds);
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    set.Gauge("process_max_fds", "Maximum number of open file descriptors.",
              static_cast<double>(limit.rlim_cur));
  }
}

void AppendBuildInfo(MetricSet& set) {
  set.Gauge("opsagent_build_info",
            "A metric with a constant '1' value labeled by version and revision of opsagent.", 1,
            {{"revision", Revision()}, {"version", Version()}});
}

void AppendCycleMetrics(MetricSet& set, const std::vector<CollectorHealth>& collectors,
                        double cycle_duration_seconds, std::uint64_t cycles_total) {
  for (const CollectorHealth& c : collectors) {
    set.Gauge("opsagent_collector_duration_seconds",
              "How long the collector took in the last cycle.", c.duration_seconds,
              {{"collector", c.name}});
  }
  for (const CollectorHealth& c : collectors) {
    set.Gauge("opsagent_collector_success",
              "Whether the collector succeeded within its deadline in the last cycle.",
              c.success ? 1 : 0, {{"collector", c.name}});
  }
  for (const CollectorHealth& c : collectors) {
    set.Counter("opsagent_collector_timeouts_total",
                "Cycles in which the collector missed its deadline.",
                static_cast<double>(c.timeouts_total), {{"collector", c.name}});
  }
  set.Gauge("opsagent_cycle_duration_seconds",
            "Wall time of the last collection cycle, from start to the last collector.",
            cycle_duration_seconds);
  set.Counter("opsagent_cycles_total", "Collection cycles completed.",
              static_cast<double>(cycles_total));
}

void AppendReloadMetrics(MetricSet& set, const ReloadHealth& reload) {
  set.Gauge("opsagent_config_last_reload_successful",
            "Whether the last configuration reload attempt was successful.",
            reload.last_successful ? 1 : 0);
  set.Gauge("opsagent_config_last_reload_success_timestamp_seconds",
            "Timestamp of the last successful configuration reload.",
            reload.last_success_timestamp_seconds);
}

}  // namespace opsagent::core
