// meminfo collector: parse /proc/meminfo generically, emit node_exporter 1.5's node_memory_*.
#include "collectors/meminfo.h"

#include <optional>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

bool IsMetricNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

}  // namespace

Status ParseMeminfo(std::string_view content, std::vector<MeminfoField>& out) {
  out.clear();
  std::string_view rest = content;
  std::string_view line;
  int line_no = 0;
  while (NextLine(rest, line)) {
    ++line_no;
    auto fail = [&](std::string_view what) {
      return Error{"line " + std::to_string(line_no) + " " + Snippet(line) + ": " +
                   std::string(what)};
    };
    std::string_view columns[4];
    const std::size_t n = SplitFields(line, columns, 4);
    if (n == 0) continue;
    if (n == 1) return fail("missing value");
    if (n > 3) return fail("expected \"Key: value [kB]\", got extra columns");
    std::string_view key = columns[0];
    if (key.size() < 2 || key.back() != ':') return fail("key does not end in ':'");
    key.remove_suffix(1);
    std::optional<std::uint64_t> value = ParseUint(columns[1]);
    if (!value) return fail("value is not a number");
    // The kernel writes kB for sizes and nothing for counts (HugePages_*); any other unit would
    // make the *1024 below wrong.
    if (n == 3 && columns[2] != "kB") return fail("unit is not kB");
    if (out.size() == kMaxMeminfoFields) {
      return fail("more than " + std::to_string(kMaxMeminfoFields) + " fields");
    }
    out.push_back(MeminfoField{key, *value, n == 3});
  }
  return Status::Ok();
}

std::string MeminfoMetricName(std::string_view key, bool kilobytes) {
  std::string name = "node_memory_";
  // node_exporter 1.5 rewrites `\((.*)\)` to `_$1`: the first '(' through the last ')'.
  const std::size_t open = key.find('(');
  const std::size_t close = key.rfind(')');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    name.append(key.substr(0, open));
    name.push_back('_');
    name.append(key.substr(open + 1, close - open - 1));
    name.append(key.substr(close + 1));
  } else {
    name.append(key);
  }
  for (std::size_t i = sizeof("node_memory_") - 1; i < name.size(); ++i) {
    if (!IsMetricNameChar(name[i])) name[i] = '_';
  }
  if (kilobytes) name.append("_bytes");
  return name;
}

const CollectorInfo& MeminfoCollector::StaticInfo() {
  static const CollectorInfo info{
      "meminfo",
      "Every field of /proc/meminfo, in bytes where the kernel gives kB.",
      {"proc/meminfo"},
      true};
  return info;
}

CollectResult MeminfoCollector::Collect(const HostPaths& paths) {
  const std::string path = paths.proc("meminfo");
  if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
  if (Status s = ParseMeminfo(buffer_, fields_); !s) return Error{path + ": " + s.message()};
  MetricSet set;
  for (const MeminfoField& field : fields_) {
    const std::string name = MeminfoMetricName(field.key, field.kilobytes);
    const std::size_t before = set.family_count();
    const double value = field.kilobytes ? static_cast<double>(field.value) * 1024.0
                                         : static_cast<double>(field.value);
    set.Gauge(name, "Memory information field " + name.substr(sizeof("node_memory_") - 1) + ".",
              value);
    // Two lines mapping to one name would make a duplicate series, which Prometheus rejects.
    if (set.family_count() == before) {
      return Error{path + ": field \"" + std::string(field.key) + "\" duplicates " + name};
    }
  }
  return set.Take();
}

}  // namespace opsagent::collectors
