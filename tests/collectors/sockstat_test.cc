// Tests for the sockstat parser and collector.
#include "collectors/sockstat.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;
using testing::HasFamily;

TEST(ParseSockstat, ReadsSocketsAndProtocols) {
  Sockstat stat;
  Status status = ParseSockstat(
      "sockets: used 13\n"
      "TCP: inuse 1 orphan 0 tw 4 alloc 1 mem 265\n"
      "UDP: inuse 0 mem 0\n"
      "FRAG: inuse 0 memory 4096\n"
      "NEWPROTO: inuse 5 something 7\n",
      stat);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(stat.sockets_used, 13);
  ASSERT_EQ(stat.protocols.size(), 4u);
  EXPECT_EQ(stat.protocols[0].protocol, "TCP");
  EXPECT_EQ(stat.protocols[0].inuse, 1);
  EXPECT_EQ(stat.protocols[0].tw, 4);
  EXPECT_EQ(stat.protocols[0].mem, 265);
  EXPECT_FALSE(stat.protocols[0].memory);
  EXPECT_FALSE(stat.protocols[1].orphan);
  EXPECT_EQ(stat.protocols[2].memory, 4096);
  EXPECT_EQ(stat.protocols[3].inuse, 5);
}

TEST(ParseSockstat, ReparseClearsPreviousContent) {
  Sockstat stat;
  ASSERT_TRUE(ParseSockstat("sockets: used 1\nTCP: inuse 1\n", stat).ok());
  ASSERT_TRUE(ParseSockstat("TCP6: inuse 2\n", stat).ok());
  EXPECT_FALSE(stat.sockets_used);
  ASSERT_EQ(stat.protocols.size(), 1u);
  EXPECT_EQ(stat.protocols[0].protocol, "TCP6");
}

TEST(ParseSockstat, RejectsMalformedLines) {
  Sockstat stat;
  Status status = ParseSockstat("sockets: used 1\nTCP: inuse 1 orphan\n", stat);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("line 2: odd number"), std::string::npos) << status.message();

  status = ParseSockstat("TCP: inuse one\n", stat);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("inuse is not an integer"), std::string::npos);

  EXPECT_FALSE(ParseSockstat("TCP:\n", stat).ok());
  EXPECT_FALSE(ParseSockstat("TCP inuse 1\n", stat).ok());
  EXPECT_FALSE(ParseSockstat("TCP: inuse 99999999999999999999\n", stat).ok());
  status = ParseSockstat("TCP: inuse 1\nTCP: inuse 2\n", stat);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("twice"), std::string::npos);
}

TEST(SockstatCollector, EmitsNodeExporterNamesFromFixture) {
  SockstatCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  EXPECT_EQ(FindSample(families, "node_sockstat_sockets_used"), 9);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP_inuse"), 1);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP_orphan"), 0);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP_tw"), 0);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP_alloc"), 1);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP_mem"), 265);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP_mem_bytes"), 265 * page);
  EXPECT_EQ(FindSample(families, "node_sockstat_UDP_mem_bytes"), 0);
  EXPECT_EQ(FindSample(families, "node_sockstat_FRAG_memory"), 0);
  EXPECT_EQ(FindSample(families, "node_sockstat_FRAG6_memory"), 0);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP6_inuse"), 0);
  EXPECT_EQ(FindSample(families, "node_sockstat_RAW6_inuse"), 0);
  EXPECT_FALSE(HasFamily(families, "node_sockstat_UDPLITE_mem"));
  EXPECT_FALSE(HasFamily(families, "node_sockstat_sockets6_used"));
  // The same 20 families node_exporter 1.5 exported on the recording machine.
  EXPECT_EQ(families.size(), 20u);
  for (const auto& family : families) {
    EXPECT_EQ(family.type, prometheus::MetricType::Gauge) << family.name;
    if (family.name == "node_sockstat_TCP_mem_bytes") {
      EXPECT_EQ(family.help, "Number of TCP sockets in state mem_bytes.");
    }
  }
}

TEST(SockstatCollector, MissingSockstat6IsSkipped) {
  SockstatCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("sockstat-ipv4only"));
  EXPECT_EQ(FindSample(families, "node_sockstat_sockets_used"), 1234);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP_tw"), 120);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP_orphan"), 3);
  EXPECT_EQ(FindSample(families, "node_sockstat_TCP_mem_bytes"),
            70000.0 * static_cast<double>(::sysconf(_SC_PAGESIZE)));
  EXPECT_EQ(FindSample(families, "node_sockstat_FRAG_memory"), 8192);
  EXPECT_EQ(FindSample(families, "node_sockstat_RAW_inuse"), 1);
  EXPECT_FALSE(HasFamily(families, "node_sockstat_TCP6_inuse"));
}

TEST(SockstatCollector, NoFilesMeansNoFamilies) {
  SockstatCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

TEST(SockstatCollector, ReadsLiveProc) {
  SockstatCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  ASSERT_TRUE(FindSample(families, "node_sockstat_sockets_used"));
  EXPECT_GT(*FindSample(families, "node_sockstat_sockets_used"), 0);
  ASSERT_TRUE(FindSample(families, "node_sockstat_TCP_mem"));
  EXPECT_EQ(*FindSample(families, "node_sockstat_TCP_mem_bytes"),
            *FindSample(families, "node_sockstat_TCP_mem") * ::sysconf(_SC_PAGESIZE));
}

}  // namespace
}  // namespace opsagent::collectors
