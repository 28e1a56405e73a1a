// Tests for the /proc/net/tcp parser and the tcpstat collector.
#include "collectors/tcpstat.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;

constexpr std::string_view kHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n";

std::string SocketLine(int slot, int state, unsigned tx, unsigned rx) {
  char line[200];
  std::snprintf(line, sizeof(line),
                "%4d: 0100007F:%04X 0100007F:0050 %02X %08X:%08X 00:00000000 00000000  1000  "
                "      0 %d 1 0000000000000000 20 4 30 10 -1\n",
                slot, 40000 + slot % 20000, state, tx, rx, 10000 + slot);
  return line;
}

std::optional<double> State(const Families& families, const std::string& state) {
  return FindSample(families, "node_tcp_connection_states", {{"state", state}});
}

TEST(TcpStateName, MatchesNodeExporter) {
  EXPECT_EQ(TcpStateName(1), "established");
  EXPECT_EQ(TcpStateName(4), "fin_wait1");
  EXPECT_EQ(TcpStateName(7), "close");
  EXPECT_EQ(TcpStateName(10), "listen");
  EXPECT_EQ(TcpStateName(11), "closing");
  EXPECT_EQ(TcpStateName(0), "");
  EXPECT_EQ(TcpStateName(12), "");
}

TEST(ParseTcpTable, CountsStatesAndQueues) {
  std::string content = std::string(kHeader) + SocketLine(0, 0x0A, 0, 3) +
                        SocketLine(1, 0x01, 0x10, 0x20) + SocketLine(2, 0x01, 0, 0) +
                        SocketLine(3, 0x06, 0, 0);
  TcpStats stats;
  Status status = ParseTcpTable(content, stats);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(stats.states[10], 1u);
  EXPECT_EQ(stats.states[1], 2u);
  EXPECT_EQ(stats.states[6], 1u);
  EXPECT_EQ(stats.states[2], 0u);
  EXPECT_EQ(stats.tx_queued_bytes, 16u);
  EXPECT_EQ(stats.rx_queued_bytes, 35u);
}

TEST(ParseTcpTable, UnknownStateIsNotCounted) {
  TcpStats stats;
  ASSERT_TRUE(ParseTcpTable(std::string(kHeader) + SocketLine(0, 0x0D, 1, 2), stats).ok());
  for (std::uint64_t count : stats.states) EXPECT_EQ(count, 0u);
  EXPECT_EQ(stats.tx_queued_bytes, 1u);
}

TEST(ParseTcpTable, RejectsMalformedLines) {
  TcpStats stats;
  Status status = ParseTcpTable(
      std::string(kHeader) + SocketLine(0, 1, 0, 0) + "   1: 0100007F:0CEA 00000000:0000 0A\n",
      stats);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("line 3: expected at least 5 columns"), std::string::npos)
      << status.message();

  status = ParseTcpTable(
      std::string(kHeader) + "   0: 0100007F:0CEA 00000000:0000 ZZ 00000000:00000000\n", stats);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("state is not a hex byte"), std::string::npos);

  EXPECT_FALSE(
      ParseTcpTable(std::string(kHeader) + "   0: 0100007F:0CEA 00000000:0000 0A 00000000\n", stats)
          .ok());
  EXPECT_FALSE(
      ParseTcpTable(std::string(kHeader) + "   0: 0100007F:0CEA 00000000:0000 0A 00000000:-1\n",
                    stats)
          .ok());
  EXPECT_FALSE(
      ParseTcpTable(
          std::string(kHeader) + "   0: 0100007F:0CEA 00000000:0000 100 00000000:00000000\n", stats)
          .ok());
  EXPECT_FALSE(ParseTcpTable(SocketLine(0, 1, 0, 0), stats).ok());  // no header
  EXPECT_FALSE(ParseTcpTable("", stats).ok());
}

TEST(TcpstatCollector, ListenerFromBasicFixture) {
  TcpstatCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(State(families, "listen"), 1);
  EXPECT_EQ(State(families, "established"), 0);
  EXPECT_EQ(State(families, "time_wait"), 0);
  EXPECT_EQ(State(families, "tx_queued_bytes"), 0);
  EXPECT_EQ(State(families, "rx_queued_bytes"), 0);
  EXPECT_EQ(CountSamples(families, "node_tcp_connection_states"), 13u);
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].type, prometheus::MetricType::Gauge);
  EXPECT_EQ(families[0].help, "Number of connection states.");
}

TEST(TcpstatCollector, EveryStateFromCraftedFixture) {
  TcpstatCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("tcpstat-states"));
  EXPECT_EQ(State(families, "established"), 3);  // two IPv4, one IPv6
  EXPECT_EQ(State(families, "listen"), 3);
  for (const char* state : {"syn_sent", "syn_recv", "fin_wait1", "fin_wait2", "time_wait", "close",
                            "close_wait", "last_ack", "closing"}) {
    EXPECT_EQ(State(families, state), 1) << state;
  }
  EXPECT_EQ(State(families, "tx_queued_bytes"), 0x10 + 0x1 + 0x200);
  EXPECT_EQ(State(families, "rx_queued_bytes"), 0x20 + 0x5 + 0x100 + 0x3);
}

class TcpstatTempTree : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) /
            ("tcpstat-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "net");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(root_ / "net" / name) << content;
  }
  HostPaths Paths() const { return HostPaths(root_.string(), "/nonexistent/sys"); }

  std::filesystem::path root_;
};

TEST_F(TcpstatTempTree, StreamsHundredThousandSocketsAcrossChunkBoundaries) {
  std::string content(kHeader);
  std::array<double, 12> expected{};
  double tx = 0;
  for (int i = 0; i < 100000; ++i) {
    int state = 1 + (i * 7) % 11;
    content += SocketLine(i, state, i % 3, 0);
    expected[state] += 1;
    tx += i % 3;
  }
  Write("tcp", content);
  TcpstatCollector collector;
  Families families = testing::CollectOrFail(collector, Paths());
  for (std::size_t state = 1; state < 12; ++state) {
    std::string name(TcpStateName(state));
    EXPECT_EQ(State(families, name), expected[state]) << name;
  }
  EXPECT_EQ(State(families, "tx_queued_bytes"), tx);
  // A second scrape reuses the buffer and must not accumulate.
  families = testing::CollectOrFail(collector, Paths());
  EXPECT_EQ(State(families, "established"), expected[1]);
}

TEST_F(TcpstatTempTree, LastLineWithoutNewlineIsCounted) {
  std::string last = SocketLine(1, 0x0A, 0, 0);
  last.pop_back();
  Write("tcp", std::string(kHeader) + SocketLine(0, 0x01, 0, 0) + last);
  TcpstatCollector collector;
  Families families = testing::CollectOrFail(collector, Paths());
  EXPECT_EQ(State(families, "established"), 1);
  EXPECT_EQ(State(families, "listen"), 1);
}

TEST_F(TcpstatTempTree, MalformedLineIsAnErrorNamingFileAndLine) {
  Write("tcp", std::string(kHeader) + SocketLine(0, 1, 0, 0) + SocketLine(1, 1, 0, 0) +
                   "   2: 0100007F:0CEA 00000000:0000 0A 0000000g:00000000 00:0 0 0 0 1\n");
  TcpstatCollector collector;
  CollectResult result = collector.Collect(Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/net/tcp: line 4: tx_queue:rx_queue"), std::string::npos)
      << result.error().message;
}

TEST_F(TcpstatTempTree, OverlongLineIsAnError) {
  Write("tcp", std::string(kHeader) + std::string(70000, 'x'));
  TcpstatCollector collector;
  CollectResult result = collector.Collect(Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("longer than"), std::string::npos)
      << result.error().message;
}

TEST_F(TcpstatTempTree, MissingFilesMeanNoFamilies) {
  TcpstatCollector collector;
  CollectResult result = collector.Collect(Paths());
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());

  Write("tcp6", std::string(kHeader) + SocketLine(0, 0x0A, 0, 0));  // IPv4 absent, IPv6 present
  Families families = testing::CollectOrFail(collector, Paths());
  EXPECT_EQ(State(families, "listen"), 1);
}

TEST(TcpstatCollector, CountsOwnLoopbackSockets) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(client, 0);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  int server = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(server, 0);

  TcpstatCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  EXPECT_GE(State(families, "listen").value_or(0), 1);
  EXPECT_GE(State(families, "established").value_or(0), 2);  // both ends of our connection
  EXPECT_EQ(CountSamples(families, "node_tcp_connection_states"), 13u);

  ::close(server);
  ::close(client);
  ::close(listener);
}

}  // namespace
}  // namespace opsagent::collectors
