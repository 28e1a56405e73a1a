// os collector: parse os-release(5) with shell quoting, emit node_exporter's node_os_* metrics.
#include "collectors/os.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

bool IsKeyStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsKeyChar(char c) { return IsKeyStart(c) || (c >= '0' && c <= '9'); }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Decodes one value (already trimmed) into `out`; returns an error text or nullptr.
const char* DecodeValue(std::string_view raw, std::string& out) {
  enum class Mode { kUnquoted, kDouble, kSingle } mode = Mode::kUnquoted;
  out.clear();
  // Length of `out` up to its last significant character, so unquoted blanks before a trailing
  // comment are dropped while quoted blanks stay.
  std::size_t significant = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    switch (mode) {
      case Mode::kUnquoted:
        if (c == '"') {
          mode = Mode::kDouble;
        } else if (c == '\'') {
          mode = Mode::kSingle;
        } else if (c == '\\') {
          if (++i == raw.size()) return "trailing backslash";
          out.push_back(raw[i]);
          significant = out.size();
        } else if (c == '#' && (i == 0 || IsBlank(raw[i - 1]))) {
          out.resize(significant);  // the rest is a comment
          return nullptr;
        } else {
          out.push_back(c);
          if (!IsBlank(c)) significant = out.size();
        }
        break;
      case Mode::kDouble:
        if (c == '"') {
          mode = Mode::kUnquoted;
          break;
        }
        if (c == '\\') {
          if (++i == raw.size()) return "unterminated double quote";
          const char next = raw[i];
          // Inside double quotes the shell only unescapes these; "\n" stays two characters.
          if (next != '$' && next != '`' && next != '"' && next != '\\') out.push_back('\\');
          out.push_back(next);
        } else {
          out.push_back(c);
        }
        significant = out.size();
        break;
      case Mode::kSingle:
        if (c == '\'') {
          mode = Mode::kUnquoted;
        } else {
          out.push_back(c);
          significant = out.size();
        }
        break;
    }
  }
  if (mode == Mode::kDouble) return "unterminated double quote";
  if (mode == Mode::kSingle) return "unterminated single quote";
  return nullptr;
}

std::string* FieldFor(OsRelease& os, std::string_view key) {
  if (key == "BUILD_ID") return &os.build_id;
  if (key == "ID") return &os.id;
  if (key == "ID_LIKE") return &os.id_like;
  if (key == "IMAGE_ID") return &os.image_id;
  if (key == "IMAGE_VERSION") return &os.image_version;
  if (key == "NAME") return &os.name;
  if (key == "PRETTY_NAME") return &os.pretty_name;
  if (key == "VARIANT") return &os.variant;
  if (key == "VARIANT_ID") return &os.variant_id;
  if (key == "VERSION") return &os.version;
  if (key == "VERSION_CODENAME") return &os.version_codename;
  if (key == "VERSION_ID") return &os.version_id;
  return nullptr;
}

bool SameStamp(const struct stat& st, const std::string& path, const auto& stamp) {
  return stamp.path == path && stamp.device == st.st_dev && stamp.inode == st.st_ino &&
         stamp.size == st.st_size && stamp.mtime.tv_sec == st.st_mtim.tv_sec &&
         stamp.mtime.tv_nsec == st.st_mtim.tv_nsec;
}

}  // namespace

Result<OsRelease> ParseOsRelease(std::string_view content) {
  OsRelease os;
  std::string value;
  std::string_view rest = content;
  std::string_view line;
  int line_no = 0;
  while (NextLine(rest, line)) {
    ++line_no;
    auto fail = [&](std::string_view what) {
      return Error{"line " + std::to_string(line_no) + ": " + std::string(what)};
    };
    std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#') continue;
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) return fail("missing '='");
    std::string_view key = Trim(text.substr(0, eq));
    if (key.substr(0, 7) == "export ") key = Trim(key.substr(7));
    if (key.empty() || !IsKeyStart(key.front())) return fail("key must start with [A-Za-z_]");
    for (char c : key) {
      if (!IsKeyChar(c)) return fail("key must be [A-Za-z0-9_]");
    }
    if (const char* err = DecodeValue(Trim(text.substr(eq + 1)), value)) return fail(err);
    std::string* field = FieldFor(os, key);
    if (field == nullptr) continue;
    if (!IsValidUtf8(value)) return fail("value of " + std::string(key) + " is not valid UTF-8");
    *field = value;
  }
  return os;
}

double OsVersionNumber(std::string_view version_id) {
  std::size_t i = 0;
  while (i < version_id.size() && version_id[i] >= '0' && version_id[i] <= '9') ++i;
  if (i == 0) return 0;
  std::size_t end = i;
  if (i < version_id.size() && version_id[i] == '.') {
    ++i;
    while (i < version_id.size() && version_id[i] >= '0' && version_id[i] <= '9') ++i;
    if (i > end + 1) end = i;  // "7." counts as 7
  }
  return ParseDouble(version_id.substr(0, end)).value_or(0);
}

const CollectorInfo& OsCollector::StaticInfo() {
  static const CollectorInfo info{"os",
                                  "Operating system name, ID and version from os-release.",
                                  {"root/etc/os-release", "root/usr/lib/os-release"},
                                  true};
  return info;
}

CollectResult OsCollector::Collect(const HostPaths& paths) {
  for (const std::string& path : {paths.root("etc/os-release"), paths.root("usr/lib/os-release")}) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) continue;
      return Error{"stat " + path + ": " + std::strerror(errno)};
    }
    if (!cached_stamp_ || !SameStamp(st, path, *cached_stamp_)) {
      cached_stamp_.reset();
      Result<bool> read = ReadOptionalFile(path, buffer_);
      if (!read) return read.error();
      if (!*read) continue;  // removed since the stat
      Result<OsRelease> os = ParseOsRelease(buffer_);
      if (!os) return Error{path + ": " + os.error().message};
      cached_ = std::move(*os);
      cached_version_ = OsVersionNumber(cached_.version_id);
      cached_stamp_ = FileStamp{path, st.st_dev, st.st_ino, st.st_size, st.st_mtim};
    }
    MetricSet set;
    set.Gauge("node_os_info",
              "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, "
              "image_version, name, pretty_name, variant, variant_id, version, version_codename, "
              "version_id.",
              1,
              {{"build_id", cached_.build_id},
               {"id", cached_.id},
               {"id_like", cached_.id_like},
               {"image_id", cached_.image_id},
               {"image_version", cached_.image_version},
               {"name", cached_.name},
               {"pretty_name", cached_.pretty_name},
               {"variant", cached_.variant},
               {"variant_id", cached_.variant_id},
               {"version", cached_.version},
               {"version_codename", cached_.version_codename},
               {"version_id", cached_.version_id}});
    if (cached_version_ > 0) {
      set.Gauge("node_os_version", "Metric containing the major.minor part of the OS version.",
                cached_version_,
                {{"id", cached_.id}, {"id_like", cached_.id_like}, {"name", cached_.name}});
    }
    return set.Take();
  }
  return Families{};  // no os-release: nothing to report, not an error
}

}  // namespace opsagent::collectors
