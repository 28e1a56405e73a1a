// Tests for the netstat/snmp/snmp6 parsers and the netstat collector.
#include "collectors/netstat.h"

#include <gtest/gtest.h>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;
using testing::HasFamily;

TEST(ParseNetstatPairs, ReadsHeaderValuePairs) {
  std::vector<NetstatEntry> entries;
  Status status = ParseNetstatPairs(
      "TcpExt: SyncookiesSent ListenOverflows ListenDrops\n"
      "TcpExt: 1 2 18446744073709551615\n"
      "Tcp: RtoAlgorithm MaxConn RetransSegs\n"
      "Tcp: 1 -1 42\n",
      entries);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[1].protocol, "TcpExt");
  EXPECT_EQ(entries[1].field, "ListenOverflows");
  EXPECT_EQ(entries[1].value, 2);
  EXPECT_EQ(entries[2].value, 18446744073709551615.0);
  EXPECT_EQ(entries[4].protocol, "Tcp");
  EXPECT_EQ(entries[4].field, "MaxConn");
  EXPECT_EQ(entries[4].value, -1);
  EXPECT_EQ(entries[5].value, 42);
}

TEST(ParseNetstatPairs, RejectsFieldCountMismatchNamingProtocol) {
  std::vector<NetstatEntry> entries;
  Status status = ParseNetstatPairs(
      "Ip: Forwarding DefaultTTL\nIp: 1 64\nUdp: InDatagrams NoPorts InErrors\nUdp: 1 2\n",
      entries);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("protocol Udp"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("3 names but 2 values"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("line 4"), std::string::npos) << status.message();

  status = ParseNetstatPairs("Udp: InDatagrams\nUdp: 1 2\n", entries);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("1 names but 2 values"), std::string::npos) << status.message();
}

TEST(ParseNetstatPairs, RejectsMissingValueLine) {
  std::vector<NetstatEntry> entries;
  Status status = ParseNetstatPairs("Ip: Forwarding\nIp: 1\nTcp: InSegs\n", entries);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("protocol Tcp: header without a value line"), std::string::npos)
      << status.message();
}

TEST(ParseNetstatPairs, RejectsValueLineOfAnotherProtocol) {
  std::vector<NetstatEntry> entries;
  Status status = ParseNetstatPairs("Ip: Forwarding\nTcp: 1\n", entries);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("protocol Ip"), std::string::npos) << status.message();
}

TEST(ParseNetstatPairs, RejectsNonIntegerValues) {
  std::vector<NetstatEntry> entries;
  for (const char* bad : {"x", "1.5", "inf", "nan", "18446744073709551616", ""}) {
    std::string content = std::string("Tcp: InSegs RetransSegs\nTcp: 5 ") + bad + "\n";
    Status status = ParseNetstatPairs(content, entries);
    ASSERT_FALSE(status.ok()) << bad;
    if (*bad != '\0') {
      EXPECT_NE(status.message().find("RetransSegs is not an integer"), std::string::npos)
          << status.message();
    }
  }
}

TEST(ParseNetstatPairs, RejectsLineWithoutProtocolTag) {
  std::vector<NetstatEntry> entries;
  EXPECT_FALSE(ParseNetstatPairs("Forwarding DefaultTTL\n1 64\n", entries).ok());
  EXPECT_FALSE(ParseNetstatPairs(":\n:\n", entries).ok());
}

TEST(ParseNetstatPairs, EmptyInputHasNoEntries) {
  std::vector<NetstatEntry> entries;
  ASSERT_TRUE(ParseNetstatPairs("", entries).ok());
  EXPECT_TRUE(entries.empty());
}

TEST(ParseSnmp6, SplitsProtocolAtFirstSix) {
  std::vector<NetstatEntry> entries;
  Status status = ParseSnmp6(
      "Ip6InReceives                   \t1\n"
      "Icmp6OutType143                 \t9\n"
      "UdpLite6InErrors                \t3\n"
      "NoSixHere 4\n"
      "\n",
      entries);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].protocol, "Ip6");
  EXPECT_EQ(entries[0].field, "InReceives");
  EXPECT_EQ(entries[1].protocol, "Icmp6");
  EXPECT_EQ(entries[1].field, "OutType143");
  EXPECT_EQ(entries[1].value, 9);
  EXPECT_EQ(entries[2].protocol, "UdpLite6");
  EXPECT_EQ(entries[2].field, "InErrors");
}

TEST(ParseSnmp6, RejectsMalformedLines) {
  std::vector<NetstatEntry> entries;
  Status status = ParseSnmp6("Ip6InReceives 1\nIp6InHdrErrors\n", entries);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("line 2"), std::string::npos) << status.message();
  EXPECT_FALSE(ParseSnmp6("Ip6InReceives 1 2\n", entries).ok());
  status = ParseSnmp6("Ip6InReceives -\n", entries);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("Ip6InReceives is not an integer"), std::string::npos);
}

TEST(NetstatCollector, EmitsDefaultFieldsFromFixture) {
  NetstatCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  // The same 40 counters node_exporter 1.5 exported on the machine the fixture comes from.
  EXPECT_EQ(families.size(), 40u);
  EXPECT_EQ(FindSample(families, "node_netstat_TcpExt_ListenOverflows"), 0);
  EXPECT_EQ(FindSample(families, "node_netstat_TcpExt_ListenDrops"), 0);
  EXPECT_EQ(FindSample(families, "node_netstat_TcpExt_TCPTimeouts"), 2);
  EXPECT_EQ(FindSample(families, "node_netstat_Tcp_RetransSegs"), 0);
  EXPECT_EQ(FindSample(families, "node_netstat_Tcp_InSegs"), 2001);
  EXPECT_EQ(FindSample(families, "node_netstat_Tcp_OutSegs"), 1363);
  EXPECT_EQ(FindSample(families, "node_netstat_Tcp_ActiveOpens"), 13);
  EXPECT_EQ(FindSample(families, "node_netstat_Tcp_OutRsts"), 2);
  EXPECT_EQ(FindSample(families, "node_netstat_IpExt_InOctets"), 56167260);
  EXPECT_EQ(FindSample(families, "node_netstat_Ip_Forwarding"), 2);
  EXPECT_EQ(FindSample(families, "node_netstat_Udp_OutDatagrams"), 27);
  EXPECT_EQ(FindSample(families, "node_netstat_Ip6_OutOctets"), 880);
  EXPECT_EQ(FindSample(families, "node_netstat_Icmp6_InErrors"), 1);
  EXPECT_EQ(FindSample(families, "node_netstat_Icmp6_OutMsgs"), 9);
  EXPECT_TRUE(HasFamily(families, "node_netstat_UdpLite6_InErrors"));
  // Outside the default field list.
  EXPECT_FALSE(HasFamily(families, "node_netstat_Tcp_MaxConn"));
  EXPECT_FALSE(HasFamily(families, "node_netstat_TcpExt_TW"));
  EXPECT_FALSE(HasFamily(families, "node_netstat_Ip6_InReceives"));
  for (const auto& family : families) {
    EXPECT_EQ(family.type, prometheus::MetricType::Untyped) << family.name;
    EXPECT_EQ(family.metric.size(), 1u) << family.name;
  }
  ASSERT_TRUE(HasFamily(families, "node_netstat_TcpExt_ListenDrops"));
  for (const auto& family : families) {
    if (family.name == "node_netstat_TcpExt_ListenDrops") {
      EXPECT_EQ(family.help, "Statistic TcpExtListenDrops.");
    }
  }
}

TEST(NetstatCollector, MismatchIsAnErrorNamingFileAndProtocol) {
  NetstatCollector collector;
  CollectResult result = collector.Collect(testing::FixturePaths("netstat-mismatch"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("netstat-mismatch/proc/net/snmp:"), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("protocol Udp"), std::string::npos)
      << result.error().message;
}

TEST(NetstatCollector, MissingSnmp6IsSkipped) {
  NetstatCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("netstat-noipv6"));
  EXPECT_EQ(FindSample(families, "node_netstat_Tcp_InSegs"), 2001);
  EXPECT_FALSE(HasFamily(families, "node_netstat_Ip6_InOctets"));
  EXPECT_EQ(families.size(), 28u);
}

TEST(NetstatCollector, MissingNetstatIsAnError) {
  NetstatCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/net/netstat"), std::string::npos);
}

TEST(NetstatCollector, ReadsLiveProc) {
  NetstatCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  for (const char* name :
       {"node_netstat_TcpExt_ListenOverflows", "node_netstat_TcpExt_ListenDrops",
        "node_netstat_Tcp_RetransSegs", "node_netstat_Tcp_InSegs", "node_netstat_Ip_Forwarding"}) {
    EXPECT_EQ(CountSamples(families, name), 1u) << name;
  }
  EXPECT_GE(*FindSample(families, "node_netstat_Tcp_InSegs"), 0);
}

}  // namespace
}  // namespace opsagent::collectors
