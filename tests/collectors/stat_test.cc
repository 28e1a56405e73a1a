// Tests for the stat collector: /proc/stat system-wide lines, fixtures, live.
#include "collectors/stat.h"

#include <gtest/gtest.h>

#include <ctime>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;

constexpr std::string_view kStat =
    "cpu  1 2 3 4 5 6 7 8 9 10\n"
    "cpu0 1 2 3 4 5 6 7 8 9 10\n"
    "intr 169212 0 0 5 1\n"
    "ctxt 320672\n"
    "btime 1795479585\n"
    "processes 3255\n"
    "procs_running 2\n"
    "procs_blocked 1\n"
    "softirq 110319 0 9540\n";

TEST(ParseProcStat, ReadsTheSixValues) {
  Result<ProcStat> stat = ParseProcStat(kStat);
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->interrupts, 169212u);
  EXPECT_EQ(stat->context_switches, 320672u);
  EXPECT_EQ(stat->boot_time, 1795479585u);
  EXPECT_EQ(stat->forks, 3255u);
  EXPECT_EQ(stat->procs_running, 2u);
  EXPECT_EQ(stat->procs_blocked, 1u);
}

TEST(ParseProcStat, MissingLineIsAnError) {
  Result<ProcStat> stat = ParseProcStat("ctxt 1\nbtime 2\nprocesses 3\nintr 4\nprocs_running 5\n");
  ASSERT_FALSE(stat.ok());
  EXPECT_NE(stat.error().message.find("missing \"procs_blocked\""), std::string::npos)
      << stat.error().message;
  EXPECT_FALSE(ParseProcStat("").ok());
}

TEST(ParseProcStat, RejectsMissingAndNonNumericValues) {
  Result<ProcStat> missing = ParseProcStat("btime\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("line 1"), std::string::npos);
  EXPECT_NE(missing.error().message.find("missing value"), std::string::npos);

  Result<ProcStat> bad = ParseProcStat("cpu0 1 2 3 4 5 6 7 8\nctxt 12x\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2 \"ctxt 12x\": value is not a number"),
            std::string::npos)
      << bad.error().message;
  EXPECT_FALSE(ParseProcStat("ctxt 99999999999999999999999\n").ok());
  EXPECT_FALSE(ParseProcStat("procs_running -1\n").ok());
}

TEST(ParseProcStat, RejectsRepeatedLine) {
  std::string twice = std::string(kStat) + "ctxt 5\n";
  Result<ProcStat> stat = ParseProcStat(twice);
  ASSERT_FALSE(stat.ok());
  EXPECT_NE(stat.error().message.find("appears twice"), std::string::npos);
}

TEST(StatCollector, EmitsNodeExporterNamesFromFixture) {
  StatCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(families.size(), 6u);
  EXPECT_EQ(FindSample(families, "node_boot_time_seconds"), 1795479585.0);
  EXPECT_EQ(FindSample(families, "node_context_switches_total"), 320672.0);
  EXPECT_EQ(FindSample(families, "node_forks_total"), 3255.0);
  EXPECT_EQ(FindSample(families, "node_intr_total"), 169212.0);
  EXPECT_EQ(FindSample(families, "node_procs_running"), 1.0);
  EXPECT_EQ(FindSample(families, "node_procs_blocked"), 0.0);
  for (const auto& family : families) {
    const bool counter =
        family.name.size() > 6 && family.name.compare(family.name.size() - 6, 6, "_total") == 0;
    EXPECT_EQ(family.type,
              counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge)
        << family.name;
  }
}

TEST(StatCollector, ReadsCraftedFixture) {
  StatCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("cpu-72-gap"));
  EXPECT_EQ(FindSample(families, "node_boot_time_seconds"), 1700000000.0);
  EXPECT_EQ(FindSample(families, "node_context_switches_total"), 987654321.0);
  EXPECT_EQ(FindSample(families, "node_procs_blocked"), 3.0);
}

TEST(StatCollector, MissingFileIsAnError) {
  StatCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/stat"), std::string::npos);
}

TEST(StatCollector, ReadsLiveProc) {
  StatCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  ASSERT_TRUE(FindSample(families, "node_boot_time_seconds").has_value());
  EXPECT_GT(*FindSample(families, "node_boot_time_seconds"), 0.0);
  EXPECT_LE(*FindSample(families, "node_boot_time_seconds"),
            static_cast<double>(std::time(nullptr)));
  // This test itself is running while it reads /proc/stat.
  EXPECT_GE(*FindSample(families, "node_procs_running"), 1.0);
}

}  // namespace
}  // namespace opsagent::collectors
