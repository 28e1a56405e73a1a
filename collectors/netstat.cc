// netstat collector: parse the SNMP/netstat counter files, emit node_exporter's node_netstat_*.
#include "collectors/netstat.h"

#include <re2/re2.h>

#include <optional>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// Kernel counters are integers (Tcp MaxConn is -1, most are u64); anything else, including the
// "inf"/"nan" a float parser would accept, is refused.
std::optional<double> ParseCounter(std::string_view s) {
  if (std::optional<std::int64_t> v = ParseInt(s)) return static_cast<double>(*v);
  if (std::optional<std::uint64_t> v = ParseUint(s)) return static_cast<double>(*v);
  return std::nullopt;
}

// "TcpExt:" -> "TcpExt"; empty when the field is not a protocol tag.
std::string_view ProtocolTag(std::string_view field) {
  if (field.size() < 2 || field.back() != ':') return {};
  return field.substr(0, field.size() - 1);
}

}  // namespace

Status ParseNetstatPairs(std::string_view content, std::vector<NetstatEntry>& out) {
  std::string_view header;
  std::string_view values;
  std::size_t line_number = 0;
  while (NextLine(content, header)) {
    ++line_number;
    if (Trim(header).empty()) continue;
    std::string_view tag;
    NextField(header, tag);
    std::string_view protocol = ProtocolTag(tag);
    if (protocol.empty()) {
      return Error{"line " + std::to_string(line_number) + ": expected \"<Protocol>:\", got " +
                   Quoted(tag)};
    }
    if (!NextLine(content, values)) {
      return Error{"line " + std::to_string(line_number) + ": protocol " + std::string(protocol) +
                   ": header without a value line"};
    }
    ++line_number;
    std::string_view value_tag;
    NextField(values, value_tag);
    if (value_tag != tag) {
      return Error{"line " + std::to_string(line_number) + ": protocol " + std::string(protocol) +
                   ": value line starts with " + Quoted(value_tag) + ", not " + Quoted(tag)};
    }
    const std::size_t first = out.size();
    std::string_view name;
    std::string_view value;
    std::size_t names = 0;
    std::size_t count = 0;
    for (;;) {
      bool has_name = NextField(header, name);
      bool has_value = NextField(values, value);
      names += has_name;
      count += has_value;
      if (!has_name || !has_value) {
        while (NextField(header, name)) ++names;
        while (NextField(values, value)) ++count;
        break;
      }
      std::optional<double> parsed = ParseCounter(value);
      if (!parsed) {
        out.resize(first);
        return Error{"line " + std::to_string(line_number) + ": protocol " + std::string(protocol) +
                     ": " + std::string(name) + " is not an integer: " + Quoted(value)};
      }
      out.push_back(NetstatEntry{protocol, name, *parsed});
    }
    if (names != count) {
      out.resize(first);
      return Error{"line " + std::to_string(line_number) + ": protocol " + std::string(protocol) +
                   ": field count mismatch, " + std::to_string(names) + " names but " +
                   std::to_string(count) + " values"};
    }
  }
  return Status::Ok();
}

Status ParseSnmp6(std::string_view content, std::vector<NetstatEntry>& out) {
  std::string_view line;
  std::size_t line_number = 0;
  while (NextLine(content, line)) {
    ++line_number;
    std::string_view fields[3];
    std::size_t n = SplitFields(line, fields, 3);
    if (n == 0) continue;
    if (n != 2) {
      return Error{"line " + std::to_string(line_number) + ": expected \"<name> <value>\", got " +
                   Quoted(Trim(line))};
    }
    std::size_t six = fields[0].find('6');
    if (six == std::string_view::npos || six + 1 == fields[0].size()) continue;
    std::optional<double> value = ParseCounter(fields[1]);
    if (!value) {
      return Error{"line " + std::to_string(line_number) + ": " + std::string(fields[0]) +
                   " is not an integer: " + Quoted(fields[1])};
    }
    out.push_back(NetstatEntry{fields[0].substr(0, six + 1), fields[0].substr(six + 1), *value});
  }
  return Status::Ok();
}

NetstatCollector::NetstatCollector()
    : fields_(std::make_unique<re2::RE2>(
          re2::StringPiece(kNetstatDefaultFields.data(), kNetstatDefaultFields.size()))) {}

NetstatCollector::~NetstatCollector() = default;

const CollectorInfo& NetstatCollector::StaticInfo() {
  static const CollectorInfo info{"netstat",
                                  "IP, ICMP, TCP and UDP protocol counters (a default subset).",
                                  {"proc/net/netstat", "proc/net/snmp", "proc/net/snmp6"},
                                  true};
  return info;
}

CollectResult NetstatCollector::Collect(const HostPaths& paths) {
  entries_.clear();
  for (auto [file, buffer] :
       {std::pair{"net/netstat", &netstat_buffer_}, std::pair{"net/snmp", &snmp_buffer_}}) {
    const std::string path = paths.proc(file);
    if (Status s = ReadFile(path, *buffer); !s) return Error{s.message()};
    if (Status s = ParseNetstatPairs(*buffer, entries_); !s) {
      return Error{path + ": " + s.message()};
    }
  }
  const std::string snmp6_path = paths.proc("net/snmp6");
  Result<bool> has_snmp6 = ReadOptionalFile(snmp6_path, snmp6_buffer_);
  if (!has_snmp6) return has_snmp6.error();
  if (*has_snmp6) {
    if (Status s = ParseSnmp6(snmp6_buffer_, entries_); !s) {
      return Error{snmp6_path + ": " + s.message()};
    }
  }

  MetricSet set;
  emitted_.clear();
  std::string name;
  std::string help;
  for (const NetstatEntry& entry : entries_) {
    key_.assign(entry.protocol).append("_").append(entry.field);
    if (!RE2::PartialMatch(key_, *fields_)) continue;
    // The kernel never repeats a counter; if a file ever did, the first value wins rather than
    // emitting two samples with identical labels.
    if (!emitted_.insert(key_).second) continue;
    name.assign("node_netstat_").append(key_);
    help.assign("Statistic ").append(entry.protocol).append(entry.field).append(".");
    set.Untyped(name, help, entry.value);
  }
  return set.Take();
}

}  // namespace opsagent::collectors
