// A tiny in-memory Queryable for evaluator tests: a vector of series, no bounds.
#pragma once

#include <algorithm>
#include <vector>

#include "rules/store/series.h"

namespace opsagent::rules::testing {

class VectorQueryable final : public Queryable {
 public:
  /// Adds a point; points of one series must be added in time order.
  void Add(const Labels& labels, std::int64_t t, double v) {
    auto it = std::find_if(series_.begin(), series_.end(),
                           [&](const Series& s) { return s.labels == labels; });
    if (it == series_.end()) {
      series_.push_back(Series{labels, {}});
      it = std::prev(series_.end());
    }
    it->points.push_back(Point{t, v});
  }
  void Clear() { series_.clear(); }

  std::vector<Series> Select(const std::vector<LabelMatcher>& matchers, std::int64_t mint,
                             std::int64_t maxt) const override {
    std::vector<Series> out;
    for (const auto& s : series_) {
      if (!MatchesAll(matchers, s.labels)) continue;
      Series slice{s.labels, {}};
      for (const auto& p : s.points) {
        if (p.t >= mint && p.t <= maxt) slice.points.push_back(p);
      }
      if (!slice.points.empty()) out.push_back(std::move(slice));
    }
    std::sort(out.begin(), out.end(),
              [](const Series& a, const Series& b) { return a.labels < b.labels; });
    return out;
  }

 private:
  std::vector<Series> series_;
};

}  // namespace opsagent::rules::testing
