// filefd collector: allocated and maximum file handles from /proc/sys/fs/file-nr.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace opsagent::collectors {

struct FileNr {
  std::uint64_t allocated = 0;
  std::uint64_t maximum = 0;
};

/// Parses file-nr's three numbers ("326\t0\t2466160\n": allocated, free (always 0 since 2.6),
/// maximum). Fewer or more columns, or a non-numeric one, is an error naming the column.
Result<FileNr> ParseFileNr(std::string_view content);

/// Emits node_filefd_allocated and node_filefd_maximum. Thread-safety: see Collector.
class FilefdCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;  // reused across cycles
};

}  // namespace opsagent::collectors
