// opsagent CLI: run, check, test rules, version.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/core/agent.h"
#include "agent/core/logging.h"
#include "agent/core/rule_engine.h"
#include "agent/core/self_metrics.h"
#include "agent/http/api_server.h"
#include "agent/http/metrics_server.h"
#include "rules/unittest.h"

namespace {

using opsagent::config::LoadResult;

constexpr char kUsage[] = R"(usage: opsagent <command> [flags]

commands:
  run      collect, evaluate and serve (default config: embedded)
  check    validate a config file: opsagent check --config FILE
  test     run promtool-style rule unit tests: opsagent test rules FILE...
  version  print version and revision

flags for run:
  --config FILE                   config file (default: the embedded default)
  --web.listen-address HOST:PORT  metrics listener (default 0.0.0.0:9810)
  --api.listen-address HOST:PORT  API listener (default 127.0.0.1:9811; "" turns it off)
  --state-dir DIR                 state database directory (default /var/lib/opsagent)
  --path.procfs DIR               procfs mount point (default /proc)
  --path.sysfs DIR                sysfs mount point (default /sys)
  --path.rootfs DIR               root filesystem of the host (default /)
)";

struct Args {
  std::string command;
  std::map<std::string, std::string> flags;
  std::string error;
};

Args ParseArgs(int argc, char** argv) {
  static const std::vector<std::string> kKnown = {
      "--config",      "--web.listen-address", "--api.listen-address", "--state-dir",
      "--path.procfs", "--path.sysfs",         "--path.rootfs"};
  Args args;
  if (argc < 2) {
    args.error = "missing command";
    return args;
  }
  args.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (std::size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg.resize(eq);
      has_value = true;
    }
    if (std::find(kKnown.begin(), kKnown.end(), arg) == kKnown.end()) {
      args.error = "unknown flag " + arg;
      return args;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        args.error = "flag " + arg + " needs a value";
        return args;
      }
      value = argv[++i];
    }
    args.flags[arg] = value;
  }
  return args;
}

std::optional<std::string> Flag(const Args& args, const std::string& name) {
  auto it = args.flags.find(name);
  if (it == args.flags.end()) return std::nullopt;
  return it->second;
}

LoadResult LoadFromArgs(const Args& args) {
  std::optional<std::string> path = Flag(args, "--config");
  return path ? opsagent::config::LoadConfigFile(*path) : opsagent::config::LoadEmbeddedDefault();
}

void PrintProblems(const LoadResult& loaded) {
  for (const auto& problem : loaded.problems) {
    std::fprintf(stderr, "%s\n", problem.ToString().c_str());
  }
}

int Check(const Args& args) {
  if (!Flag(args, "--config")) {
    std::fprintf(stderr, "opsagent check: --config FILE is required\n");
    return 2;
  }
  LoadResult loaded = LoadFromArgs(args);
  if (!loaded.ok()) {
    PrintProblems(loaded);
    return 1;
  }
  opsagent::rules::RuleFileLoad rules = opsagent::core::LoadRulesFor(loaded.config);
  for (const std::string& problem : rules.problems) std::fprintf(stderr, "%s\n", problem.c_str());
  if (!rules.ok()) return 1;
  std::size_t rule_count = 0;
  for (const auto& group : rules.groups) rule_count += group.rules.size();
  std::printf("%s: OK (%zu rule groups, %zu rules)\n", loaded.config.source.c_str(),
              rules.groups.size(), rule_count);
  return 0;
}

// `test rules FILE...` takes positional files, which ParseArgs's flag grammar does not allow, so
// it is dispatched before it. Exit codes as promtool's: 1 for a failed test or a missing file.
int TestRules(int argc, char** argv) {
  if (argc < 3 || std::string(argv[2]) != "rules") {
    std::fprintf(stderr, "opsagent: usage: opsagent test rules FILE...\n");
    return 2;
  }
  std::vector<std::string> files(argv + 3, argv + argc);
  if (files.empty()) {
    std::fprintf(stderr, "opsagent: error: required argument 'test-rule-file' not provided\n");
    return 1;
  }
  for (const auto& file : files) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      std::fprintf(stderr, "opsagent: error: path '%s' does not exist\n", file.c_str());
      return 1;
    }
  }
  opsagent::rules::StreamTestOutput output(std::cout, std::cerr);
  return opsagent::rules::RunRuleUnitTests(files, output);
}

int Run(const Args& args) {
  LoadResult loaded = LoadFromArgs(args);
  if (!loaded.ok()) {
    PrintProblems(loaded);
    return 1;
  }
  opsagent::core::Overrides overrides{
      Flag(args, "--web.listen-address"), Flag(args, "--path.procfs"),
      Flag(args, "--path.sysfs"),         Flag(args, "--path.rootfs"),
      Flag(args, "--api.listen-address"), Flag(args, "--state-dir")};
  if (overrides.listen_address) {
    if (auto split = opsagent::http::SplitHostPort(*overrides.listen_address); !split) {
      std::fprintf(stderr, "--web.listen-address: %s\n", split.error().message.c_str());
      return 2;
    }
  }
  boost::asio::io_context io(1);
  opsagent::core::Agent agent(io, std::move(loaded.config), Flag(args, "--config").value_or(""),
                              overrides);
  spdlog::info("opsagent {} (revision {}) starting with config {}", opsagent::core::Version(),
               opsagent::core::Revision(), agent.config().source);
  if (std::vector<std::string> problems = agent.Init(); !problems.empty()) {
    for (const std::string& problem : problems) std::fprintf(stderr, "%s\n", problem.c_str());
    return 1;
  }

  opsagent::http::MetricsServer server(agent);
  if (opsagent::Status started = server.Start(agent.config().listen_address); !started) {
    spdlog::critical("{}", started.message());
    return 1;
  }

  std::unique_ptr<opsagent::http::ApiServer> api;
  if (!agent.config().api_listen_address.empty()) {
    api = std::make_unique<opsagent::http::ApiServer>(agent);
    if (opsagent::Status started = api->Start(agent.config().api_listen_address); !started) {
      spdlog::critical("{}", started.message());
      return 1;
    }
  }

  bool clean = true;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (signal == SIGHUP) {
          spdlog::info("SIGHUP: reloading configuration");
          (void)agent.Reload();  // problems are logged; the running config stays
          signals.async_wait(on_signal);
          return;
        }
        spdlog::info("signal {}: shutting down", signal);
        server.Stop();
        if (api) api->Stop();
        clean = agent.Stop();
        io.stop();
      };
  signals.async_wait(on_signal);

  agent.Start();
  io.run();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  if (!clean) std::_Exit(0);  // a collector is stuck in the kernel; joining it would hang
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  opsagent::core::ConfigureLogging("info", "text");
  if (argc >= 2 && std::string(argv[1]) == "test") return TestRules(argc, argv);
  Args args = ParseArgs(argc, argv);
  if (args.command == "help" || args.command == "--help" || args.command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!args.error.empty()) {
    std::fprintf(stderr, "opsagent: %s\n\n%s", args.error.c_str(), kUsage);
    return 2;
  }
  if (args.command == "version" || args.command == "--version") {
    std::printf("opsagent %s (revision %s)\n", opsagent::core::Version(),
                opsagent::core::Revision());
    return 0;
  }
  if (args.command == "check") return Check(args);
  if (args.command == "run") return Run(args);
  std::fprintf(stderr, "opsagent: unknown command \"%s\"\n\n%s", args.command.c_str(), kUsage);
  return 2;
}
