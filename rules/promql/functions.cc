// The function signatures opsagent evaluates, with Prometheus 2.42's argument types and arities.
#include "rules/promql/functions.h"

#include <string_view>
#include <vector>

namespace opsagent::rules::promql {
namespace {

constexpr ValueType kScalar = ValueType::kScalar;
constexpr ValueType kString = ValueType::kString;
constexpr ValueType kVector = ValueType::kVector;
constexpr ValueType kMatrix = ValueType::kMatrix;

const std::vector<FunctionSignature>& Table() {
  // Sorted by name; variadic as in functions.go (see FunctionSignature::variadic).
  static const std::vector<FunctionSignature> kTable = {
      {"abs", {kVector}, 0, kVector},
      {"absent", {kVector}, 0, kVector},
      {"absent_over_time", {kMatrix}, 0, kVector},
      {"avg_over_time", {kMatrix}, 0, kVector},
      {"ceil", {kVector}, 0, kVector},
      {"changes", {kMatrix}, 0, kVector},
      {"clamp", {kVector, kScalar, kScalar}, 0, kVector},
      {"clamp_max", {kVector, kScalar}, 0, kVector},
      {"clamp_min", {kVector, kScalar}, 0, kVector},
      {"count_over_time", {kMatrix}, 0, kVector},
      {"day_of_week", {kVector}, 1, kVector},
      {"delta", {kMatrix}, 0, kVector},
      {"deriv", {kMatrix}, 0, kVector},
      {"exp", {kVector}, 0, kVector},
      {"floor", {kVector}, 0, kVector},
      {"histogram_quantile", {kScalar, kVector}, 0, kVector},
      {"hour", {kVector}, 1, kVector},
      {"idelta", {kMatrix}, 0, kVector},
      {"increase", {kMatrix}, 0, kVector},
      {"irate", {kMatrix}, 0, kVector},
      {"label_join", {kVector, kString, kString, kString}, -1, kVector},
      {"label_replace", {kVector, kString, kString, kString, kString}, 0, kVector},
      {"last_over_time", {kMatrix}, 0, kVector},
      {"ln", {kVector}, 0, kVector},
      {"log10", {kVector}, 0, kVector},
      {"log2", {kVector}, 0, kVector},
      {"max_over_time", {kMatrix}, 0, kVector},
      {"min_over_time", {kMatrix}, 0, kVector},
      {"minute", {kVector}, 1, kVector},
      {"predict_linear", {kMatrix, kScalar}, 0, kVector},
      {"quantile_over_time", {kScalar, kMatrix}, 0, kVector},
      {"rate", {kMatrix}, 0, kVector},
      {"resets", {kMatrix}, 0, kVector},
      {"round", {kVector, kScalar}, 1, kVector},
      {"scalar", {kVector}, 0, kScalar},
      {"sort", {kVector}, 0, kVector},
      {"sort_desc", {kVector}, 0, kVector},
      {"sqrt", {kVector}, 0, kVector},
      {"stddev_over_time", {kMatrix}, 0, kVector},
      {"stdvar_over_time", {kMatrix}, 0, kVector},
      {"sum_over_time", {kMatrix}, 0, kVector},
      {"time", {}, 0, kScalar},
      {"timestamp", {kVector}, 0, kVector},
      {"vector", {kScalar}, 0, kVector},
  };
  return kTable;
}

// Functions of Prometheus (2.42 and later releases) that opsagent does not evaluate.
constexpr std::string_view kUnsupported[] = {
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "cos",
    "cosh",
    "day_of_month",
    "day_of_year",
    "days_in_month",
    "deg",
    "double_exponential_smoothing",
    "first_over_time",
    "histogram_avg",
    "histogram_count",
    "histogram_fraction",
    "histogram_stddev",
    "histogram_stdvar",
    "histogram_sum",
    "holt_winters",
    "info",
    "integral",
    "label_join_all",
    "mad_over_time",
    "month",
    "pi",
    "present_over_time",
    "rad",
    "sgn",
    "sin",
    "sinh",
    "sort_by_label",
    "sort_by_label_desc",
    "tan",
    "tanh",
    "ts_of_first_over_time",
    "ts_of_last_over_time",
    "ts_of_max_over_time",
    "ts_of_min_over_time",
    "year",
};

}  // namespace

const FunctionSignature* LookupFunction(std::string_view name) {
  for (const FunctionSignature& f : Table()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool IsUnsupportedPrometheusFunction(std::string_view name) {
  for (std::string_view n : kUnsupported) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace opsagent::rules::promql
