// /api/v1/series, /api/v1/labels and /api/v1/label/<name>/values over the rule store (what the
// agent holds: the latest sample of every series plus the history rules need).
#include <httplib.h>

#include <limits>

#include "agent/api/api.h"
#include "agent/api/json.h"
#include "rules/promql/parser.h"

namespace opsagent::api {
namespace {

using json = Json;
using Selectors = std::vector<std::vector<rules::LabelMatcher>>;

constexpr std::int64_t kMinTime = std::numeric_limits<std::int64_t>::min() / 2;
constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max() / 2;

bool ReadSelectors(const httplib::Request& req, httplib::Response& res, Selectors* out) {
  const std::size_t count = req.get_param_value_count("match[]");
  for (std::size_t i = 0; i < count; ++i) {
    const std::string text = req.get_param_value("match[]", i);
    std::vector<rules::LabelMatcher> matchers;
    rules::promql::ParseError error;
    if (!rules::promql::ParseMetricSelector(text, &matchers, &error)) {
      WriteError(res, 400, "bad_data",
                 "invalid parameter \"match[]\": " + rules::promql::FormatParseError(text, error));
      return false;
    }
    out->push_back(std::move(matchers));
  }
  return true;
}

bool ReadRange(const httplib::Request& req, httplib::Response& res, std::int64_t* start,
               std::int64_t* end) {
  *start = kMinTime;
  *end = kMaxTime;
  for (const char* name : {"start", "end"}) {
    if (!req.has_param(name)) continue;
    Result<std::int64_t> t = ParseTimeParam(req.get_param_value(name));
    if (!t.ok()) {
      WriteError(res, 400, "bad_data",
                 "invalid parameter \"" + std::string(name) + "\": " + t.error().message);
      return false;
    }
    *(name[0] == 's' ? start : end) = *t;
  }
  return true;
}

}  // namespace

void HandleSeries(const ApiContext& context, const httplib::Request& req, httplib::Response& res) {
  Selectors selectors;
  std::int64_t start, end;
  if (!ReadSelectors(req, res, &selectors) || !ReadRange(req, res, &start, &end)) return;
  if (selectors.empty()) {
    WriteError(res, 400, "bad_data", "no match[] parameter provided");
    return;
  }
  json data = json::array();
  for (const rules::Labels& labels : context.store->SeriesLabels(selectors, start, end)) {
    json series = json::object();
    for (const auto& label : labels) series[label.name] = label.value;
    data.push_back(std::move(series));
  }
  WriteSuccess(res, Dump(data));
}

void HandleLabels(const ApiContext& context, const httplib::Request& req, httplib::Response& res) {
  Selectors selectors;
  std::int64_t start, end;
  if (!ReadSelectors(req, res, &selectors) || !ReadRange(req, res, &start, &end)) return;
  WriteSuccess(res, Dump(json(context.store->LabelNames(selectors, start, end))));
}

void HandleLabelValues(const ApiContext& context, const httplib::Request& req,
                       httplib::Response& res) {
  const std::string name = req.matches.size() > 1 ? req.matches[1].str() : "";
  if (!rules::IsValidLabelName(name)) {
    WriteError(res, 400, "bad_data", "invalid label name: \"" + name + "\"");
    return;
  }
  Selectors selectors;
  std::int64_t start, end;
  if (!ReadSelectors(req, res, &selectors) || !ReadRange(req, res, &start, &end)) return;
  WriteSuccess(res, Dump(json(context.store->LabelValues(name, selectors, start, end))));
}

}  // namespace opsagent::api
