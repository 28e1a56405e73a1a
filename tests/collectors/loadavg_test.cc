// Tests for the loadavg parser and collector.
#include "collectors/loadavg.h"

#include <gtest/gtest.h>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;

TEST(ParseLoadavg, ReadsThreeAverages) {
  Result<LoadAverage> load = ParseLoadavg("0.52 1.58 10.59 1/467 12345\n");
  ASSERT_TRUE(load.ok()) << load.error().message;
  EXPECT_DOUBLE_EQ(load->load1, 0.52);
  EXPECT_DOUBLE_EQ(load->load5, 1.58);
  EXPECT_DOUBLE_EQ(load->load15, 10.59);
}

TEST(ParseLoadavg, RejectsTruncatedLine) {
  Result<LoadAverage> load = ParseLoadavg("0.52 1.58");
  ASSERT_FALSE(load.ok());
  EXPECT_NE(load.error().message.find("expected at least 3 fields"), std::string::npos);
}

TEST(ParseLoadavg, RejectsNonNumericField) {
  Result<LoadAverage> load = ParseLoadavg("0.52 abc 0.1 1/2 3");
  ASSERT_FALSE(load.ok());
  EXPECT_NE(load.error().message.find("field 2"), std::string::npos);
}

TEST(ParseLoadavg, RejectsEmpty) { EXPECT_FALSE(ParseLoadavg("").ok()); }

TEST(LoadavgCollector, EmitsNodeExporterNamesFromFixture) {
  LoadavgCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(FindSample(families, "node_load1"), 0.04);
  EXPECT_EQ(FindSample(families, "node_load5"), 0.14);
  EXPECT_EQ(FindSample(families, "node_load15"), 0.08);
}

TEST(LoadavgCollector, MissingFileIsAnError) {
  LoadavgCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/loadavg"), std::string::npos);
}

TEST(LoadavgCollector, ReadsLiveProc) {
  LoadavgCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  ASSERT_TRUE(FindSample(families, "node_load1").has_value());
  EXPECT_GE(*FindSample(families, "node_load1"), 0.0);
}

}  // namespace
}  // namespace opsagent::collectors
