// diskstats collector: parse /proc/diskstats and udev data, emit node_exporter's node_disk_*.
#include "collectors/diskstats.h"

#include <re2/re2.h>

#include <limits>
#include <utility>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// The kernel counts time in milliseconds and sectors in 512-byte units whatever the device's
// sector size. Multiplying by 1/1000 (not dividing) reproduces node_exporter's exact doubles.
constexpr double kSecondsPerTick = 1.0 / 1000.0;
constexpr double kSectorBytes = 512.0;
// Fewer columns means a pre-2.6.25 kernel or a truncated line; either way nothing to trust.
constexpr std::size_t kMinFields = 3 + 11;

struct ValueSpec {
  const char* name;
  const char* help;
  bool counter;
  double scale;
};

// In /proc/diskstats column order.
constexpr ValueSpec kValueSpecs[kDiskstatsMaxValues] = {
    {"node_disk_reads_completed_total", "The total number of reads completed successfully.", true,
     1.0},
    {"node_disk_reads_merged_total", "The total number of reads merged.", true, 1.0},
    {"node_disk_read_bytes_total", "The total number of bytes read successfully.", true,
     kSectorBytes},
    {"node_disk_read_time_seconds_total", "The total number of seconds spent by all reads.", true,
     kSecondsPerTick},
    {"node_disk_writes_completed_total", "The total number of writes completed successfully.", true,
     1.0},
    {"node_disk_writes_merged_total", "The number of writes merged.", true, 1.0},
    {"node_disk_written_bytes_total", "The total number of bytes written successfully.", true,
     kSectorBytes},
    {"node_disk_write_time_seconds_total",
     "This is the total number of seconds spent by all writes.", true, kSecondsPerTick},
    {"node_disk_io_now", "The number of I/Os currently in progress.", false, 1.0},
    {"node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.", true, kSecondsPerTick},
    {"node_disk_io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.",
     true, kSecondsPerTick},
    {"node_disk_discards_completed_total", "The total number of discards completed successfully.",
     true, 1.0},
    {"node_disk_discards_merged_total", "The total number of discards merged.", true, 1.0},
    {"node_disk_discarded_sectors_total", "The total number of sectors discarded successfully.",
     true, 1.0},
    {"node_disk_discard_time_seconds_total",
     "This is the total number of seconds spent by all discards.", true, kSecondsPerTick},
    {"node_disk_flush_requests_total", "The total number of flush requests completed successfully",
     true, 1.0},
    {"node_disk_flush_requests_time_seconds_total",
     "This is the total number of seconds spent by all flush requests.", true, kSecondsPerTick},
};

constexpr std::pair<std::string_view, UdevKey> kUdevKeys[] = {
    {"ID_PATH", UdevKey::kIdPath},
    {"ID_WWN", UdevKey::kIdWwn},
    {"ID_MODEL", UdevKey::kIdModel},
    {"ID_SERIAL_SHORT", UdevKey::kIdSerialShort},
    {"ID_REVISION", UdevKey::kIdRevision},
    {"ID_FS_TYPE", UdevKey::kIdFsType},
    {"ID_FS_USAGE", UdevKey::kIdFsUsage},
    {"ID_FS_UUID", UdevKey::kIdFsUuid},
    {"ID_FS_VERSION", UdevKey::kIdFsVersion},
    {"DM_NAME", UdevKey::kDmName},
    {"DM_UUID", UdevKey::kDmUuid},
    {"DM_VG_NAME", UdevKey::kDmVgName},
    {"DM_LV_NAME", UdevKey::kDmLvName},
    {"DM_LV_LAYER", UdevKey::kDmLvLayer},
    {"ID_ATA", UdevKey::kIdAta},
    {"ID_ATA_WRITE_CACHE", UdevKey::kIdAtaWriteCache},
    {"ID_ATA_WRITE_CACHE_ENABLED", UdevKey::kIdAtaWriteCacheEnabled},
    {"ID_ATA_ROTATION_RATE_RPM", UdevKey::kIdAtaRotationRateRpm},
};

struct AtaSpec {
  UdevKey key;
  const char* name;
  const char* help;
};

constexpr AtaSpec kAtaSpecs[] = {
    {UdevKey::kIdAtaWriteCache, "node_disk_ata_write_cache", "ATA disk has a write cache."},
    {UdevKey::kIdAtaWriteCacheEnabled, "node_disk_ata_write_cache_enabled",
     "ATA disk has its write cache enabled."},
    {UdevKey::kIdAtaRotationRateRpm, "node_disk_ata_rotation_rate_rpm",
     "ATA disk rotation rate in RPMs (0 for SSDs)."},
};

std::optional<std::uint32_t> ParseUint32(std::string_view s) {
  std::optional<std::uint64_t> v = ParseUint(s);
  if (!v || *v > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

std::string S(std::string_view s) { return std::string(s); }

}  // namespace

Status ParseDiskstats(std::string_view content, std::vector<DiskStats>& out) {
  out.clear();
  constexpr std::size_t kMaxFields = 3 + kDiskstatsMaxValues;
  std::string_view fields[kMaxFields];
  std::string_view rest = content;
  std::string_view line;
  std::size_t line_no = 0;
  while (NextLine(rest, line)) {
    ++line_no;
    if (Trim(line).empty()) continue;
    std::size_t n = SplitFields(line, fields, kMaxFields);
    auto fail = [&](const std::string& what) {
      return Error{"diskstats line " + std::to_string(line_no) + ": " + what + ": \"" +
                   std::string(Trim(line)) + "\""};
    };
    if (n < kMinFields) {
      return fail("expected at least " + std::to_string(kMinFields) + " fields, got " +
                  std::to_string(n));
    }
    DiskStats& stats = out.emplace_back();
    std::optional<std::uint32_t> major = ParseUint32(fields[0]);
    std::optional<std::uint32_t> minor = ParseUint32(fields[1]);
    if (!major || !minor) return fail("major/minor are not numbers");
    stats.major = *major;
    stats.minor = *minor;
    stats.device = fields[2];
    stats.value_count = n - 3;
    for (std::size_t i = 0; i < stats.value_count; ++i) {
      std::optional<std::uint64_t> v = ParseUint(fields[3 + i]);
      if (!v) {
        return fail("field " + std::to_string(4 + i) + " (" + kValueSpecs[i].name +
                    ") is not an unsigned number: \"" + std::string(fields[3 + i]) + "\"");
      }
      stats.values[i] = *v;
    }
  }
  return Status::Ok();
}

void ParseUdevProperties(std::string_view content, UdevProperties& out) {
  out.Clear();
  std::string_view rest = content;
  std::string_view line;
  while (NextLine(rest, line)) {
    if (line.substr(0, 2) != "E:") continue;  // S: symlinks, I: init time, G: tags, ...
    line.remove_prefix(2);
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq);
    for (const auto& [name, id] : kUdevKeys) {
      if (name == key) {
        out.Set(id, line.substr(eq + 1));
        break;
      }
    }
  }
}

const CollectorInfo& DiskstatsCollector::StaticInfo() {
  static const CollectorInfo info{
      "diskstats",
      "Block device I/O statistics from /proc/diskstats, with udev device properties.",
      {"proc/diskstats", "root/run/udev/data/b<major>:<minor>"},
      true};
  return info;
}

DiskstatsCollector::DiskstatsCollector(const CollectorOptions& options)
    : device_exclude_(std::make_unique<re2::RE2>(options.diskstats.device_exclude)) {}

DiskstatsCollector::~DiskstatsCollector() = default;

CollectResult DiskstatsCollector::Collect(const HostPaths& paths) {
  std::string path = paths.proc("diskstats");
  if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
  if (Status s = ParseDiskstats(buffer_, stats_); !s) return Error{path + ": " + s.message()};

  MetricSet set;
  UdevProperties udev;
  for (const DiskStats& stats : stats_) {
    if (re2::RE2::PartialMatch(stats.device, *device_exclude_)) continue;
    std::string device(stats.device);
    std::string major = std::to_string(stats.major);
    std::string minor = std::to_string(stats.minor);

    // Missing or unreadable udev data (containers, systems without udev) only empties labels,
    // as in node_exporter.
    udev.Clear();
    Result<bool> found =
        ReadOptionalFile(paths.root("run/udev/data/b" + major + ":" + minor), udev_buffer_);
    if (found.ok() && *found) ParseUdevProperties(udev_buffer_, udev);

    set.Gauge("node_disk_info", "Info of /sys/block/<block_device>.", 1.0,
              {{"device", device},
               {"major", major},
               {"minor", minor},
               {"model", S(udev.Get(UdevKey::kIdModel))},
               {"path", S(udev.Get(UdevKey::kIdPath))},
               {"revision", S(udev.Get(UdevKey::kIdRevision))},
               {"serial", S(udev.Get(UdevKey::kIdSerialShort))},
               {"wwn", S(udev.Get(UdevKey::kIdWwn))}});

    std::size_t count = std::min(stats.value_count, kDiskstatsMaxValues);
    for (std::size_t i = 0; i < count; ++i) {
      const ValueSpec& spec = kValueSpecs[i];
      double value = static_cast<double>(stats.values[i]) * spec.scale;
      if (spec.counter) {
        set.Counter(spec.name, spec.help, value, {{"device", device}});
      } else {
        set.Gauge(spec.name, spec.help, value, {{"device", device}});
      }
    }

    if (!udev.Get(UdevKey::kIdFsType).empty()) {
      set.Gauge("node_disk_filesystem_info", "Info about disk filesystem.", 1.0,
                {{"device", device},
                 {"type", S(udev.Get(UdevKey::kIdFsType))},
                 {"usage", S(udev.Get(UdevKey::kIdFsUsage))},
                 {"uuid", S(udev.Get(UdevKey::kIdFsUuid))},
                 {"version", S(udev.Get(UdevKey::kIdFsVersion))}});
    }
    if (!udev.Get(UdevKey::kDmName).empty()) {
      set.Gauge("node_disk_device_mapper_info", "Info about disk device mapper.", 1.0,
                {{"device", device},
                 {"lv_layer", S(udev.Get(UdevKey::kDmLvLayer))},
                 {"lv_name", S(udev.Get(UdevKey::kDmLvName))},
                 {"name", S(udev.Get(UdevKey::kDmName))},
                 {"uuid", S(udev.Get(UdevKey::kDmUuid))},
                 {"vg_name", S(udev.Get(UdevKey::kDmVgName))}});
    }
    if (!udev.Get(UdevKey::kIdAta).empty()) {
      for (const AtaSpec& ata : kAtaSpecs) {
        if (!udev.Has(ata.key)) continue;
        // udev data is written by userspace rules, not the kernel: a bad value costs only its
        // own sample (node_exporter logs and skips it too).
        std::optional<double> value = ParseDouble(udev.Get(ata.key));
        if (value) set.Gauge(ata.name, ata.help, *value, {{"device", device}});
      }
    }
  }
  return set.Take();
}

}  // namespace opsagent::collectors
