// pressure collector: parse /proc/pressure/*, emit node_exporter 1.5's node_pressure_* totals.
#include "collectors/pressure.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// Splits "key=value" and checks the key; returns the value, or nullopt when the key differs.
std::optional<std::string_view> ValueOf(std::string_view column, std::string_view key) {
  if (column.size() <= key.size() || column.substr(0, key.size()) != key ||
      column[key.size()] != '=') {
    return std::nullopt;
  }
  return column.substr(key.size() + 1);
}

// node_exporter divides by 1000 twice; doing the same keeps the emitted doubles bit-identical
// (12052844 us is 12.052843999999999 that way, 12.052844 with one division by 1e6).
double MicrosecondsToSeconds(std::uint64_t us) { return static_cast<double>(us) / 1000.0 / 1000.0; }

// A PSI file is a few hundred bytes; anything past this is not one.
constexpr std::size_t kMaxPsiFileBytes = 16 * 1024;

// Like ReadOptionalFile, but also reports "absent" when the read fails with EOPNOTSUPP: a kernel
// built with CONFIG_PSI and booted with psi=0 may keep the files and refuse every read, which
// node_exporter also treats as "no data" rather than an error.
Result<bool> ReadPsiFile(const std::string& path, std::string& out) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == EOPNOTSUPP) return false;
    return Error{"open " + path + ": " + std::strerror(errno)};
  }
  out.resize(kMaxPsiFileBytes);
  std::size_t used = 0;
  int err = 0;
  while (used < out.size()) {
    const ssize_t n = ::read(fd, out.data() + used, out.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;
    if (n <= 0) break;
    used += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(used);
  if (err == EOPNOTSUPP) return false;
  if (err != 0) return Error{"read " + path + ": " + std::strerror(err)};
  if (used == kMaxPsiFileBytes) return Error{path + ": larger than a PSI file can be"};
  return true;
}

}  // namespace

Result<PsiStats> ParsePressure(std::string_view content) {
  PsiStats stats;
  std::string_view rest = content;
  std::string_view line;
  int line_no = 0;
  while (NextLine(rest, line)) {
    ++line_no;
    auto fail = [&](std::string_view what) {
      return Error{"line " + std::to_string(line_no) + " " + Snippet(line) + ": " +
                   std::string(what)};
    };
    std::string_view columns[6];
    const std::size_t n = SplitFields(line, columns, 6);
    if (n == 0) continue;
    std::optional<PsiLine>* target = nullptr;
    if (columns[0] == "some") {
      target = &stats.some;
    } else if (columns[0] == "full") {
      target = &stats.full;
    } else {
      continue;
    }
    if (target->has_value()) return fail("the line appears twice");
    if (n != 5) return fail("expected \"avg10=.. avg60=.. avg300=.. total=..\"");
    PsiLine psi;
    constexpr std::string_view kAvgKeys[3] = {"avg10", "avg60", "avg300"};
    double* avgs[3] = {&psi.avg10, &psi.avg60, &psi.avg300};
    for (int i = 0; i < 3; ++i) {
      std::optional<std::string_view> text = ValueOf(columns[1 + i], kAvgKeys[i]);
      if (!text)
        return fail("column " + std::to_string(2 + i) + " is not " + std::string(kAvgKeys[i]) +
                    "=");
      std::optional<double> avg = ParseDouble(*text);
      if (!avg || *avg < 0) return fail(std::string(kAvgKeys[i]) + " is not a number");
      *avgs[i] = *avg;
    }
    std::optional<std::string_view> total_text = ValueOf(columns[4], "total");
    if (!total_text) return fail("column 5 is not total=");
    std::optional<std::uint64_t> total = ParseUint(*total_text);
    if (!total) return fail("total is not a number");
    psi.total_us = *total;
    *target = psi;
  }
  return stats;
}

const CollectorInfo& PressureCollector::StaticInfo() {
  static const CollectorInfo info{
      "pressure",
      "Pressure stall information: time processes waited for CPU, IO and memory.",
      {"proc/pressure/cpu", "proc/pressure/io", "proc/pressure/memory"},
      true};
  return info;
}

CollectResult PressureCollector::Collect(const HostPaths& paths) {
  struct Resource {
    std::string_view file;
    std::string_view waiting_name;
    std::string_view waiting_help;
    std::string_view stalled_name;  // empty: "full" is not exported for this resource
    std::string_view stalled_help;
  };
  static constexpr Resource kResources[] = {
      {"pressure/cpu", "node_pressure_cpu_waiting_seconds_total",
       "Total time in seconds that processes have waited for CPU time", "", ""},
      {"pressure/io", "node_pressure_io_waiting_seconds_total",
       "Total time in seconds that processes have waited due to IO congestion",
       "node_pressure_io_stalled_seconds_total",
       "Total time in seconds no process could make progress due to IO congestion"},
      {"pressure/memory", "node_pressure_memory_waiting_seconds_total",
       "Total time in seconds that processes have waited for memory",
       "node_pressure_memory_stalled_seconds_total",
       "Total time in seconds no process could make progress due to memory congestion"},
  };

  MetricSet set;
  for (const Resource& resource : kResources) {
    const std::string path = paths.proc(resource.file);
    Result<bool> present = ReadPsiFile(path, buffer_);
    if (!present) return present.error();
    if (!*present) continue;  // PSI unavailable: not an error
    Result<PsiStats> stats = ParsePressure(buffer_);
    if (!stats) return Error{path + ": " + stats.error().message};
    if (!stats->some) return Error{path + ": no \"some\" line"};
    set.Counter(resource.waiting_name, resource.waiting_help,
                MicrosecondsToSeconds(stats->some->total_us));
    if (resource.stalled_name.empty()) continue;
    if (!stats->full) return Error{path + ": no \"full\" line"};
    set.Counter(resource.stalled_name, resource.stalled_help,
                MicrosecondsToSeconds(stats->full->total_us));
  }
  return set.Take();
}

}  // namespace opsagent::collectors
