// AgentProcess: runs the real opsagent binary for integration tests and talks to it over HTTP.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsagent::testing {

/// Path of the opsagent binary under test (set by CMake).
std::string AgentBinary();

/// Result of running a command to completion.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs argv (no shell), captures stdout and stderr, waits for exit.
CommandResult RunCommand(const std::vector<std::string>& argv);

/// A started `opsagent run` on 127.0.0.1 with an ephemeral port. Stopped (SIGTERM, then SIGKILL
/// after 5 s) and reaped by PID in the destructor. Not thread-safe.
class AgentProcess {
 public:
  /// Starts `opsagent run --web.listen-address 127.0.0.1:0 --api.listen-address 127.0.0.1:0
  /// --state-dir <state_dir> <extra_args>` and waits (bounded) for the metrics listener to come
  /// up; port() is then known (and api_port() once the API listener logged its port). An empty
  /// `state_dir` means a fresh temporary directory, removed in the destructor.
  explicit AgentProcess(std::vector<std::string> extra_args, std::string state_dir = "");
  ~AgentProcess();
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  int api_port() const { return api_port_; }
  const std::string& state_dir() const { return state_dir_; }
  pid_t pid() const { return pid_; }
  /// Everything the agent wrote to stderr so far.
  std::string Log() const;

  /// GET path; returns status and body (gzip is not requested unless asked).
  struct Response {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;
  };
  Response Get(const std::string& path,
               const std::map<std::string, std::string>& headers = {}) const;
  /// GET on the API listener.
  Response ApiGet(const std::string& path) const;

  /// Polls /metrics until `predicate(body)` holds or `timeout` passes; returns the last body.
  std::optional<std::string> WaitForMetrics(bool (*predicate)(const std::string&),
                                            std::chrono::seconds timeout) const;
  /// Polls /metrics until a line starting with `line_prefix` appears.
  std::optional<std::string> WaitForLine(const std::string& line_prefix,
                                         std::chrono::seconds timeout) const;

  /// Sends a signal to the agent.
  void Signal(int signal) const;
  /// Sends SIGTERM and waits for exit; returns the exit status (or -1 on timeout, then SIGKILL).
  int Stop();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  mutable int api_port_ = 0;  // learnt lazily from the log by ApiGet
  std::string log_path_;
  std::string state_dir_;
  bool owns_state_dir_ = false;
};

}  // namespace opsagent::testing
