// os collector: node_os_info and node_os_version from the root filesystem's os-release.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/collector.h"

namespace opsagent::collectors {

/// The os-release(5) fields node_exporter exports; absent ones are empty.
struct OsRelease {
  std::string build_id;
  std::string id;
  std::string id_like;
  std::string image_id;
  std::string image_version;
  std::string name;
  std::string pretty_name;
  std::string variant;
  std::string variant_id;
  std::string version;
  std::string version_codename;
  std::string version_id;
};

/// Parses os-release(5): KEY=value lines, blank lines and '#' comments. Values follow the shell
/// quoting the spec asks for: "double quotes" (backslash escapes $ ` " \ only, other backslashes
/// stay), 'single quotes' (literal), unquoted text (backslash escapes any character, " #" starts
/// a comment), and adjacent pieces concatenate. An optional "export " prefix is accepted; later
/// assignments win; unknown keys are ignored. Errors name the line: no '=', a bad key, an
/// unterminated quote, a trailing backslash, or a value that is not UTF-8 (Prometheus would
/// reject the whole scrape).
Result<OsRelease> ParseOsRelease(std::string_view content);

/// node_exporter's node_os_version value: the leading `[0-9]+\.?[0-9]*` of VERSION_ID as a
/// number ("22.04.3" -> 22.04, "12" -> 12), or 0 when VERSION_ID does not start with a digit.
double OsVersionNumber(std::string_view version_id);

/// Emits node_os_info{build_id,id,id_like,image_id,image_version,name,pretty_name,variant,
/// variant_id,version,version_codename,version_id} 1, and node_os_version{id,id_like,name} when
/// the version number is above 0. Reads rootfs etc/os-release, or usr/lib/os-release when that is
/// missing; neither present yields no families. The parse is cached until the file's identity,
/// size or mtime changes (node_exporter caches by mtime too). Thread-safety: see Collector.
class OsCollector : public Collector {
 public:
  static const CollectorInfo& StaticInfo();
  const CollectorInfo& Info() const override { return StaticInfo(); }
  CollectResult Collect(const HostPaths& paths) override;

 private:
  // What identifies the file a cached parse came from.
  struct FileStamp {
    std::string path;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec mtime{};
  };

  std::string buffer_;
  std::optional<FileStamp> cached_stamp_;  // set only after a successful parse
  OsRelease cached_;
  double cached_version_ = 0;
};

}  // namespace opsagent::collectors
