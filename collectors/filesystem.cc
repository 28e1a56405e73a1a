// filesystem collector: mountinfo parsing, the bounded stat worker pool, node_filesystem_* output.
#include "collectors/filesystem.h"

#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {

using Clock = std::chrono::steady_clock;

/// One statvfs request. `path` and `mount_point` are immutable once queued; everything else is
/// guarded by Shared::mu.
struct FilesystemCollector::StatJob {
  enum class Phase { kQueued, kRunning, kDone, kCancelled };

  StatJob(std::string p, std::string m) : path(std::move(p)), mount_point(std::move(m)) {}

  const std::string path;         // rootfs-relative path handed to statvfs
  const std::string mount_point;  // key of Shared::stuck
  Phase phase = Phase::kQueued;
  bool abandoned = false;  // Collect() stopped waiting; mount_point is in Shared::stuck
  Clock::time_point started;
  int rc = -1;
  struct statvfs result {};
};

/// Owned jointly by the collector and every worker, so a worker detached while blocked in statvfs
/// never touches freed memory. Everything but `stat` is guarded by `mu`.
struct FilesystemCollector::Shared {
  explicit Shared(StatFunction f) : stat(std::move(f)) {}

  const StatFunction stat;
  std::mutex mu;
  std::condition_variable work_cv;  // workers: a job was queued, or shutdown
  std::condition_variable done_cv;  // Collect(): a job finished
  std::deque<std::shared_ptr<StatJob>> queue;
  // Mount points whose call was abandoned and has not returned. Each holds one blocked worker
  // and is never resubmitted while present, so the set never exceeds kStatWorkers entries.
  std::unordered_set<std::string> stuck;
  std::vector<char> running;  // per worker: inside the stat call (read by the destructor)
  bool shutdown = false;
};

/// A mount selected for output in one Collect() call.
struct FilesystemCollector::Target {
  std::string device;
  std::string fs_type;
  std::string mount_point;
  bool read_only = false;
  std::shared_ptr<StatJob> job;  // null when skipped as stuck
  bool ok = false;               // statvfs returned in time and succeeded
  struct statvfs result {};
};

namespace {

bool IsDecimal(std::string_view s) { return ParseUint(s).has_value(); }

bool HasOption(std::string_view options, std::string_view wanted) {
  while (!options.empty()) {
    std::size_t comma = options.find(',');
    std::string_view option = options.substr(0, comma);
    if (option == wanted) return true;
    if (comma == std::string_view::npos) break;
    options.remove_prefix(comma + 1);
  }
  return false;
}

void WorkerMain(std::shared_ptr<FilesystemCollector::Shared> shared, std::size_t id) {
  using Phase = FilesystemCollector::StatJob::Phase;
  std::unique_lock lock(shared->mu);
  for (;;) {
    shared->work_cv.wait(lock, [&] { return shared->shutdown || !shared->queue.empty(); });
    if (shared->shutdown) break;
    std::shared_ptr<FilesystemCollector::StatJob> job = std::move(shared->queue.front());
    shared->queue.pop_front();
    job->phase = Phase::kRunning;
    job->started = Clock::now();
    shared->running[id] = 1;
    lock.unlock();

    // The only call that may block forever; no lock is held across it.
    struct statvfs result {};
    int rc = shared->stat(job->path, &result);

    lock.lock();
    shared->running[id] = 0;
    job->phase = Phase::kDone;
    job->rc = rc;
    job->result = result;
    if (job->abandoned) shared->stuck.erase(job->mount_point);
    shared->done_cv.notify_all();
  }
}

Labels MountLabels(const std::string& device, const std::string& fs_type,
                   const std::string& mount_point) {
  return {{"device", device}, {"fstype", fs_type}, {"mountpoint", mount_point}};
}

}  // namespace

Status ParseMountInfo(std::string_view content, std::vector<MountInfoEntry>& out) {
  out.clear();
  // 6 fixed fields, optional fields ("shared:1"), "-", then fstype, source, super options.
  constexpr std::size_t kMaxFields = 64;
  std::string_view fields[kMaxFields];
  std::string_view rest = content;
  std::string_view line;
  std::size_t line_no = 0;
  while (NextLine(rest, line)) {
    ++line_no;
    if (Trim(line).empty()) continue;
    std::size_t n = SplitFields(line, fields, kMaxFields);
    auto fail = [&](const std::string& what) {
      return Error{"mountinfo line " + std::to_string(line_no) + ": " + what + ": \"" +
                   std::string(line) + "\""};
    };
    std::size_t sep = 6;
    while (sep < n && fields[sep] != "-") ++sep;
    if (sep == n && n == kMaxFields) return fail("too many optional fields");
    if (sep >= n) return fail("no \"-\" separator after the mount options");
    if (n - sep < 3) return fail("expected fstype, source and super options after \"-\"");
    if (!IsDecimal(fields[0]) || !IsDecimal(fields[1])) return fail("mount ids are not numbers");
    std::size_t colon = fields[2].find(':');
    if (colon == std::string_view::npos || !IsDecimal(fields[2].substr(0, colon)) ||
        !IsDecimal(fields[2].substr(colon + 1))) {
      return fail("field 3 is not major:minor");
    }
    out.push_back(
        MountInfoEntry{fields[4], fields[5], fields[sep + 1], fields[sep + 2], fields[sep + 3]});
  }
  return Status::Ok();
}

bool MountIsReadOnly(const MountInfoEntry& entry) {
  return HasOption(entry.mount_options, "ro") || HasOption(entry.super_options, "ro");
}

std::string StripRootfsPrefix(std::string_view mount_point, std::string_view rootfs) {
  while (rootfs.size() > 1 && rootfs.back() == '/') rootfs.remove_suffix(1);
  if (rootfs.empty() || rootfs == "/") return std::string(mount_point);
  if (mount_point.substr(0, rootfs.size()) != rootfs) return std::string(mount_point);
  std::string_view stripped = mount_point.substr(rootfs.size());
  if (stripped.empty()) return "/";
  // "/rootfs2" is not under "/rootfs".
  if (stripped.front() != '/') return std::string(mount_point);
  return std::string(stripped);
}

const CollectorInfo& FilesystemCollector::StaticInfo() {
  static const CollectorInfo info{
      "filesystem",
      "Filesystem size, free space and inodes per mount point (statvfs), with hung mounts "
      "isolated on a bounded worker pool.",
      {"proc/1/mountinfo", "proc/self/mountinfo"},
      true};
  return info;
}

FilesystemCollector::FilesystemCollector(const CollectorOptions& options)
    : FilesystemCollector(options.filesystem, [](const std::string& path, struct statvfs* out) {
        return ::statvfs(path.c_str(), out);
      }) {}

FilesystemCollector::FilesystemCollector(const FilesystemOptions& options, StatFunction stat)
    : mount_points_exclude_(std::make_unique<re2::RE2>(options.mount_points_exclude)),
      fs_types_exclude_(std::make_unique<re2::RE2>(options.fs_types_exclude)),
      timeout_(std::max(options.mount_timeout, std::chrono::milliseconds(1))),
      shared_(std::make_shared<Shared>(std::move(stat))) {
  shared_->running.assign(kStatWorkers, 0);
}

FilesystemCollector::~FilesystemCollector() {
  std::vector<char> blocked;
  {
    std::lock_guard lock(shared_->mu);
    shared_->shutdown = true;
    shared_->queue.clear();
    blocked = shared_->running;
  }
  shared_->work_cv.notify_all();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    // A worker inside statvfs may never return; it owns what it touches (see the class comment).
    // The others are idle, see `shutdown` and exit at once.
    if (blocked[i]) {
      workers_[i].detach();
    } else {
      workers_[i].join();
    }
  }
}

std::size_t FilesystemCollector::stuck_mount_count() const {
  std::lock_guard lock(shared_->mu);
  return shared_->stuck.size();
}

Status FilesystemCollector::StartWorkers() {
  while (workers_.size() < kStatWorkers) {
    try {
      workers_.emplace_back(WorkerMain, shared_, workers_.size());
    } catch (const std::system_error& e) {
      if (!workers_.empty()) return Status::Ok();  // run with what we have
      return Error{std::string("filesystem: cannot start a stat worker thread: ") + e.what()};
    }
  }
  return Status::Ok();
}

void FilesystemCollector::RunJobs(std::vector<std::shared_ptr<StatJob>>& jobs) {
  using Phase = StatJob::Phase;
  const Clock::time_point start_deadline = Clock::now() + timeout_;
  std::size_t next = 0;     // jobs[next..] have not been queued yet
  std::size_t settled = 0;  // jobs[..settled) need no more attention
  std::unique_lock lock(shared_->mu);
  for (;;) {
    Clock::time_point now = Clock::now();
    // Every worker blocked in an abandoned call: nothing queued can run this cycle.
    bool starved = shared_->stuck.size() >= workers_.size();
    bool give_up_queued = starved || now >= start_deadline;
    if (give_up_queued) {
      for (auto& job : shared_->queue) job->phase = Phase::kCancelled;
      shared_->queue.clear();
      for (; next < jobs.size(); ++next) jobs[next]->phase = Phase::kCancelled;
    } else {
      bool queued = false;
      while (next < jobs.size() && shared_->queue.size() < kQueueCapacity) {
        shared_->queue.push_back(jobs[next++]);
        queued = true;
      }
      if (queued) shared_->work_cv.notify_all();
    }

    auto is_settled = [](const StatJob& job) {
      return job.phase == Phase::kDone || job.phase == Phase::kCancelled || job.abandoned;
    };
    while (settled < next && is_settled(*jobs[settled])) ++settled;

    bool open = next < jobs.size();
    bool newly_stuck = false;
    Clock::time_point wake = Clock::time_point::max();
    for (std::size_t i = settled; i < next; ++i) {
      StatJob& job = *jobs[i];
      if (is_settled(job)) continue;
      if (job.phase == Phase::kQueued) {
        open = true;
        wake = std::min(wake, start_deadline);
        continue;
      }
      Clock::time_point deadline = job.started + timeout_;
      if (now >= deadline) {
        job.abandoned = true;
        shared_->stuck.insert(job.mount_point);
        newly_stuck = true;
      } else {
        open = true;
        wake = std::min(wake, deadline);
      }
    }
    if (next < jobs.size()) wake = std::min(wake, start_deadline);
    if (!open) return;
    if (newly_stuck) continue;  // the pool may now be starved: re-evaluate before sleeping
    shared_->done_cv.wait_until(lock, wake);
  }
}

CollectResult FilesystemCollector::Collect(const HostPaths& paths) {
  std::string path = paths.proc("1/mountinfo");
  Result<bool> found = ReadOptionalFile(path, buffer_);
  if (!found.ok()) return found.error();
  if (!*found) {
    // No PID 1 in our view (a PID namespace without it): use our own mount table.
    path = paths.proc("self/mountinfo");
    if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
  }
  if (Status s = ParseMountInfo(buffer_, entries_); !s) return Error{path + ": " + s.message()};

  std::vector<Target> targets;
  targets.reserve(entries_.size());
  {
    // One series per label set, like node_exporter; a mount listed twice (bind mounts, mounts
    // stacked on the same point by the same device) would otherwise be a duplicate series.
    std::unordered_set<std::string> seen;
    for (const MountInfoEntry& entry : entries_) {
      std::string mount_point =
          StripRootfsPrefix(DecodeOctalEscapes(entry.mount_point), paths.rootfs());
      if (re2::RE2::PartialMatch(mount_point, *mount_points_exclude_)) continue;
      if (re2::RE2::PartialMatch(entry.fs_type, *fs_types_exclude_)) continue;
      Target target;
      target.device = DecodeOctalEscapes(entry.source);
      target.fs_type = std::string(entry.fs_type);
      target.mount_point = std::move(mount_point);
      target.read_only = MountIsReadOnly(entry);
      std::string key = target.device + '\0' + target.fs_type + '\0' + target.mount_point;
      if (!seen.insert(std::move(key)).second) continue;
      targets.push_back(std::move(target));
    }
  }

  std::vector<std::shared_ptr<StatJob>> jobs;
  {
    // Mounts stacked on one point stat the same path: one call serves them all.
    std::unordered_map<std::string, std::shared_ptr<StatJob>> by_mount_point;
    std::lock_guard lock(shared_->mu);
    for (Target& target : targets) {
      if (shared_->stuck.count(target.mount_point) != 0) continue;
      auto [it, inserted] = by_mount_point.try_emplace(target.mount_point);
      if (inserted) {
        it->second = std::make_shared<StatJob>(paths.root(target.mount_point), target.mount_point);
        jobs.push_back(it->second);
      }
      target.job = it->second;
    }
  }
  if (!jobs.empty()) {
    if (Status s = StartWorkers(); !s) return Error{s.message()};
    RunJobs(jobs);
  }

  std::vector<std::string> stuck;
  {
    std::lock_guard lock(shared_->mu);
    for (Target& target : targets) {
      if (!target.job) continue;
      const StatJob& job = *target.job;
      // An abandoned call that returned meanwhile still counts as failed this cycle: its mount
      // was already reported stuck, and the next cycle measures it afresh.
      target.ok = job.phase == StatJob::Phase::kDone && !job.abandoned && job.rc == 0;
      if (target.ok) target.result = job.result;
    }
    stuck.assign(shared_->stuck.begin(), shared_->stuck.end());
  }
  std::sort(stuck.begin(), stuck.end());

  MetricSet set;
  for (const Target& target : targets) {
    if (!target.ok) continue;
    const struct statvfs& st = target.result;
    // Block counts are in f_frsize units (statvfs(3)); f_frsize is 0 only on odd filesystems.
    double block = static_cast<double>(st.f_frsize != 0 ? st.f_frsize : st.f_bsize);
    Labels labels = MountLabels(target.device, target.fs_type, target.mount_point);
    set.Gauge("node_filesystem_size_bytes", "Filesystem size in bytes.",
              static_cast<double>(st.f_blocks) * block, labels);
    set.Gauge("node_filesystem_free_bytes", "Filesystem free space in bytes.",
              static_cast<double>(st.f_bfree) * block, labels);
    set.Gauge("node_filesystem_avail_bytes",
              "Filesystem space available to non-root users in bytes.",
              static_cast<double>(st.f_bavail) * block, labels);
    set.Gauge("node_filesystem_files", "Filesystem total file nodes.",
              static_cast<double>(st.f_files), labels);
    set.Gauge("node_filesystem_files_free", "Filesystem total free file nodes.",
              static_cast<double>(st.f_ffree), labels);
    set.Gauge("node_filesystem_readonly", "Filesystem read-only status.",
              target.read_only ? 1.0 : 0.0, labels);
  }
  for (const Target& target : targets) {
    set.Gauge("node_filesystem_device_error",
              "Whether an error occurred while getting statistics for the given device.",
              target.ok ? 0.0 : 1.0,
              MountLabels(target.device, target.fs_type, target.mount_point));
  }
  set.Gauge("opsagent_filesystem_stuck_mounts",
            "Mount points whose statvfs call exceeded mount_timeout and has not returned yet; they "
            "are skipped until it does.",
            static_cast<double>(stuck.size()));
  for (const std::string& mount_point : stuck) {
    set.Gauge("opsagent_filesystem_stuck_mount",
              "1 for each mount point whose statvfs call exceeded mount_timeout and has not "
              "returned yet.",
              1.0, {{"mountpoint", mount_point}});
  }
  return set.Take();
}

}  // namespace opsagent::collectors
