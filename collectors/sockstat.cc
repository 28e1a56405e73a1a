// sockstat collector: parse the sockstat files, emit node_exporter's node_sockstat_* gauges.
#include "collectors/sockstat.h"

#include <unistd.h>

#include <algorithm>
#include <tuple>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

std::string LineError(std::size_t line_number, std::string_view message, std::string_view line) {
  return "line " + std::to_string(line_number) + ": " + std::string(message) + ": \"" +
         std::string(Trim(line)) + "\"";
}

}  // namespace

Status ParseSockstat(std::string_view content, Sockstat& out) {
  out.sockets_used.reset();
  out.protocols.clear();
  std::string_view line;
  for (std::size_t line_number = 1; NextLine(content, line); ++line_number) {
    std::string_view rest = line;
    std::string_view tag;
    if (!NextField(rest, tag)) continue;  // blank line
    if (tag.size() < 2 || tag.back() != ':') {
      return Error{LineError(line_number, "expected \"<PROTO>:\" first", line)};
    }
    std::string_view protocol = tag.substr(0, tag.size() - 1);
    const bool is_sockets = protocol == "sockets";
    if (is_sockets ? out.sockets_used.has_value()
                   : std::any_of(out.protocols.begin(), out.protocols.end(),
                                 [&](const auto& p) { return p.protocol == protocol; })) {
      return Error{LineError(line_number, "protocol listed twice", line)};
    }
    SockstatProtocol entry;
    entry.protocol = protocol;
    std::int64_t used = 0;
    std::size_t pairs = 0;
    std::string_view key;
    std::string_view value;
    while (NextField(rest, key)) {
      if (!NextField(rest, value)) {
        return Error{LineError(line_number, "odd number of key/value fields", line)};
      }
      ++pairs;
      std::optional<std::int64_t> v = ParseInt(value);
      if (!v) {
        return Error{LineError(line_number, std::string(key) + " is not an integer", line)};
      }
      if (is_sockets) {
        if (key == "used") used = *v;
      } else if (key == "inuse") {
        entry.inuse = *v;
      } else if (key == "orphan") {
        entry.orphan = *v;
      } else if (key == "tw") {
        entry.tw = *v;
      } else if (key == "alloc") {
        entry.alloc = *v;
      } else if (key == "mem") {
        entry.mem = *v;
      } else if (key == "memory") {
        entry.memory = *v;
      }
    }
    if (pairs == 0) return Error{LineError(line_number, "no key/value pairs", line)};
    if (is_sockets) {
      out.sockets_used = used;
    } else {
      out.protocols.push_back(entry);
    }
  }
  return Status::Ok();
}

const CollectorInfo& SockstatCollector::StaticInfo() {
  static const CollectorInfo info{"sockstat",
                                  "Socket counts and socket memory per protocol.",
                                  {"proc/net/sockstat", "proc/net/sockstat6"},
                                  true};
  return info;
}

CollectResult SockstatCollector::Collect(const HostPaths& paths) {
  MetricSet set;
  const double page_size = static_cast<double>(::sysconf(_SC_PAGESIZE));
  std::string name;
  std::string help;
  std::vector<std::string_view> emitted;  // protocols, to keep a bogus repeat out of the output
  for (auto [file, buffer, stat, is_ipv6] :
       {std::tuple{"net/sockstat", &buffer4_, &stat4_, false},
        std::tuple{"net/sockstat6", &buffer6_, &stat6_, true}}) {
    const std::string path = paths.proc(file);
    Result<bool> present = ReadOptionalFile(path, *buffer);
    if (!present) return present.error();
    if (!*present) continue;  // IPv4 or IPv6 disabled on this kernel
    if (Status s = ParseSockstat(*buffer, *stat); !s) return Error{path + ": " + s.message()};

    // sockstat6 has no "sockets:" line; node_exporter only ever reads it from the IPv4 file.
    if (!is_ipv6 && stat->sockets_used) {
      set.Gauge("node_sockstat_sockets_used", "Number of IPv4 sockets in use.",
                static_cast<double>(*stat->sockets_used));
    }
    for (const SockstatProtocol& p : stat->protocols) {
      if (std::find(emitted.begin(), emitted.end(), p.protocol) != emitted.end()) continue;
      emitted.push_back(p.protocol);
      auto emit = [&](std::string_view state, std::optional<double> value) {
        if (!value) return;
        name.assign("node_sockstat_").append(p.protocol).append("_").append(state);
        help.assign("Number of ")
            .append(p.protocol)
            .append(" sockets in state ")
            .append(state)
            .append(".");
        set.Gauge(name, help, *value);
      };
      auto opt = [](const std::optional<std::int64_t>& v) -> std::optional<double> {
        if (!v) return std::nullopt;
        return static_cast<double>(*v);
      };
      emit("inuse", static_cast<double>(p.inuse));
      emit("orphan", opt(p.orphan));
      emit("tw", opt(p.tw));
      emit("alloc", opt(p.alloc));
      emit("mem", opt(p.mem));
      emit("memory", opt(p.memory));
      // "mem" counts pages; node_exporter adds the byte value alongside.
      if (p.mem) emit("mem_bytes", static_cast<double>(*p.mem) * page_size);
    }
  }
  return set.Take();
}

}  // namespace opsagent::collectors
