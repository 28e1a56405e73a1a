// The evaluator's internals shared by engine.cc and the eval_*.cc files (not a public API).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/promql/ast.h"
#include "rules/promql/engine.h"
#include "rules/promql/value.h"
#include "rules/store/series.h"

namespace opsagent::rules::promql::internal {

/// Evaluates an AST at single timestamps inside [start, end], as Prometheus's evaluator does one
/// step of a range evaluation. Errors are sticky: the first one is kept, later results are empty
/// and the caller discards them. Thread-safety: none; one Evaluator per query.
class Evaluator {
 public:
  Evaluator(const Queryable& store, const EvalOptions& options, std::int64_t start_ms,
            std::int64_t end_ms)
      : store_(store), options_(options), start_ms_(start_ms), end_ms_(end_ms) {}

  Value Eval(const Expr& expr, std::int64_t t);
  /// Typed views of Eval for operands the parser already type-checked; empty/NaN after an error.
  Vector EvalVector(const Expr& expr, std::int64_t t);
  double EvalScalar(const Expr& expr, std::int64_t t);
  std::string EvalString(const Expr& expr, std::int64_t t);

  /// Instant selector at `t`: the newest sample per series in the lookback window; samples keep
  /// their own timestamp (timestamp() needs it).
  Vector SelectVector(const VectorSelector& selector, std::int64_t t);
  /// Range selector at `t`: points in [t - offset - range, t - offset] without stale markers;
  /// series without points are left out. `count` adds every point to the sample budget (a
  /// function over the range counts only what it holds at once instead).
  Matrix SelectMatrix(const MatrixSelector& selector, std::int64_t t, bool count = true);

  bool failed() const { return error_.has_value(); }
  const std::optional<EvalError>& error() const { return error_; }
  void Fail(std::string message, EvalErrorKind kind = EvalErrorKind::kExecution);
  /// Fails with the timeout error once the deadline passed; true when evaluation may go on.
  bool CheckDeadline();
  /// Starts a new step: the sample budget counts what one step holds at once.
  void BeginStep() { step_samples_ = 0; }
  /// Adds `n` samples to the step's budget and fails once it exceeds max_samples.
  void CountSamples(std::size_t n);
  /// Fails with Prometheus's error when two elements share a labelset.
  void CheckUniqueLabelsets(const Vector& vector);

  Value EvalBinary(const BinaryExpr& expr, std::int64_t t);
  Vector EvalAggregate(const AggregateExpr& expr, std::int64_t t);
  Value EvalCall(const Call& expr, std::int64_t t);

 private:
  Value EvalRangeCall(const Call& call, std::size_t matrix_arg, std::int64_t t);
  Vector EvalVectorCall(const Call& call, std::int64_t t);
  Vector EvalClamp(const Call& call, std::int64_t t);
  Vector EvalHistogramQuantile(const Call& call, std::int64_t t);
  Vector EvalLabelReplace(const Call& call, std::int64_t t);
  Vector EvalLabelJoin(const Call& call, std::int64_t t);

  const std::vector<Series>& Loaded(const VectorSelector& selector, std::int64_t window_ms);

  const Queryable& store_;
  const EvalOptions& options_;
  std::int64_t start_ms_;
  std::int64_t end_ms_;
  std::size_t step_samples_ = 0;
  std::optional<EvalError> error_;
  /// Series of each selector node loaded once for the whole [start, end] range.
  std::unordered_map<const VectorSelector*, std::vector<Series>> loaded_;
};

/// Strips any number of parentheses.
const Expr& UnwrapParens(const Expr& expr);

/// Go's math.Max / math.Min (NaN wins, signed zeros ordered), unlike std::fmax / std::fmin.
double GoMax(double x, double y);
double GoMin(double x, double y);

/// Go's strconv.FormatFloat(v, 'f', -1, 64) ("NaN", "+Inf", "-Inf" for the specials).
std::string FormatFloatF(double v);

/// Go's fmt %v of a float64 (strconv 'g', shortest): "1e+300", "0.5", "1.2345e+06", "NaN".
std::string FormatFloatV(double v);

/// Kahan-Neumaier summation step as Prometheus's kahanSumInc: returns the new sum, updates `c`.
double KahanSumInc(double inc, double sum, double& c);

/// Prometheus's quantile(): weighted between the two closest ranks; values are sorted in place.
double Quantile(double q, std::vector<double>& values);

/// Labels for absent()/absent_over_time(): the equality matchers of a selector argument.
Labels AbsentLabels(const Expr& arg);

/// What a range-vector function sees besides the points of one series.
struct RangeArgs {
  std::int64_t t = 0;         ///< evaluation time
  std::int64_t range_ms = 0;  ///< the selector's range
  std::int64_t offset_ms = 0;
  double scalar = 0;  ///< quantile_over_time's phi, predict_linear's seconds
};
/// Computes one series' result from its (non-empty) points; nullopt drops the series.
using RangeFunction = std::optional<double> (*)(const std::vector<Point>&, const RangeArgs&);
/// The range-vector function called `name`, or nullptr.
RangeFunction LookupRangeFunction(std::string_view name);

/// One classic histogram bucket: upper bound (`le`) and cumulative count.
struct Bucket {
  double upper_bound = 0;
  double count = 0;
};
/// Prometheus's bucketQuantile over classic buckets (sorted, coalesced and made monotonic here).
double BucketQuantile(double q, std::vector<Bucket>& buckets);
/// Go's strconv.ParseFloat(text, 64) for label values ("+Inf", "1e3", ...); nullopt if invalid.
std::optional<double> ParseGoFloat(std::string_view text);

/// Sorting order of Prometheus's vectorByValueHeap (NaN lowest), strict weak ordering.
bool LessNaNFirst(double a, double b);

}  // namespace opsagent::rules::promql::internal
