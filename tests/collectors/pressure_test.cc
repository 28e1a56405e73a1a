// Tests for the pressure collector: PSI parsing, recorded and crafted fixtures, live.
#include "collectors/pressure.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;
using testing::HasFamily;

TEST(ParsePressure, ReadsSomeAndFull) {
  Result<PsiStats> psi = ParsePressure(
      "some avg10=0.50 avg60=0.21 avg300=0.78 total=5686704\n"
      "full avg10=0.00 avg60=0.00 avg300=0.00 total=42\n");
  ASSERT_TRUE(psi.ok()) << psi.error().message;
  ASSERT_TRUE(psi->some.has_value());
  EXPECT_DOUBLE_EQ(psi->some->avg10, 0.50);
  EXPECT_DOUBLE_EQ(psi->some->avg300, 0.78);
  EXPECT_EQ(psi->some->total_us, 5686704u);
  ASSERT_TRUE(psi->full.has_value());
  EXPECT_EQ(psi->full->total_us, 42u);
}

TEST(ParsePressure, FullIsOptionalAndUnknownLinesAreSkipped) {
  Result<PsiStats> psi = ParsePressure(
      "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n"
      "partial avg10=1 whatever\n");
  ASSERT_TRUE(psi.ok()) << psi.error().message;
  EXPECT_TRUE(psi->some.has_value());
  EXPECT_FALSE(psi->full.has_value());
}

TEST(ParsePressure, RejectsMalformedLines) {
  auto error_of = [](std::string_view content) {
    Result<PsiStats> psi = ParsePressure(content);
    return psi.ok() ? std::string("(ok)") : psi.error().message;
  };
  EXPECT_NE(error_of("some avg10=0.00 avg60=0.00 avg300=0.00\n").find("line 1"), std::string::npos);
  EXPECT_NE(error_of("some avg10=0.00 avg60=0.00 avg300=0.00 total=1 x=2\n").find("expected"),
            std::string::npos);
  EXPECT_NE(error_of("some avg10=0.00 avg60=0.00 avg300=0.00 sum=1\n").find("not total="),
            std::string::npos);
  EXPECT_NE(error_of("some avg10=0.00 avg61=0.00 avg300=0.00 total=1\n").find("not avg60="),
            std::string::npos);
  EXPECT_NE(error_of("some avg10=abc avg60=0.00 avg300=0.00 total=1\n").find("avg10 is not"),
            std::string::npos);
  EXPECT_NE(error_of("some avg10=0.00 avg60=0.00 avg300=0.00 total=-1\n").find("total is not"),
            std::string::npos);
  EXPECT_NE(error_of("some avg10=0 avg60=0 avg300=0 total=99999999999999999999999\n")
                .find("total is not"),
            std::string::npos);
  EXPECT_NE(error_of("some avg10=0 avg60=0 avg300=0 total=1\nsome avg10=0 avg60=0 avg300=0 "
                     "total=2\n")
                .find("line 2"),
            std::string::npos);
}

TEST(PressureCollector, EmitsNodeExporterNamesFromFixture) {
  PressureCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(families.size(), 5u);
  EXPECT_EQ(FindSample(families, "node_pressure_cpu_waiting_seconds_total"), 5.686704);
  EXPECT_EQ(FindSample(families, "node_pressure_io_waiting_seconds_total"), 3.482595);
  EXPECT_EQ(FindSample(families, "node_pressure_io_stalled_seconds_total"), 3.253536);
  EXPECT_EQ(FindSample(families, "node_pressure_memory_waiting_seconds_total"), 0.0);
  EXPECT_EQ(FindSample(families, "node_pressure_memory_stalled_seconds_total"), 0.0);
  // The fixture's cpu file has a "full" line (Linux 5.13+); node_exporter 1.5 ignores it.
  EXPECT_FALSE(HasFamily(families, "node_pressure_cpu_stalled_seconds_total"));
  for (const auto& family : families) {
    EXPECT_EQ(family.type, prometheus::MetricType::Counter) << family.name;
  }
}

TEST(PressureCollector, CpuWithoutFullLineAsBeforeLinux513) {
  PressureCollector collector;
  Families families =
      testing::CollectOrFail(collector, testing::FixturePaths("pressure-cpu-some-only"));
  EXPECT_EQ(FindSample(families, "node_pressure_cpu_waiting_seconds_total"), 1.234567);
  EXPECT_EQ(FindSample(families, "node_pressure_io_waiting_seconds_total"), 2.5);
  EXPECT_EQ(FindSample(families, "node_pressure_io_stalled_seconds_total"), 2.0);
  EXPECT_EQ(FindSample(families, "node_pressure_memory_stalled_seconds_total"), 3e-6);
}

TEST(PressureCollector, NoPressureDirectoryIsNotAnError) {
  PressureCollector collector;
  CollectResult result = collector.Collect(testing::FixturePaths("pressure-absent"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

class PressureFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::path(::testing::TempDir()) / ("pressure_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "proc" / "pressure");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(std::string_view resource, std::string_view content) {
    std::ofstream(root_ / "proc" / "pressure" / resource) << content;
  }
  HostPaths Paths() const { return HostPaths((root_ / "proc").string()); }

  std::filesystem::path root_;
};

TEST_F(PressureFileTest, MicrosecondsConvertExactlyAsNodeExporterDoes) {
  Write("cpu", "some avg10=0.00 avg60=0.00 avg300=0.00 total=12052844\n");
  PressureCollector collector;
  Families families = testing::CollectOrFail(collector, Paths());
  // Go divides by 1000 twice; one division by 1e6 gives 12.052844, a different double.
  EXPECT_EQ(FindSample(families, "node_pressure_cpu_waiting_seconds_total"), 12.052843999999999);
  EXPECT_FALSE(HasFamily(families, "node_pressure_io_waiting_seconds_total"));
}

TEST_F(PressureFileTest, IoWithoutFullLineIsAnError) {
  Write("io", "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\n");
  PressureCollector collector;
  CollectResult result = collector.Collect(Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("pressure/io: no \"full\" line"), std::string::npos)
      << result.error().message;
}

TEST_F(PressureFileTest, MalformedFileNamesPathAndLine) {
  Write("memory", "some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00\n");
  PressureCollector collector;
  CollectResult result = collector.Collect(Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("pressure/memory: line 2"), std::string::npos)
      << result.error().message;
}

TEST_F(PressureFileTest, UnreadableOrOversizedFileIsAnError) {
  std::filesystem::create_directories(root_ / "proc" / "pressure" / "cpu");  // read: EISDIR
  PressureCollector collector;
  CollectResult dir = collector.Collect(Paths());
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("read "), std::string::npos) << dir.error().message;
  EXPECT_NE(dir.error().message.find("pressure/cpu"), std::string::npos) << dir.error().message;

  std::filesystem::remove(root_ / "proc" / "pressure" / "cpu");
  Write("cpu", std::string(20000, ' '));
  CollectResult big = collector.Collect(Paths());
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("larger than a PSI file"), std::string::npos)
      << big.error().message;
}

TEST(PressureCollector, ReadsLiveProc) {
  PressureCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  if (!std::filesystem::exists("/proc/pressure/cpu")) {
    EXPECT_TRUE(families.empty());
    return;
  }
  ASSERT_TRUE(FindSample(families, "node_pressure_cpu_waiting_seconds_total").has_value());
  EXPECT_GE(*FindSample(families, "node_pressure_cpu_waiting_seconds_total"), 0.0);
}

}  // namespace
}  // namespace opsagent::collectors
