// Tests for the cpu collector: /proc/stat per-CPU parsing, monotonic clamping, fixtures, live.
#include "collectors/cpu.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;

constexpr std::string_view kTwoCpus =
    "cpu  3411 0 2996 48376 389 0 162 0 0 0\n"
    "cpu0 1211 0 1109 25248 19 0 53 0 7 0\n"
    "cpu1 2200 0 1887 23127 369 0 108 0 0 3\n"
    "intr 169212 0 0\n"
    "ctxt 320672\n";

TEST(ParseProcStatCpus, ReadsPerCpuLinesAndSkipsTheAggregate) {
  std::vector<CpuTimes> cpus;
  Status s = ParseProcStatCpus(kTwoCpus, cpus);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(cpus.size(), 2u);
  EXPECT_EQ(cpus[0].cpu, 0u);
  EXPECT_EQ(cpus[0].fields, 10);
  EXPECT_EQ(cpus[0].ticks[CpuTimes::kUser], 1211u);
  EXPECT_EQ(cpus[0].ticks[CpuTimes::kGuest], 7u);
  EXPECT_EQ(cpus[1].ticks[CpuTimes::kIowait], 369u);
  EXPECT_EQ(cpus[1].ticks[CpuTimes::kGuestNice], 3u);
}

TEST(ParseProcStatCpus, KeepsGapsAndSortsIds) {
  std::vector<CpuTimes> cpus;
  ASSERT_TRUE(ParseProcStatCpus("cpu70 1 2 3 4 5 6 7 8\ncpu3 1 2 3 4 5 6 7 8 9 10\n"
                                "cpu64 1 2 3 4 5 6 7 8 9\n",
                                cpus)
                  .ok());
  ASSERT_EQ(cpus.size(), 3u);
  EXPECT_EQ(cpus[0].cpu, 3u);
  EXPECT_EQ(cpus[1].cpu, 64u);
  EXPECT_EQ(cpus[1].fields, 9);
  EXPECT_EQ(cpus[2].cpu, 70u);
  EXPECT_EQ(cpus[2].fields, 8);  // a pre-2.6.24 kernel: no guest columns
}

TEST(ParseProcStatCpus, ReusesTheOutputVector) {
  std::vector<CpuTimes> cpus;
  ASSERT_TRUE(ParseProcStatCpus(kTwoCpus, cpus).ok());
  ASSERT_TRUE(ParseProcStatCpus("cpu5 1 2 3 4 5 6 7 8 9 10\n", cpus).ok());
  ASSERT_EQ(cpus.size(), 1u);
  EXPECT_EQ(cpus[0].cpu, 5u);
}

TEST(ParseProcStatCpus, RejectsTruncatedLine) {
  std::vector<CpuTimes> cpus;
  Status s = ParseProcStatCpus("cpu0 1 2 3 4 5 6 7\n", cpus);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("expected 8 to 10 time columns, got 7"), std::string::npos)
      << s.message();
}

TEST(ParseProcStatCpus, RejectsExtraColumns) {
  std::vector<CpuTimes> cpus;
  Status s = ParseProcStatCpus("cpu0 1 2 3 4 5 6 7 8 9 10\ncpu1 1 2 3 4 5 6 7 8 9 10 11\n", cpus);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 2"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("more than 10"), std::string::npos) << s.message();
}

TEST(ParseProcStatCpus, RejectsNonNumericNegativeAndHugeColumns) {
  std::vector<CpuTimes> cpus;
  Status s = ParseProcStatCpus("cpu0 1 2 x3 4 5 6 7 8\n", cpus);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("time column 3 is not a number"), std::string::npos) << s.message();
  EXPECT_FALSE(ParseProcStatCpus("cpu0 1 2 -3 4 5 6 7 8\n", cpus).ok());
  EXPECT_FALSE(ParseProcStatCpus("cpu0 1 2 3 99999999999999999999999 5 6 7 8\n", cpus).ok());
}

TEST(ParseProcStatCpus, RejectsBadAndDuplicateIds) {
  std::vector<CpuTimes> cpus;
  Status bad = ParseProcStatCpus("cpux 1 2 3 4 5 6 7 8\n", cpus);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("CPU id is not a number"), std::string::npos) << bad.message();
  Status dup = ParseProcStatCpus("cpu1 1 2 3 4 5 6 7 8\ncpu1 1 2 3 4 5 6 7 8\n", cpus);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.message().find("cpu1 is listed twice"), std::string::npos) << dup.message();
}

TEST(ParseProcStatCpus, RejectsFileWithoutPerCpuLines) {
  std::vector<CpuTimes> cpus;
  EXPECT_FALSE(ParseProcStatCpus("", cpus).ok());
  EXPECT_FALSE(ParseProcStatCpus("cpu  1 2 3 4 5 6 7 8 9 10\nctxt 5\n", cpus).ok());
}

TEST(CpuCollector, EmitsNodeExporterNamesFromFixture) {
  CpuCollector collector(100);  // the fixture was recorded with USER_HZ 100
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(CountSamples(families, "node_cpu_seconds_total"), 16u);
  EXPECT_EQ(CountSamples(families, "node_cpu_guest_seconds_total"), 4u);
  // cpu0 1211 0 1109 25248 19 0 53 0 0 0 / cpu1 2200 0 1887 23127 369 0 108 0 0 0
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "user"}}),
            12.11);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "idle"}}),
            252.48);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "system"}}),
            18.87);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "iowait"}}),
            3.69);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "softirq"}}),
            1.08);
  EXPECT_EQ(FindSample(families, "node_cpu_guest_seconds_total", {{"cpu", "1"}, {"mode", "nice"}}),
            0.0);
  for (const auto& family : families) {
    EXPECT_EQ(family.type, prometheus::MetricType::Counter) << family.name;
  }
}

TEST(CpuCollector, DefaultTickRateComesFromSysconf) {
  CpuCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "user"}}),
            1211.0 / static_cast<double>(::sysconf(_SC_CLK_TCK)));
}

TEST(CpuCollector, HandlesSeventyTwoCpusWithAnOfflineGap) {
  CpuCollector collector(100);
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("cpu-72-gap"));
  EXPECT_EQ(CountSamples(families, "node_cpu_seconds_total"), 72u * 8);
  EXPECT_EQ(CountSamples(families, "node_cpu_guest_seconds_total"), 72u * 2);
  // cpu17 is offline: no line, so no samples (node_exporter 1.5 would report zeros).
  EXPECT_FALSE(FindSample(families, "node_cpu_seconds_total", {{"cpu", "17"}}).has_value());
  // cpuN: user 1000+N, nice N, system 500+2N, idle 100000+7N, ..., guest 10*(N%4).
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "72"}, {"mode", "user"}}),
            10.72);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "72"}, {"mode", "idle"}}),
            1005.04);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "64"}, {"mode", "nice"}}),
            0.64);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "18"}, {"mode", "system"}}),
            5.36);
  EXPECT_EQ(FindSample(families, "node_cpu_guest_seconds_total", {{"cpu", "18"}, {"mode", "user"}}),
            0.2);
  EXPECT_EQ(FindSample(families, "node_cpu_guest_seconds_total", {{"cpu", "19"}, {"mode", "nice"}}),
            0.01);
}

// A writable fixture root for the cases that need /proc/stat to change between cycles.
class CpuStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::path(::testing::TempDir()) / ("cpu_state_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "proc");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void WriteStat(std::string_view content) { std::ofstream(root_ / "proc" / "stat") << content; }
  HostPaths Paths() const { return HostPaths((root_ / "proc").string()); }

  std::filesystem::path root_;
};

TEST_F(CpuStateTest, CounterThatGoesBackwardsKeepsItsPreviousValue) {
  CpuCollector collector(100);
  WriteStat("cpu0 100 0 100 1000 50 0 0 0 0 0\n");
  testing::CollectOrFail(collector, Paths());
  // iowait drops (the kernel's nohz iowait accounting can); idle drops by less than 3 s.
  WriteStat("cpu0 110 0 100 900 40 0 0 0 0 0\n");
  Families families = testing::CollectOrFail(collector, Paths());
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "iowait"}}),
            0.5);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "idle"}}), 10.0);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "user"}}), 1.1);
}

TEST_F(CpuStateTest, IdleJumpingBackThreeSecondsResetsTheCpu) {
  CpuCollector collector(100);
  WriteStat("cpu0 100 0 100 1000 50 0 0 0 0 0\ncpu1 100 0 100 1000 50 0 0 0 0 0\n");
  testing::CollectOrFail(collector, Paths());
  // cpu1 was replugged: idle fell by 7 s, so every counter is taken as the kernel reports it.
  WriteStat("cpu0 100 0 100 1000 50 0 0 0 0 0\ncpu1 5 0 5 300 1 0 0 0 0 0\n");
  Families families = testing::CollectOrFail(collector, Paths());
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "idle"}}), 3.0);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "user"}}), 0.05);
  EXPECT_EQ(FindSample(families, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "idle"}}), 10.0);
}

TEST_F(CpuStateTest, CpuThatGoesOfflineDisappears) {
  CpuCollector collector(100);
  WriteStat("cpu0 1 0 1 10 0 0 0 0 0 0\ncpu1 1 0 1 10 0 0 0 0 0 0\n");
  testing::CollectOrFail(collector, Paths());
  WriteStat("cpu0 2 0 2 20 0 0 0 0 0 0\n");
  Families families = testing::CollectOrFail(collector, Paths());
  EXPECT_EQ(CountSamples(families, "node_cpu_seconds_total"), 8u);
  EXPECT_FALSE(FindSample(families, "node_cpu_seconds_total", {{"cpu", "1"}}).has_value());
}

TEST_F(CpuStateTest, MalformedFileIsAnErrorNamingPathAndLine) {
  CpuCollector collector(100);
  WriteStat("cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 2 3\n");
  CollectResult result = collector.Collect(Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("proc/stat: line 2"), std::string::npos)
      << result.error().message;
}

TEST(CpuCollector, MissingFileIsAnError) {
  CpuCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/stat"), std::string::npos);
}

TEST(CpuCollector, ReadsLiveProc) {
  CpuCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  EXPECT_EQ(CountSamples(families, "node_cpu_seconds_total"), static_cast<std::size_t>(online) * 8);
  ASSERT_TRUE(FindSample(families, "node_cpu_seconds_total", {{"mode", "idle"}}).has_value());
  EXPECT_GT(*FindSample(families, "node_cpu_seconds_total", {{"mode", "idle"}}), 0.0);
}

}  // namespace
}  // namespace opsagent::collectors
