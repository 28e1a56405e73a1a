// /api/v1/query and /api/v1/query_range: parse, evaluate against the rule store under the
// query limits (timeout, sample count), and answer in Prometheus's JSON shapes.
#include <httplib.h>

#include "agent/api/api.h"
#include "agent/api/json.h"
#include "rules/promql/engine.h"
#include "rules/promql/parser.h"

namespace opsagent::api {
namespace {

using json = Json;
namespace promql = rules::promql;

// Prometheus refuses ranges that would return more points than this per series.
constexpr std::int64_t kMaxPointsPerSeries = 11000;

json PointJson(std::int64_t t_ms, double v) {
  return json::array({JsonTimestamp(t_ms), promql::FormatValue(v)});
}

json ResultJson(const promql::Value& value) {
  json data = json::object();
  if (const auto* scalar = std::get_if<promql::Scalar>(&value)) {
    data["resultType"] = "scalar";
    data["result"] = PointJson(scalar->t, scalar->v);
  } else if (const auto* string = std::get_if<promql::String>(&value)) {
    data["resultType"] = "string";
    data["result"] = json::array({JsonTimestamp(string->t), string->v});
  } else if (const auto* vector = std::get_if<promql::Vector>(&value)) {
    data["resultType"] = "vector";
    json result = json::array();
    for (const auto& sample : *vector) {
      result.push_back(
          {{"metric", LabelsJson(sample.labels)}, {"value", PointJson(sample.t, sample.v)}});
    }
    data["result"] = std::move(result);
  } else {
    data["resultType"] = "matrix";
    json result = json::array();
    for (const auto& series : std::get<promql::Matrix>(value)) {
      json values = json::array();
      for (const auto& point : series.points) values.push_back(PointJson(point.t, point.v));
      result.push_back({{"metric", LabelsJson(series.labels)}, {"values", std::move(values)}});
    }
    data["result"] = std::move(result);
  }
  return data;
}

void InvalidParam(httplib::Response& res, std::string_view name, const std::string& message) {
  WriteError(res, 400, "bad_data", "invalid parameter \"" + std::string(name) + "\": " + message);
}

// The query's options: the configured limits, tightened by a `timeout` parameter.
bool QueryOptions(const ApiContext& context, const httplib::Request& req, httplib::Response& res,
                  promql::EvalOptions* options) {
  std::chrono::milliseconds timeout = context.query_timeout;
  if (req.has_param("timeout")) {
    Result<std::int64_t> ms = ParseDurationParam(req.get_param_value("timeout"));
    if (!ms.ok()) {
      InvalidParam(res, "timeout", ms.error().message);
      return false;
    }
    timeout = std::min(timeout, std::chrono::milliseconds(*ms));
  }
  options->max_samples = context.query_max_samples;
  options->deadline = std::chrono::steady_clock::now() + timeout;
  return true;
}

promql::ExprPtr ParseQuery(const httplib::Request& req, httplib::Response& res) {
  const std::string query = req.get_param_value("query");
  promql::ParseError error;
  promql::ExprPtr expr = promql::ParseExpr(query, &error);
  if (expr == nullptr) InvalidParam(res, "query", promql::FormatParseError(query, error));
  return expr;
}

bool ReadTime(const httplib::Request& req, httplib::Response& res, const char* name,
              std::int64_t* out) {
  Result<std::int64_t> t = ParseTimeParam(req.get_param_value(name));
  if (!t.ok()) {
    InvalidParam(res, name, t.error().message);
    return false;
  }
  *out = *t;
  return true;
}

void WriteEvalResult(httplib::Response& res, const promql::EvalResult& result) {
  if (result.ok()) {
    WriteSuccess(res, Dump(ResultJson(result.value)));
    return;
  }
  switch (result.error->kind) {
    case promql::EvalErrorKind::kTimeout:
      WriteError(res, 503, "timeout", result.error->message);
      return;
    case promql::EvalErrorKind::kTooManySamples:
    case promql::EvalErrorKind::kExecution:
      WriteError(res, 422, "execution", result.error->message);
      return;
  }
}

}  // namespace

void HandleQuery(const ApiContext& context, const httplib::Request& req, httplib::Response& res) {
  std::int64_t t_ms = context.now_ms();
  if (req.has_param("time") && !ReadTime(req, res, "time", &t_ms)) return;
  promql::EvalOptions options;
  if (!QueryOptions(context, req, res, &options)) return;
  promql::ExprPtr expr = ParseQuery(req, res);
  if (expr == nullptr) return;
  WriteEvalResult(res, promql::EvalInstant(*expr, *context.store, t_ms, options));
}

void HandleQueryRange(const ApiContext& context, const httplib::Request& req,
                      httplib::Response& res) {
  std::int64_t start = 0, end = 0;
  if (!ReadTime(req, res, "start", &start) || !ReadTime(req, res, "end", &end)) return;
  if (end < start) {
    InvalidParam(res, "end", "end timestamp must not be before start time");
    return;
  }
  Result<std::int64_t> step = ParseDurationParam(req.get_param_value("step"));
  if (!step.ok()) {
    InvalidParam(res, "step", step.error().message);
    return;
  }
  if (*step <= 0) {
    InvalidParam(res, "step",
                 "zero or negative query resolution step widths are not accepted. Try a "
                 "positive integer");
    return;
  }
  if ((end - start) / *step > kMaxPointsPerSeries) {
    WriteError(res, 400, "bad_data",
               "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
               "query resolution (?step=XX)");
    return;
  }
  promql::EvalOptions options;
  if (!QueryOptions(context, req, res, &options)) return;
  promql::ExprPtr expr = ParseQuery(req, res);
  if (expr == nullptr) return;
  if (expr->Type() != promql::ValueType::kScalar && expr->Type() != promql::ValueType::kVector) {
    WriteError(res, 400, "bad_data",
               std::string("invalid expression type \"") + promql::ValueTypeName(expr->Type()) +
                   "\" for range query, must be Scalar or instant Vector");
    return;
  }
  WriteEvalResult(res, promql::EvalRange(*expr, *context.store, start, end, *step, options));
}

}  // namespace opsagent::api
