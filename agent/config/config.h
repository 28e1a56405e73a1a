// Config: the agent's typed configuration and its YAML loader with FILE:LINE:COL errors.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/options.h"

namespace opsagent::config {

/// One problem found while loading: rendered as "FILE:LINE:COL: message" (1-based).
struct Problem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;

  std::string ToString() const;
};

struct Config {
  /// Where the config came from: a path, or "<embedded>".
  std::string source = "<embedded>";

  std::chrono::milliseconds collect_interval{10000};
  /// Deadline for one collector within a cycle; a collector still running then is reported as
  /// timed out and the cycle completes without it.
  std::chrono::milliseconds collect_timeout{8000};

  std::string listen_address = "0.0.0.0:9810";
  /// The Prometheus-compatible query API listener; "" turns it off. Loopback by default: the
  /// API exposes every series and (later) mutations, so it is never public unless configured.
  std::string api_listen_address = "127.0.0.1:9811";
  /// Where the state database lives (alert state survives restarts through it).
  std::string state_dir = "/var/lib/opsagent";

  /// How often rule groups without their own `interval` are evaluated; 0 until loaded, then
  /// the collect interval unless set. Rules run right after a collection, so it must be at
  /// least the collect interval.
  std::chrono::milliseconds evaluation_interval{0};
  /// Labels added to alerts sent out and available to templates as $externalLabels.
  std::vector<std::pair<std::string, std::string>> external_labels;
  /// Globs of Prometheus rule files; relative ones are resolved against the config file's
  /// directory.
  std::vector<std::string> rule_files;
  /// Whether the embedded default host rule pack (rules/pack) is loaded too.
  bool builtin_rule_pack = true;
  /// Bound on series kept with history for range selectors and offsets.
  int max_series_history = 10000;
  /// Per-query limits of the query API and rule evaluation.
  std::chrono::milliseconds query_timeout{10000};
  int query_max_samples = 5000000;

  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";

  std::string log_level = "info";
  std::string log_format = "text";

  /// collector name -> enabled, for every built-in collector.
  std::map<std::string, bool, std::less<>> collectors_enabled;
  collectors::CollectorOptions collector_options;

  bool CollectorEnabled(std::string_view name) const;
};

/// Result of loading: a config, or the full list of problems (never just the first).
struct LoadResult {
  Config config;
  std::vector<Problem> problems;
  bool ok() const { return problems.empty(); }
};

/// The configuration compiled into the binary, used when no --config is given.
std::string_view EmbeddedDefaultConfig();

/// Parses and validates YAML text; `file` names it in problems.
LoadResult LoadConfigString(std::string_view yaml, const std::string& file);

/// Reads and validates a file.
LoadResult LoadConfigFile(const std::string& path);

/// Every leaf key the loader accepts, as dotted paths ("global.collect_interval",
/// "collectors.*.enabled", "collectors.process.groups[].name"), for the docs test.
std::vector<std::string> KnownConfigKeys();

/// Loads the embedded default (always valid; a test asserts it).
LoadResult LoadEmbeddedDefault();

}  // namespace opsagent::config
