// uname collector: node_uname_info from the kernel's identity strings.
#pragma once

#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// The fields of struct utsname, as node_uname_info labels.
struct UnameInfo {
  std::string sysname;
  std::string release;
  std::string version;
  std::string machine;
  std::string nodename;
  std::string domainname;
};

/// Parses one /proc/sys/kernel string file ("Linux\n"): drops the one trailing newline and keeps
/// everything else (the version string has spaces). A second line or invalid UTF-8 (which would
/// make Prometheus reject the whole scrape) is an error.
Result<std::string_view> ParseKernelString(std::string_view content);

/// Emits node_uname_info{domainname,machine,nodename,release,sysname,version} 1.
///
/// sysname, release, version, nodename and domainname come from procfs sys/kernel/{ostype,
/// osrelease,version,hostname,domainname}, which carry the same strings as uname(2) and can be
/// pointed at a fixture or at a host's /proc. machine comes from uname(2) because procfs has no
/// file for it on the kernels we support (sys/kernel/arch exists only on recent ones); it is
/// a property of the running kernel, so the agent's own uname(2) reports the host's value even
/// in a container (UTS namespaces only make nodename and domainname differ). Note that
/// sys/kernel/hostname shows the reader's UTS namespace, like uname(2) does: run the agent in
/// the host's UTS namespace (hostNetwork in Kubernetes) to report the host's name.
/// Thread-safety: see Collector.
class UnameCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  std::string buffer_;  // reused across files and cycles
};

}  // namespace opsagent::collectors
