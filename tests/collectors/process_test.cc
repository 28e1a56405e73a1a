// Tests for the process collector: stat/io/btime/cmdline parsers, crafted and generated /proc
// trees, and live child processes this test starts and kills by pid.
#include "collectors/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/families.h"

extern char** environ;

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;
using testing::HasFamily;

const double kTicks = static_cast<double>(::sysconf(_SC_CLK_TCK));
const double kPage = static_cast<double>(::sysconf(_SC_PAGESIZE));

// A stat line in the kernel's layout with the fields the collector reads filled in.
std::string StatLine(int pid, std::string_view comm, std::uint64_t utime, std::uint64_t stime,
                     std::uint64_t threads, std::uint64_t start, std::uint64_t rss) {
  return std::to_string(pid) + " (" + std::string(comm) + ") S 1 " + std::to_string(pid) + " " +
         std::to_string(pid) + " 0 -1 4194560 100 0 0 0 " + std::to_string(utime) + " " +
         std::to_string(stime) + " 0 0 20 0 " + std::to_string(threads) + " 0 " +
         std::to_string(start) + " 123456789 " + std::to_string(rss) +
         " 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
}

CollectorOptions WithGroups(std::vector<ProcessGroup> groups, int top_n = 10) {
  CollectorOptions options;
  options.process.groups = std::move(groups);
  options.process.top_n = top_n;
  return options;
}

// ---- ParsePidStat ----

TEST(ParsePidStat, ReadsFieldsOfARealLine) {
  Result<PidStat> stat = ParsePidStat(
      "6065 (head) R 6062 6062 3967 0 -1 4194304 101 0 0 0 7 3 0 0 20 0 1 0 49532 2998272 422 "
      "18446744073709551615 94082788765696 94082788789801 140721276763376 0 0 0 0 0 0 0 0 0 17 "
      "1 0 0 0 0 0\n");
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->comm, "head");
  EXPECT_EQ(stat->utime_ticks, 7u);
  EXPECT_EQ(stat->stime_ticks, 3u);
  EXPECT_EQ(stat->num_threads, 1u);
  EXPECT_EQ(stat->starttime_ticks, 49532u);
  EXPECT_EQ(stat->rss_pages, 422u);
}

TEST(ParsePidStat, CommWithSpacesAndParenthesesEndsAtLastParen) {
  const std::string line = StatLine(42, "a b) c) (d", 11, 22, 3, 44, 55);  // comm points into it
  Result<PidStat> stat = ParsePidStat(line);
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->comm, "a b) c) (d");
  EXPECT_EQ(stat->utime_ticks, 11u);
  EXPECT_EQ(stat->stime_ticks, 22u);
  EXPECT_EQ(stat->num_threads, 3u);
  EXPECT_EQ(stat->starttime_ticks, 44u);
  EXPECT_EQ(stat->rss_pages, 55u);
}

TEST(ParsePidStat, CommLookingLikeFieldsIsNotParsedAsFields) {
  // A comm that itself reads like the start of a stat line: "1) S 1 1 1 0 -1 0 0 0 0 0 9 9".
  Result<PidStat> stat = ParsePidStat(StatLine(7, "x) S 1 1 1 0 -1 0 0 0 0 0 9 9", 1, 2, 1, 3, 4));
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->utime_ticks, 1u);
  EXPECT_EQ(stat->rss_pages, 4u);
}

TEST(ParsePidStat, EmptyComm) {
  const std::string line = StatLine(7, "", 1, 2, 1, 3, 4);
  Result<PidStat> stat = ParsePidStat(line);
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->comm, "");
}

TEST(ParsePidStat, AcceptsLargestUint64) {
  Result<PidStat> stat = ParsePidStat(StatLine(7, "x", 18446744073709551615u, 0, 1, 0, 0));
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->utime_ticks, 18446744073709551615u);
}

TEST(ParsePidStat, RejectsValueAboveUint64) {
  std::string line = StatLine(7, "x", 1, 2, 1, 3, 4);
  line.replace(line.find(" 1 2 0 0 20"), 2, " 18446744073709551616");
  Result<PidStat> stat = ParsePidStat(line);
  ASSERT_FALSE(stat.ok());
  EXPECT_NE(stat.error().message.find("field 14 (utime)"), std::string::npos)
      << stat.error().message;
}

TEST(ParsePidStat, RejectsNonNumericField) {
  std::string line = StatLine(7, "x", 1, 2, 1, 3, 4);
  line.replace(line.find(" 123456789 4 "), 13, " 123456789 4k ");
  Result<PidStat> stat = ParsePidStat(line);
  ASSERT_FALSE(stat.ok());
  EXPECT_NE(stat.error().message.find("field 24 (rss)"), std::string::npos) << stat.error().message;
  EXPECT_NE(stat.error().message.find("\"4k\""), std::string::npos);
}

TEST(ParsePidStat, RejectsNegativeThreadCount) {
  Result<PidStat> stat = ParsePidStat("7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 -1 0 3 0 4 0\n");
  ASSERT_FALSE(stat.ok());
  EXPECT_NE(stat.error().message.find("field 20 (num_threads)"), std::string::npos)
      << stat.error().message;
}

TEST(ParsePidStat, RejectsTruncatedLine) {
  Result<PidStat> stat = ParsePidStat("7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 3 0");
  ASSERT_FALSE(stat.ok());
  EXPECT_NE(stat.error().message.find("truncated"), std::string::npos) << stat.error().message;
  EXPECT_NE(stat.error().message.find("got 23"), std::string::npos) << stat.error().message;
}

TEST(ParsePidStat, RejectsMissingParentheses) {
  EXPECT_FALSE(ParsePidStat("7 x S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 3 0 4 0").ok());
  EXPECT_FALSE(ParsePidStat("7 (x S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 3 0 4 0").ok());
  EXPECT_FALSE(ParsePidStat("7 x) S (1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 3 0 4 0").ok());
}

TEST(ParsePidStat, RejectsBadPid) {
  Result<PidStat> stat = ParsePidStat(StatLine(7, "x", 1, 2, 1, 3, 4).replace(0, 1, "z"));
  ASSERT_FALSE(stat.ok());
  EXPECT_NE(stat.error().message.find("field 1 (pid)"), std::string::npos);
}

TEST(ParsePidStat, RejectsEmpty) { EXPECT_FALSE(ParsePidStat("").ok()); }

// ---- ParseProcIo, ParseBootTime, JoinCmdlineInPlace ----

TEST(ParseProcIo, ReadsStorageBytes) {
  Result<ProcIo> io = ParseProcIo(
      "rchar: 6976\nwchar: 10\nsyscr: 10\nsyscw: 0\nread_bytes: 4096\nwrite_bytes: "
      "18446744073709551615\ncancelled_write_bytes: 0\n");
  ASSERT_TRUE(io.ok()) << io.error().message;
  EXPECT_EQ(io->read_bytes, 4096u);
  EXPECT_EQ(io->write_bytes, 18446744073709551615u);
}

TEST(ParseProcIo, RejectsMissingAndMalformedLines) {
  Result<ProcIo> missing = ParseProcIo("rchar: 1\nread_bytes: 2\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("write_bytes"), std::string::npos);
  Result<ProcIo> bad = ParseProcIo("read_bytes: -2\nwrite_bytes: 3\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("read_bytes is not"), std::string::npos);
  EXPECT_FALSE(ParseProcIo("").ok());
  EXPECT_FALSE(ParseProcIo("read_bytes: 1\nwrite_bytes: 99999999999999999999\n").ok());
}

TEST(ParseBootTime, FindsBtime) {
  Result<std::uint64_t> btime = ParseBootTime("cpu 1 2 3\nintr 5 6\nbtime 1795479585\nprocs 3\n");
  ASSERT_TRUE(btime.ok()) << btime.error().message;
  EXPECT_EQ(*btime, 1795479585u);
}

TEST(ParseBootTime, RejectsMissingOrMalformed) {
  EXPECT_NE(ParseBootTime("cpu 1 2 3\n").error().message.find("no btime"), std::string::npos);
  EXPECT_NE(ParseBootTime("btime x\n").error().message.find("malformed btime"), std::string::npos);
  EXPECT_FALSE(ParseBootTime("btime\n").ok());
  EXPECT_FALSE(ParseBootTime("btime 1 2\n").ok());
}

TEST(JoinCmdlineInPlace, JoinsArgvWithSpaces) {
  std::string raw("/usr/bin/python3\0-m\0http.server\0\0", 34);
  EXPECT_EQ(JoinCmdlineInPlace(raw.data(), raw.size()), "/usr/bin/python3 -m http.server");
  std::string retitled = "nginx: worker process";  // setproctitle: no NULs at all
  EXPECT_EQ(JoinCmdlineInPlace(retitled.data(), retitled.size()), "nginx: worker process");
  std::string empty_arg("a\0\0b\0", 5);  // an empty argv element keeps its place
  EXPECT_EQ(JoinCmdlineInPlace(empty_arg.data(), empty_arg.size()), "a  b");
  std::string kernel_thread;
  EXPECT_EQ(JoinCmdlineInPlace(kernel_thread.data(), 0), "");
}

// ---- Crafted tree ----

std::vector<ProcessGroup> CraftedGroups() {
  return {
      {"init", "^systemd$", ""},
      {"weird", "", "^/opt/weird/app( |$)"},
      {"nginx", "^nginx$", "nginx: (master|worker)"},
      {"kernel", "", "^$"},
      {"absent", "^postgres$", ""},
      {"nginx-again", "nginx", ""},  // never gets a process: "nginx" matched first
      {"everything-else", "", ""},
  };
}

class ProcessCrafted : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessCollector collector(WithGroups(CraftedGroups(), 3));
    families_ = testing::CollectOrFail(collector, testing::FixturePaths("process-crafted"));
  }
  std::optional<double> Group(std::string_view metric, const std::string& group) {
    return FindSample(families_, metric, {{"group", group}});
  }
  std::optional<double> Cpu(const std::string& group, const std::string& mode) {
    return FindSample(families_, "opsagent_process_group_cpu_seconds_total",
                      {{"group", group}, {"mode", mode}});
  }
  Families families_;
};

TEST_F(ProcessCrafted, CountsEveryReadablePidOnce) {
  // 1, 2, 42, 43, 100, 101, 300; not 200 (no stat), 201 (no fd dir), "self" (a symlink).
  EXPECT_EQ(FindSample(families_, "opsagent_process_processes"), 7);
}

TEST_F(ProcessCrafted, GroupWithOneMember) {
  EXPECT_EQ(Group("opsagent_process_group_processes", "init"), 1);
  EXPECT_DOUBLE_EQ(*Cpu("init", "user"), 100 / kTicks);
  EXPECT_DOUBLE_EQ(*Cpu("init", "system"), 50 / kTicks);
  EXPECT_EQ(Group("opsagent_process_group_resident_memory_bytes", "init"), 3000 * kPage);
  EXPECT_EQ(Group("opsagent_process_group_open_fds", "init"), 4);
  EXPECT_EQ(Group("opsagent_process_group_threads", "init"), 1);
  EXPECT_EQ(Group("opsagent_process_group_read_bytes_total", "init"), 1000);
  EXPECT_EQ(Group("opsagent_process_group_write_bytes_total", "init"), 2000);
  EXPECT_DOUBLE_EQ(*Group("opsagent_process_group_oldest_start_time_seconds", "init"),
                   1700000000 + 10 / kTicks);
}

TEST_F(ProcessCrafted, CmdlineGroupSumsMembersAndTakesOldestStart) {
  // pid 42 (comm "my (weird) app)") and pid 43; 43 has no io file and started earlier.
  EXPECT_EQ(Group("opsagent_process_group_processes", "weird"), 2);
  EXPECT_DOUBLE_EQ(*Cpu("weird", "user"), 1020 / kTicks);
  EXPECT_DOUBLE_EQ(*Cpu("weird", "system"), 510 / kTicks);
  EXPECT_EQ(Group("opsagent_process_group_resident_memory_bytes", "weird"), 10500 * kPage);
  EXPECT_EQ(Group("opsagent_process_group_open_fds", "weird"), 13);
  EXPECT_EQ(Group("opsagent_process_group_threads", "weird"), 9);
  EXPECT_EQ(Group("opsagent_process_group_read_bytes_total", "weird"), 4096);
  EXPECT_EQ(Group("opsagent_process_group_write_bytes_total", "weird"), 8192);
  EXPECT_DOUBLE_EQ(*Group("opsagent_process_group_oldest_start_time_seconds", "weird"),
                   1700000000 + 400 / kTicks);
}

TEST_F(ProcessCrafted, VanishedPidsAreLeftOut) {
  // 200 (no stat) and 201 (stat read, then its fd dir was gone) would both join "nginx".
  EXPECT_EQ(Group("opsagent_process_group_processes", "nginx"), 2);
  EXPECT_DOUBLE_EQ(*Cpu("nginx", "user"), 1000 / kTicks);
  EXPECT_DOUBLE_EQ(*Cpu("nginx", "system"), 300 / kTicks);
  EXPECT_EQ(Group("opsagent_process_group_resident_memory_bytes", "nginx"), 5000 * kPage);
  EXPECT_EQ(Group("opsagent_process_group_open_fds", "nginx"), 10);
  EXPECT_EQ(Group("opsagent_process_group_threads", "nginx"), 2);
  EXPECT_EQ(Group("opsagent_process_group_read_bytes_total", "nginx"), 40);
  EXPECT_EQ(Group("opsagent_process_group_write_bytes_total", "nginx"), 60);
  EXPECT_DOUBLE_EQ(*Group("opsagent_process_group_oldest_start_time_seconds", "nginx"),
                   1700000000 + 1000 / kTicks);
}

TEST_F(ProcessCrafted, KernelThreadMatchesEmptyCmdline) {
  EXPECT_EQ(Group("opsagent_process_group_processes", "kernel"), 1);
  EXPECT_DOUBLE_EQ(*Cpu("kernel", "system"), 5 / kTicks);
  EXPECT_EQ(Group("opsagent_process_group_resident_memory_bytes", "kernel"), 0);
  EXPECT_EQ(Group("opsagent_process_group_open_fds", "kernel"), 0);  // fd/.gitkeep is no fd
}

TEST_F(ProcessCrafted, EmptyGroupsAreEmittedAsZero) {
  for (const std::string group : {"absent", "nginx-again"}) {
    EXPECT_EQ(Group("opsagent_process_group_processes", group), 0) << group;
    EXPECT_EQ(*Cpu(group, "user"), 0) << group;
    EXPECT_EQ(*Cpu(group, "system"), 0) << group;
    EXPECT_EQ(Group("opsagent_process_group_resident_memory_bytes", group), 0) << group;
    EXPECT_EQ(Group("opsagent_process_group_open_fds", group), 0) << group;
    EXPECT_EQ(Group("opsagent_process_group_threads", group), 0) << group;
    EXPECT_EQ(Group("opsagent_process_group_read_bytes_total", group), 0) << group;
    EXPECT_EQ(Group("opsagent_process_group_write_bytes_total", group), 0) << group;
    EXPECT_FALSE(Group("opsagent_process_group_oldest_start_time_seconds", group)) << group;
  }
  EXPECT_EQ(CountSamples(families_, "opsagent_process_group_processes"), 7);
  EXPECT_EQ(CountSamples(families_, "opsagent_process_group_cpu_seconds_total"), 14);
  EXPECT_EQ(CountSamples(families_, "opsagent_process_group_oldest_start_time_seconds"), 5);
}

TEST_F(ProcessCrafted, GroupWithoutMatchersCatchesTheRest) {
  EXPECT_EQ(Group("opsagent_process_group_processes", "everything-else"), 1);  // bash, pid 300
  EXPECT_EQ(Group("opsagent_process_group_open_fds", "everything-else"), 4);
  EXPECT_EQ(Group("opsagent_process_group_read_bytes_total", "everything-else"), 0);  // no io
}

// The top-N families as (pid, comm, value) in output order.
struct TopRow {
  std::string pid;
  std::string comm;
  double value;
  bool operator==(const TopRow&) const = default;
};
std::vector<TopRow> TopRows(const Families& families, std::string_view name) {
  std::vector<TopRow> rows;
  for (const auto& family : families) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      TopRow row;
      for (const auto& label : metric.label)
        (label.name == "pid" ? row.pid : row.comm) = label.value;
      row.value = family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                                 : metric.gauge.value;
      rows.push_back(row);
    }
  }
  return rows;
}

TEST_F(ProcessCrafted, TopCpuIsOrderedAndExcludesVanished) {
  std::vector<TopRow> expected = {{"300", "bash", 10000 / kTicks},
                                  {"42", "my (weird) app)", 1500 / kTicks},
                                  {"101", "nginx", 800 / kTicks}};
  EXPECT_EQ(TopRows(families_, "opsagent_process_top_cpu_seconds_total"), expected);
}

TEST_F(ProcessCrafted, TopMemoryBreaksTiesByLowerPid) {
  // 100 and 101 both have 2500 pages; only one fits in the top 3.
  std::vector<TopRow> expected = {{"42", "my (weird) app)", 10000 * kPage},
                                  {"1", "systemd", 3000 * kPage},
                                  {"100", "nginx", 2500 * kPage}};
  EXPECT_EQ(TopRows(families_, "opsagent_process_top_resident_memory_bytes"), expected);
}

TEST(ProcessCollector, SecondCollectDoesNotAccumulate) {
  ProcessCollector collector(WithGroups(CraftedGroups(), 3));
  testing::CollectOrFail(collector, testing::FixturePaths("process-crafted"));
  Families again = testing::CollectOrFail(collector, testing::FixturePaths("process-crafted"));
  EXPECT_EQ(FindSample(again, "opsagent_process_processes"), 7);
  EXPECT_EQ(FindSample(again, "opsagent_process_group_processes", {{"group", "weird"}}), 2);
  EXPECT_EQ(CountSamples(again, "opsagent_process_top_cpu_seconds_total"), 3);
}

TEST(ProcessCollector, TopNZeroOrNegativeEmitsNoTopFamilies) {
  for (int top_n : {0, -5}) {
    ProcessCollector collector(WithGroups({}, top_n));
    Families families = testing::CollectOrFail(collector, testing::FixturePaths("process-crafted"));
    EXPECT_FALSE(HasFamily(families, "opsagent_process_top_cpu_seconds_total")) << top_n;
    EXPECT_FALSE(HasFamily(families, "opsagent_process_top_resident_memory_bytes")) << top_n;
    // 8, not 7: without groups nothing reads pid 201's fd dir, so it is not seen to vanish.
    EXPECT_EQ(FindSample(families, "opsagent_process_processes"), 8) << top_n;
  }
}

TEST(ProcessCollector, NoGroupsStillCountsAndRanks) {
  ProcessCollector collector;  // default options: no groups, top 10
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("process-crafted"));
  EXPECT_FALSE(HasFamily(families, "opsagent_process_group_processes"));
  EXPECT_EQ(CountSamples(families, "opsagent_process_top_cpu_seconds_total"), 8);
  // Unmatched pids never have their fd dir read, so 201 is not seen to vanish: its stat was
  // readable, and that is all the top-N needs.
  EXPECT_EQ(FindSample(families, "opsagent_process_processes"), 8);
}

// ---- hidepid-like tree ----

TEST(ProcessCollector, HiddenPidsAreSkippedAndUnreadableFdsAndIoCountAsZero) {
  ProcessCollector collector(WithGroups({{"all", "", ""}, {"never", "", "^$"}}));
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("process-hidepid"));
  EXPECT_EQ(FindSample(families, "opsagent_process_processes"), 2);  // 500 and 502, not 501
  EXPECT_EQ(FindSample(families, "opsagent_process_group_processes", {{"group", "all"}}), 2);
  EXPECT_EQ(FindSample(families, "opsagent_process_group_open_fds", {{"group", "all"}}), 3);
  EXPECT_EQ(FindSample(families, "opsagent_process_group_threads", {{"group", "all"}}), 10);
  EXPECT_EQ(FindSample(families, "opsagent_process_group_read_bytes_total", {{"group", "all"}}), 5);
  EXPECT_EQ(
      FindSample(families, "opsagent_process_group_resident_memory_bytes", {{"group", "all"}}),
      5200 * kPage);
  EXPECT_EQ(FindSample(families, "opsagent_process_group_processes", {{"group", "never"}}), 0);
}

// ---- recorded basic fixture: it holds no per-pid stat ----

TEST(ProcessCollector, BasicFixtureHasNoReadablePids) {
  ProcessCollector collector(WithGroups({{"any", "", ""}}));
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(FindSample(families, "opsagent_process_processes"), 0);  // proc/1 holds only mountinfo
  EXPECT_EQ(FindSample(families, "opsagent_process_group_processes", {{"group", "any"}}), 0);
  EXPECT_FALSE(HasFamily(families, "opsagent_process_top_cpu_seconds_total"));
}

// ---- generated trees: malformed input and scale ----

class TempProc {
 public:
  TempProc() {
    // tmpfs when there is one: the scale test's 35,000 files and dirs take seconds on a disk.
    std::filesystem::path base = ::access("/dev/shm", W_OK) == 0
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    std::string pattern = base / "opsagent-process-XXXXXX";
    root_ = ::mkdtemp(pattern.data());
    Write("stat", "cpu 1 2 3\nbtime 1700000000\n");
  }
  ~TempProc() { std::filesystem::remove_all(root_); }
  TempProc(const TempProc&) = delete;
  TempProc& operator=(const TempProc&) = delete;

  // Plain syscalls, creating parent dirs only on ENOENT: the scale test writes 20,000 files.
  void Write(const std::string& relative, std::string_view content) {
    std::string path = Path(relative);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENOENT) {
      std::filesystem::create_directories(std::filesystem::path(path).parent_path());
      fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    ASSERT_GE(fd, 0) << path;
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    ::close(fd);
  }
  void MakeDir(const std::string& relative) {
    std::filesystem::create_directories(std::filesystem::path(root_) / "proc" / relative);
  }
  std::string Path(const std::string& relative) const { return root_ + "/proc/" + relative; }
  HostPaths Paths() const { return HostPaths(root_ + "/proc", root_ + "/sys", root_); }

 private:
  std::string root_;
};

TEST(ProcessCollector, MalformedStatIsAnErrorNamingTheFile) {
  TempProc proc;
  proc.Write("7/stat", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 2\n");
  ProcessCollector collector;
  CollectResult result = collector.Collect(proc.Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find(proc.Path("7/stat")), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("truncated"), std::string::npos);
}

TEST(ProcessCollector, HugeValuesSaturateInsteadOfWrapping) {
  // 2^63 + 2^63 wraps to exactly 0 in uint64.
  constexpr std::uint64_t kHalf = 9223372036854775808u;
  TempProc proc;
  for (int pid : {7, 8}) {
    std::string dir = std::to_string(pid);
    proc.Write(dir + "/stat", StatLine(pid, "x", kHalf, kHalf, 1, 3, kHalf));
    proc.MakeDir(dir + "/fd");
  }
  ProcessCollector collector(WithGroups({{"x", "^x$", ""}}, 1));
  Families families = testing::CollectOrFail(collector, proc.Paths());
  const double max = 18446744073709551615.0;
  EXPECT_EQ(FindSample(families, "opsagent_process_group_cpu_seconds_total",
                       {{"group", "x"}, {"mode", "user"}}),
            max / kTicks);
  EXPECT_EQ(FindSample(families, "opsagent_process_group_resident_memory_bytes", {{"group", "x"}}),
            max * kPage);
  EXPECT_EQ(FindSample(families, "opsagent_process_top_cpu_seconds_total", {{"pid", "7"}}),
            max / kTicks);
}

TEST(ProcessCollector, OversizedStatIsAnError) {
  TempProc proc;
  proc.Write("7/stat", StatLine(7, std::string(5000, 'x'), 1, 2, 1, 3, 4));
  ProcessCollector collector;
  CollectResult result = collector.Collect(proc.Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("larger than"), std::string::npos);
}

TEST(ProcessCollector, MalformedIoIsAnErrorNamingTheFile) {
  TempProc proc;
  proc.Write("7/stat", StatLine(7, "x", 1, 2, 1, 3, 4));
  proc.Write("7/io", "read_bytes: lots\nwrite_bytes: 1\n");
  proc.MakeDir("7/fd");
  ProcessCollector collector(WithGroups({{"x", "^x$", ""}}));
  CollectResult result = collector.Collect(proc.Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find(proc.Path("7/io")), std::string::npos)
      << result.error().message;
}

TEST(ProcessCollector, MissingOrBadProcStatIsAnError) {
  TempProc proc;
  proc.Write("stat", "cpu 1 2 3\n");
  ProcessCollector collector;
  CollectResult no_btime = collector.Collect(proc.Paths());
  ASSERT_FALSE(no_btime.ok());
  EXPECT_NE(no_btime.error().message.find("no btime"), std::string::npos);
  CollectResult missing = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/proc/stat"), std::string::npos);
}

TEST(ProcessCollector, CmdlineMatchesAreNotConfusedByInvalidUtf8Comm) {
  TempProc proc;
  proc.Write("7/stat", StatLine(7, "bad\xff\xfe\xe2\x82\xac", 9, 0, 1, 3, 4));
  proc.Write("7/cmdline", std::string_view("/bin/bad\0--x\0", 13));
  proc.MakeDir("7/fd");
  ProcessCollector collector(WithGroups({{"bad", "", "^/bin/bad --x$"}}));
  Families families = testing::CollectOrFail(collector, proc.Paths());
  EXPECT_EQ(FindSample(families, "opsagent_process_group_processes", {{"group", "bad"}}), 1);
  // The label keeps the valid euro sign and replaces the invalid bytes.
  EXPECT_TRUE(FindSample(families, "opsagent_process_top_cpu_seconds_total",
                         {{"pid", "7"}, {"comm", "bad??\xe2\x82\xac"}}));
}

TEST(ProcessCollector, TenThousandPids) {
  constexpr int kPids = 10000;
  TempProc proc;
  for (int pid = 1; pid <= kPids; ++pid) {
    std::string dir = std::to_string(pid);
    // cpu grows with pid, rss shrinks with it, so the winners are known.
    proc.Write(dir + "/stat",
               StatLine(pid, "w" + std::to_string(pid % 10), pid, 0, 1, pid, kPids + 1 - pid));
    if (pid % 10 < 5) {
      proc.Write(dir + "/cmdline", std::string_view("worker\0", 7));
      proc.Write(dir + "/fd/0", "");
    }
  }
  ProcessCollector collector(WithGroups({{"low", "^w[0-4]$", "^worker$"}}, 10));
  auto start = std::chrono::steady_clock::now();
  Families families = testing::CollectOrFail(collector, proc.Paths());
  auto elapsed = std::chrono::steady_clock::now() - start;
  std::cout << "collect over " << kPids
            << " pids: " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
            << " ms\n";
  EXPECT_EQ(FindSample(families, "opsagent_process_processes"), kPids);
  EXPECT_EQ(FindSample(families, "opsagent_process_group_processes", {{"group", "low"}}), 5000);
  EXPECT_EQ(FindSample(families, "opsagent_process_group_open_fds", {{"group", "low"}}), 5000);
  std::vector<TopRow> cpu = TopRows(families, "opsagent_process_top_cpu_seconds_total");
  std::vector<TopRow> rss = TopRows(families, "opsagent_process_top_resident_memory_bytes");
  ASSERT_EQ(cpu.size(), 10u);
  ASSERT_EQ(rss.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(cpu[i].pid, std::to_string(kPids - i));
    EXPECT_EQ(rss[i].pid, std::to_string(i + 1));
  }
}

// ---- live /proc ----

TEST(ProcessCollector, ReadsLiveProc) {
  ProcessCollector collector(WithGroups({{"me", "", "collectors_test"}}, 5));
  Families families = testing::CollectOrFail(collector, HostPaths());
  ASSERT_TRUE(FindSample(families, "opsagent_process_processes"));
  double count = *FindSample(families, "opsagent_process_processes");
  EXPECT_GT(count, 1);
  EXPECT_EQ(CountSamples(families, "opsagent_process_top_cpu_seconds_total"),
            std::min<std::size_t>(5, static_cast<std::size_t>(count)));
  EXPECT_GE(*FindSample(families, "opsagent_process_group_processes", {{"group", "me"}}), 1);
  EXPECT_GT(
      *FindSample(families, "opsagent_process_group_resident_memory_bytes", {{"group", "me"}}), 0);
}

// Starts `sleep` with a cmdline unique to this test run, with /dev/null on fds 0-2.
pid_t SpawnSleep(const std::string& seconds) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd = 0; fd < 3; ++fd) {
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  std::string arg0 = "sleep";
  std::string arg1 = seconds;
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = -1;
  int err = posix_spawn(&pid, "/bin/sleep", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  return err == 0 ? pid : -1;
}

TEST(ProcessCollector, LiveChildrenJoinAndLeaveTheirGroup) {
  constexpr int kChildren = 3;
  // "1000.<our pid>" is a valid sleep duration no other process on the machine will have.
  std::string seconds = "1000." + std::to_string(::getpid());
  std::string pattern = "^sleep 1000\\." + std::to_string(::getpid()) + "$";
  // Killed by pid (and reaped) on every path out of the test, including a failed ASSERT.
  struct Children {
    std::vector<pid_t> pids;
    void KillAll() {
      for (pid_t pid : pids) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
      pids.clear();
    }
    ~Children() { KillAll(); }
  } children;
  for (int i = 0; i < kChildren; ++i) {
    pid_t pid = SpawnSleep(seconds);
    ASSERT_GT(pid, 0);
    children.pids.push_back(pid);
  }

  ProcessCollector collector(WithGroups({{"sleepers", "^sleep$", pattern}}));
  auto group = [](const Families& families, std::string_view metric) {
    return FindSample(families, metric, {{"group", "sleepers"}}).value_or(-1);
  };
  // posix_spawn may return before the children have exec'd (comm is still ours until then).
  Families families;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    families = testing::CollectOrFail(collector, HostPaths());
    if (group(families, "opsagent_process_group_processes") == kChildren) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);

  EXPECT_EQ(group(families, "opsagent_process_group_processes"), kChildren);
  EXPECT_GE(group(families, "opsagent_process_group_threads"), kChildren);
  EXPECT_GT(group(families, "opsagent_process_group_resident_memory_bytes"), 0);
  EXPECT_GE(group(families, "opsagent_process_group_open_fds"), 3 * kChildren);  // root sees fds
  EXPECT_GE(group(families, "opsagent_process_group_read_bytes_total"), 0);
  double started = group(families, "opsagent_process_group_oldest_start_time_seconds");
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  // btime is whole seconds and starttime is in ticks, so allow a little slack either way.
  EXPECT_GT(started, now - 60);
  EXPECT_LT(started, now + 2);

  children.KillAll();
  families = testing::CollectOrFail(collector, HostPaths());
  EXPECT_EQ(group(families, "opsagent_process_group_processes"), 0);
  EXPECT_EQ(group(families, "opsagent_process_group_threads"), 0);
  EXPECT_FALSE(FindSample(families, "opsagent_process_group_oldest_start_time_seconds",
                          {{"group", "sleepers"}}));
}

}  // namespace
}  // namespace opsagent::collectors
