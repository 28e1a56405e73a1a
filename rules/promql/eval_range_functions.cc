// Functions over one series' points in a range: rate family, deriv, *_over_time, resets ...
#include <cmath>
#include <unordered_map>

#include "rules/promql/eval_internal.h"

namespace opsagent::rules::promql::internal {
namespace {

using Points = std::vector<Point>;
using Out = std::optional<double>;

double Seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000; }

// Prometheus's extrapolatedRate: the increase between the first and last sample, corrected for
// counter resets, then extrapolated towards the range boundaries when the samples come close
// to them (but not past zero for counters).
Out ExtrapolatedRate(const Points& p, const RangeArgs& a, bool is_counter, bool is_rate) {
  if (p.size() < 2) return std::nullopt;
  std::int64_t range_start = a.t - (a.range_ms + a.offset_ms);
  std::int64_t range_end = a.t - a.offset_ms;
  double result = p.back().v - p.front().v;
  if (is_counter) {
    double prev = p.front().v;
    for (std::size_t i = 1; i < p.size(); ++i) {
      if (p[i].v < prev) result += prev;
      prev = p[i].v;
    }
  }
  double to_start = Seconds(p.front().t - range_start);
  double to_end = Seconds(range_end - p.back().t);
  double sampled = Seconds(p.back().t - p.front().t);
  double average = sampled / static_cast<double>(p.size() - 1);
  if (is_counter && result > 0 && p.front().v >= 0) {
    double to_zero = sampled * (p.front().v / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  double threshold = average * 1.1;
  double interval = sampled;
  interval += to_start < threshold ? to_start : average / 2;
  interval += to_end < threshold ? to_end : average / 2;
  double factor = interval / sampled;
  if (is_rate) factor /= Seconds(a.range_ms);
  return result * factor;
}

Out InstantValue(const Points& p, bool is_rate) {
  if (p.size() < 2) return std::nullopt;
  const Point& last = p[p.size() - 1];
  const Point& prev = p[p.size() - 2];
  double result = (is_rate && last.v < prev.v) ? last.v : last.v - prev.v;
  std::int64_t interval = last.t - prev.t;
  if (interval == 0) return std::nullopt;
  if (is_rate) result /= Seconds(interval);
  return result;
}

struct Regression {
  double slope = 0;
  double intercept = 0;
};

Regression LinearRegression(const Points& p, std::int64_t intercept_time) {
  double n = 0, sum_x = 0, c_x = 0, sum_y = 0, c_y = 0, sum_xy = 0, c_xy = 0, sum_x2 = 0, c_x2 = 0;
  double init_y = p.front().v;
  bool const_y = true;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (const_y && i > 0 && p[i].v != init_y) const_y = false;
    n += 1;
    double x = static_cast<double>(p[i].t - intercept_time) / 1e3;
    sum_x = KahanSumInc(x, sum_x, c_x);
    sum_y = KahanSumInc(p[i].v, sum_y, c_y);
    sum_xy = KahanSumInc(x * p[i].v, sum_xy, c_xy);
    sum_x2 = KahanSumInc(x * x, sum_x2, c_x2);
  }
  // A constant series has slope 0 exactly, not the rounding noise of the formula below.
  if (const_y) {
    if (std::isinf(init_y)) return {std::nan(""), std::nan("")};
    return {0, init_y};
  }
  sum_x += c_x;
  sum_y += c_y;
  sum_xy += c_xy;
  sum_x2 += c_x2;
  double cov_xy = sum_xy - sum_x * sum_y / n;
  double var_x = sum_x2 - sum_x * sum_x / n;
  double slope = cov_xy / var_x;
  return {slope, sum_y / n - slope * sum_x / n};
}

Out Deriv(const Points& p, const RangeArgs&) {
  if (p.size() < 2) return std::nullopt;
  // Relative to the first sample keeps x small for precision (Prometheus issue 2674).
  return LinearRegression(p, p.front().t).slope;
}

Out PredictLinear(const Points& p, const RangeArgs& a) {
  if (p.size() < 2) return std::nullopt;
  Regression r = LinearRegression(p, a.t);
  return r.slope * a.scalar + r.intercept;
}

Out AvgOverTime(const Points& p, const RangeArgs&) {
  double mean = 0, count = 0, c = 0;
  for (const auto& point : p) {
    count += 1;
    double v = point.v;
    if (std::isinf(mean)) {
      if (std::isinf(v) && (mean > 0) == (v > 0)) continue;
      if (!std::isinf(v) && !std::isnan(v)) continue;
    }
    mean = KahanSumInc(v / count - mean / count, mean, c);
  }
  if (std::isinf(mean)) return mean;
  return mean + c;
}

Out SumOverTime(const Points& p, const RangeArgs&) {
  double sum = 0, c = 0;
  for (const auto& point : p) sum = KahanSumInc(point.v, sum, c);
  if (std::isinf(sum)) return sum;
  return sum + c;
}

Out MaxOverTime(const Points& p, const RangeArgs&) {
  double max = p.front().v;
  for (const auto& point : p) {
    if (point.v > max || std::isnan(max)) max = point.v;
  }
  return max;
}

Out MinOverTime(const Points& p, const RangeArgs&) {
  double min = p.front().v;
  for (const auto& point : p) {
    if (point.v < min || std::isnan(min)) min = point.v;
  }
  return min;
}

double Variance(const Points& p) {
  double count = 0, mean = 0, c_mean = 0, aux = 0, c_aux = 0;
  for (const auto& point : p) {
    count += 1;
    double delta = point.v - (mean + c_mean);
    mean = KahanSumInc(delta / count, mean, c_mean);
    aux = KahanSumInc(delta * (point.v - (mean + c_mean)), aux, c_aux);
  }
  return (aux + c_aux) / count;
}

Out StdvarOverTime(const Points& p, const RangeArgs&) { return Variance(p); }
Out StddevOverTime(const Points& p, const RangeArgs&) { return std::sqrt(Variance(p)); }
Out CountOverTime(const Points& p, const RangeArgs&) { return static_cast<double>(p.size()); }
Out LastOverTime(const Points& p, const RangeArgs&) { return p.back().v; }
Out PresentOverTime(const Points&, const RangeArgs&) { return 1.0; }

Out QuantileOverTime(const Points& p, const RangeArgs& a) {
  std::vector<double> values;
  values.reserve(p.size());
  for (const auto& point : p) values.push_back(point.v);
  return Quantile(a.scalar, values);
}

Out Resets(const Points& p, const RangeArgs&) {
  int resets = 0;
  for (std::size_t i = 1; i < p.size(); ++i) {
    if (p[i].v < p[i - 1].v) ++resets;
  }
  return resets;
}

Out Changes(const Points& p, const RangeArgs&) {
  int changes = 0;
  for (std::size_t i = 1; i < p.size(); ++i) {
    double cur = p[i].v, prev = p[i - 1].v;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) ++changes;
  }
  return changes;
}

Out Rate(const Points& p, const RangeArgs& a) { return ExtrapolatedRate(p, a, true, true); }
Out Increase(const Points& p, const RangeArgs& a) { return ExtrapolatedRate(p, a, true, false); }
Out Delta(const Points& p, const RangeArgs& a) { return ExtrapolatedRate(p, a, false, false); }
Out Irate(const Points& p, const RangeArgs&) { return InstantValue(p, true); }
Out Idelta(const Points& p, const RangeArgs&) { return InstantValue(p, false); }

}  // namespace

RangeFunction LookupRangeFunction(std::string_view name) {
  static const std::unordered_map<std::string_view, RangeFunction> kTable = {
      {"rate", Rate},
      {"increase", Increase},
      {"delta", Delta},
      {"irate", Irate},
      {"idelta", Idelta},
      {"deriv", Deriv},
      {"predict_linear", PredictLinear},
      {"avg_over_time", AvgOverTime},
      {"sum_over_time", SumOverTime},
      {"min_over_time", MinOverTime},
      {"max_over_time", MaxOverTime},
      {"count_over_time", CountOverTime},
      {"last_over_time", LastOverTime},
      {"present_over_time", PresentOverTime},
      {"stddev_over_time", StddevOverTime},
      {"stdvar_over_time", StdvarOverTime},
      {"quantile_over_time", QuantileOverTime},
      {"resets", Resets},
      {"changes", Changes},
  };
  auto it = kTable.find(name);
  return it == kTable.end() ? nullptr : it->second;
}

}  // namespace opsagent::rules::promql::internal
