// The API listener: routes from agent/api, JSON errors for unknown paths and failures.
#include "agent/http/api_server.h"

#include <httplib.h>

#include <chrono>

#include "agent/core/self_metrics.h"

namespace opsagent::http {
namespace {

// Query bodies are form-encoded PromQL; 1 MiB is far beyond any real query and bounds memory.
constexpr std::size_t kMaxBodyBytes = 1024 * 1024;
constexpr std::size_t kWorkers = 4;
constexpr std::size_t kMaxQueuedConnections = 64;

std::int64_t UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ApiServer::ApiServer(const core::Agent& agent)
    : listener_(std::make_unique<Listener>(
          "api", ListenerLimits{kWorkers, kMaxQueuedConnections, kMaxBodyBytes})) {
  const core::RuleEngine* rules = agent.rule_engine();
  context_.store = &rules->store();
  context_.manager = &rules->manager();
  context_.query_timeout = agent.config().query_timeout;
  context_.query_max_samples = static_cast<std::size_t>(agent.config().query_max_samples);
  context_.now_ms = UnixNowMs;
  context_.version = core::Version();
  context_.revision = core::Revision();

  httplib::Server& server = listener_->server();
  api::RegisterRoutes(server, context_);
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) {
      api::WriteError(res, 404, "not_found", "no such API endpoint");
    } else if (res.status == 405) {
      api::WriteError(res, 405, "bad_data", "method not allowed");
    } else if (res.status == 413) {
      api::WriteError(res, 413, "bad_data", "request body too large");
    } else {
      api::WriteError(res, res.status, "bad_data", "bad request");
    }
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        api::WriteError(res, 500, "internal", "internal error while handling the request");
      });
}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start(const std::string& listen_address) {
  return listener_->Start(listen_address);
}

void ApiServer::Stop() { listener_->Stop(); }

int ApiServer::port() const { return listener_->port(); }

}  // namespace opsagent::http
