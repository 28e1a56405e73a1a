// histogram_quantile over classic buckets, as Prometheus 2.42's bucketQuantile.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "rules/promql/eval_internal.h"

namespace opsagent::rules::promql::internal {
namespace {

// Adds up buckets with the same upper bound (they come from series differing in other labels).
void CoalesceBuckets(std::vector<Bucket>& buckets) {
  std::size_t i = 0;
  Bucket last = buckets[0];
  for (std::size_t j = 1; j < buckets.size(); ++j) {
    if (buckets[j].upper_bound == last.upper_bound) {
      last.count += buckets[j].count;
    } else {
      buckets[i++] = last;
      last = buckets[j];
    }
  }
  buckets[i] = last;
  buckets.resize(i + 1);
}

// Counts can go down from scrape skew between buckets; quantiles need cumulative counts.
void EnsureMonotonic(std::vector<Bucket>& buckets) {
  double max = -HUGE_VAL;
  for (auto& b : buckets) {
    if (b.count > max) {
      max = b.count;
    } else if (b.count < max) {
      b.count = max;
    }
  }
}

}  // namespace

std::optional<double> ParseGoFloat(std::string_view text) {
  if (text.empty() || text.find_first_of(" \t\n\v\f\r_") != std::string_view::npos) {
    return std::nullopt;
  }
  std::string s(text);
  bool hex = s.find_first_of("xX") != std::string::npos;
  // Go requires a binary exponent on hexadecimal floats.
  if (hex && s.find_first_of("pP") == std::string::npos) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  if (errno == ERANGE && std::isinf(v)) return std::nullopt;
  return v;
}

double BucketQuantile(double q, std::vector<Bucket>& buckets) {
  if (std::isnan(q)) return std::nan("");
  if (q < 0) return -HUGE_VAL;
  if (q > 1) return HUGE_VAL;
  std::stable_sort(buckets.begin(), buckets.end(),
                   [](const Bucket& a, const Bucket& b) { return a.upper_bound < b.upper_bound; });
  if (!(std::isinf(buckets.back().upper_bound) && buckets.back().upper_bound > 0)) {
    return std::nan("");
  }
  CoalesceBuckets(buckets);
  EnsureMonotonic(buckets);
  if (buckets.size() < 2) return std::nan("");
  double observations = buckets.back().count;
  if (observations == 0) return std::nan("");
  double rank = q * observations;
  // Go's sort.Search over all but the +Inf bucket: the first whose count reaches the rank.
  std::size_t b = 0, hi = buckets.size() - 1;
  while (b < hi) {
    std::size_t mid = (b + hi) / 2;
    if (!(buckets[mid].count >= rank)) {
      b = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (b == buckets.size() - 1) return buckets[buckets.size() - 2].upper_bound;
  if (b == 0 && buckets[0].upper_bound <= 0) return buckets[0].upper_bound;
  double start = 0;
  double end = buckets[b].upper_bound;
  double count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].upper_bound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

}  // namespace opsagent::rules::promql::internal
