// uname collector: read procfs sys/kernel/* (and uname(2) for machine), emit node_uname_info.
#include "collectors/uname.h"

#include <sys/utsname.h>

#include <cerrno>
#include <cstring>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace

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
