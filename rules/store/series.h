// Points, series and the read interface the PromQL evaluator queries.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/store/labels.h"
#include "rules/store/matcher.h"

namespace opsagent::rules {

/// One sample: a millisecond Unix timestamp and a value.
struct Point {
  std::int64_t t = 0;
  double v = 0;
  bool operator==(const Point& o) const {
    return t == o.t && std::bit_cast<std::uint64_t>(v) == std::bit_cast<std::uint64_t>(o.v);
  }
};

/// Prometheus's staleness marker: a NaN with a specific bit pattern (value.StaleNaN), written
/// when a series stops being collected so that lookups stop returning it at once.
inline constexpr std::uint64_t kStaleNaNBits = 0x7ff0000000000002ull;
inline double StaleMarker() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleMarker(double v) { return std::bit_cast<std::uint64_t>(v) == kStaleNaNBits; }

struct Series {
  Labels labels;
  std::vector<Point> points;  ///< ascending by time
};

/// Read-only access to stored series. Thread-safety: implementations say so.
class Queryable {
 public:
  virtual ~Queryable() = default;
  /// Every series matching all `matchers`, with its points in [mint, maxt] (both inclusive), in
  /// time order, stale markers included (the evaluator drops them). Series are ordered by labels.
  virtual std::vector<Series> Select(const std::vector<LabelMatcher>& matchers, std::int64_t mint,
                                     std::int64_t maxt) const = 0;
};

}  // namespace opsagent::rules
