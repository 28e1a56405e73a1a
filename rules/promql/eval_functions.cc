// Function calls: dispatch, range-vector calls per series, and the instant-vector functions.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "rules/promql/eval_internal.h"

namespace opsagent::rules::promql::internal {
namespace {

Vector MapValues(Vector v, const std::function<double(double)>& f) {
  for (auto& s : v) {
    s.labels = s.labels.WithoutMetricName();
    s.v = f(s.v);
  }
  return v;
}

double Round(double v, double to_nearest) {
  double inverse = 1.0 / to_nearest;
  return std::floor(v * inverse + 0.5) / inverse;
}

// Go (amd64) converts an out-of-range float, NaN included, to the minimum int64.
std::int64_t GoFloatToInt64(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<std::int64_t>(v);
}

// Go's time package counts seconds from year -292277022399 ("absolute" time) in a uint64; the
// date functions read hour, minute and weekday off it. Wrapping arithmetic keeps Go's answers
// even for absurd inputs such as hour(vector(NaN)).
double DatePart(std::string_view name, std::int64_t unix_seconds) {
  constexpr std::uint64_t kUnixToInternal = 62135596800ull;
  constexpr std::uint64_t kInternalToAbsolute = 9223371966579724800ull;
  constexpr std::uint64_t kDay = 86400;
  std::uint64_t abs =
      static_cast<std::uint64_t>(unix_seconds) + kUnixToInternal + kInternalToAbsolute;
  if (name == "hour") return static_cast<double>((abs % kDay) / 3600);
  if (name == "minute") return static_cast<double>((abs % 3600) / 60);
  // day_of_week: the absolute epoch is a Monday (1).
  return static_cast<double>(((abs + kDay) % (7 * kDay)) / kDay);
}

bool IsDateFunction(std::string_view name) {
  return name == "day_of_week" || name == "hour" || name == "minute";
}

// Go's math.Log2 and math.Log10 (which Prometheus calls): log2 splits off the binary exponent so
// powers of two are exact, and log10 is log2 scaled, not glibc's log10 (they differ in the last
// bit, e.g. for log10(5), and promtool unit tests compare values exactly).
double GoLog2(double x) {
  int exp = 0;
  const double frac = std::frexp(x, &exp);
  if (frac == 0.5) return static_cast<double>(exp - 1);
  constexpr double kInvLn2 = 1.442695040888963407359924681001892137426645954152985934135;
  return std::log(frac) * kInvLn2 + static_cast<double>(exp);
}

double GoLog10(double x) {
  constexpr double kLn2OverLn10 = 0.301029995663981195213738894724493026768189881462108541310;
  return GoLog2(x) * kLn2OverLn10;
}

std::function<double(double)> SimpleFunction(std::string_view name) {
  static const std::unordered_map<std::string_view, double (*)(double)> kTable = {
      {"abs", [](double v) { return std::fabs(v); }},
      {"ceil", [](double v) { return std::ceil(v); }},
      {"floor", [](double v) { return std::floor(v); }},
      {"exp", [](double v) { return std::exp(v); }},
      {"sqrt", [](double v) { return std::sqrt(v); }},
      {"ln", [](double v) { return std::log(v); }},
      {"log2", &GoLog2},
      {"log10", &GoLog10},
  };
  auto it = kTable.find(name);
  if (it == kTable.end()) return nullptr;
  return it->second;
}

void SortByValue(Vector& v, bool descending) {
  std::stable_sort(v.begin(), v.end(), [&](const Sample& a, const Sample& b) {
    if (descending) {
      bool a_nan = std::isnan(a.v), b_nan = std::isnan(b.v);
      if (a_nan || b_nan) return b_nan && !a_nan;
      return a.v > b.v;
    }
    return LessNaNFirst(a.v, b.v);
  });
}

}  // namespace

Value Evaluator::EvalCall(const Call& call, std::int64_t t) {
  if (call.func == nullptr) {
    Fail("call without a function");
    return Vector{};
  }
  const std::string& name = call.func->name;
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    if (UnwrapParens(*call.args[i]).kind == ExprKind::kMatrixSelector) {
      return EvalRangeCall(call, i, t);
    }
  }
  if (name == "time") return Scalar{t, static_cast<double>(t) / 1000};
  if (name == "scalar") {
    Vector v = EvalVector(*call.args[0], t);
    return Scalar{t, v.size() == 1 ? v[0].v : std::nan("")};
  }
  Vector out = EvalVectorCall(call, t);
  CheckUniqueLabelsets(out);
  return out;
}

Vector Evaluator::EvalVectorCall(const Call& call, std::int64_t t) {
  const std::string& name = call.func->name;
  const auto& args = call.args;
  if (name == "vector") return Vector{Sample{Labels(), t, EvalScalar(*args[0], t)}};
  if (IsDateFunction(name)) {
    if (args.empty()) return Vector{Sample{Labels(), t, DatePart(name, t / 1000)}};
    return MapValues(EvalVector(*args[0], t),
                     [&](double v) { return DatePart(name, GoFloatToInt64(v)); });
  }
  if (auto f = SimpleFunction(name)) return MapValues(EvalVector(*args[0], t), f);
  if (name == "round") {
    Vector v = EvalVector(*args[0], t);
    double to_nearest = args.size() > 1 ? EvalScalar(*args[1], t) : 1;
    return MapValues(std::move(v), [&](double x) { return Round(x, to_nearest); });
  }
  if (name == "clamp" || name == "clamp_min" || name == "clamp_max") return EvalClamp(call, t);
  if (name == "timestamp") {
    // Only a bare selector knows its samples' own times; anything else was computed at `t`.
    bool raw = UnwrapParens(*args[0]).kind == ExprKind::kVectorSelector;
    Vector v = EvalVector(*args[0], t);
    for (auto& s : v) {
      s.labels = s.labels.WithoutMetricName();
      s.v = static_cast<double>(raw ? s.t : t) / 1000;
    }
    return v;
  }
  if (name == "absent") {
    if (!EvalVector(*args[0], t).empty()) return {};
    return Vector{Sample{AbsentLabels(*args[0]), t, 1}};
  }
  if (name == "sort" || name == "sort_desc") {
    Vector v = EvalVector(*args[0], t);
    SortByValue(v, name == "sort_desc");
    return v;
  }
  if (name == "label_replace") return EvalLabelReplace(call, t);
  if (name == "label_join") return EvalLabelJoin(call, t);
  if (name == "histogram_quantile") return EvalHistogramQuantile(call, t);
  Fail("function " + name + " is not supported by opsagent");
  return {};
}

Vector Evaluator::EvalClamp(const Call& call, std::int64_t t) {
  const std::string& name = call.func->name;
  Vector v = EvalVector(*call.args[0], t);
  double min = -HUGE_VAL, max = HUGE_VAL;
  if (name == "clamp") {
    min = EvalScalar(*call.args[1], t);
    max = EvalScalar(*call.args[2], t);
    if (max < min) return {};
    return MapValues(std::move(v), [&](double x) { return GoMax(min, GoMin(max, x)); });
  }
  if (name == "clamp_min") {
    min = EvalScalar(*call.args[1], t);
    return MapValues(std::move(v), [&](double x) { return GoMax(x, min); });
  }
  max = EvalScalar(*call.args[1], t);
  return MapValues(std::move(v), [&](double x) { return GoMin(x, max); });
}

Value Evaluator::EvalRangeCall(const Call& call, std::size_t matrix_arg, std::int64_t t) {
  const std::string& name = call.func->name;
  const auto& selector = static_cast<const MatrixSelector&>(UnwrapParens(*call.args[matrix_arg]));
  RangeArgs args{t, selector.range_ms, selector.selector->offset_ms, 0};
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    if (i != matrix_arg) args.scalar = EvalScalar(*call.args[i], t);
  }
  Matrix matrix = SelectMatrix(selector, t, false);
  if (failed()) return Vector{};
  // Prometheus holds one series' points at a time, plus the results so far.
  std::size_t most_points = 0;
  for (const auto& series : matrix) most_points = std::max(most_points, series.points.size());
  if (name == "absent_over_time") {
    if (!matrix.empty()) return Vector{};
    return Vector{Sample{AbsentLabels(selector), t, 1}};
  }
  RangeFunction f = LookupRangeFunction(name);
  if (f == nullptr) {
    Fail("function " + name + " is not supported by opsagent");
    return Vector{};
  }
  Vector out;
  for (const auto& series : matrix) {
    std::optional<double> v = f(series.points, args);
    if (!v) continue;
    // last_over_time acts like a selector with offset, so it keeps the metric name.
    Labels labels = name == "last_over_time" ? series.labels : series.labels.WithoutMetricName();
    out.push_back(Sample{std::move(labels), t, *v});
  }
  CountSamples(most_points + out.size());
  CheckUniqueLabelsets(out);
  return out;
}

Vector Evaluator::EvalHistogramQuantile(const Call& call, std::int64_t t) {
  double q = EvalScalar(*call.args[0], t);
  Vector input = EvalVector(*call.args[1], t);
  struct Group {
    Labels labels;
    std::vector<Bucket> buckets;
  };
  std::unordered_map<std::uint64_t, std::size_t> index;
  std::vector<Group> groups;
  static const std::vector<std::string> kLe = {"le"};
  for (const auto& s : input) {
    std::optional<double> upper = ParseGoFloat(s.labels.Get("le"));
    if (!upper) continue;  // no or malformed `le`: not a bucket
    // The group key keeps __name__ (as Prometheus's); the output drops it.
    LabelsBuilder key_builder(s.labels);
    key_builder.Del("le");
    Labels key_labels = key_builder.Build();
    auto [it, inserted] = index.try_emplace(key_labels.Hash(), groups.size());
    if (inserted) groups.push_back(Group{key_labels.WithoutMetricName(), {}});
    groups[it->second].buckets.push_back(Bucket{*upper, s.v});
  }
  Vector out;
  for (auto& g : groups)
    out.push_back(Sample{std::move(g.labels), t, BucketQuantile(q, g.buckets)});
  return out;
}

}  // namespace opsagent::rules::promql::internal
