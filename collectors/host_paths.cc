// HostPaths: joins configured roots with relative paths.
#include "collectors/host_paths.h"

#include <utility>

namespace opsagent::collectors {
namespace {

std::string StripTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

HostPaths::HostPaths(std::string procfs, std::string sysfs, std::string rootfs)
    : procfs_(StripTrailingSlashes(std::move(procfs))),
      sysfs_(StripTrailingSlashes(std::move(sysfs))),
      rootfs_(StripTrailingSlashes(std::move(rootfs))) {}

std::string HostPaths::Join(const std::string& base, std::string_view relative) {
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  std::string path;
  path.reserve(base.size() + 1 + relative.size());
  path.append(base);
  if (path.empty() || path.back() != '/') path.push_back('/');
  path.append(relative);
  return path;
}

}  // namespace opsagent::collectors
