// MetricsServer: the /metrics listener (cached exposition, health and readiness endpoints).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "agent/core/agent.h"
#include "agent/http/listener.h"
#include "collectors/result.h"

namespace httplib {
class Server;
}

namespace opsagent::http {

/// Whether an Accept-Encoding header value admits gzip (a "gzip" or "*" coding without q=0).
bool AcceptsGzip(std::string_view accept_encoding);

/// Serves GET /metrics from the agent's cached exposition (gzip when accepted), /-/healthy and
/// /-/ready. Scrapes never trigger collection. Thread-safety: Start/Stop from one thread; the
/// handlers run on the server's bounded worker pool and only read thread-safe agent state.
class MetricsServer {
 public:
  explicit MetricsServer(const core::Agent& agent);
  ~MetricsServer();

  /// Binds synchronously (so a taken port fails startup with a clear error), then serves on a
  /// background thread.
  Status Start(const std::string& listen_address);
  void Stop();
  /// The bound port (useful with port 0).
  int port() const { return port_; }

 private:
  void InstallRoutes();

  const core::Agent& agent_;
  std::unique_ptr<Listener> listener_;
  httplib::Server* server_ = nullptr;
  int port_ = 0;
};

}  // namespace opsagent::http
