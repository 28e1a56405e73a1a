// CollectorOptions: the per-collector settings that come from the `collectors:` config section.
// Regexes are RE2 syntax, matched unanchored like node_exporter's Go regexps; the config loader
// validates them, so collectors may compile them without checking again.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace opsagent::collectors {

struct FilesystemOptions {
  // node_exporter 1.5's upstream defaults (Debian's package patches them; we keep upstream's).
  std::string mount_points_exclude =
      "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
  std::string fs_types_exclude =
      "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|"
      "iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|"
      "sysfs|tracefs)$";
  /// How long one statfs may take before its mount point is marked stuck and skipped.
  /// node_exporter waits 5s; 2s keeps a hung mount well inside one default collect_timeout.
  std::chrono::milliseconds mount_timeout{2000};

  bool operator==(const FilesystemOptions&) const = default;
};

struct NetdevOptions {
  std::string device_exclude = "^lo$";
  std::string device_include;  // empty: every device not excluded

  bool operator==(const NetdevOptions&) const = default;
};

struct NetclassOptions {
  std::string ignored_devices = "^$";

  bool operator==(const NetclassOptions&) const = default;
};

struct DiskstatsOptions {
  std::string device_exclude = "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$";

  bool operator==(const DiskstatsOptions&) const = default;
};

/// One named group of processes; a process belongs to the first group whose every given
/// matcher matches (comm against /proc/PID/comm, cmdline against the space-joined argv).
struct ProcessGroup {
  std::string name;
  std::string comm;
  std::string cmdline;

  bool operator==(const ProcessGroup&) const = default;
};

struct ProcessOptions {
  std::vector<ProcessGroup> groups;
  int top_n = 10;

  bool operator==(const ProcessOptions&) const = default;
};

struct CollectorOptions {
  FilesystemOptions filesystem;
  NetdevOptions netdev;
  NetclassOptions netclass;
  DiskstatsOptions diskstats;
  ProcessOptions process;

  bool operator==(const CollectorOptions&) const = default;
};

}  // namespace opsagent::collectors
