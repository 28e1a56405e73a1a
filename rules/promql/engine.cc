// PromQL evaluation entry points, selectors, unary operators and value formatting.
#include "rules/promql/engine.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <unordered_set>
#include <utility>

#include "rules/promql/eval_internal.h"

namespace opsagent::rules::promql {
namespace internal {

const Expr& UnwrapParens(const Expr& expr) {
  const Expr* e = &expr;
  while (e->kind == ExprKind::kParen) e = static_cast<const ParenExpr*>(e)->expr.get();
  return *e;
}

double GoMax(double x, double y) {
  if (std::isinf(x) && x > 0) return x;
  if (std::isinf(y) && y > 0) return y;
  if (std::isnan(x) || std::isnan(y)) return std::nan("");
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}

double GoMin(double x, double y) {
  if (std::isinf(x) && x < 0) return x;
  if (std::isinf(y) && y < 0) return y;
  if (std::isnan(x) || std::isnan(y)) return std::nan("");
  if (x == 0 && x == y) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

namespace {

std::string FormatSpecial(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

std::string ToChars(double v, std::chars_format format) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, format);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

}  // namespace

std::string FormatFloatF(double v) {
  if (!std::isfinite(v)) return FormatSpecial(v);
  return ToChars(v, std::chars_format::fixed);
}

std::string FormatFloatV(double v) {
  if (!std::isfinite(v)) return FormatSpecial(v);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  std::string sci = ToChars(v, std::chars_format::scientific);
  int exp = std::atoi(sci.c_str() + sci.find('e') + 1);
  // strconv's 'g' with the shortest digits switches to an exponent outside [-4, 6).
  if (exp < -4 || exp >= 6) return sci;
  return ToChars(v, std::chars_format::fixed);
}

double KahanSumInc(double inc, double sum, double& c) {
  double t = sum + inc;
  // Neumaier: compensate with whichever operand lost its low-order bits.
  if (std::fabs(sum) >= std::fabs(inc)) {
    c += (sum - t) + inc;
  } else {
    c += (inc - t) + sum;
  }
  return t;
}

bool LessNaNFirst(double a, double b) {
  if (std::isnan(a)) return !std::isnan(b);
  if (std::isnan(b)) return false;
  return a < b;
}

double Quantile(double q, std::vector<double>& values) {
  if (values.empty() || std::isnan(q)) return std::nan("");
  if (q < 0) return -HUGE_VAL;
  if (q > 1) return HUGE_VAL;
  std::stable_sort(values.begin(), values.end(), LessNaNFirst);
  double n = static_cast<double>(values.size());
  double rank = q * (n - 1);
  double lower = GoMax(0, std::floor(rank));
  double upper = GoMin(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return values[static_cast<std::size_t>(lower)] * (1 - weight) +
         values[static_cast<std::size_t>(upper)] * weight;
}

Labels AbsentLabels(const Expr& arg) {
  const Expr& e = UnwrapParens(arg);
  const VectorSelector* selector = nullptr;
  if (e.kind == ExprKind::kVectorSelector) {
    selector = static_cast<const VectorSelector*>(&e);
  } else if (e.kind == ExprKind::kMatrixSelector) {
    selector = static_cast<const MatrixSelector&>(e).selector.get();
  }
  if (selector == nullptr) return {};
  // A label named twice, or matched by anything but equality, cannot be known: leave it out.
  LabelsBuilder builder;
  Labels built;
  std::vector<std::string> unknown;
  for (const auto& m : selector->matchers) {
    if (m.name() == kMetricNameLabel) continue;
    if (m.type() == MatchType::kEqual && !built.Has(m.name())) {
      builder.Set(m.name(), m.value());
      built = builder.Build();
    } else {
      unknown.push_back(m.name());
    }
  }
  for (const auto& name : unknown) builder.Del(name);
  return builder.Build();
}

void Evaluator::Fail(std::string message, EvalErrorKind kind) {
  if (!error_) error_ = EvalError{kind, std::move(message)};
}

bool Evaluator::CheckDeadline() {
  if (failed()) return false;
  if (options_.deadline != std::chrono::steady_clock::time_point::max() &&
      std::chrono::steady_clock::now() > options_.deadline) {
    Fail("query timed out in query execution", EvalErrorKind::kTimeout);
    return false;
  }
  return true;
}

void Evaluator::CountSamples(std::size_t n) {
  step_samples_ += n;
  if (step_samples_ > options_.max_samples) {
    Fail("query processing would load too many samples into memory in query execution",
         EvalErrorKind::kTooManySamples);
  }
}

void Evaluator::CheckUniqueLabelsets(const Vector& vector) {
  if (vector.size() < 2) return;
  std::unordered_set<std::uint64_t> seen;
  for (const auto& s : vector) {
    if (!seen.insert(s.labels.Hash()).second) {
      Fail("vector cannot contain metrics with the same labelset");
      return;
    }
  }
}

const std::vector<Series>& Evaluator::Loaded(const VectorSelector& selector,
                                             std::int64_t window_ms) {
  auto it = loaded_.find(&selector);
  if (it != loaded_.end()) return it->second;
  std::int64_t maxt = end_ms_ - selector.offset_ms;
  std::int64_t mint = start_ms_ - selector.offset_ms - window_ms;
  return loaded_.emplace(&selector, store_.Select(selector.matchers, mint, maxt)).first->second;
}

Vector Evaluator::SelectVector(const VectorSelector& selector, std::int64_t t) {
  Vector out;
  if (!CheckDeadline()) return out;
  std::int64_t ref = t - selector.offset_ms;
  for (const auto& series : Loaded(selector, options_.lookback_delta_ms)) {
    auto it = std::upper_bound(series.points.begin(), series.points.end(), ref,
                               [](std::int64_t v, const Point& p) { return v < p.t; });
    if (it == series.points.begin()) continue;
    const Point& p = *std::prev(it);
    // Prometheus 2.x includes a sample exactly lookback_delta old.
    if (p.t < ref - options_.lookback_delta_ms || IsStaleMarker(p.v)) continue;
    out.push_back(Sample{series.labels, p.t, p.v});
  }
  CountSamples(out.size());
  return out;
}

Matrix Evaluator::SelectMatrix(const MatrixSelector& selector, std::int64_t t, bool count) {
  Matrix out;
  if (!CheckDeadline()) return out;
  const VectorSelector& vs = *selector.selector;
  std::int64_t maxt = t - vs.offset_ms;
  std::int64_t mint = maxt - selector.range_ms;
  std::size_t total = 0;
  for (const auto& series : Loaded(vs, selector.range_ms)) {
    auto first = std::lower_bound(series.points.begin(), series.points.end(), mint,
                                  [](const Point& p, std::int64_t v) { return p.t < v; });
    auto last = std::upper_bound(first, series.points.end(), maxt,
                                 [](std::int64_t v, const Point& p) { return v < p.t; });
    // Sized once and labelled only when kept: this runs for every series of every range
    // selector of every rule.
    Series slice;
    slice.points.reserve(static_cast<std::size_t>(last - first));
    for (auto it = first; it != last; ++it) {
      if (!IsStaleMarker(it->v)) slice.points.push_back(*it);
    }
    if (slice.points.empty()) continue;
    slice.labels = series.labels;
    total += slice.points.size();
    out.push_back(std::move(slice));
  }
  if (count) CountSamples(total);
  return out;
}

namespace {

Vector NegateVector(Vector v) {
  for (auto& s : v) {
    s.labels = s.labels.WithoutMetricName();
    s.v = -s.v;
  }
  return v;
}

}  // namespace

Value Evaluator::Eval(const Expr& expr, std::int64_t t) {
  if (!CheckDeadline()) return Vector{};
  switch (expr.kind) {
    case ExprKind::kNumber:
      return Scalar{t, static_cast<const NumberLiteral&>(expr).value};
    case ExprKind::kString:
      return String{t, static_cast<const StringLiteral&>(expr).value};
    case ExprKind::kVectorSelector:
      return SelectVector(static_cast<const VectorSelector&>(expr), t);
    case ExprKind::kMatrixSelector:
      return SelectMatrix(static_cast<const MatrixSelector&>(expr), t);
    case ExprKind::kParen:
      return Eval(*static_cast<const ParenExpr&>(expr).expr, t);
    case ExprKind::kUnary: {
      const auto& unary = static_cast<const UnaryExpr&>(expr);
      Value v = Eval(*unary.expr, t);
      if (unary.op != '-') return v;
      if (auto* s = std::get_if<Scalar>(&v)) return Scalar{t, -s->v};
      if (auto* vec = std::get_if<Vector>(&v)) {
        Vector out = NegateVector(std::move(*vec));
        CheckUniqueLabelsets(out);
        return out;
      }
      return v;
    }
    case ExprKind::kBinary:
      return EvalBinary(static_cast<const BinaryExpr&>(expr), t);
    case ExprKind::kAggregate:
      return EvalAggregate(static_cast<const AggregateExpr&>(expr), t);
    case ExprKind::kCall:
      return EvalCall(static_cast<const Call&>(expr), t);
  }
  return Vector{};
}

Vector Evaluator::EvalVector(const Expr& expr, std::int64_t t) {
  Value v = Eval(expr, t);
  if (auto* vec = std::get_if<Vector>(&v)) return std::move(*vec);
  if (!failed()) Fail("expected instant vector");
  return {};
}

double Evaluator::EvalScalar(const Expr& expr, std::int64_t t) {
  Value v = Eval(expr, t);
  if (auto* s = std::get_if<Scalar>(&v)) return s->v;
  if (!failed()) Fail("expected scalar");
  return std::nan("");
}

std::string Evaluator::EvalString(const Expr& expr, std::int64_t t) {
  Value v = Eval(expr, t);
  if (auto* s = std::get_if<String>(&v)) return s->v;
  if (!failed()) Fail("expected string");
  return {};
}

}  // namespace internal

namespace {

// Functions whose output order is the answer (Prometheus keeps it for instant queries).
bool KeepsOrder(const Expr& expr) {
  const Expr& e = internal::UnwrapParens(expr);
  if (e.kind == ExprKind::kCall) {
    const auto& call = static_cast<const Call&>(e);
    return call.func != nullptr && (call.func->name == "sort" || call.func->name == "sort_desc");
  }
  if (e.kind == ExprKind::kAggregate) {
    auto op = static_cast<const AggregateExpr&>(e).op;
    return op == AggregateOp::kTopk || op == AggregateOp::kBottomk;
  }
  return false;
}

bool LabelsLess(const Labels& a, const Labels& b) { return a < b; }

EvalResult Failed(const internal::Evaluator& ev) { return EvalResult{Vector{}, ev.error()}; }

}  // namespace

EvalResult EvalInstant(const Expr& expr, const Queryable& store, std::int64_t t_ms,
                       const EvalOptions& options) {
  internal::Evaluator ev(store, options, t_ms, t_ms);
  ev.BeginStep();
  Value v = ev.Eval(expr, t_ms);
  if (ev.failed()) return Failed(ev);
  if (auto* vec = std::get_if<Vector>(&v)) {
    for (auto& s : *vec) s.t = t_ms;
    if (!KeepsOrder(expr)) {
      std::stable_sort(vec->begin(), vec->end(), [](const Sample& a, const Sample& b) {
        return LabelsLess(a.labels, b.labels);
      });
    }
  } else if (auto* m = std::get_if<Matrix>(&v)) {
    std::sort(m->begin(), m->end(),
              [](const Series& a, const Series& b) { return LabelsLess(a.labels, b.labels); });
  }
  return EvalResult{std::move(v), std::nullopt};
}

EvalResult EvalRange(const Expr& expr, const Queryable& store, std::int64_t start_ms,
                     std::int64_t end_ms, std::int64_t step_ms, const EvalOptions& options) {
  ValueType type = expr.Type();
  if (type != ValueType::kScalar && type != ValueType::kVector) {
    return EvalResult{Matrix{},
                      EvalError{EvalErrorKind::kExecution,
                                std::string("invalid expression type \"") + ValueTypeName(type) +
                                    "\" for range query, must be Scalar or instant Vector"}};
  }
  if (step_ms <= 0 || end_ms < start_ms) {
    return EvalResult{Matrix{}, EvalError{EvalErrorKind::kExecution, "invalid range query step"}};
  }
  internal::Evaluator ev(store, options, start_ms, end_ms);
  std::map<Labels, Series> series;
  std::size_t total = 0;
  for (std::int64_t t = start_ms; t <= end_ms; t += step_ms) {
    ev.BeginStep();
    ev.CountSamples(total);
    Value v = ev.Eval(expr, t);
    if (ev.failed()) return Failed(ev);
    if (auto* s = std::get_if<Scalar>(&v)) {
      series[Labels()].points.push_back(Point{t, s->v});
      ++total;
    } else if (auto* vec = std::get_if<Vector>(&v)) {
      for (auto& sample : *vec) {
        Series& out = series[sample.labels];
        out.labels = sample.labels;
        out.points.push_back(Point{t, sample.v});
      }
      total += vec->size();
    }
  }
  Matrix out;
  out.reserve(series.size());
  for (auto& [labels, s] : series) out.push_back(std::move(s));
  return EvalResult{std::move(out), std::nullopt};
}

std::string FormatValue(double v) {
  if (!std::isfinite(v)) return internal::FormatFloatF(v);
  double abs = std::fabs(v);
  // jsonutil.MarshalFloat switches to exponent notation at these bounds, as JavaScript does.
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    return std::string(buf, end);
  }
  return internal::FormatFloatF(v);
}

}  // namespace opsagent::rules::promql
