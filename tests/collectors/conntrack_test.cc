// Tests for the conntrack stat parser and collector.
#include "collectors/conntrack.h"

#include <gtest/gtest.h>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;
using testing::HasFamily;

constexpr std::string_view kHeader =
    "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop "
    "early_drop icmp_error  expect_new expect_create expect_delete search_restart\n";

TEST(ParseConntrackStat, SumsColumnsByNameOverCpus) {
  std::string content = std::string(kHeader) +
                        "00000010  0 0000000a 0 2 ff 0 0 3 1 5 7 0  0 0 0 b\n"
                        "00000010  0 00000014 0 3 1 0 0 4 0 a 1 0  0 0 0 1\n";
  Result<ConntrackStats> stats = ParseConntrackStat(content);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->found, 30u);
  EXPECT_EQ(stats->invalid, 5u);
  EXPECT_EQ(stats->ignore, 256u);
  EXPECT_EQ(stats->insert, 7u);
  EXPECT_EQ(stats->insert_failed, 1u);
  EXPECT_EQ(stats->drop, 15u);
  EXPECT_EQ(stats->early_drop, 8u);
  EXPECT_EQ(stats->search_restart, 12u);
}

TEST(ParseConntrackStat, OldKernelWithoutSearchRestart) {
  Result<ConntrackStats> stats = ParseConntrackStat(
      "entries searched found new invalid ignore delete delete_list insert insert_failed drop "
      "early_drop icmp_error expect_new expect_create expect_delete\n"
      "1 2 3 4 5 6 7 8 9 a b c d e f 10\n");
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->found, 3u);
  EXPECT_EQ(stats->insert_failed, 10u);
  EXPECT_EQ(stats->early_drop, 12u);
  EXPECT_FALSE(stats->search_restart);
}

TEST(ParseConntrackStat, RejectsMalformedInput) {
  EXPECT_FALSE(ParseConntrackStat("").ok());
  Result<ConntrackStats> stats = ParseConntrackStat("entries found\n1 2\n");
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("\"invalid\""), std::string::npos);

  stats = ParseConntrackStat(std::string(kHeader) + "1 2 3\n");
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("line 2: 3 values but the header has 17"), std::string::npos)
      << stats.error().message;

  stats =
      ParseConntrackStat(std::string(kHeader) +
                         "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n0 0 zz 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("line 3: column 3"), std::string::npos)
      << stats.error().message;

  EXPECT_FALSE(
      ParseConntrackStat(std::string(kHeader) + "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n").ok());
}

TEST(ConntrackCollector, CountAndLimitFromBasicFixture) {
  ConntrackCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_entries"), 0);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_entries_limit"), 262144);
  // The basic recording has no proc/net/stat/nf_conntrack.
  EXPECT_FALSE(HasFamily(families, "node_nf_conntrack_stat_found"));
  EXPECT_EQ(families.size(), 2u);
}

TEST(ConntrackCollector, StatisticsFromCraftedFixture) {
  ConntrackCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("conntrack-stat"));
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_entries"), 1234);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_entries_limit"), 262144);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_stat_found"), 30);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_stat_invalid"), 5);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_stat_ignore"), 768);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_stat_insert"), 7);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_stat_insert_failed"), 1);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_stat_drop"), 15);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_stat_early_drop"), 8);
  EXPECT_EQ(FindSample(families, "node_nf_conntrack_stat_search_restart"), 12);
  EXPECT_EQ(families.size(), 10u);
  for (const auto& family : families) {
    EXPECT_EQ(family.type, prometheus::MetricType::Gauge) << family.name;
  }
}

TEST(ConntrackCollector, AbsentModuleMeansNoFamilies) {
  ConntrackCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

TEST(ConntrackCollector, NonNumericCountIsAnErrorNamingTheFile) {
  ConntrackCollector collector;
  CollectResult result = collector.Collect(testing::FixturePaths("conntrack-malformed"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("nf_conntrack_count: not an unsigned integer: \"12a\""),
            std::string::npos)
      << result.error().message;
}

TEST(ConntrackCollector, ReadsLiveProc) {
  ConntrackCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  std::optional<double> limit = FindSample(families, "node_nf_conntrack_entries_limit");
  if (!limit) GTEST_SKIP() << "nf_conntrack is not loaded on this machine";
  EXPECT_GT(*limit, 0);
  EXPECT_LE(*FindSample(families, "node_nf_conntrack_entries"), *limit);
  EXPECT_TRUE(HasFamily(families, "node_nf_conntrack_stat_insert"));
}

}  // namespace
}  // namespace opsagent::collectors
