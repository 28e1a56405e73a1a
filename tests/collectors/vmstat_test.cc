// Tests for the vmstat collector: /proc/vmstat parsing, field selection, fixture, live.
#include "collectors/vmstat.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;
using testing::HasFamily;

TEST(ParseVmstat, ReadsNameValuePairs) {
  std::vector<VmstatField> fields;
  Status s = ParseVmstat("nr_free_pages 6121123\npgfault 1365403\n\noom_kill 0\n", fields);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].name, "nr_free_pages");
  EXPECT_EQ(fields[0].value, 6121123u);
  EXPECT_EQ(fields[2].name, "oom_kill");
}

TEST(ParseVmstat, RejectsMalformedLines) {
  std::vector<VmstatField> fields;
  auto error_of = [&](std::string_view content) {
    Status s = ParseVmstat(content, fields);
    return s.ok() ? std::string("(ok)") : s.message();
  };
  EXPECT_NE(error_of("pgfault 1\npgpgin\n").find("line 2 \"pgpgin\": expected \"name value\""),
            std::string::npos);
  EXPECT_NE(error_of("pgfault 1 2\n").find("expected \"name value\""), std::string::npos);
  EXPECT_NE(error_of("pgfault 1x\n").find("value is not a number"), std::string::npos);
  EXPECT_NE(error_of("pgfault 99999999999999999999999\n").find("not a number"), std::string::npos);
  EXPECT_NE(error_of("pg-fault 1\n").find("not allowed in a metric name"), std::string::npos);
}

TEST(ParseVmstat, RefusesUnboundedFieldCount) {
  std::string content;
  for (std::size_t i = 0; i <= kMaxVmstatFields; ++i) content += "f" + std::to_string(i) + " 1\n";
  std::vector<VmstatField> fields;
  EXPECT_FALSE(ParseVmstat(content, fields).ok());
}

TEST(VmstatCollector, DefaultFieldsAreNodeExporters) {
  EXPECT_EQ(kVmstatFields, "^(oom_kill|pgpg|pswp|pg.*fault).*");
}

TEST(VmstatCollector, EmitsDefaultFieldsFromFixture) {
  VmstatCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(families.size(), 7u);
  EXPECT_EQ(FindSample(families, "node_vmstat_pgpgin"), 966517.0);
  EXPECT_EQ(FindSample(families, "node_vmstat_pgpgout"), 793764.0);
  EXPECT_EQ(FindSample(families, "node_vmstat_pswpin"), 0.0);
  EXPECT_EQ(FindSample(families, "node_vmstat_pswpout"), 0.0);
  EXPECT_EQ(FindSample(families, "node_vmstat_pgfault"), 1365403.0);
  EXPECT_EQ(FindSample(families, "node_vmstat_pgmajfault"), 795.0);
  EXPECT_EQ(FindSample(families, "node_vmstat_oom_kill"), 0.0);
  // Anchored at the start: these contain "fault" but do not begin with pg.
  EXPECT_FALSE(HasFamily(families, "node_vmstat_thp_fault_alloc"));
  EXPECT_FALSE(HasFamily(families, "node_vmstat_workingset_refault_file"));
  EXPECT_FALSE(HasFamily(families, "node_vmstat_nr_free_pages"));
  for (const auto& family : families) {
    EXPECT_EQ(family.type, prometheus::MetricType::Untyped) << family.name;
    if (family.name == "node_vmstat_pgfault") {
      EXPECT_EQ(family.help, "/proc/vmstat information field pgfault.");
    }
  }
}

class VmstatFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) / ("vmstat_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "proc");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(std::string_view content) { std::ofstream(root_ / "proc" / "vmstat") << content; }
  HostPaths Paths() const { return HostPaths((root_ / "proc").string()); }

  std::filesystem::path root_;
};

TEST_F(VmstatFileTest, RepeatedSelectedFieldIsAnError) {
  Write("pgfault 1\npgfault 2\n");
  VmstatCollector collector;
  CollectResult result = collector.Collect(Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("\"pgfault\" repeats"), std::string::npos)
      << result.error().message;
}

TEST_F(VmstatFileTest, MalformedUnselectedLineIsStillAnError) {
  Write("pgfault 1\nnr_dirty abc\n");
  VmstatCollector collector;
  CollectResult result = collector.Collect(Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("proc/vmstat: line 2"), std::string::npos)
      << result.error().message;
}

TEST(VmstatCollector, MissingFileIsAnError) {
  VmstatCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/vmstat"), std::string::npos);
}

TEST(VmstatCollector, ReadsLiveProc) {
  VmstatCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  EXPECT_TRUE(HasFamily(families, "node_vmstat_oom_kill"));  // Linux 4.13+
  ASSERT_TRUE(FindSample(families, "node_vmstat_pgfault").has_value());
  EXPECT_GT(*FindSample(families, "node_vmstat_pgfault"), 0.0);
}

}  // namespace
}  // namespace opsagent::collectors
