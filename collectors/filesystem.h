// filesystem collector: node_filesystem_* from mountinfo + statvfs, with a bounded stat worker pool
// so that a hung mount (dead NFS server) never blocks a collection cycle.
#pragma once

#include <sys/statvfs.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "collectors/collector.h"
#include "collectors/options.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace opsagent::collectors {

/// One line of /proc/PID/mountinfo. Fields are views into the parsed buffer, still octal-escaped
/// as the kernel writes them ("\040" for a space); decode with DecodeOctalEscapes.
struct MountInfoEntry {
  std::string_view mount_point;
  std::string_view mount_options;  // per-mount options ("rw,relatime")
  std::string_view fs_type;
  std::string_view source;         // the device label ("/dev/sda1", "tmpfs", "server:/export")
  std::string_view super_options;  // per-superblock options
};

/// Parses mountinfo (proc(5)): "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw".
/// Appends to `out` (cleared first). Errors name the 1-based line and what is wrong.
Status ParseMountInfo(std::string_view content, std::vector<MountInfoEntry>& out);

/// Whether the mount is read-only: "ro" in either the per-mount or the superblock options, which
/// is what /proc/mounts (read by node_exporter) shows in its single options column.
bool MountIsReadOnly(const MountInfoEntry& entry);

/// Maps a mount point as the kernel reports it to the host path used in labels: when the host
/// root is mounted at `rootfs` (a container) and mountinfo comes from our own mount namespace,
/// mount points carry the rootfs prefix; strip it like node_exporter's --path.rootfs does.
std::string StripRootfsPrefix(std::string_view mount_point, std::string_view rootfs);

/// The statvfs(3) call, injectable for tests. Returns 0 on success, -1 on failure; must not
/// throw (it runs on a worker thread).
using StatFunction = std::function<int(const std::string& path, struct statvfs* out)>;

/// Emits node_filesystem_{size,free,avail}_bytes, node_filesystem_{files,files_free},
/// node_filesystem_readonly and node_filesystem_device_error for every mount that passes the
/// exclusion regexes, plus opsagent_filesystem_stuck_mounts / opsagent_filesystem_stuck_mount.
///
/// statvfs on a hung network mount blocks in the kernel and cannot be cancelled. The calls
/// therefore run on a fixed pool of kStatWorkers threads owned by the collector; Collect() waits
/// for each call at most `mount_timeout` after a worker starts it. A call still running then marks
/// its mount point "stuck": the mount is reported with device_error=1 and no size metrics, and is
/// not submitted again until the blocked call returns (the worker then clears the mark). Mounts
/// still queued `mount_timeout` after Collect() started, or when every worker is blocked on a stuck
/// mount, are reported with device_error=1 without being marked stuck. So Collect() returns within
/// about 2 x mount_timeout, and the thread count never exceeds kStatWorkers.
///
/// Destruction never waits for a blocked call: idle workers are joined, workers blocked in statvfs
/// are detached. A detached worker only touches state it co-owns through shared_ptr (the queue,
/// the stuck set, the stat function and its job), exits as soon as its call returns, and frees that
/// state if it is the last owner. The injected StatFunction must therefore stay callable after the
/// collector is gone (capture by value / shared_ptr, never a reference to a stack object).
/// Re-creating the collector while calls hang can leave up to kStatWorkers detached threads per
/// destroyed instance until their calls return.
///
/// Thread-safety: see Collector. Collect() and the destructor must not run concurrently; the
/// accessors may be called from any thread.
class FilesystemCollector : public Collector {
 public:
  /// Stat worker threads per collector: enough to ride out a few hung mounts while the rest are
  /// still measured, small enough to be negligible.
  static constexpr std::size_t kStatWorkers = 4;
  /// Jobs handed to the workers at once; the rest wait in Collect()'s own list.
  static constexpr std::size_t kQueueCapacity = 64;

  explicit FilesystemCollector(const CollectorOptions& options);
  FilesystemCollector(const FilesystemOptions& options, StatFunction stat);
  ~FilesystemCollector() override;
  FilesystemCollector(const FilesystemCollector&) = delete;
  FilesystemCollector& operator=(const FilesystemCollector&) = delete;

  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

  /// Mount points whose statvfs timed out and has not returned yet.
  std::size_t stuck_mount_count() const;
  /// Stat worker threads started so far (never more than kStatWorkers).
  std::size_t worker_count() const { return workers_.size(); }

  struct Shared;  // state co-owned by the collector and its workers; defined in filesystem.cc
  struct StatJob;

 private:
  struct Target;

  Status StartWorkers();
  void RunJobs(std::vector<std::shared_ptr<StatJob>>& jobs);

  std::unique_ptr<re2::RE2> mount_points_exclude_;
  std::unique_ptr<re2::RE2> fs_types_exclude_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<Shared> shared_;
  std::vector<std::thread> workers_;
  std::string buffer_;                   // mountinfo text, reused across cycles
  std::vector<MountInfoEntry> entries_;  // views into buffer_
};

}  // namespace opsagent::collectors
