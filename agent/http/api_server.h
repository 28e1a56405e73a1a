// ApiServer: the API listener (default 127.0.0.1:9811) serving the Prometheus-compatible
// read-only API from the agent's rule store and rule manager.
#pragma once

#include <memory>
#include <string>

#include "agent/api/api.h"
#include "agent/core/agent.h"
#include "agent/http/listener.h"
#include "collectors/result.h"

namespace opsagent::http {

/// Thread-safety: Start/Stop from one thread; handlers run on the listener's bounded pool.
class ApiServer {
 public:
  /// `agent` must have been Init()ed (its rule engine exists).
  explicit ApiServer(const core::Agent& agent);
  ~ApiServer();

  Status Start(const std::string& listen_address);
  void Stop();
  int port() const;

 private:
  api::ApiContext context_;
  std::unique_ptr<Listener> listener_;
};

}  // namespace opsagent::http
