// Tests for the /proc/net/dev parser and the netdev collector.
#include "collectors/netdev.h"

#include <gtest/gtest.h>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;

constexpr std::string_view kHeader =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n";

std::string WithHeader(std::string_view rows) { return std::string(kHeader) + std::string(rows); }

TEST(ParseNetDev, ReadsHeaderAndRows) {
  std::string content = WithHeader(
      "    lo:    3267      29    0    0    0     0          0         0     3267      29    0    "
      "0    0     0       0          0\n"
      "  eth0: 56192163    2001    1    2    3     4          5         6   102228    1369    7    "
      "8    9    10      11         12\n");
  NetDevTable table;
  Status status = ParseNetDev(content, table);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(table.receive_columns.size(), 8u);
  ASSERT_EQ(table.transmit_columns.size(), 8u);
  EXPECT_EQ(table.receive_columns[7], "multicast");
  EXPECT_EQ(table.transmit_columns[5], "colls");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[1].device, "eth0");
  EXPECT_EQ(table.rows[1].values[0], 56192163u);
  EXPECT_EQ(table.rows[1].values[7], 6u);
  EXPECT_EQ(table.rows[1].values[15], 12u);
}

TEST(ParseNetDev, DeviceNameEndsAtFirstColonEvenWithoutSpace) {
  std::string content = WithHeader(
      "eth0.100:123456789012 1 0 0 0 0 0 0 5 6 0 0 0 0 0 0\n"
      "br-0123456789ab:18446744073709551615 1 0 0 0 0 0 0 5 6 0 0 0 0 0 0\n");
  NetDevTable table;
  ASSERT_TRUE(ParseNetDev(content, table).ok());
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0].device, "eth0.100");
  EXPECT_EQ(table.rows[0].values[0], 123456789012u);
  EXPECT_EQ(table.rows[1].device, "br-0123456789ab");
  EXPECT_EQ(table.rows[1].values[0], 18446744073709551615u);
}

TEST(ParseNetDev, RejectsMissingColumn) {
  NetDevTable table;
  Status status = ParseNetDev(WithHeader("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"), table);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("line 3"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("expected 16 values, got 15"), std::string::npos)
      << status.message();
}

TEST(ParseNetDev, RejectsExtraColumn) {
  NetDevTable table;
  Status status =
      ParseNetDev(WithHeader("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"), table);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("got 17"), std::string::npos) << status.message();
}

TEST(ParseNetDev, RejectsNonNumericAndNegativeValuesNamingTheColumn) {
  NetDevTable table;
  Status status = ParseNetDev(WithHeader("eth0: 1 2 x 4 5 6 7 8 9 10 11 12 13 14 15 16\n"), table);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("receive_errs"), std::string::npos) << status.message();

  status = ParseNetDev(WithHeader("eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 -1 15 16\n"), table);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("transmit_colls"), std::string::npos) << status.message();
}

TEST(ParseNetDev, RejectsValueBeyondUint64) {
  NetDevTable table;
  EXPECT_FALSE(
      ParseNetDev(WithHeader("eth0: 18446744073709551616 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"),
                  table)
          .ok());
}

TEST(ParseNetDev, RejectsLineWithoutDevice) {
  NetDevTable table;
  Status status = ParseNetDev(WithHeader("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"), table);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("<device>:"), std::string::npos) << status.message();
  EXPECT_FALSE(
      ParseNetDev(WithHeader("   : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"), table).ok());
}

TEST(ParseNetDev, RejectsBadHeader) {
  NetDevTable table;
  EXPECT_FALSE(ParseNetDev("", table).ok());
  EXPECT_FALSE(ParseNetDev("Inter-|   Receive  |  Transmit\n", table).ok());
  Status status = ParseNetDev("Inter-|\n face bytes packets\n", table);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("line 2"), std::string::npos) << status.message();
  EXPECT_FALSE(ParseNetDev("Inter-|\n face |bytes|\n", table).ok());
}

TEST(ParseNetDev, HeaderOnlyMeansNoDevices) {
  NetDevTable table;
  ASSERT_TRUE(ParseNetDev(kHeader, table).ok());
  EXPECT_TRUE(table.rows.empty());
}

TEST(NetdevCollector, EmitsNodeExporterNamesFromFixture) {
  NetdevCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(FindSample(families, "node_network_receive_bytes_total", {{"device", "eth0"}}),
            56192163);
  EXPECT_EQ(FindSample(families, "node_network_receive_packets_total", {{"device", "eth0"}}), 2001);
  EXPECT_EQ(FindSample(families, "node_network_transmit_bytes_total", {{"device", "eth0"}}),
            102228);
  EXPECT_EQ(FindSample(families, "node_network_transmit_packets_total", {{"device", "eth0"}}),
            1369);
  EXPECT_EQ(FindSample(families, "node_network_receive_multicast_total", {{"device", "ifb0"}}), 0);
  // lo is excluded by the default "^lo$"; eth0, ifb0, ifb1 remain.
  EXPECT_FALSE(FindSample(families, "node_network_receive_bytes_total", {{"device", "lo"}}));
  EXPECT_EQ(CountSamples(families, "node_network_receive_bytes_total"), 3u);
  for (const char* name :
       {"node_network_receive_errs_total", "node_network_receive_drop_total",
        "node_network_receive_fifo_total", "node_network_receive_frame_total",
        "node_network_receive_compressed_total", "node_network_transmit_errs_total",
        "node_network_transmit_drop_total", "node_network_transmit_fifo_total",
        "node_network_transmit_colls_total", "node_network_transmit_carrier_total",
        "node_network_transmit_compressed_total"}) {
    EXPECT_EQ(CountSamples(families, name), 3u) << name;
  }
  EXPECT_EQ(families.size(), 16u);
  for (const auto& family : families) {
    EXPECT_EQ(family.type, prometheus::MetricType::Counter) << family.name;
  }
  EXPECT_EQ(families[0].help, "Network device statistic receive_bytes.");
}

TEST(NetdevCollector, KeepsDottedDashedAndLongNames) {
  NetdevCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("netdev-names"));
  EXPECT_EQ(FindSample(families, "node_network_receive_bytes_total", {{"device", "eth0.100"}}),
            123456789012.0);
  EXPECT_EQ(FindSample(families, "node_network_transmit_bytes_total", {{"device", "eth0.100"}}),
            210987654321.0);
  EXPECT_EQ(
      FindSample(families, "node_network_transmit_compressed_total", {{"device", "eth0.100"}}), 12);
  EXPECT_EQ(
      FindSample(families, "node_network_receive_bytes_total", {{"device", "br-0123456789ab"}}),
      18446744073709551615.0);
  EXPECT_EQ(
      FindSample(families, "node_network_receive_multicast_total", {{"device", "veth-a.b_c"}}), 7);
}

TEST(NetdevCollector, IncludeOverridesExclude) {
  CollectorOptions options;
  options.netdev.device_include = "^(lo|eth0\\.100)$";
  NetdevCollector collector{options};
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("netdev-names"));
  EXPECT_EQ(CountSamples(families, "node_network_receive_bytes_total"), 2u);
  EXPECT_EQ(FindSample(families, "node_network_receive_bytes_total", {{"device", "lo"}}), 3267);
}

TEST(NetdevCollector, ExcludeIsUnanchoredPartialMatch) {
  CollectorOptions options;
  options.netdev.device_exclude = "\\.";  // anything with a dot, like Go's MatchString
  NetdevCollector collector{options};
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("netdev-names"));
  EXPECT_EQ(CountSamples(families, "node_network_receive_bytes_total"), 2u);
  EXPECT_TRUE(FindSample(families, "node_network_receive_bytes_total", {{"device", "lo"}}));
  EXPECT_TRUE(
      FindSample(families, "node_network_receive_bytes_total", {{"device", "br-0123456789ab"}}));
}

TEST(NetdevCollector, MissingFileIsAnErrorNamingThePath) {
  NetdevCollector collector{CollectorOptions{}};
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/net/dev"), std::string::npos);
}

TEST(NetdevCollector, ReadsLiveProc) {
  CollectorOptions options;
  options.netdev.device_exclude = "";
  NetdevCollector collector{options};
  Families first = testing::CollectOrFail(collector, HostPaths());
  Families second = testing::CollectOrFail(collector, HostPaths());
  // Loopback always exists; its counters never go backwards between two scrapes.
  std::optional<double> before =
      FindSample(first, "node_network_transmit_bytes_total", {{"device", "lo"}});
  std::optional<double> after =
      FindSample(second, "node_network_transmit_bytes_total", {{"device", "lo"}});
  ASSERT_TRUE(before && after);
  EXPECT_GE(*after, *before);
  EXPECT_EQ(CountSamples(first, "node_network_receive_bytes_total"),
            CountSamples(first, "node_network_transmit_carrier_total"));
}

}  // namespace
}  // namespace opsagent::collectors
