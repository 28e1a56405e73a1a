// NodeExporter: the real prometheus-node-exporter on loopback, the reference we compare against.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace opsagent::testing {

/// The node_exporter collectors that have an opsagent counterpart of the same name.
const std::vector<std::string>& ComparableCollectors();

/// A free TCP port on 127.0.0.1 (bound and released; a small race is acceptable in tests).
int FreeLoopbackPort();

/// Runs prometheus-node-exporter on 127.0.0.1 with only `collectors` enabled plus `extra_flags`.
/// Stopped and reaped by PID in the destructor. Not thread-safe.
class NodeExporter {
 public:
  NodeExporter(const std::vector<std::string>& collectors,
               const std::vector<std::string>& extra_flags);
  ~NodeExporter();
  NodeExporter(const NodeExporter&) = delete;
  NodeExporter& operator=(const NodeExporter&) = delete;

  bool started() const { return started_; }
  /// One scrape of /metrics ("" on failure).
  std::string Scrape() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace opsagent::testing
