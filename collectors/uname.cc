// uname collector: read procfs sys/kernel/* (and uname(2) for machine), emit node_uname_info.
#include "collectors/uname.h"

#include <sys/utsname.h>

#include <cerrno>
#include <cstring>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
Result<std::string_view> ParseKernelString(std::string_view content) {
  if (!content.empty() && content.back() == '\n') content.remove_suffix(1);
  if (content.find('\n') != std::string_view::npos) return Error{"more than one line"};
  if (!IsValidUtf8(content)) return Error{"not valid UTF-8"};
  return content;
}

const CollectorInfo& UnameCollector::StaticInfo() {
  static const CollectorInfo info{
      "uname",
      "Kernel name, release, version, machine, host and domain name.",
      {"proc/sys/kernel/ostype", "proc/sys/kernel/osrelease", "proc/sys/kernel/version",
       "proc/sys/kernel/hostname", "proc/sys/kernel/domainname"},
      true};
  return info;
}

CollectResult UnameCollector::Collect(const HostPaths& paths) {
  UnameInfo info;
  struct Source {
    std::string_view file;
    std::string UnameInfo::*field;
  };
  static constexpr Source kSources[] = {
      {"sys/kernel/ostype", &UnameInfo::sysname},
      {"sys/kernel/osrelease", &UnameInfo::release},
      {"sys/kernel/version", &UnameInfo::version},
      {"sys/kernel/hostname", &UnameInfo::nodename},
      {"sys/kernel/domainname", &UnameInfo::domainname},
  };
  for (const Source& source : kSources) {
    const std::string path = paths.proc(source.file);
    if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
    Result<std::string_view> value = ParseKernelString(buffer_);
    if (!value) return Error{path + ": " + value.error().message};
    info.*source.field = std::string(*value);
  }
  utsname uts{};
  if (::uname(&uts) != 0) return Error{"uname: " + std::string(std::strerror(errno))};
  info.machine = uts.machine;

  MetricSet set;
  set.Gauge("node_uname_info", "Labeled system information as provided by the uname system call.",
            1,
            {{"domainname", std::move(info.domainname)},
             {"machine", std::move(info.machine)},
             {"nodename", std::move(info.nodename)},
             {"release", std::move(info.release)},
             {"sysname", std::move(info.sysname)},
             {"version", std::move(info.version)}});
  return set.Take();
}

}  // namespace opsagent::collectors
