// vmstat collector: parse /proc/vmstat, emit node_exporter's default node_vmstat_* selection.
#include "collectors/vmstat.h"

#include <optional>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

bool IsMetricNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

Status ParseVmstat(std::string_view content, std::vector<VmstatField>& out) {
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
    std::string_view columns[3];
    const std::size_t n = SplitFields(line, columns, 3);
    if (n == 0) continue;
    if (n != 2) return fail("expected \"name value\"");
    for (char c : columns[0]) {
      if (!IsMetricNameChar(c)) return fail("name has a character not allowed in a metric name");
    }
    std::optional<std::uint64_t> value = ParseUint(columns[1]);
    if (!value) return fail("value is not a number");
    if (out.size() == kMaxVmstatFields) {
      return fail("more than " + std::to_string(kMaxVmstatFields) + " fields");
    }
    out.push_back(VmstatField{columns[0], *value});
  }
  return Status::Ok();
}

VmstatCollector::VmstatCollector() : fields_re_(kVmstatFields) {}

const CollectorInfo& VmstatCollector::StaticInfo() {
  static const CollectorInfo info{
      "vmstat",
      "Paging, swapping, page-fault and OOM-kill counters from /proc/vmstat.",
      {"proc/vmstat"},
      true};
  return info;
}

CollectResult VmstatCollector::Collect(const HostPaths& paths) {
  const std::string path = paths.proc("vmstat");
  if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
  if (Status s = ParseVmstat(buffer_, fields_); !s) return Error{path + ": " + s.message()};
  MetricSet set;
  for (const VmstatField& field : fields_) {
    if (!RE2::PartialMatch(field.name, fields_re_)) continue;
    const std::string name(field.name);
    const std::size_t before = set.family_count();
    set.Untyped("node_vmstat_" + name, "/proc/vmstat information field " + name + ".",
                static_cast<double>(field.value));
    // A repeated name would make a duplicate series, which Prometheus rejects.
    if (set.family_count() == before) return Error{path + ": field \"" + name + "\" repeats"};
  }
  return set.Take();
}

}  // namespace opsagent::collectors
