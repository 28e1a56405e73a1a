// NodeExporter: start, scrape and stop the reference exporter by PID.
#include "tests/testing/node_exporter.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

namespace opsagent::testing {

const std::vector<std::string>& ComparableCollectors() {
  static const std::vector<std::string> kCollectors = {
      "cpu",       "stat",    "loadavg",    "meminfo",   "vmstat",   "pressure",    "time",
      "uname",     "os",      "filefd",     "netdev",    "netclass", "netstat",     "sockstat",
      "conntrack", "tcpstat", "filesystem", "diskstats", "hwmon",    "thermal_zone"};
  return kCollectors;
}

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return 0;
  }
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

NodeExporter::NodeExporter(const std::vector<std::string>& collectors,
                           const std::vector<std::string>& extra_flags) {
  port_ = FreeLoopbackPort();
  std::vector<std::string> argv = {"/usr/bin/prometheus-node-exporter",
                                   "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                   "--collector.disable-defaults"};
  for (const auto& c : collectors) argv.push_back("--collector." + c);
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  pid_ = ::fork();
  if (pid_ == 0) {
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  for (int i = 0; i < 200 && !started_; ++i) {  // bounded: 10 s
    if (!Scrape().empty()) started_ = true;
    if (!started_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

NodeExporter::~NodeExporter() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 500; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::string NodeExporter::Scrape() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(20, 0);
  auto res = client.Get("/metrics");
  if (!res || res->status != 200) return "";
  return res->body;
}

}  // namespace opsagent::testing
