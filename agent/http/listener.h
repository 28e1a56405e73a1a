// Listener: an httplib server with the agent's limits, bound synchronously, served on a thread.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "collectors/result.h"

namespace httplib {
class Server;
}

namespace opsagent::http {

/// Splits "HOST:PORT" / "[V6]:PORT" into host and port; host "" means every address.
Result<std::pair<std::string, int>> SplitHostPort(const std::string& address);

struct ListenerLimits {
  std::size_t workers = 4;
  std::size_t max_queued_connections = 64;
  std::size_t max_body_bytes = 64 * 1024;
};

/// Owns one httplib::Server: bounded worker pool and queue, read/write timeouts, SO_REUSEADDR
/// without SO_REUSEPORT. Register routes on server() before Start. Thread-safety: Start and Stop
/// from one thread.
class Listener {
 public:
  /// `name` appears in the "serving NAME on HOST:PORT" log line tests wait for.
  Listener(std::string name, ListenerLimits limits);
  ~Listener();

  httplib::Server& server() { return *server_; }
  /// Binds synchronously (so a taken port fails startup with a clear error), then serves on a
  /// background thread.
  Status Start(const std::string& listen_address);
  void Stop();
  int port() const { return port_; }

 private:
  std::string name_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace opsagent::http
