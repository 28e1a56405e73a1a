// filefd collector: parse /proc/sys/fs/file-nr, emit node_exporter's node_filefd_*.
#include "collectors/filefd.h"

#include <optional>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {

Result<FileNr> ParseFileNr(std::string_view content) {
  std::string_view columns[4];
  const std::size_t n = SplitFields(content, columns, 4);
  if (n != 3) {
    return Error{"expected 3 columns (allocated, free, maximum), got " +
                 std::string(n == 4 ? "more" : std::to_string(n))};
  }
  constexpr std::string_view kNames[3] = {"allocated", "free", "maximum"};
  std::uint64_t values[3];
  for (int i = 0; i < 3; ++i) {
    std::optional<std::uint64_t> v = ParseUint(columns[i]);
    if (!v) {
      return Error{"column " + std::to_string(i + 1) + " (" + std::string(kNames[i]) +
                   ") is not a number: \"" + std::string(columns[i].substr(0, 40)) + "\""};
    }
    values[i] = *v;
  }
  return FileNr{values[0], values[2]};
}

const CollectorInfo& FilefdCollector::StaticInfo() {
  static const CollectorInfo info{
      "filefd", "Allocated and maximum file handles.", {"proc/sys/fs/file-nr"}, true};
  return info;
}

CollectResult FilefdCollector::Collect(const HostPaths& paths) {
  const std::string path = paths.proc("sys/fs/file-nr");
  if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
  Result<FileNr> nr = ParseFileNr(buffer_);
  if (!nr) return Error{path + ": " + nr.error().message};
  MetricSet set;
  set.Gauge("node_filefd_allocated", "File descriptor statistics: allocated.",
            static_cast<double>(nr->allocated));
  set.Gauge("node_filefd_maximum", "File descriptor statistics: maximum.",
            static_cast<double>(nr->maximum));
  return set.Take();
}

}  // namespace opsagent::collectors
