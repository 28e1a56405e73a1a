// Config loading: YAML -> typed Config, collecting every problem with its FILE:LINE:COL.
#include "agent/config/config.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "agent/config/duration.h"
#include "collectors/parse.h"
#include "collectors/registry.h"

namespace opsagent::config {
namespace {

using std::chrono::milliseconds;

// The schema: for each section (a dotted path; "collectors.*" is any collector without options
// of its own, "[]" a list item), the keys it accepts. The loader checks keys against it and
// KnownConfigKeys() lists it, so the docs test sees exactly what the loader accepts.
const std::map<std::string, std::vector<std::string>>& Schema() {
  static const std::map<std::string, std::vector<std::string>> kSchema = {
      {"",
       {"global", "web", "api", "paths", "log", "collectors", "rule_files", "rules", "state_dir"}},
      {"global", {"collect_interval", "collect_timeout", "evaluation_interval", "external_labels"}},
      {"web", {"listen_address"}},
      {"api", {"listen_address"}},
      {"rules", {"builtin_pack", "max_series_history", "query_timeout", "query_max_samples"}},
      {"paths", {"procfs", "sysfs", "rootfs"}},
      {"log", {"level", "format"}},
      {"collectors.*", {"enabled"}},
      {"collectors.filesystem",
       {"enabled", "mount_points_exclude", "fs_types_exclude", "mount_timeout"}},
      {"collectors.netdev", {"enabled", "device_exclude", "device_include"}},
      {"collectors.netclass", {"enabled", "ignored_devices"}},
      {"collectors.diskstats", {"enabled", "device_exclude"}},
      {"collectors.process", {"enabled", "groups", "top_n"}},
      {"collectors.process.groups[]", {"name", "comm", "cmdline"}},
  };
  return kSchema;
}

const std::vector<std::string>& SchemaKeys(const std::string& section) {
  return Schema().at(section);
}

bool IsAbsent(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

// Walks the YAML tree with the schema written out in code, so every problem carries the mark
// of the node it is about. Never throws; YAML exceptions become problems.
class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  LoadResult Load(std::string_view yaml) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::ParserException& e) {
      Add(e.mark, "YAML syntax error: " + e.msg);
      return Finish();
    }
    if (IsAbsent(root)) return Finish();  // an empty file means "all defaults"
    if (!ExpectMap(root, "top level")) return Finish();
    CheckKeys(root, SchemaKeys(""), "");
    LoadGlobal(root["global"]);
    LoadWeb(root["web"]);
    LoadPaths(root["paths"]);
    LoadLog(root["log"]);
    LoadCollectors(root["collectors"]);
    LoadApi(root["api"]);
    LoadRuleSettings(root);
    ReadString(root, "state_dir", "state_dir", config_.state_dir);
    if (config_.state_dir.empty()) Add(root["state_dir"].Mark(), "state_dir: must not be empty");
    return Finish();
  }

 private:
  LoadResult Finish() {
    if (!timeout_set_) {
      // Leave a fifth of the interval (at most 2s) between the deadline and the next cycle.
      milliseconds slack = std::min(milliseconds(2000), config_.collect_interval / 5);
      config_.collect_timeout = config_.collect_interval - slack;
    }
    if (config_.evaluation_interval.count() == 0) {
      config_.evaluation_interval = config_.collect_interval;
    } else if (config_.evaluation_interval < config_.collect_interval) {
      Add(evaluation_mark_, "global.evaluation_interval (" +
                                FormatDuration(config_.evaluation_interval) +
                                ") must not be shorter than global.collect_interval (" +
                                FormatDuration(config_.collect_interval) +
                                "): rules are evaluated right after a collection");
    }
    if (config_.collect_timeout > config_.collect_interval) {
      Add(timeout_mark_, "global.collect_timeout (" + FormatDuration(config_.collect_timeout) +
                             ") must not exceed global.collect_interval (" +
                             FormatDuration(config_.collect_interval) + ")");
    }
    config_.source = file_;
    return LoadResult{std::move(config_), std::move(problems_)};
  }

  void Add(const YAML::Mark& mark, std::string message) {
    problems_.push_back(Problem{file_, mark.line >= 0 ? mark.line + 1 : 0,
                                mark.column >= 0 ? mark.column + 1 : 0, std::move(message)});
  }

  bool ExpectMap(const YAML::Node& node, std::string_view path) {
    if (node.IsMap()) return true;
    Add(node.Mark(), std::string(path) + ": expected a mapping");
    return false;
  }

  // Reports unknown and duplicate keys. `prefix` is the dotted path of `map` ("collectors.cpu").
  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                 std::string_view prefix) {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        Add(it->first.Mark(), "keys must be strings");
        continue;
      }
      std::string key = it->first.Scalar();
      std::string full = prefix.empty() ? key : std::string(prefix) + "." + key;
      if (!seen.insert(key).second) Add(it->first.Mark(), "duplicate key " + full);
      bool known = std::find(allowed.begin(), allowed.end(), key) != allowed.end();
      if (!known) Add(it->first.Mark(), "unknown key " + full);
    }
  }

  // Returns the section as a map, or an undefined node when absent/null/invalid.
  YAML::Node Section(const YAML::Node& node, std::string_view path) {
    if (IsAbsent(node)) return YAML::Node(YAML::NodeType::Undefined);
    if (!ExpectMap(node, path)) return YAML::Node(YAML::NodeType::Undefined);
    return node;
  }

  bool ReadScalar(const YAML::Node& node, std::string_view path, std::string& out) {
    if (!node.IsScalar()) {
      Add(node.Mark(), std::string(path) + ": expected a string");
      return false;
    }
    out = node.Scalar();
    return true;
  }

  void ReadString(const YAML::Node& parent, const char* key, std::string_view path,
                  std::string& out) {
    if (!parent.IsDefined() || IsAbsent(parent[key])) return;
    ReadScalar(parent[key], path, out);
  }

  void ReadEnum(const YAML::Node& parent, const char* key, std::string_view path,
                std::initializer_list<std::string_view> allowed, std::string& out) {
    std::string value = out;
    if (!parent.IsDefined() || IsAbsent(parent[key])) return;
    if (!ReadScalar(parent[key], path, value)) return;
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Add(parent[key].Mark(), std::string(path) + ": \"" + value + "\" is not one of " + list);
      return;
    }
    out = value;
  }

  bool ReadDuration(const YAML::Node& parent, const char* key, std::string_view path,
                    milliseconds minimum, milliseconds& out) {
    if (!parent.IsDefined() || IsAbsent(parent[key])) return false;
    std::string text;
    if (!ReadScalar(parent[key], path, text)) return false;
    std::optional<milliseconds> parsed = ParseDuration(text);
    if (!parsed) {
      Add(parent[key].Mark(),
          std::string(path) + ": \"" + text + "\" is not a duration (examples: 500ms, 10s, 1m30s)");
      return false;
    }
    if (*parsed < minimum) {
      Add(parent[key].Mark(),
          std::string(path) + ": " + text + " is below the minimum of " + FormatDuration(minimum));
      return false;
    }
    out = *parsed;
    return true;
  }

  void ReadBool(const YAML::Node& parent, const char* key, std::string_view path, bool& out) {
    if (!parent.IsDefined() || IsAbsent(parent[key])) return;
    const YAML::Node node = parent[key];
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      Add(node.Mark(), std::string(path) + ": expected true or false");
      return;
    }
    out = value;
  }

  void ReadInt(const YAML::Node& parent, const char* key, std::string_view path, int minimum,
               int maximum, int& out) {
    if (!parent.IsDefined() || IsAbsent(parent[key])) return;
    const YAML::Node node = parent[key];
    int value = 0;
    if (!node.IsScalar() || !YAML::convert<int>::decode(node, value)) {
      Add(node.Mark(), std::string(path) + ": expected an integer");
      return;
    }
    if (value < minimum || value > maximum) {
      Add(node.Mark(), std::string(path) + ": " + std::to_string(value) + " is out of range [" +
                           std::to_string(minimum) + ", " + std::to_string(maximum) + "]");
      return;
    }
    out = value;
  }

  void ReadRegex(const YAML::Node& parent, const char* key, std::string_view path,
                 std::string& out) {
    if (!parent.IsDefined() || IsAbsent(parent[key])) return;
    std::string pattern;
    if (!ReadScalar(parent[key], path, pattern)) return;
    RE2 re(pattern, RE2::Quiet);
    if (!re.ok()) {
      Add(parent[key].Mark(),
          std::string(path) + ": invalid regular expression \"" + pattern + "\": " + re.error());
      return;
    }
    out = pattern;
  }

  void LoadGlobal(const YAML::Node& node) {
    YAML::Node global = Section(node, "global");
    if (!global.IsDefined()) return;
    CheckKeys(global, SchemaKeys("global"), "global");
    ReadDuration(global, "collect_interval", "global.collect_interval", milliseconds(1000),
                 config_.collect_interval);
    if (ReadDuration(global, "collect_timeout", "global.collect_timeout", milliseconds(10),
                     config_.collect_timeout)) {
      timeout_set_ = true;
      timeout_mark_ = global["collect_timeout"].Mark();
    }
    if (ReadDuration(global, "evaluation_interval", "global.evaluation_interval",
                     milliseconds(1000), config_.evaluation_interval)) {
      evaluation_mark_ = global["evaluation_interval"].Mark();
    }
    LoadExternalLabels(global["external_labels"]);
  }

  void LoadExternalLabels(const YAML::Node& node) {
    if (IsAbsent(node)) return;
    if (!ExpectMap(node, "global.external_labels")) return;
    static const RE2 kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string name = it->first.Scalar();
      std::string path = "global.external_labels." + name;
      if (!RE2::FullMatch(name, kLabelName) || name.starts_with("__")) {
        Add(it->first.Mark(), path + ": \"" + name + "\" is not a valid label name");
        continue;
      }
      std::string value;
      if (!ReadScalar(it->second, path, value)) continue;
      config_.external_labels.emplace_back(name, value);
    }
  }

  void LoadApi(const YAML::Node& node) {
    YAML::Node api = Section(node, "api");
    if (!api.IsDefined()) return;
    CheckKeys(api, SchemaKeys("api"), "api");
    std::string address = config_.api_listen_address;
    ReadString(api, "listen_address", "api.listen_address", address);
    if (address.empty()) {
      config_.api_listen_address.clear();
      return;
    }
    if (std::string error = ValidateListenAddress(address); !error.empty()) {
      Add(api["listen_address"].Mark(), "api.listen_address: " + error);
      return;
    }
    config_.api_listen_address = address;
  }

  void LoadRuleSettings(const YAML::Node& root) {
    const YAML::Node files = root["rule_files"];
    if (!IsAbsent(files)) {
      if (!files.IsSequence()) {
        Add(files.Mark(), "rule_files: expected a list of file globs");
      } else {
        for (std::size_t i = 0; i < files.size(); ++i) {
          std::string glob;
          if (ReadScalar(files[i], "rule_files[" + std::to_string(i) + "]", glob)) {
            config_.rule_files.push_back(glob);
          }
        }
      }
    }
    YAML::Node rules = Section(root["rules"], "rules");
    if (!rules.IsDefined()) return;
    CheckKeys(rules, SchemaKeys("rules"), "rules");
    ReadBool(rules, "builtin_pack", "rules.builtin_pack", config_.builtin_rule_pack);
    ReadInt(rules, "max_series_history", "rules.max_series_history", 0, 10000000,
            config_.max_series_history);
    ReadDuration(rules, "query_timeout", "rules.query_timeout", milliseconds(10),
                 config_.query_timeout);
    ReadInt(rules, "query_max_samples", "rules.query_max_samples", 1000, 1000000000,
            config_.query_max_samples);
  }

  void LoadWeb(const YAML::Node& node) {
    YAML::Node web = Section(node, "web");
    if (!web.IsDefined()) return;
    CheckKeys(web, SchemaKeys("web"), "web");
    std::string address = config_.listen_address;
    ReadString(web, "listen_address", "web.listen_address", address);
    if (std::string error = ValidateListenAddress(address); !error.empty()) {
      Add(web["listen_address"].Mark(), "web.listen_address: " + error);
      return;
    }
    config_.listen_address = address;
  }

  void LoadPaths(const YAML::Node& node) {
    YAML::Node paths = Section(node, "paths");
    if (!paths.IsDefined()) return;
    CheckKeys(paths, SchemaKeys("paths"), "paths");
    ReadString(paths, "procfs", "paths.procfs", config_.procfs);
    ReadString(paths, "sysfs", "paths.sysfs", config_.sysfs);
    ReadString(paths, "rootfs", "paths.rootfs", config_.rootfs);
  }

  void LoadLog(const YAML::Node& node) {
    YAML::Node log = Section(node, "log");
    if (!log.IsDefined()) return;
    CheckKeys(log, SchemaKeys("log"), "log");
    ReadEnum(log, "level", "log.level", {"trace", "debug", "info", "warn", "error", "off"},
             config_.log_level);
    ReadEnum(log, "format", "log.format", {"text", "json"}, config_.log_format);
  }

  void LoadCollectors(const YAML::Node& node) {
    const collectors::CollectorRegistry& registry = collectors::BuiltinCollectors();
    for (const auto& entry : registry.entries()) {
      config_.collectors_enabled[std::string(entry.info->name)] = entry.info->default_enabled;
    }
    YAML::Node section = Section(node, "collectors");
    if (!section.IsDefined()) return;
    for (auto it = section.begin(); it != section.end(); ++it) {
      std::string name = it->first.Scalar();
      std::string path = "collectors." + name;
      if (registry.Find(name) == nullptr) {
        Add(it->first.Mark(), "unknown collector " + name);
        continue;
      }
      YAML::Node body = Section(it->second, path);
      if (!body.IsDefined()) continue;
      ReadBool(body, "enabled", path + ".enabled", config_.collectors_enabled[name]);
      LoadCollectorOptions(name, body, path);
    }
  }

  void LoadCollectorOptions(const std::string& name, const YAML::Node& body,
                            const std::string& path) {
    collectors::CollectorOptions& o = config_.collector_options;
    if (name == "filesystem") {
      CheckKeys(body, SchemaKeys("collectors.filesystem"), path);
      ReadRegex(body, "mount_points_exclude", path + ".mount_points_exclude",
                o.filesystem.mount_points_exclude);
      ReadRegex(body, "fs_types_exclude", path + ".fs_types_exclude",
                o.filesystem.fs_types_exclude);
      ReadDuration(body, "mount_timeout", path + ".mount_timeout", milliseconds(1),
                   o.filesystem.mount_timeout);
    } else if (name == "netdev") {
      CheckKeys(body, SchemaKeys("collectors.netdev"), path);
      ReadRegex(body, "device_exclude", path + ".device_exclude", o.netdev.device_exclude);
      ReadRegex(body, "device_include", path + ".device_include", o.netdev.device_include);
    } else if (name == "netclass") {
      CheckKeys(body, SchemaKeys("collectors.netclass"), path);
      ReadRegex(body, "ignored_devices", path + ".ignored_devices", o.netclass.ignored_devices);
    } else if (name == "diskstats") {
      CheckKeys(body, SchemaKeys("collectors.diskstats"), path);
      ReadRegex(body, "device_exclude", path + ".device_exclude", o.diskstats.device_exclude);
    } else if (name == "process") {
      CheckKeys(body, SchemaKeys("collectors.process"), path);
      ReadInt(body, "top_n", path + ".top_n", 0, 1000, o.process.top_n);
      LoadProcessGroups(body["groups"], path + ".groups");
    } else {
      CheckKeys(body, SchemaKeys("collectors.*"), path);
    }
  }

  void LoadProcessGroups(const YAML::Node& node, const std::string& path) {
    if (IsAbsent(node)) return;
    if (!node.IsSequence()) {
      Add(node.Mark(), path + ": expected a list of groups");
      return;
    }
    constexpr std::size_t kMaxGroups = 256;  // every group is a label value on several series
    if (node.size() > kMaxGroups) {
      Add(node.Mark(), path + ": at most " + std::to_string(kMaxGroups) + " groups");
      return;
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node item = node[i];
      std::string item_path = path + "[" + std::to_string(i) + "]";
      if (!ExpectMap(item, item_path)) continue;
      CheckKeys(item, SchemaKeys("collectors.process.groups[]"), item_path);
      collectors::ProcessGroup group;
      ReadString(item, "name", item_path + ".name", group.name);
      ReadRegex(item, "comm", item_path + ".comm", group.comm);
      ReadRegex(item, "cmdline", item_path + ".cmdline", group.cmdline);
      if (group.name.empty()) {
        Add(item.Mark(), item_path + ".name: required");
        continue;
      }
      if (!names.insert(group.name).second) {
        Add(item["name"].Mark(), item_path + ".name: duplicate group name \"" + group.name + "\"");
      }
      if (group.comm.empty() && group.cmdline.empty()) {
        Add(item.Mark(), item_path + ": needs comm or cmdline (or both)");
        continue;
      }
      config_.collector_options.process.groups.push_back(std::move(group));
    }
  }

  static std::string ValidateListenAddress(const std::string& address) {
    std::size_t colon = address.rfind(':');
    if (colon == std::string::npos) return "\"" + address + "\" is not HOST:PORT";
    std::string host = address.substr(0, colon);
    std::string port = address.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() != ']') {
      return "\"" + address + "\": unterminated IPv6 bracket";
    }
    if (host.find(':') != std::string::npos && host.front() != '[') {
      return "\"" + address + "\": IPv6 addresses need brackets, e.g. [::1]:9810";
    }
    int value = 0;
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos ||
        (value = std::stoi(port)) < 0 || value > 65535) {
      return "\"" + address + "\": port must be a number from 0 to 65535";
    }
    return "";
  }

  std::string file_;
  Config config_;
  std::vector<Problem> problems_;
  bool timeout_set_ = false;
  YAML::Mark timeout_mark_ = YAML::Mark::null_mark();
  YAML::Mark evaluation_mark_ = YAML::Mark::null_mark();
};

}  // namespace

std::string Problem::ToString() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

bool Config::CollectorEnabled(std::string_view name) const {
  auto it = collectors_enabled.find(name);
  return it != collectors_enabled.end() && it->second;
}

LoadResult LoadConfigString(std::string_view yaml, const std::string& file) {
  return Loader(file).Load(yaml);
}

LoadResult LoadConfigFile(const std::string& path) {
  // collectors::ReadFile refuses directories (EISDIR on read) and bounds the size.
  std::string content;
  if (Status read = collectors::ReadFile(path, content); !read.ok()) {
    LoadResult result;
    result.problems.push_back(Problem{path, 0, 0, "cannot read config file: " + read.message()});
    return result;
  }
  return LoadConfigString(content, path);
}

std::vector<std::string> KnownConfigKeys() {
  std::vector<std::string> keys;
  for (const auto& [section, names] : Schema()) {
    for (const std::string& name : names) {
      // "enabled" is documented once, as collectors.*.enabled.
      if (name == "enabled" && section != "collectors.*") continue;
      std::string path = section.empty() ? name : section + "." + name;
      if (!Schema().count(path) && !(section.empty() && name == "collectors")) {
        keys.push_back(path);
      }
    }
  }
  return keys;
}

LoadResult LoadEmbeddedDefault() { return LoadConfigString(EmbeddedDefaultConfig(), "<embedded>"); }

}  // namespace opsagent::config
