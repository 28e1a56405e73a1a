// PromQL evaluator: a pure function of (AST, store, time) to a value, with Prometheus semantics.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "rules/promql/ast.h"
#include "rules/promql/value.h"
#include "rules/store/series.h"

namespace opsagent::rules::promql {

inline constexpr std::int64_t kDefaultLookbackDeltaMs = 5 * 60 * 1000;

struct EvalOptions {
  std::int64_t lookback_delta_ms = kDefaultLookbackDeltaMs;
  /// Most samples held at once (Prometheus's query.max-samples); over it the query fails.
  std::size_t max_samples = 50'000'000;
  /// The query fails with kTimeout once this passes (checked between steps and series).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

enum class EvalErrorKind { kExecution, kTimeout, kTooManySamples };

struct EvalError {
  EvalErrorKind kind = EvalErrorKind::kExecution;
  std::string message;  ///< Prometheus's wording, e.g. "vector cannot contain metrics with the same
                        ///< labelset"
};

struct EvalResult {
  Value value;
  std::optional<EvalError> error;
  bool ok() const { return !error.has_value(); }
};

/// Evaluates `expr` at `t_ms`: a Scalar, String, Vector (sorted as Prometheus returns it) or, for
/// a bare range selector, a Matrix.
EvalResult EvalInstant(const Expr& expr, const Queryable& store, std::int64_t t_ms,
                       const EvalOptions& options = {});

/// Evaluates `expr` at start, start+step, ... <= end; always a Matrix (a scalar expression becomes
/// one series without labels), series sorted by labels. `expr` must not be a range vector.
EvalResult EvalRange(const Expr& expr, const Queryable& store, std::int64_t start_ms,
                     std::int64_t end_ms, std::int64_t step_ms, const EvalOptions& options = {});

/// Prometheus's float formatting for values in API responses and templates
/// (strconv.FormatFloat(v, 'f', -1, 64)): "1", "0.1", "1e+21" never; "NaN", "+Inf", "-Inf".
std::string FormatValue(double v);

}  // namespace opsagent::rules::promql
