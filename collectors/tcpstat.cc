// tcpstat collector: count /proc/net/tcp{,6} sockets per state, emit node_tcp_connection_states.
#include "collectors/tcpstat.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collectors/metric_set.h"
#include "collectors/parse.h"

namespace opsagent::collectors {
namespace {

// A socket line is ~150 bytes; 64 KiB per read keeps syscalls few and memory fixed.
constexpr std::size_t kChunkBytes = 64 * 1024;

constexpr std::array<std::string_view, kTcpStateSlots> kStateNames = {
    "",          "established", "syn_sent",   "syn_recv", "fin_wait1", "fin_wait2",
    "time_wait", "close",       "close_wait", "last_ack", "listen",    "closing"};

std::string LineError(std::size_t line_number, const Status& status) {
  return "line " + std::to_string(line_number) + ": " + status.message();
}

// The header starts with "sl" (the slot column); anything else means this is not a tcp table.
bool IsHeader(std::string_view line) {
  std::string_view first;
  return NextField(line, first) && first == "sl";
}

}  // namespace

std::string_view TcpStateName(std::uint64_t state) {
  return state < kStateNames.size() ? kStateNames[state] : std::string_view();
}

Status AddTcpSocketLine(std::string_view line, TcpStats& stats) {
  std::string_view fields[5];
  if (SplitFields(line, fields, 5) != 5) {
    return Error{"expected at least 5 columns: \"" + std::string(Trim(line)) + "\""};
  }
  std::optional<std::uint64_t> state = ParseHex(fields[3]);
  if (!state || fields[3].size() > 2) {
    return Error{"state is not a hex byte: \"" + std::string(fields[3]) + "\""};
  }
  std::string_view queues = fields[4];
  std::size_t colon = queues.find(':');
  std::optional<std::uint64_t> tx =
      colon == std::string_view::npos ? std::nullopt : ParseHex(queues.substr(0, colon));
  std::optional<std::uint64_t> rx =
      colon == std::string_view::npos ? std::nullopt : ParseHex(queues.substr(colon + 1));
  if (!tx || !rx) {
    return Error{"tx_queue:rx_queue is not two hex numbers: \"" + std::string(queues) + "\""};
  }
  if (!TcpStateName(*state).empty()) ++stats.states[*state];
  stats.tx_queued_bytes += *tx;
  stats.rx_queued_bytes += *rx;
  return Status::Ok();
}

Status ParseTcpTable(std::string_view content, TcpStats& stats) {
  std::string_view line;
  if (!NextLine(content, line) || !IsHeader(line)) {
    return Error{"line 1: missing \"sl local_address ...\" header"};
  }
  for (std::size_t line_number = 2; NextLine(content, line); ++line_number) {
    if (Trim(line).empty()) continue;
    if (Status s = AddTcpSocketLine(line, stats); !s) return Error{LineError(line_number, s)};
  }
  return Status::Ok();
}

const CollectorInfo& TcpstatCollector::StaticInfo() {
  static const CollectorInfo info{"tcpstat",
                                  "TCP connections per state and queued bytes (IPv4 and IPv6).",
                                  {"proc/net/tcp", "proc/net/tcp6"},
                                  true};
  return info;
}

Result<bool> TcpstatCollector::AddFile(const std::string& path, TcpStats& stats) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return false;
    return Error{"open " + path + ": " + std::strerror(err)};
  }
  if (chunk_.size() != kChunkBytes) chunk_.resize(kChunkBytes);

  // chunk_[0, used) holds bytes not yet consumed: at most one partial line after each pass.
  std::size_t used = 0;
  std::size_t line_number = 0;
  bool eof = false;
  Status status;
  while (!eof && status.ok()) {
    if (used == chunk_.size()) {
      status = Error{"line " + std::to_string(line_number + 1) + " is longer than " +
                     std::to_string(kChunkBytes) + " bytes"};
      break;
    }
    ssize_t n = ::read(fd, chunk_.data() + used, chunk_.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      status = Error{std::string("read: ") + std::strerror(errno)};
      break;
    }
    eof = n == 0;
    used += static_cast<std::size_t>(n);

    std::string_view pending(chunk_.data(), used);
    for (;;) {
      std::size_t newline = pending.find('\n');
      if (newline == std::string_view::npos && !(eof && !pending.empty())) break;
      std::string_view line = pending.substr(0, newline);
      pending.remove_prefix(newline == std::string_view::npos ? pending.size() : newline + 1);
      ++line_number;
      if (line_number == 1) {
        if (!IsHeader(line)) {
          status = Error{"line 1: missing \"sl local_address ...\" header"};
          break;
        }
        continue;
      }
      if (Trim(line).empty()) continue;
      if (Status s = AddTcpSocketLine(line, stats); !s) {
        status = Error{LineError(line_number, s)};
        break;
      }
    }
    // Keep the trailing partial line at the front for the next read.
    std::memmove(chunk_.data(), pending.data(), pending.size());
    used = pending.size();
  }
  ::close(fd);
  if (!status.ok()) return Error{path + ": " + status.message()};
  if (line_number == 0) return Error{path + ": empty file"};
  return true;
}

CollectResult TcpstatCollector::Collect(const HostPaths& paths) {
  TcpStats stats;
  bool any = false;
  for (const char* file : {"net/tcp", "net/tcp6"}) {
    Result<bool> read = AddFile(paths.proc(file), stats);
    if (!read) return read.error();
    any = any || *read;
  }
  MetricSet set;
  if (!any) return set.Take();
  constexpr std::string_view kHelp = "Number of connection states.";
  for (std::size_t state = 1; state < kTcpStateSlots; ++state) {
    set.Gauge("node_tcp_connection_states", kHelp, static_cast<double>(stats.states[state]),
              {{"state", std::string(kStateNames[state])}});
  }
  set.Gauge("node_tcp_connection_states", kHelp, static_cast<double>(stats.tx_queued_bytes),
            {{"state", "tx_queued_bytes"}});
  set.Gauge("node_tcp_connection_states", kHelp, static_cast<double>(stats.rx_queued_bytes),
            {{"state", "rx_queued_bytes"}});
  return set.Take();
}

}  // namespace opsagent::collectors
