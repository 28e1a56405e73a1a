// AgentProcess: fork/exec of the real binary, with bounded waits and stop by PID.
#include "tests/testing/agent_process.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace opsagent::testing {
namespace {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string TempPath(const std::string& stem) {
  std::string pattern = "/tmp/opsagent-test-" + stem + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd >= 0) ::close(fd);
  return std::string(buf.data());
}

pid_t Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

// Waits for `pid` up to `timeout`; returns the exit status, or -1 if it did not exit.
int WaitFor(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

}  // namespace

std::string AgentBinary() { return OPSAGENT_BINARY; }

CommandResult RunCommand(const std::vector<std::string>& argv) {
  std::string out_path = TempPath("out"), err_path = TempPath("err");
  int out_fd = ::open(out_path.c_str(), O_WRONLY | O_TRUNC);
  int err_fd = ::open(err_path.c_str(), O_WRONLY | O_TRUNC);
  pid_t pid = Spawn(argv, out_fd, err_fd);
  ::close(out_fd);
  ::close(err_fd);
  CommandResult result;
  result.exit_code = WaitFor(pid, std::chrono::seconds(120));
  if (result.exit_code == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  result.out = ReadWholeFile(out_path);
  result.err = ReadWholeFile(err_path);
  ::unlink(out_path.c_str());
  ::unlink(err_path.c_str());
  return result;
}

AgentProcess::AgentProcess(std::vector<std::string> extra_args, std::string state_dir)
    : state_dir_(std::move(state_dir)) {
  log_path_ = TempPath("agent-log");
  if (state_dir_.empty()) {
    state_dir_ = log_path_ + ".state";
    owns_state_dir_ = true;
  }
  std::vector<std::string> argv = {
      AgentBinary(),          "run",         "--web.listen-address", "127.0.0.1:0",
      "--api.listen-address", "127.0.0.1:0", "--state-dir",          state_dir_};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_TRUNC);
  pid_ = Spawn(argv, log_fd, log_fd);
  ::close(log_fd);
  // Whole lines only: the log is read while the agent is still writing it.
  static const std::regex kServing(R"(serving metrics on [^ ]+:(\d+)\n)");
  static const std::regex kServingApi(R"(serving api on [^ ]+:(\d+)\n)");
  for (int i = 0; i < 1000 && port_ == 0; ++i) {  // bounded: 10 s
    std::smatch match;
    std::string log = Log();
    if (std::regex_search(log, match, kServing)) port_ = std::stoi(match[1]);
    if (std::regex_search(log, match, kServingApi)) api_port_ = std::stoi(match[1]);
    if (port_ == 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;  // exited during startup; Log() says why
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

AgentProcess::~AgentProcess() {
  (void)Stop();
  ::unlink(log_path_.c_str());
  if (owns_state_dir_) std::filesystem::remove_all(state_dir_);
}

std::string AgentProcess::Log() const { return ReadWholeFile(log_path_); }

AgentProcess::Response AgentProcess::Get(const std::string& path,
                                         const std::map<std::string, std::string>& headers) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  client.set_decompress(false);
  httplib::Headers h(headers.begin(), headers.end());
  Response response;
  if (auto res = client.Get(path.c_str(), h)) {
    response.status = res->status;
    response.body = res->body;
    for (const auto& [k, v] : res->headers) response.headers[k] = v;
  }
  return response;
}

AgentProcess::Response AgentProcess::ApiGet(const std::string& path) const {
  Response response;
  for (int i = 0; i < 500 && api_port_ == 0; ++i) {  // bounded: 5 s for the API to log its port
    static const std::regex kServingApi(R"(serving api on [^ ]+:(\d+)\n)");
    std::smatch match;
    std::string log = Log();
    if (std::regex_search(log, match, kServingApi)) {
      api_port_ = std::stoi(match[1]);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  httplib::Client client("127.0.0.1", api_port_);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  if (auto res = client.Get(path.c_str())) {
    response.status = res->status;
    response.body = res->body;
    for (const auto& [k, v] : res->headers) response.headers[k] = v;
  }
  return response;
}

std::optional<std::string> AgentProcess::WaitForMetrics(bool (*predicate)(const std::string&),
                                                        std::chrono::seconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<std::string> last;
  while (std::chrono::steady_clock::now() < deadline) {
    Response r = Get("/metrics");
    if (r.status == 200) {
      last = r.body;
      if (predicate(r.body)) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

std::optional<std::string> AgentProcess::WaitForLine(const std::string& line_prefix,
                                                     std::chrono::seconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    Response r = Get("/metrics");
    if (r.status == 200 && (r.body.rfind(line_prefix, 0) == 0 ||
                            r.body.find("\n" + line_prefix) != std::string::npos)) {
      return r.body;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

void AgentProcess::Signal(int signal) const {
  if (pid_ > 0) ::kill(pid_, signal);
}

int AgentProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = WaitFor(pid_, std::chrono::seconds(5));
  if (status == -1) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  return status;
}

}  // namespace opsagent::testing
