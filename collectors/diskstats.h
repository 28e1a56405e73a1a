// diskstats collector: node_disk_* I/O counters from /proc/diskstats, device labels from udev.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/collector.h"
#include "collectors/options.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace opsagent::collectors {

/// The statistics columns after "major minor name", in kernel order (Documentation/admin-guide/
/// iostats.rst): 11 since 2.6.25, 15 with discards (4.18), 17 with flushes (5.5).
inline constexpr std::size_t kDiskstatsMaxValues = 17;

/// One /proc/diskstats line. `device` views the parsed buffer.
struct DiskStats {
  std::uint32_t major = 0;
  std::uint32_t minor = 0;
  std::string_view device;
  std::array<std::uint64_t, kDiskstatsMaxValues> values{};
  /// How many of `values` the kernel wrote (at least 11; columns beyond 17 are ignored).
  std::size_t value_count = 0;
};

/// Parses /proc/diskstats into `out` (cleared first). Errors name the 1-based line and field.
Status ParseDiskstats(std::string_view content, std::vector<DiskStats>& out);

/// The udev database properties ("E:KEY=value" lines in /run/udev/data/b<major>:<minor>) that
/// node_exporter turns into labels and ATA metrics.
enum class UdevKey {
  kIdPath,
  kIdWwn,
  kIdModel,
  kIdSerialShort,
  kIdRevision,
  kIdFsType,
  kIdFsUsage,
  kIdFsUuid,
  kIdFsVersion,
  kDmName,
  kDmUuid,
  kDmVgName,
  kDmLvName,
  kDmLvLayer,
  kIdAta,
  kIdAtaWriteCache,
  kIdAtaWriteCacheEnabled,
  kIdAtaRotationRateRpm,
  kCount,
};

/// The properties of one device; values view the parsed buffer. Thread-safety: a value type.
class UdevProperties {
 public:
  bool Has(UdevKey key) const { return present_[Index(key)]; }
  /// The value, or "" when absent.
  std::string_view Get(UdevKey key) const { return values_[Index(key)]; }
  void Set(UdevKey key, std::string_view value) {
    values_[Index(key)] = value;
    present_[Index(key)] = true;
  }
  void Clear() { *this = UdevProperties(); }

 private:
  static std::size_t Index(UdevKey key) { return static_cast<std::size_t>(key); }
  std::array<std::string_view, static_cast<std::size_t>(UdevKey::kCount)> values_{};
  std::array<bool, static_cast<std::size_t>(UdevKey::kCount)> present_{};
};

/// Parses a udev database file into `out` (cleared first); unknown keys and non-"E:" lines are
/// skipped, and a repeated key keeps its last value.
void ParseUdevProperties(std::string_view content, UdevProperties& out);

/// Emits node_exporter 1.5's node_disk_* families for every device not matching
/// `device_exclude`: the 11/15/17 counters the kernel provides, node_disk_info, and from the udev
/// database under <rootfs>/run/udev/data (absent in most containers: then labels are empty)
/// node_disk_filesystem_info, node_disk_device_mapper_info and node_disk_ata_*.
/// Thread-safety: see Collector.
class DiskstatsCollector : public Collector {
 public:
  explicit DiskstatsCollector(const CollectorOptions& options);
  ~DiskstatsCollector() override;

  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::unique_ptr<re2::RE2> device_exclude_;
  std::string buffer_;       // /proc/diskstats, reused across cycles
  std::string udev_buffer_;  // one udev database file at a time
  std::vector<DiskStats> stats_;
};

}  // namespace opsagent::collectors
