// Tests for the meminfo collector: /proc/meminfo parsing, metric naming, fixture, live.
#include "collectors/meminfo.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;
using testing::HasFamily;

TEST(ParseMeminfo, ReadsValuesAndUnits) {
  std::vector<MeminfoField> fields;
  Status s = ParseMeminfo(
      "MemTotal:       24683620 kB\nActive(anon):       1504 kB\n\nHugePages_Total:       3\n",
      fields);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].key, "MemTotal");
  EXPECT_EQ(fields[0].value, 24683620u);
  EXPECT_TRUE(fields[0].kilobytes);
  EXPECT_EQ(fields[1].key, "Active(anon)");
  EXPECT_EQ(fields[2].key, "HugePages_Total");
  EXPECT_EQ(fields[2].value, 3u);
  EXPECT_FALSE(fields[2].kilobytes);
}

TEST(ParseMeminfo, RejectsMalformedLines) {
  std::vector<MeminfoField> fields;
  auto error_of = [&](std::string_view content) {
    Status s = ParseMeminfo(content, fields);
    return s.ok() ? std::string("(ok)") : s.message();
  };
  EXPECT_NE(error_of("MemTotal: 1 kB\nMemFree 2 kB\n")
                .find("line 2 \"MemFree 2 kB\": key does "
                      "not end in ':'"),
            std::string::npos);
  EXPECT_NE(error_of("MemTotal:\n").find("missing value"), std::string::npos);
  EXPECT_NE(error_of("MemTotal: 12a kB\n").find("value is not a number"), std::string::npos);
  EXPECT_NE(error_of("MemTotal: -1 kB\n").find("value is not a number"), std::string::npos);
  EXPECT_NE(error_of("MemTotal: 1 MB\n").find("unit is not kB"), std::string::npos);
  EXPECT_NE(error_of("MemTotal: 1 kB extra\n").find("extra columns"), std::string::npos);
  EXPECT_NE(error_of(": 1 kB\n").find("key does not end in ':'"), std::string::npos);
  EXPECT_NE(error_of("MemTotal: 99999999999999999999999 kB\n").find("not a number"),
            std::string::npos);
}

TEST(ParseMeminfo, RefusesUnboundedFieldCount) {
  std::string content;
  for (std::size_t i = 0; i <= kMaxMeminfoFields; ++i) {
    content += "F" + std::to_string(i) + ": 1 kB\n";
  }
  std::vector<MeminfoField> fields;
  Status s = ParseMeminfo(content, fields);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("more than 1024 fields"), std::string::npos) << s.message();
}

TEST(MeminfoMetricName, FollowsNodeExporter) {
  EXPECT_EQ(MeminfoMetricName("MemTotal", true), "node_memory_MemTotal_bytes");
  EXPECT_EQ(MeminfoMetricName("Active(anon)", true), "node_memory_Active_anon_bytes");
  EXPECT_EQ(MeminfoMetricName("Inactive(file)", true), "node_memory_Inactive_file_bytes");
  EXPECT_EQ(MeminfoMetricName("HugePages_Total", false), "node_memory_HugePages_Total");
  EXPECT_EQ(MeminfoMetricName("Committed_AS", true), "node_memory_Committed_AS_bytes");
  // Not seen in real kernels: still a legal metric name.
  EXPECT_EQ(MeminfoMetricName("Odd-Name.x", false), "node_memory_Odd_Name_x");
  EXPECT_EQ(MeminfoMetricName("A(b)c(d)", true), "node_memory_A_b_c_d_bytes");
  EXPECT_EQ(MeminfoMetricName("Open(only", false), "node_memory_Open_only");
}

TEST(MeminfoCollector, EmitsEveryFieldFromFixture) {
  MeminfoCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(families.size(), 53u);  // the fixture's meminfo has 53 lines
  EXPECT_EQ(FindSample(families, "node_memory_MemTotal_bytes"), 24683620.0 * 1024);
  EXPECT_EQ(FindSample(families, "node_memory_MemAvailable_bytes"), 24423288.0 * 1024);
  EXPECT_EQ(FindSample(families, "node_memory_Active_anon_bytes"), 1504.0 * 1024);
  EXPECT_EQ(FindSample(families, "node_memory_Inactive_file_bytes"), 21052.0 * 1024);
  EXPECT_EQ(FindSample(families, "node_memory_VmallocTotal_bytes"), 34359738367.0 * 1024);
  EXPECT_EQ(FindSample(families, "node_memory_Hugepagesize_bytes"), 2048.0 * 1024);
  EXPECT_EQ(FindSample(families, "node_memory_HugePages_Total"), 0.0);
  EXPECT_FALSE(HasFamily(families, "node_memory_HugePages_Total_bytes"));
  EXPECT_EQ(FindSample(families, "node_memory_SecPageTables_bytes"), 0.0);
  for (const auto& family : families) {
    EXPECT_EQ(family.type, prometheus::MetricType::Gauge) << family.name;
    if (family.name == "node_memory_Active_anon_bytes") {
      EXPECT_EQ(family.help, "Memory information field Active_anon_bytes.");
    }
  }
}

class MeminfoFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) / ("meminfo_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "proc");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(std::string_view content) { std::ofstream(root_ / "proc" / "meminfo") << content; }
  HostPaths Paths() const { return HostPaths((root_ / "proc").string()); }

  std::filesystem::path root_;
};

TEST_F(MeminfoFileTest, TwoLinesWithOneNameAreAnError) {
  Write("MemTotal: 1 kB\nActive(anon): 1 kB\nActive_anon: 2 kB\n");
  MeminfoCollector collector;
  CollectResult result = collector.Collect(Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("duplicates node_memory_Active_anon_bytes"),
            std::string::npos)
      << result.error().message;
}

TEST_F(MeminfoFileTest, MalformedFileNamesPathAndLine) {
  Write("MemTotal: 1 kB\nMemFree: x kB\n");
  MeminfoCollector collector;
  CollectResult result = collector.Collect(Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("proc/meminfo: line 2"), std::string::npos)
      << result.error().message;
}

TEST(MeminfoCollector, MissingFileIsAnError) {
  MeminfoCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/meminfo"), std::string::npos);
}

TEST(MeminfoCollector, ReadsLiveProc) {
  MeminfoCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  std::optional<double> total = FindSample(families, "node_memory_MemTotal_bytes");
  std::optional<double> free = FindSample(families, "node_memory_MemFree_bytes");
  ASSERT_TRUE(total && free);
  EXPECT_GT(*total, 0.0);
  EXPECT_LE(*free, *total);
  EXPECT_TRUE(HasFamily(families, "node_memory_HugePages_Total"));
}

}  // namespace
}  // namespace opsagent::collectors
