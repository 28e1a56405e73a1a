// process collector: walk /proc once per cycle, aggregate pids into configured groups and keep the
// top N by cpu and by resident memory, with no allocation per process.
#include "collectors/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <re2/re2.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <limits>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// A stat line is under 1 KiB even with a 64-byte comm; io is ~200 bytes.
constexpr std::size_t kStatBufferBytes = 4096;
constexpr std::size_t kIoBufferBytes = 4096;
// Group matching sees at most this much of a cmdline: argv can be megabytes, and a pattern that
// needs more than 64 KiB of it to decide is not a useful group definition.
constexpr std::size_t kCmdlineBufferBytes = 64 * 1024;
constexpr std::size_t kDirentsBufferBytes = 32 * 1024;
// Longest digit run accepted as a pid directory name (pid_max is at most 2^22).
constexpr std::size_t kMaxPidNameSize = 10;

// Ranks top-N entries: higher value first, then lower pid, so ties are deterministic.
template <typename Entry>
bool Better(const Entry& a, const Entry& b) {
  return a.value != b.value ? a.value > b.value : a.pid < b.pid;
}

// Sums saturate: a wrapped counter would be a garbage number, a stuck maximum is visibly wrong.
void AddSaturating(std::uint64_t& into, std::uint64_t value) {
  if (__builtin_add_overflow(into, value, &into)) into = std::numeric_limits<std::uint64_t>::max();
}

// A pid that disappeared between readdir and this read: ENOENT from the kernel after exit,
// ESRCH from a read on an already-reaped task.
bool Vanished(int err) { return err == ENOENT || err == ESRCH; }

std::string PidPath(const std::string& procfs, std::string_view pid_name, std::string_view file) {
  std::string path = procfs;
  path.push_back('/');
  path.append(pid_name);
  path.push_back('/');
  path.append(file);
  return path;
}

Result<std::uint64_t> StatField(std::string_view value, int field, const char* name) {
  std::optional<std::uint64_t> v = ParseUint(value);
  if (!v) {
    return Error{"stat: field " + std::to_string(field) + " (" + name +
                 ") is not an unsigned number: \"" + std::string(value) + "\""};
  }
  return *v;
}

// Label values must be UTF-8 for Prometheus, but comm is any bytes but NUL (prctl PR_SET_NAME).
// Invalid sequences become '?'; valid multi-byte characters are kept.
std::string Utf8Label(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80                   ? 1
                      : (c >= 0xC2 && c <= 0xDF) ? 2
                      : (c >= 0xE0 && c <= 0xEF) ? 3
                      : (c >= 0xF0 && c <= 0xF4) ? 4
                                                 : 0;
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      if (ok && k == 1) {  // overlong forms, UTF-16 surrogates, above U+10FFFF
        if (c == 0xE0) ok = cc >= 0xA0;
        if (c == 0xED) ok = cc <= 0x9F;
        if (c == 0xF0) ok = cc >= 0x90;
        if (c == 0xF4) ok = cc <= 0x8F;
      }
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.push_back('?');
      ++i;
    }
  }
  return out;
}

}  // namespace

Result<PidStat> ParsePidStat(std::string_view content) {
  std::size_t open = content.find('(');
  std::size_t close = content.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return Error{"stat: no \"(comm)\" field in \"" + std::string(Trim(content).substr(0, 80)) +
                 "\""};
  }
  if (!ParseUint(Trim(content.substr(0, open)))) {
    return Error{"stat: field 1 (pid) is not a number: \"" +
                 std::string(Trim(content.substr(0, open))) + "\""};
  }
  PidStat stat;
  stat.comm = content.substr(open + 1, close - open - 1);
  // Fields after the comm, starting at field 3 (state); the last one we need is 24 (rss).
  constexpr std::size_t kNeeded = 22;
  std::string_view fields[kNeeded];
  std::size_t n = SplitFields(content.substr(close + 1), fields, kNeeded);
  if (n < kNeeded) {
    return Error{"stat: truncated: expected at least " + std::to_string(kNeeded + 2) +
                 " fields, got " + std::to_string(n + 2)};
  }
  struct {
    int field;
    const char* name;
    std::uint64_t* out;
  } const wanted[] = {{14, "utime", &stat.utime_ticks},
                      {15, "stime", &stat.stime_ticks},
                      {20, "num_threads", &stat.num_threads},
                      {22, "starttime", &stat.starttime_ticks},
                      {24, "rss", &stat.rss_pages}};
  for (const auto& w : wanted) {
    Result<std::uint64_t> v = StatField(fields[w.field - 3], w.field, w.name);
    if (!v) return v.error();
    *w.out = *v;
  }
  return stat;
}

Result<ProcIo> ParseProcIo(std::string_view content) {
  ProcIo io;
  bool have_read = false;
  bool have_write = false;
  std::string_view rest = content;
  std::string_view line;
  while (NextLine(rest, line)) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = Trim(line.substr(0, colon));
    bool is_read = key == "read_bytes";
    if (!is_read && key != "write_bytes") continue;
    std::optional<std::uint64_t> v = ParseUint(Trim(line.substr(colon + 1)));
    if (!v) {
      return Error{"io: " + std::string(key) + " is not an unsigned number: \"" +
                   std::string(Trim(line.substr(colon + 1))) + "\""};
    }
    (is_read ? io.read_bytes : io.write_bytes) = *v;
    (is_read ? have_read : have_write) = true;
  }
  if (!have_read) return Error{"io: no read_bytes line"};
  if (!have_write) return Error{"io: no write_bytes line"};
  return io;
}

Result<std::uint64_t> ParseBootTime(std::string_view content) {
  std::string_view rest = content;
  std::string_view line;
  while (NextLine(rest, line)) {
    std::string_view fields[3];
    std::size_t n = SplitFields(line, fields, 3);
    if (n == 0 || fields[0] != "btime") continue;
    std::optional<std::uint64_t> v = n == 2 ? ParseUint(fields[1]) : std::nullopt;
    if (!v) return Error{"stat: malformed btime line: \"" + std::string(Trim(line)) + "\""};
    return *v;
  }
  return Error{"stat: no btime line"};
}

std::string_view JoinCmdlineInPlace(char* data, std::size_t size) {
  while (size > 0 && data[size - 1] == '\0') --size;
  std::replace(data, data + size, '\0', ' ');
  return std::string_view(data, size);
}

/// A configured group: compiled matchers and this cycle's totals.
struct ProcessCollector::Group {
  struct Totals {
    std::uint64_t processes = 0;
    std::uint64_t utime_ticks = 0;
    std::uint64_t stime_ticks = 0;
    std::uint64_t rss_pages = 0;
    std::uint64_t open_fds = 0;
    std::uint64_t threads = 0;
    std::uint64_t read_bytes = 0;
    std::uint64_t write_bytes = 0;
    std::uint64_t oldest_start_ticks = std::numeric_limits<std::uint64_t>::max();
  };

  std::string name;
  std::unique_ptr<RE2> comm;     // null: matches any comm
  std::unique_ptr<RE2> cmdline;  // null: matches any cmdline
  Totals totals;
};

ProcessCollector::ProcessCollector() : ProcessCollector(CollectorOptions{}) {}

ProcessCollector::ProcessCollector(const CollectorOptions& options) {
  const ProcessOptions& process = options.process;
  for (const ProcessGroup& config : process.groups) {
    auto group = std::make_unique<Group>();
    group->name = config.name;
    // The config loader has validated the patterns; an invalid one here would match nothing.
    if (!config.comm.empty()) group->comm = std::make_unique<RE2>(config.comm, RE2::Quiet);
    if (!config.cmdline.empty()) {
      group->cmdline = std::make_unique<RE2>(config.cmdline, RE2::Quiet);
      any_cmdline_matcher_ = true;
    }
    groups_.push_back(std::move(group));
  }
  top_n_ = static_cast<std::size_t>(std::clamp(process.top_n, 0, kMaxTopN));
  if (long tck = ::sysconf(_SC_CLK_TCK); tck > 0) ticks_per_second_ = static_cast<double>(tck);
  if (long page = ::sysconf(_SC_PAGESIZE); page > 0) page_size_ = static_cast<std::uint64_t>(page);

  stat_buffer_.resize(kStatBufferBytes);
  io_buffer_.resize(kIoBufferBytes);
  dirents_buffer_.resize(kDirentsBufferBytes);
  if (any_cmdline_matcher_) cmdline_buffer_.resize(kCmdlineBufferBytes);
  top_cpu_.reserve(top_n_);
  top_rss_.reserve(top_n_);
}

ProcessCollector::~ProcessCollector() = default;

const CollectorInfo& ProcessCollector::StaticInfo() {
  static const CollectorInfo info{
      "process",
      "Per-group process counts, cpu, memory, fds, threads and io, and the top N processes by "
      "cpu and memory.",
      {"proc/stat", "proc/[pid]/stat", "proc/[pid]/cmdline", "proc/[pid]/io", "proc/[pid]/fd"},
      true};
  return info;
}

void ProcessCollector::ResetTotals() {
  for (auto& group : groups_) group->totals = Group::Totals{};
  top_cpu_.clear();
  top_rss_.clear();
  process_count_ = 0;
}

int ProcessCollector::ReadPidFile(int proc_fd, std::string_view pid_name, const char* file,
                                  std::vector<char>& buffer, std::size_t& size, bool& truncated) {
  char rel[kMaxPidNameSize + 32];
  std::size_t file_size = std::strlen(file);
  std::memcpy(rel, pid_name.data(), pid_name.size());
  rel[pid_name.size()] = '/';
  std::memcpy(rel + pid_name.size() + 1, file, file_size + 1);

  size = 0;
  truncated = false;
  int fd = ::openat(proc_fd, rel, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = 0;
  for (;;) {
    if (size == buffer.size()) {  // full: is there more?
      char probe;
      ssize_t n = ::read(fd, &probe, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) err = errno;
      truncated = n > 0;
      break;
    }
    ssize_t n = ::read(fd, buffer.data() + size, buffer.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return err;
}

int ProcessCollector::CountFds(int proc_fd, std::string_view pid_name, std::uint64_t& count) {
  char rel[kMaxPidNameSize + 8];
  std::memcpy(rel, pid_name.data(), pid_name.size());
  std::memcpy(rel + pid_name.size(), "/fd", 4);

  count = 0;
  int fd = ::openat(proc_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = 0;
  for (;;) {
    ssize_t n = ::getdents64(fd, dirents_buffer_.data(), dirents_buffer_.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    if (n == 0) break;
    for (ssize_t offset = 0; offset < n;) {
      const char* record = dirents_buffer_.data() + offset;
      unsigned short reclen;
      std::memcpy(&reclen, record + offsetof(struct dirent64, d_reclen), sizeof(reclen));
      const char* name = record + offsetof(struct dirent64, d_name);
      if (name[0] >= '0' && name[0] <= '9') ++count;  // fds are numbers; skips "." and ".."
      if (reclen == 0) break;  // never from a sane kernel; avoids spinning forever
      offset += reclen;
    }
  }
  ::close(fd);
  return err;
}

Status ProcessCollector::CollectPid(int proc_fd, std::string_view pid_name, int pid,
                                    const std::string& procfs) {
  std::size_t size = 0;
  bool truncated = false;
  // Any failure to read stat skips the pid: it exited (ENOENT/ESRCH) or hidepid hides it (EACCES).
  if (ReadPidFile(proc_fd, pid_name, "stat", stat_buffer_, size, truncated) != 0) {
    return Status::Ok();
  }
  if (truncated) {
    return Error{PidPath(procfs, pid_name, "stat") + ": larger than " +
                 std::to_string(stat_buffer_.size()) + " bytes"};
  }
  Result<PidStat> stat = ParsePidStat(std::string_view(stat_buffer_.data(), size));
  if (!stat) return Error{PidPath(procfs, pid_name, "stat") + ": " + stat.error().message};

  Group* group = nullptr;
  bool have_cmdline = false;
  std::string_view cmdline;
  for (auto& candidate : groups_) {
    if (candidate->comm && !RE2::PartialMatch(stat->comm, *candidate->comm)) continue;
    if (candidate->cmdline) {
      if (!have_cmdline) {
        // Unreadable cmdline: the pid is gone (or hidden); skipping beats guessing "".
        if (ReadPidFile(proc_fd, pid_name, "cmdline", cmdline_buffer_, size, truncated) != 0) {
          return Status::Ok();
        }
        cmdline = JoinCmdlineInPlace(cmdline_buffer_.data(), size);
        have_cmdline = true;
      }
      if (!RE2::PartialMatch(cmdline, *candidate->cmdline)) continue;
    }
    group = candidate.get();
    break;
  }

  ProcIo io;
  std::uint64_t open_fds = 0;
  if (group != nullptr) {
    // io before fd: the fd directory is read last, so a pid that exits while we read it fails
    // there (ENOENT) and is dropped whole instead of counted with half its numbers. A missing io
    // file is a kernel without task io accounting; EACCES is an unprivileged agent: io stays 0.
    int err = ReadPidFile(proc_fd, pid_name, "io", io_buffer_, size, truncated);
    if (err == ESRCH) return Status::Ok();
    if (err == 0 && truncated) {
      return Error{PidPath(procfs, pid_name, "io") + ": larger than " +
                   std::to_string(io_buffer_.size()) + " bytes"};
    }
    if (err == 0) {
      Result<ProcIo> parsed = ParseProcIo(std::string_view(io_buffer_.data(), size));
      if (!parsed) return Error{PidPath(procfs, pid_name, "io") + ": " + parsed.error().message};
      io = *parsed;
    }
    err = CountFds(proc_fd, pid_name, open_fds);
    if (Vanished(err)) return Status::Ok();
    if (err != 0) open_fds = 0;  // EACCES: another user's process; count it without its fds
  }

  ++process_count_;
  if (group != nullptr) {
    Group::Totals& t = group->totals;
    ++t.processes;
    AddSaturating(t.utime_ticks, stat->utime_ticks);
    AddSaturating(t.stime_ticks, stat->stime_ticks);
    AddSaturating(t.rss_pages, stat->rss_pages);
    AddSaturating(t.open_fds, open_fds);
    AddSaturating(t.threads, stat->num_threads);
    AddSaturating(t.read_bytes, io.read_bytes);
    AddSaturating(t.write_bytes, io.write_bytes);
    t.oldest_start_ticks = std::min(t.oldest_start_ticks, stat->starttime_ticks);
  }
  if (top_n_ == 0) return Status::Ok();
  auto offer = [&](std::vector<TopEntry>& heap, std::uint64_t value) {
    auto worse_first = [](const TopEntry& a, const TopEntry& b) { return Better(a, b); };
    TopEntry probe;
    probe.value = value;
    probe.pid = pid;
    if (heap.size() == top_n_) {
      if (!Better(probe, heap.front())) return;
      std::pop_heap(heap.begin(), heap.end(), worse_first);
      heap.pop_back();
    }
    probe.comm_size = static_cast<std::uint8_t>(std::min(stat->comm.size(), probe.comm.size()));
    std::memcpy(probe.comm.data(), stat->comm.data(), probe.comm_size);
    heap.push_back(probe);  // within the capacity reserved in the constructor
    std::push_heap(heap.begin(), heap.end(), worse_first);
  };
  std::uint64_t cpu_ticks = stat->utime_ticks;
  AddSaturating(cpu_ticks, stat->stime_ticks);
  offer(top_cpu_, cpu_ticks);
  offer(top_rss_, stat->rss_pages);
  return Status::Ok();
}

CollectResult ProcessCollector::Collect(const HostPaths& paths) {
  std::string stat_path = paths.proc("stat");
  if (Status s = ReadFile(stat_path, proc_stat_buffer_); !s) return Error{s.message()};
  Result<std::uint64_t> boot_time = ParseBootTime(proc_stat_buffer_);
  if (!boot_time) return Error{stat_path + ": " + boot_time.error().message};

  ResetTotals();
  const std::string& procfs = paths.procfs();
  DIR* dir = ::opendir(procfs.c_str());
  if (dir == nullptr) return Error{"opendir " + procfs + ": " + std::strerror(errno)};
  std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, ::closedir);
  int proc_fd = ::dirfd(dir);
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      if (errno != 0) return Error{"readdir " + procfs + ": " + std::strerror(errno)};
      break;
    }
    if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN) continue;
    std::string_view name(entry->d_name);
    if (name.empty() || name.size() > kMaxPidNameSize) continue;
    std::optional<std::uint64_t> pid = ParseUint(name);  // "self", "sys", "net", ... are not pids
    if (!pid || *pid == 0 || *pid > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
      continue;
    }
    if (Status s = CollectPid(proc_fd, name, static_cast<int>(*pid), procfs); !s) {
      return Error{s.message()};
    }
  }

  MetricSet set;
  const double ticks = ticks_per_second_;
  const double page = static_cast<double>(page_size_);
  for (const auto& g : groups_) {
    set.Gauge("opsagent_process_group_processes", "Number of processes in the group.",
              static_cast<double>(g->totals.processes), {{"group", g->name}});
  }
  for (const auto& g : groups_) {
    constexpr std::string_view kHelp =
        "CPU time used by the group's current processes, in seconds (drops when one exits).";
    set.Counter("opsagent_process_group_cpu_seconds_total", kHelp,
                static_cast<double>(g->totals.utime_ticks) / ticks,
                {{"group", g->name}, {"mode", "user"}});
    set.Counter("opsagent_process_group_cpu_seconds_total", kHelp,
                static_cast<double>(g->totals.stime_ticks) / ticks,
                {{"group", g->name}, {"mode", "system"}});
  }
  for (const auto& g : groups_) {
    set.Gauge("opsagent_process_group_resident_memory_bytes",
              "Resident set size of the group's processes, in bytes.",
              static_cast<double>(g->totals.rss_pages) * page, {{"group", g->name}});
  }
  for (const auto& g : groups_) {
    set.Gauge("opsagent_process_group_open_fds",
              "Open file descriptors of the group's processes (those the agent may list).",
              static_cast<double>(g->totals.open_fds), {{"group", g->name}});
  }
  for (const auto& g : groups_) {
    set.Gauge("opsagent_process_group_threads", "Threads of the group's processes.",
              static_cast<double>(g->totals.threads), {{"group", g->name}});
  }
  for (const auto& g : groups_) {
    set.Counter("opsagent_process_group_read_bytes_total",
                "Bytes the group's current processes read from storage (where /proc/PID/io is "
                "readable).",
                static_cast<double>(g->totals.read_bytes), {{"group", g->name}});
  }
  for (const auto& g : groups_) {
    set.Counter("opsagent_process_group_write_bytes_total",
                "Bytes the group's current processes wrote to storage (where /proc/PID/io is "
                "readable).",
                static_cast<double>(g->totals.write_bytes), {{"group", g->name}});
  }
  for (const auto& g : groups_) {
    if (g->totals.processes == 0) continue;  // no oldest member: absent rather than a fake 1970
    set.Gauge(
        "opsagent_process_group_oldest_start_time_seconds",
        "Start time of the group's oldest process, in seconds since the epoch.",
        static_cast<double>(*boot_time) + static_cast<double>(g->totals.oldest_start_ticks) / ticks,
        {{"group", g->name}});
  }

  auto emit_top = [&](std::vector<TopEntry>& heap, auto&& emit) {
    std::sort_heap(heap.begin(), heap.end(),
                   [](const TopEntry& a, const TopEntry& b) { return Better(a, b); });
    for (const TopEntry& e : heap) {
      emit(e, Labels{{"pid", std::to_string(e.pid)},
                     {"comm", Utf8Label(std::string_view(e.comm.data(), e.comm_size))}});
    }
  };
  emit_top(top_cpu_, [&](const TopEntry& e, Labels labels) {
    set.Counter("opsagent_process_top_cpu_seconds_total",
                "CPU time (user+system) of the top N processes by CPU time, in seconds.",
                static_cast<double>(e.value) / ticks, std::move(labels));
  });
  emit_top(top_rss_, [&](const TopEntry& e, Labels labels) {
    set.Gauge("opsagent_process_top_resident_memory_bytes",
              "Resident set size of the top N processes by resident memory, in bytes.",
              static_cast<double>(e.value) * page, std::move(labels));
  });
  set.Gauge("opsagent_process_processes", "Number of processes whose /proc/PID/stat could be read.",
            static_cast<double>(process_count_));
  return set.Take();
}

}  // namespace opsagent::collectors
