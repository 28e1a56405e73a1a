// HostPaths: where /proc, /sys and the root filesystem are mounted (a fixture tree in tests, the
// host's own in a container).
#pragma once

#include <string>
#include <string_view>

namespace opsagent::collectors {

/// Resolves paths under the configured procfs, sysfs and rootfs. Collectors never spell
/// "/proc/..." themselves, so the same code reads a recorded fixture tree or /host/proc.
/// Thread-safety: immutable after construction; safe to share.
class HostPaths {
 public:
  HostPaths(std::string procfs = "/proc", std::string sysfs = "/sys", std::string rootfs = "/");

  /// `proc("stat")` is "<procfs>/stat".
  std::string proc(std::string_view relative) const { return Join(procfs_, relative); }
  /// `sys("class/net")` is "<sysfs>/class/net".
  std::string sys(std::string_view relative) const { return Join(sysfs_, relative); }
  /// `root("etc/os-release")` is "<rootfs>/etc/os-release".
  std::string root(std::string_view relative) const { return Join(rootfs_, relative); }

  const std::string& procfs() const { return procfs_; }
  const std::string& sysfs() const { return sysfs_; }
  const std::string& rootfs() const { return rootfs_; }

 private:
  static std::string Join(const std::string& base, std::string_view relative);

  std::string procfs_;
  std::string sysfs_;
  std::string rootfs_;
};

}  // namespace opsagent::collectors
