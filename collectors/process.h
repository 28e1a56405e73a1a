// process collector: per-group and top-N process metrics from /proc/PID/{stat,cmdline,io,fd}.
//
// Groups come from ProcessOptions: a process belongs to the first group whose every non-empty
// matcher (comm, cmdline; RE2, unanchored) matches. Every configured group is emitted, with 0
// processes when none match, so an alert on `opsagent_process_group_processes == 0` fires.
//
// The group counters (cpu, read/write bytes) are sums over the group's *current* members, so they
// drop when a member exits; rate()/increase() treat the drop as a counter reset, exactly as with
// process-exporter's namegroup counters. Keeping per-pid history to hide that is not worth it.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/options.h"

namespace re2 {
class RE2;
}

namespace opsagent::collectors {

/// The fields of /proc/PID/stat the process collector uses. `comm` points into the parsed text.
struct PidStat {
  std::string_view comm;
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t num_threads = 0;
  std::uint64_t starttime_ticks = 0;  // since boot
  std::uint64_t rss_pages = 0;
};

/// Parses one /proc/PID/stat line. comm may hold spaces and parentheses, so it spans from the
/// first '(' to the LAST ')'. Never allocates on success.
Result<PidStat> ParsePidStat(std::string_view content);

struct ProcIo {
  std::uint64_t read_bytes = 0;
  std::uint64_t write_bytes = 0;
};

/// Parses read_bytes and write_bytes from /proc/PID/io ("read_bytes: 123" lines).
Result<ProcIo> ParseProcIo(std::string_view content);

/// Parses the "btime" line (boot time, unix seconds) from /proc/stat.
Result<std::uint64_t> ParseBootTime(std::string_view content);

/// Turns raw /proc/PID/cmdline bytes (NUL-terminated argv) into argv joined by single spaces,
/// in place: inner NULs become spaces, trailing NULs are dropped. Returns the joined view.
std::string_view JoinCmdlineInPlace(char* data, std::size_t size);

/// Thread-safety: see Collector. All per-process work reuses member buffers, so a warm Collect()
/// allocates only for the emitted samples (per group and per top-N entry), never per process.
class ProcessCollector : public Collector {
 public:
  /// Upper bound on top_n; a larger configured value is clamped (bounded series count).
  static constexpr int kMaxTopN = 1000;

  ProcessCollector();  // no groups, default top_n
  explicit ProcessCollector(const CollectorOptions& options);
  ~ProcessCollector() override;

  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  struct Group;
  /// comm as a fixed array so keeping the top N needs no allocation.
  struct TopEntry {
    std::uint64_t value = 0;
    int pid = 0;
    std::uint8_t comm_size = 0;
    std::array<char, 64> comm{};
  };
  /// Reads and aggregates one pid. A pid that vanished or hides its stat is skipped silently;
  /// the error is only for malformed content.
  Status CollectPid(int proc_fd, std::string_view pid_name, int pid, const std::string& procfs);
  /// Reads `<pid>/<file>` under proc_fd into `buffer` (at most its size; `truncated` says there
  /// was more). Returns 0 or the errno of the failed open/read.
  int ReadPidFile(int proc_fd, std::string_view pid_name, const char* file,
                  std::vector<char>& buffer, std::size_t& size, bool& truncated);
  /// Counts the entries of `<pid>/fd` with getdents64 into a reused buffer (opendir would
  /// allocate per process). Returns 0 or the errno.
  int CountFds(int proc_fd, std::string_view pid_name, std::uint64_t& count);
  void ResetTotals();

  std::vector<std::unique_ptr<Group>> groups_;
  bool any_cmdline_matcher_ = false;
  std::size_t top_n_ = 10;
  double ticks_per_second_ = 100;
  std::uint64_t page_size_ = 4096;

  std::string proc_stat_buffer_;  // /proc/stat, for btime
  std::vector<char> stat_buffer_;
  std::vector<char> cmdline_buffer_;  // only sized when a group matches on cmdline
  std::vector<char> io_buffer_;
  std::vector<char> dirents_buffer_;
  std::vector<TopEntry> top_cpu_;  // min-heaps of at most top_n_ entries
  std::vector<TopEntry> top_rss_;
  std::uint64_t process_count_ = 0;
};

}  // namespace opsagent::collectors
