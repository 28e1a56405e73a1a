// netdev collector: parse /proc/net/dev, emit node_exporter's node_network_*_total counters.
#include "collectors/netdev.h"

#include <re2/re2.h>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// Splits one header section ("bytes    packets errs ...") into column names.
Status ParseHeaderSection(std::string_view section, std::vector<std::string_view>& columns) {
  columns.clear();
  std::string_view field;
  while (NextField(section, field)) columns.push_back(field);
  if (columns.empty()) return Error{"line 2: empty column section in header"};
  return Status::Ok();
}

}  // namespace

Status ParseNetDev(std::string_view content, NetDevTable& table) {
  table.receive_columns.clear();
  table.transmit_columns.clear();
  table.rows.clear();

  std::string_view line;
  if (!NextLine(content, line)) return Error{"empty file"};
  if (!NextLine(content, line)) return Error{"line 2: missing column header"};
  // " face |bytes packets ...|bytes packets ...": interface, receive, transmit.
  std::size_t first_bar = line.find('|');
  std::size_t second_bar =
      first_bar == std::string_view::npos ? first_bar : line.find('|', first_bar + 1);
  if (second_bar == std::string_view::npos ||
      line.find('|', second_bar + 1) != std::string_view::npos) {
    return Error{"line 2: header is not \"face |receive columns|transmit columns\": " +
                 Quoted(line)};
  }
  if (Status s = ParseHeaderSection(line.substr(first_bar + 1, second_bar - first_bar - 1),
                                    table.receive_columns);
      !s) {
    return s;
  }
  if (Status s = ParseHeaderSection(line.substr(second_bar + 1), table.transmit_columns); !s) {
    return s;
  }
  const std::size_t columns = table.receive_columns.size() + table.transmit_columns.size();
  if (columns > kMaxNetDevColumns) {
    return Error{"line 2: " + std::to_string(columns) + " columns, at most " +
                 std::to_string(kMaxNetDevColumns) + " supported"};
  }

  for (std::size_t line_number = 3; NextLine(content, line); ++line_number) {
    if (Trim(line).empty()) continue;
    std::size_t colon = line.find(':');
    std::string_view device = colon == std::string_view::npos ? "" : Trim(line.substr(0, colon));
    if (device.empty()) {
      return Error{"line " + std::to_string(line_number) +
                   ": no \"<device>:\" prefix: " + Quoted(line)};
    }
    NetDevRow& row = table.rows.emplace_back();
    row.device = device;
    std::string_view rest = line.substr(colon + 1);
    std::string_view field;
    std::size_t n = 0;
    for (; NextField(rest, field); ++n) {
      if (n >= columns) continue;  // counted, reported below as a column-count mismatch
      std::optional<std::uint64_t> value = ParseUint(field);
      if (!value) {
        const std::size_t rx = table.receive_columns.size();
        std::string column = n < rx ? "receive_" + std::string(table.receive_columns[n])
                                    : "transmit_" + std::string(table.transmit_columns[n - rx]);
        return Error{"line " + std::to_string(line_number) + ": device " + Quoted(device) + ": " +
                     column + " is not an unsigned integer: " + Quoted(field)};
      }
      row.values[n] = *value;
    }
    if (n != columns) {
      return Error{"line " + std::to_string(line_number) + ": device " + Quoted(device) +
                   ": expected " + std::to_string(columns) + " values, got " + std::to_string(n)};
    }
  }
  return Status::Ok();
}

NetdevCollector::NetdevCollector(const CollectorOptions& options) {
  // Include and exclude are mutually exclusive in node_exporter; an include list wins here so
  // that setting it alone (with the "^lo$" exclude default still present) means what it says.
  if (!options.netdev.device_include.empty()) {
    include_ = std::make_unique<re2::RE2>(options.netdev.device_include);
  } else if (!options.netdev.device_exclude.empty()) {
    exclude_ = std::make_unique<re2::RE2>(options.netdev.device_exclude);
  }
}

NetdevCollector::~NetdevCollector() = default;

const CollectorInfo& NetdevCollector::StaticInfo() {
  static const CollectorInfo info{
      "netdev", "Network interface traffic and error counters.", {"proc/net/dev"}, true};
  return info;
}

bool NetdevCollector::Ignored(std::string_view device) const {
  if (include_) return !RE2::PartialMatch(device, *include_);
  return exclude_ && RE2::PartialMatch(device, *exclude_);
}

CollectResult NetdevCollector::Collect(const HostPaths& paths) {
  const std::string path = paths.proc("net/dev");
  if (Status s = ReadFile(path, buffer_); !s) return Error{s.message()};
  if (Status s = ParseNetDev(buffer_, table_); !s) return Error{path + ": " + s.message()};

  MetricSet set;
  const std::size_t rx = table_.receive_columns.size();
  const std::size_t columns = rx + table_.transmit_columns.size();
  for (const NetDevRow& row : table_.rows) {
    if (Ignored(row.device)) continue;
    for (std::size_t i = 0; i < columns; ++i) {
      std::string_view direction = i < rx ? "receive_" : "transmit_";
      std::string_view column =
          i < rx ? table_.receive_columns[i] : table_.transmit_columns[i - rx];
      name_.assign("node_network_").append(direction).append(column).append("_total");
      help_.assign("Network device statistic ").append(direction).append(column).append(".");
      set.Counter(name_, help_, static_cast<double>(row.values[i]),
                  {{"device", std::string(row.device)}});
    }
  }
  return set.Take();
}

}  // namespace opsagent::collectors
