// Tests for the mountinfo parser and the filesystem collector, including hung-mount isolation.
#include "collectors/filesystem.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "collectors/parse.h"
#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;
using testing::FixturePaths;
using testing::HasFamily;

// A statvfs stand-in: fixed numbers, per-path call counts, and paths that block until released.
// Held by shared_ptr so a call still blocked when a test ends never touches freed memory.
struct FakeStat {
  std::mutex mu;
  std::condition_variable cv;
  std::set<std::string> blocked;
  std::set<std::string> failing;
  std::map<std::string, int> calls;
  int returned = 0;

  static StatFunction Bind(const std::shared_ptr<FakeStat>& self) {
    return [self](const std::string& path, struct statvfs* out) {
      std::unique_lock lock(self->mu);
      ++self->calls[path];
      self->cv.notify_all();
      self->cv.wait(lock, [&] { return self->blocked.count(path) == 0; });
      ++self->returned;
      self->cv.notify_all();
      if (self->failing.count(path) != 0) {
        errno = ENOENT;
        return -1;
      }
      *out = {};
      out->f_bsize = 4096;
      out->f_frsize = 4096;
      out->f_blocks = 1000;
      out->f_bfree = 600;
      out->f_bavail = 500;
      out->f_files = 100;
      out->f_ffree = 40;
      return 0;
    };
  }

  int CallsFor(const std::string& path) {
    std::lock_guard lock(mu);
    auto it = calls.find(path);
    return it == calls.end() ? 0 : it->second;
  }
  int TotalCalls() {
    std::lock_guard lock(mu);
    int n = 0;
    for (const auto& [path, count] : calls) n += count;
    return n;
  }
  void Block(const std::string& path) {
    std::lock_guard lock(mu);
    blocked.insert(path);
  }
  void ReleaseAll() {
    std::lock_guard lock(mu);
    blocked.clear();
    cv.notify_all();
  }
  // Waits (bounded) until `n` calls have returned.
  bool WaitReturned(int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return returned >= n; });
  }
};

FilesystemOptions FastOptions() {
  FilesystemOptions options;
  options.mount_timeout = std::chrono::milliseconds(100);
  return options;
}

// Polls `done` for up to 10 s; the worker clears stuck state right after its call returns.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// A throwaway fixture tree under the test temp dir with the given proc/<relative> content.
std::string MakeProcTree(const std::string& name, const std::string& relative,
                         const std::string& content) {
  std::filesystem::path base = std::filesystem::path(::testing::TempDir()) / ("opsagent-" + name);
  std::filesystem::remove_all(base);
  std::filesystem::create_directories((base / "proc" / relative).parent_path());
  std::filesystem::create_directories(base / "root");
  std::ofstream(base / "proc" / relative) << content;
  return base.string();
}

std::size_t CountThreads() {
  std::size_t n = 0;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] != '.') ++n;
    }
    ::closedir(dir);
  }
  return n;
}

Labels Mount(const std::string& device, const std::string& fs_type, const std::string& mp) {
  return {{"device", device}, {"fstype", fs_type}, {"mountpoint", mp}};
}

// ---- Parser -------------------------------------------------------------------------------

TEST(ParseMountInfo, ReadsFieldsAroundOptionalFields) {
  std::vector<MountInfoEntry> entries;
  Status s = ParseMountInfo(
      "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n"
      "21 26 0:20 / /proc rw,relatime - proc proc rw\n",
      entries);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].mount_point, "/mnt2");
  EXPECT_EQ(entries[0].mount_options, "rw,noatime");
  EXPECT_EQ(entries[0].fs_type, "ext3");
  EXPECT_EQ(entries[0].source, "/dev/root");
  EXPECT_EQ(entries[0].super_options, "rw,errors=continue");
  EXPECT_EQ(entries[1].mount_point, "/proc");
  EXPECT_EQ(entries[1].fs_type, "proc");
}

TEST(ParseMountInfo, KeepsEscapesForTheCallerToDecode) {
  std::vector<MountInfoEntry> entries;
  ASSERT_TRUE(ParseMountInfo("1 0 8:1 / /a\\040b rw - ext4 /dev/x\\040y rw\n", entries).ok());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].mount_point, "/a\\040b");
  EXPECT_EQ(DecodeOctalEscapes(entries[0].mount_point), "/a b");
  EXPECT_EQ(DecodeOctalEscapes(entries[0].source), "/dev/x y");
}

TEST(ParseMountInfo, RejectsMissingSeparator) {
  std::vector<MountInfoEntry> entries;
  Status s = ParseMountInfo("1 0 8:1 / / rw,relatime\n1 0 8:1 / / rw ext4 /dev/sda rw\n", entries);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("separator"), std::string::npos) << s.message();
}

TEST(ParseMountInfo, RejectsTruncatedTail) {
  std::vector<MountInfoEntry> entries;
  Status s = ParseMountInfo("1 0 8:1 / / rw - ext4 /dev/sda rw\n2 1 8:2 / /b rw - ext4\n", entries);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 2"), std::string::npos) << s.message();
}

TEST(ParseMountInfo, RejectsNonNumericIds) {
  std::vector<MountInfoEntry> entries;
  EXPECT_FALSE(ParseMountInfo("x 0 8:1 / / rw - ext4 /dev/sda rw\n", entries).ok());
  EXPECT_FALSE(ParseMountInfo("1 0 81 / / rw - ext4 /dev/sda rw\n", entries).ok());
  EXPECT_FALSE(ParseMountInfo("1 0 8:z / / rw - ext4 /dev/sda rw\n", entries).ok());
}

TEST(ParseMountInfo, SkipsBlankLinesAndAcceptsEmpty) {
  std::vector<MountInfoEntry> entries;
  ASSERT_TRUE(ParseMountInfo("", entries).ok());
  EXPECT_TRUE(entries.empty());
  ASSERT_TRUE(ParseMountInfo("\n1 0 8:1 / / rw - ext4 /dev/sda rw\n\n", entries).ok());
  EXPECT_EQ(entries.size(), 1u);
}

TEST(MountIsReadOnly, LooksAtMountAndSuperblockOptions) {
  EXPECT_TRUE(MountIsReadOnly({"/", "ro,relatime", "ext4", "/dev/a", "rw"}));
  EXPECT_TRUE(MountIsReadOnly({"/", "rw,relatime", "ext4", "/dev/a", "ro,errors=remount-ro"}));
  EXPECT_FALSE(MountIsReadOnly({"/", "rw,relatime", "ext4", "/dev/a", "rw,errors=remount-ro"}));
  EXPECT_FALSE(MountIsReadOnly({"/", "rw,rootcontext=ro", "ext4", "/dev/a", "rw"}));
}

TEST(StripRootfsPrefix, StripsOnlyWholeComponents) {
  EXPECT_EQ(StripRootfsPrefix("/data", "/"), "/data");
  EXPECT_EQ(StripRootfsPrefix("/host/data", "/host"), "/data");
  EXPECT_EQ(StripRootfsPrefix("/host", "/host/"), "/");
  EXPECT_EQ(StripRootfsPrefix("/hostile", "/host"), "/hostile");
  EXPECT_EQ(StripRootfsPrefix("/other", "/host"), "/other");
}

// ---- Collector on fixtures ------------------------------------------------------------------

TEST(FilesystemCollector, BasicFixtureWithRealStatvfs) {
  // The recorded mount points do not exist under the fixture's root/, except "/" itself: like
  // node_exporter with --path.rootfs, those report device_error 1 and no sizes.
  FilesystemCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, FixturePaths("basic"));
  Labels root = Mount("/dev/vda", "ext4", "/");
  Labels sandbox =
      Mount("model_tools_unavailable", "tmpfs", "/mnt/sandboxing/model_tools_env/v1/python");
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error", root), 0.0);
  EXPECT_GT(FindSample(families, "node_filesystem_size_bytes", root).value_or(0), 0.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_readonly", root), 0.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error", sandbox), 1.0);
  EXPECT_FALSE(FindSample(families, "node_filesystem_readonly", sandbox).has_value());
  // /proc, /sys/..., /dev/... and the cgroup types are excluded by the default regexes.
  EXPECT_EQ(CountSamples(families, "node_filesystem_device_error"), 2u);
  EXPECT_EQ(FindSample(families, "opsagent_filesystem_stuck_mounts"), 0.0);
}

TEST(FilesystemCollector, BasicFixtureWithFakeStatEmitsExactValues) {
  auto fake = std::make_shared<FakeStat>();
  FilesystemCollector collector(FilesystemOptions{}, FakeStat::Bind(fake));
  Families families = testing::CollectOrFail(collector, FixturePaths("basic"));
  Labels sandbox =
      Mount("model_tools_unavailable", "tmpfs", "/mnt/sandboxing/model_tools_env/v1/python");
  EXPECT_EQ(FindSample(families, "node_filesystem_size_bytes", sandbox), 4096000.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_free_bytes", sandbox), 2457600.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_avail_bytes", sandbox), 2048000.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_files", sandbox), 100.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_files_free", sandbox), 40.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_readonly", sandbox), 1.0);  // "ro" option
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error", sandbox), 0.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_readonly", Mount("/dev/vda", "ext4", "/")), 0.0);
  EXPECT_EQ(fake->TotalCalls(), 2);
}

TEST(FilesystemCollector, CraftedFixtureLabelsExclusionsAndDuplicates) {
  auto fake = std::make_shared<FakeStat>();
  FilesystemCollector collector(FilesystemOptions{}, FakeStat::Bind(fake));
  HostPaths paths = FixturePaths("filesystem-crafted");
  Families families = testing::CollectOrFail(collector, paths);

  // Octal escapes decoded in both the mount point and the device; stat path is under rootfs.
  Labels spaced = Mount("/dev/disk one", "ext4", "/with space");
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error", spaced), 0.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_size_bytes", spaced), 4096000.0);
  EXPECT_EQ(fake->CallsFor(paths.root("/with space")), 1);

  EXPECT_EQ(
      FindSample(families, "node_filesystem_readonly", Mount("/dev/vdc", "ext4", "/readonly")),
      1.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_readonly", Mount("/dev/vdd", "xfs", "/superro")),
            1.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_readonly", Mount("/dev/vdb", "ext4", "/data")),
            0.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_size_bytes",
                       Mount("server:/export", "nfs4", "/mnt/nfs")),
            4096000.0);

  // The duplicate /dev/vdb line is reported once; /dev/vde stacked on /data is its own series,
  // and both share one statvfs call.
  EXPECT_TRUE(
      FindSample(families, "node_filesystem_size_bytes", Mount("/dev/vde", "xfs", "/data")));
  EXPECT_EQ(fake->CallsFor(paths.root("/data")), 1);
  EXPECT_EQ(CountSamples(families, "node_filesystem_device_error"), 7u);
  EXPECT_EQ(CountSamples(families, "node_filesystem_size_bytes"), 7u);
  EXPECT_EQ(fake->TotalCalls(), 6);

  // Excluded by type (overlay, nsfs, cgroup2, iso9660) or mount point (/var/lib/docker, /sys).
  for (const char* fs_type : {"overlay", "nsfs", "cgroup2", "iso9660"}) {
    EXPECT_FALSE(FindSample(families, "node_filesystem_device_error", {{"fstype", fs_type}}))
        << fs_type;
  }
}

TEST(FilesystemCollector, CraftedFixtureWithRealStatvfs) {
  FilesystemCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, FixturePaths("filesystem-crafted"));
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error",
                       Mount("/dev/disk one", "ext4", "/with space")),
            0.0);
  EXPECT_EQ(
      FindSample(families, "node_filesystem_device_error", Mount("/dev/vdb", "ext4", "/data")),
      0.0);
  EXPECT_EQ(
      FindSample(families, "node_filesystem_device_error", Mount("/dev/vdd", "xfs", "/superro")),
      1.0);
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error",
                       Mount("server:/export", "nfs4", "/mnt/nfs")),
            1.0);
  EXPECT_FALSE(FindSample(families, "node_filesystem_size_bytes",
                          Mount("server:/export", "nfs4", "/mnt/nfs")));
}

TEST(FilesystemCollector, CustomExcludesApply) {
  FilesystemOptions options;
  options.mount_points_exclude = "^/(data|mnt)($|/)";
  options.fs_types_exclude = "^xfs$";
  auto fake = std::make_shared<FakeStat>();
  FilesystemCollector collector(options, FakeStat::Bind(fake));
  Families families = testing::CollectOrFail(collector, FixturePaths("filesystem-crafted"));
  EXPECT_FALSE(FindSample(families, "node_filesystem_device_error", {{"mountpoint", "/data"}}));
  EXPECT_FALSE(FindSample(families, "node_filesystem_device_error", {{"mountpoint", "/superro"}}));
  EXPECT_FALSE(FindSample(families, "node_filesystem_device_error", {{"mountpoint", "/mnt/nfs"}}));
  // Now the overlay and iso9660 mounts are no longer excluded.
  EXPECT_TRUE(FindSample(families, "node_filesystem_device_error", {{"fstype", "iso9660"}}));
  EXPECT_TRUE(FindSample(families, "node_filesystem_device_error", {{"fstype", "overlay"}}));
}

TEST(FilesystemCollector, FailedStatIsDeviceError) {
  auto fake = std::make_shared<FakeStat>();
  HostPaths paths = FixturePaths("filesystem-crafted");
  fake->failing.insert(paths.root("/readonly"));
  FilesystemCollector collector(FilesystemOptions{}, FakeStat::Bind(fake));
  Families families = testing::CollectOrFail(collector, paths);
  Labels ro = Mount("/dev/vdc", "ext4", "/readonly");
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error", ro), 1.0);
  EXPECT_FALSE(FindSample(families, "node_filesystem_size_bytes", ro));
  EXPECT_FALSE(FindSample(families, "node_filesystem_readonly", ro));
  EXPECT_EQ(collector.stuck_mount_count(), 0u);  // failing is not hanging
}

TEST(FilesystemCollector, FallsBackToSelfMountinfo) {
  std::string base =
      MakeProcTree("fs-self", "self/mountinfo", "1 0 8:1 / /srv rw - ext4 /dev/sdz rw\n");
  auto fake = std::make_shared<FakeStat>();
  FilesystemCollector collector(FilesystemOptions{}, FakeStat::Bind(fake));
  Families families =
      testing::CollectOrFail(collector, HostPaths(base + "/proc", base + "/sys", base + "/root"));
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error", Mount("/dev/sdz", "ext4", "/srv")),
            0.0);
}

TEST(FilesystemCollector, StripsRootfsPrefixFromOwnMountTable) {
  // In a container whose own mount table shows the host root at <rootfs>, labels carry host
  // paths and statvfs goes to <rootfs>/<mount point>.
  std::string base = ::testing::TempDir() + "opsagent-fs-strip";
  std::string rootfs = base + "/root";
  MakeProcTree("fs-strip", "self/mountinfo",
               "1 0 8:1 / " + rootfs + " rw - ext4 /dev/sda1 rw\n2 1 8:2 / " + rootfs +
                   "/srv rw - ext4 /dev/sda2 rw\n3 0 0:5 / /etc/hosts rw - ext4 /dev/x rw\n");
  auto fake = std::make_shared<FakeStat>();
  FilesystemCollector collector(FilesystemOptions{}, FakeStat::Bind(fake));
  HostPaths paths(base + "/proc", base + "/sys", rootfs);
  Families families = testing::CollectOrFail(collector, paths);
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error", Mount("/dev/sda1", "ext4", "/")),
            0.0);
  EXPECT_EQ(
      FindSample(families, "node_filesystem_device_error", Mount("/dev/sda2", "ext4", "/srv")),
      0.0);
  EXPECT_EQ(fake->CallsFor(rootfs + "/srv"), 1);
  EXPECT_EQ(fake->CallsFor(rootfs + "/"), 1);
}

TEST(FilesystemCollector, MalformedMountinfoIsAnErrorNamingFileAndLine) {
  std::string base = MakeProcTree("fs-bad", "1/mountinfo",
                                  "1 0 8:1 / / rw - ext4 /dev/sda rw\n2 1 8:2 / /x rw ext4\n");
  FilesystemCollector collector{CollectorOptions{}};
  CollectResult result =
      collector.Collect(HostPaths(base + "/proc", base + "/sys", base + "/root"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("1/mountinfo"), std::string::npos);
  EXPECT_NE(result.error().message.find("line 2"), std::string::npos);
}

TEST(FilesystemCollector, MissingMountinfoIsAnError) {
  FilesystemCollector collector{CollectorOptions{}};
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/self/mountinfo"), std::string::npos);
}

TEST(FilesystemCollector, ReadsLiveProc) {
  FilesystemCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, HostPaths());
  ASSERT_TRUE(FindSample(families, "node_filesystem_device_error", {{"mountpoint", "/"}}))
      << "no / mount in /proc/1/mountinfo";
  EXPECT_EQ(FindSample(families, "node_filesystem_device_error", {{"mountpoint", "/"}}), 0.0);
  EXPECT_GT(FindSample(families, "node_filesystem_size_bytes", {{"mountpoint", "/"}}).value_or(0),
            0.0);
  EXPECT_FALSE(FindSample(families, "node_filesystem_device_error", {{"mountpoint", "/proc"}}));
}

// ---- Hung mounts ----------------------------------------------------------------------------

TEST(FilesystemCollector, HungMountIsIsolatedSkippedAndRecovers) {
  auto fake = std::make_shared<FakeStat>();
  HostPaths paths = FixturePaths("filesystem-crafted");
  const std::string hung = paths.root("/mnt/nfs");
  fake->Block(hung);
  FilesystemCollector collector(FastOptions(), FakeStat::Bind(fake));
  Labels nfs = Mount("server:/export", "nfs4", "/mnt/nfs");
  Labels data = Mount("/dev/vdb", "ext4", "/data");

  // Cycle 1: returns after about the timeout; the hung mount is device_error and stuck, every
  // other mount is measured.
  Families first = testing::CollectOrFail(collector, paths);
  EXPECT_EQ(FindSample(first, "node_filesystem_device_error", nfs), 1.0);
  EXPECT_FALSE(FindSample(first, "node_filesystem_size_bytes", nfs));
  EXPECT_EQ(FindSample(first, "node_filesystem_device_error", data), 0.0);
  EXPECT_EQ(FindSample(first, "node_filesystem_size_bytes", data), 4096000.0);
  EXPECT_EQ(CountSamples(first, "node_filesystem_size_bytes"), 6u);
  EXPECT_EQ(FindSample(first, "opsagent_filesystem_stuck_mounts"), 1.0);
  EXPECT_EQ(FindSample(first, "opsagent_filesystem_stuck_mount", {{"mountpoint", "/mnt/nfs"}}),
            1.0);
  EXPECT_EQ(collector.stuck_mount_count(), 1u);
  EXPECT_EQ(fake->CallsFor(hung), 1);

  // Cycle 2: still stuck, skipped without a second call; the others are measured again.
  Families second = testing::CollectOrFail(collector, paths);
  EXPECT_EQ(FindSample(second, "node_filesystem_device_error", nfs), 1.0);
  EXPECT_EQ(FindSample(second, "node_filesystem_size_bytes", data), 4096000.0);
  EXPECT_EQ(fake->CallsFor(hung), 1);
  EXPECT_EQ(fake->CallsFor(paths.root("/data")), 2);
  EXPECT_EQ(FindSample(second, "opsagent_filesystem_stuck_mounts"), 1.0);

  // The call returns: the worker clears the stuck mark, and the next cycle measures the mount.
  fake->ReleaseAll();
  ASSERT_TRUE(Eventually([&] { return collector.stuck_mount_count() == 0; }));
  Families third = testing::CollectOrFail(collector, paths);
  EXPECT_EQ(FindSample(third, "node_filesystem_device_error", nfs), 0.0);
  EXPECT_EQ(FindSample(third, "node_filesystem_size_bytes", nfs), 4096000.0);
  EXPECT_EQ(FindSample(third, "opsagent_filesystem_stuck_mounts"), 0.0);
  EXPECT_FALSE(HasFamily(third, "opsagent_filesystem_stuck_mount"));
  EXPECT_EQ(fake->CallsFor(hung), 2);
  EXPECT_LE(collector.worker_count(), FilesystemCollector::kStatWorkers);
}

TEST(FilesystemCollector, ManyHungMountsNeverExceedThePool) {
  std::string mountinfo;
  for (int i = 0; i < 10; ++i) {
    mountinfo += std::to_string(i + 2) + " 1 0:" + std::to_string(i + 40) + " / /nfs/" +
                 std::to_string(i) + " rw - nfs4 srv:/e" + std::to_string(i) + " rw\n";
  }
  std::string base = MakeProcTree("fs-many", "1/mountinfo", mountinfo);
  HostPaths paths(base + "/proc", base + "/sys", base + "/root");
  auto fake = std::make_shared<FakeStat>();
  for (int i = 0; i < 10; ++i) fake->Block(paths.root("/nfs/" + std::to_string(i)));

  std::size_t threads_before = CountThreads();
  {
    FilesystemCollector collector(FastOptions(), FakeStat::Bind(fake));
    for (int cycle = 0; cycle < 3; ++cycle) {
      Families families = testing::CollectOrFail(collector, paths);
      EXPECT_EQ(CountSamples(families, "node_filesystem_device_error"), 10u);
      EXPECT_EQ(CountSamples(families, "node_filesystem_size_bytes"), 0u);
      EXPECT_EQ(FindSample(families, "opsagent_filesystem_stuck_mounts"),
                static_cast<double>(FilesystemCollector::kStatWorkers));
      EXPECT_EQ(collector.worker_count(), FilesystemCollector::kStatWorkers);
      EXPECT_LE(CountThreads(), threads_before + FilesystemCollector::kStatWorkers);
    }
    // Only the calls that got a worker were ever made: every worker is blocked and nothing else
    // was started in later cycles.
    EXPECT_EQ(fake->TotalCalls(), static_cast<int>(FilesystemCollector::kStatWorkers));
  }  // destroyed with every worker blocked: must return, not hang
  fake->ReleaseAll();
  EXPECT_TRUE(fake->WaitReturned(static_cast<int>(FilesystemCollector::kStatWorkers)));
  EXPECT_TRUE(Eventually([&] { return CountThreads() <= threads_before; }));
}

TEST(FilesystemCollector, DestructorDoesNotWaitForHungCall) {
  auto fake = std::make_shared<FakeStat>();
  HostPaths paths = FixturePaths("filesystem-crafted");
  fake->Block(paths.root("/mnt/nfs"));
  std::size_t threads_before = CountThreads();
  {
    auto collector = std::make_unique<FilesystemCollector>(FastOptions(), FakeStat::Bind(fake));
    Families families = testing::CollectOrFail(*collector, paths);
    EXPECT_EQ(collector->stuck_mount_count(), 1u);
    collector.reset();  // returns although one worker is still blocked in the stat call
  }
  // The detached worker finishes its call after the collector is gone, then exits.
  fake->ReleaseAll();
  EXPECT_TRUE(fake->WaitReturned(6));
  EXPECT_TRUE(Eventually([&] { return CountThreads() <= threads_before; }));
}

}  // namespace
}  // namespace opsagent::collectors
