// The read-only Prometheus-compatible HTTP API: /api/v1/query, query_range, series, labels,
// label/<name>/values, rules, alerts. One file per resource; this header is their contract.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/result.h"
#include "rules/manager.h"
#include "rules/store/memory_store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace opsagent::api {

/// What the handlers read. Every member is safe to use from the HTTP worker threads.
struct ApiContext {
  const rules::MemoryStore* store = nullptr;
  const rules::Manager* manager = nullptr;
  /// Upper bound for a query's `timeout` parameter (rules.query_timeout).
  std::chrono::milliseconds query_timeout{10000};
  std::size_t query_max_samples = 5000000;
  std::function<std::int64_t()> now_ms;
  std::string version;
  std::string revision;
};

/// Registers every route (GET, and POST with a form body where Prometheus accepts it).
void RegisterRoutes(httplib::Server& server, const ApiContext& context);

// Resources (query.cc, series.cc, rules.cc, status.cc).
void HandleQuery(const ApiContext& context, const httplib::Request& req, httplib::Response& res);
void HandleQueryRange(const ApiContext& context, const httplib::Request& req,
                      httplib::Response& res);
void HandleSeries(const ApiContext& context, const httplib::Request& req, httplib::Response& res);
void HandleLabels(const ApiContext& context, const httplib::Request& req, httplib::Response& res);
void HandleLabelValues(const ApiContext& context, const httplib::Request& req,
                       httplib::Response& res);
void HandleRules(const ApiContext& context, const httplib::Request& req, httplib::Response& res);
void HandleAlerts(const ApiContext& context, const httplib::Request& req, httplib::Response& res);
void HandleBuildInfo(const ApiContext& context, const httplib::Request& req,
                     httplib::Response& res);

// Shared helpers (common.cc).

/// Prometheus's error envelope: {"status":"error","errorType":TYPE,"error":MESSAGE}.
void WriteError(httplib::Response& res, int http_status, std::string_view type,
                std::string_view message);
/// {"status":"success","data":DATA} where `data_json` is already serialized JSON.
void WriteSuccess(httplib::Response& res, const std::string& data_json);

/// Prometheus's parseTime: Unix seconds with fraction, or RFC 3339; milliseconds.
Result<std::int64_t> ParseTimeParam(std::string_view text);
/// Prometheus's parseDuration: float seconds or a duration like `5m`; milliseconds.
Result<std::int64_t> ParseDurationParam(std::string_view text);
/// `t_ms` as Prometheus's JSON timestamps (seconds, up to millisecond precision).
double JsonTimestamp(std::int64_t t_ms);
/// Go's time.Time JSON form (RFC 3339 with nanoseconds trimmed), UTC.
std::string FormatRfc3339(std::int64_t t_ms);

}  // namespace opsagent::api
