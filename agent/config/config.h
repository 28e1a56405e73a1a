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
