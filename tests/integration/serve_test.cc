// The real binary serving /metrics on loopback: caching, gzip, health, readiness, bad requests,
// SIGHUP reloads (good and bad) and SIGTERM.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <thread>

#include "tests/testing/agent_process.h"
#include "tests/testing/exposition_parser.h"

namespace opsagent::testing {
namespace {

std::string WriteConfig(const std::string& path, const std::string& content) {
  std::ofstream(path) << content;
  return path;
}

// Sends raw bytes and returns the raw response (bounded read).
std::string RawRequest(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "";
  }
  (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  for (int i = 0; i < 256; ++i) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string Gunzip(const std::string& data) {
  z_stream zs{};
  inflateInit2(&zs, 15 + 16);
  std::string out(8 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  out.resize(rc == Z_STREAM_END ? zs.total_out : 0);
  inflateEnd(&zs);
  return out;
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_path_ = "/tmp/opsagent-serve-" + std::to_string(::getpid()) + ".yaml";
    WriteConfig(config_path_, "global:\n  collect_interval: 1s\n");
    agent_ = std::make_unique<AgentProcess>(std::vector<std::string>{"--config", config_path_});
    ASSERT_TRUE(agent_->started()) << agent_->Log();
    ASSERT_TRUE(agent_->WaitForLine("opsagent_cycles_total", std::chrono::seconds(20)))
        << agent_->Log();
  }
  void TearDown() override {
    agent_.reset();
    ::unlink(config_path_.c_str());
  }

  std::string config_path_;
  std::unique_ptr<AgentProcess> agent_;
};

TEST_F(ServeTest, MetricsHaveExpositionContentTypeAndParse) {
  AgentProcess::Response r = agent_->Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8");
  ParsedExposition parsed = ParseExposition(r.body);
  EXPECT_TRUE(parsed.errors.empty()) << parsed.errors.front();
  EXPECT_TRUE(parsed.Value("opsagent_build_info").has_value());
  EXPECT_EQ(parsed.Value("opsagent_collector_success", {{"collector", "loadavg"}}), 1.0);
  EXPECT_TRUE(parsed.Value("opsagent_collector_duration_seconds", {{"collector", "loadavg"}}));
  EXPECT_EQ(parsed.Value("opsagent_collector_timeouts_total", {{"collector", "loadavg"}}), 0.0);
  EXPECT_TRUE(parsed.Value("opsagent_cycle_duration_seconds").has_value());
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_open_fds", "process_start_time_seconds"}) {
    EXPECT_TRUE(parsed.Value(name).has_value()) << name;
  }
  EXPECT_GT(*parsed.Value("process_resident_memory_bytes"), 0);
}

TEST_F(ServeTest, ScrapesBetweenCyclesReturnTheSameBytes) {
  // Collection runs on the schedule, not on scrape: two quick scrapes within one 1 s cycle are
  // byte-identical unless a cycle completed between them; retry a few times to find a pair.
  bool identical = false;
  for (int i = 0; i < 20 && !identical; ++i) {
    std::string a = agent_->Get("/metrics").body;
    std::string b = agent_->Get("/metrics").body;
    identical = !a.empty() && a == b;
  }
  EXPECT_TRUE(identical);
}

TEST_F(ServeTest, GzipVariantDecodesToTheSameExposition) {
  AgentProcess::Response gz = agent_->Get("/metrics", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers["Content-Encoding"], "gzip");
  std::string text = Gunzip(gz.body);
  ASSERT_FALSE(text.empty());
  EXPECT_NE(text.find("# TYPE opsagent_build_info gauge"), std::string::npos);
  AgentProcess::Response plain = agent_->Get("/metrics", {{"Accept-Encoding", "br"}});
  EXPECT_EQ(plain.headers.count("Content-Encoding"), 0u);  // never compressed per request
  EXPECT_NE(plain.body.find("# TYPE opsagent_build_info gauge"), std::string::npos);
}

TEST_F(ServeTest, HealthReadinessAndNotFound) {
  EXPECT_EQ(agent_->Get("/-/healthy").status, 200);
  EXPECT_EQ(agent_->Get("/-/ready").status, 200);
  EXPECT_EQ(agent_->Get("/nope").status, 404);
  EXPECT_EQ(agent_->Get("/metrics/extra").status, 404);
}

TEST_F(ServeTest, MalformedAndOversizedRequestsGet4xxAndServerSurvives) {
  std::string garbage = RawRequest(agent_->port(), "GARBAGE\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(garbage.rfind("HTTP/1.1 400", 0), 0u) << garbage;
  std::string huge_uri = RawRequest(
      agent_->port(), "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(huge_uri.rfind("HTTP/1.1 4", 0), 0u) << huge_uri.substr(0, 40);
  std::string huge_header =
      RawRequest(agent_->port(), "GET /metrics HTTP/1.1\r\nConnection: close\r\nX-Big: " +
                                     std::string(20000, 'b') + "\r\n\r\n");
  EXPECT_EQ(huge_header.rfind("HTTP/1.1 4", 0), 0u) << huge_header.substr(0, 40);
  std::string post =
      RawRequest(agent_->port(),
                 "POST /metrics HTTP/1.1\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(post.rfind("HTTP/1.1 4", 0), 0u) << post.substr(0, 40);
  std::string big_body = RawRequest(agent_->port(),
                                    "POST /metrics HTTP/1.1\r\nConnection: close\r\n"
                                    "Content-Length: 100000000\r\n\r\nabc");
  EXPECT_EQ(big_body.rfind("HTTP/1.1 4", 0), 0u) << big_body.substr(0, 40);
  EXPECT_EQ(agent_->Get("/-/healthy").status, 200);
}

bool ReloadFailed(const std::string& body) {
  return body.find("\nopsagent_config_last_reload_successful 0\n") != std::string::npos;
}
bool ReloadSucceeded(const std::string& body) {
  return body.find("\nopsagent_config_last_reload_successful 1\n") != std::string::npos;
}

TEST_F(ServeTest, SighupWithBadConfigKeepsServingAndReportsFailure) {
  std::string before = agent_->Get("/metrics").body;
  double success_ts =
      *ParseExposition(before).Value("opsagent_config_last_reload_success_timestamp_seconds");
  WriteConfig(config_path_, "global:\n  collect_interval: banana\n");
  agent_->Signal(SIGHUP);
  auto failed = agent_->WaitForMetrics(ReloadFailed, std::chrono::seconds(20));
  ASSERT_TRUE(failed.has_value()) << agent_->Log();
  EXPECT_NE(agent_->Log().find(config_path_ + ":2:21:"), std::string::npos) << agent_->Log();
  ParsedExposition parsed = ParseExposition(*failed);
  EXPECT_EQ(parsed.Value("opsagent_config_last_reload_success_timestamp_seconds"), success_ts);
  EXPECT_EQ(parsed.Value("opsagent_collector_success", {{"collector", "loadavg"}}), 1.0);

  // Still collecting on the old config: the cycle counter keeps moving.
  double cycles = *parsed.Value("opsagent_cycles_total");
  auto later = agent_->WaitForMetrics(
      +[](const std::string& body) {
        return ParseExposition(body).Value("opsagent_cycles_total").value_or(0) > 0;
      },
      std::chrono::seconds(5));
  ASSERT_TRUE(later);
  for (int i = 0; i < 100; ++i) {
    double now =
        ParseExposition(agent_->Get("/metrics").body).Value("opsagent_cycles_total").value_or(0);
    if (now > cycles) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GT(ParseExposition(agent_->Get("/metrics").body).Value("opsagent_cycles_total"), cycles);

  WriteConfig(config_path_, "global:\n  collect_interval: 1s\n");
  agent_->Signal(SIGHUP);
  auto ok = agent_->WaitForMetrics(ReloadSucceeded, std::chrono::seconds(20));
  ASSERT_TRUE(ok.has_value()) << agent_->Log();
  EXPECT_GT(*ParseExposition(*ok).Value("opsagent_config_last_reload_success_timestamp_seconds"),
            success_ts);
}

TEST_F(ServeTest, SighupAppliesNewCollectorSelection) {
  WriteConfig(config_path_,
              "global:\n  collect_interval: 1s\ncollectors:\n  loadavg: {enabled: false}\n");
  agent_->Signal(SIGHUP);
  auto body = agent_->WaitForMetrics(
      +[](const std::string& b) { return b.find("\nnode_load1 ") == std::string::npos; },
      std::chrono::seconds(20));
  ASSERT_TRUE(body.has_value()) << agent_->Log();
  EXPECT_EQ(body->find("collector=\"loadavg\""), std::string::npos);
}

TEST_F(ServeTest, SigtermStopsCleanly) { EXPECT_EQ(agent_->Stop(), 0) << agent_->Log(); }

TEST(Serve, PortInUseFailsStartupWithClearError) {
  AgentProcess first({});
  ASSERT_TRUE(first.started()) << first.Log();
  CommandResult r = RunCommand(
      {AgentBinary(), "run", "--web.listen-address", "127.0.0.1:" + std::to_string(first.port())});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
            std::string::npos)
      << r.err;
}

TEST(Serve, ListensOnIpv6Loopback) {
  CommandResult probe = RunCommand({"/bin/sh", "-c", "test -e /proc/net/if_inet6"});
  if (probe.exit_code != 0) GTEST_SKIP() << "no IPv6 on this machine";
  AgentProcess agent({"--web.listen-address", "[::1]:0"});
  // The AgentProcess helper binds 127.0.0.1:0 first; the later flag wins, so the log names ::1.
  ASSERT_TRUE(agent.started()) << agent.Log();
  EXPECT_NE(agent.Log().find("serving metrics on ::1:"), std::string::npos) << agent.Log();
}

}  // namespace
}  // namespace opsagent::testing
