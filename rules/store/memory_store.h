// MemoryStore: the rule engine's in-memory series store. Keeps the latest sample of every series
// (for instant selectors and the API) and compressed history only for series that rules' range
// selectors and offsets need, only as long as they need it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/store/labels.h"
#include "rules/store/matcher.h"
#include "rules/store/series.h"

namespace opsagent::rules {

/// Prometheus's default lookback: an instant selector sees the newest sample at most this old.
inline constexpr std::int64_t kLookbackDeltaMs = 5 * 60 * 1000;

/// "Series matching `matchers` need history back to now - retention_ms" (largest range + offset
/// + one evaluation interval, computed by the rule loader).
struct HistoryNeed {
  std::vector<LabelMatcher> matchers;
  std::int64_t retention_ms = 0;
};

struct StoreOptions {
  /// Keep full history for every series (promtool-style unit tests and tests of the store).
  bool retain_all = false;
  /// Most series that may hold history (config rules.max_series_history); SetHistoryNeeds and
  /// appends never exceed it: the excess series keep only their latest sample and are counted.
  std::size_t max_series_history = 10000;
  /// Most series overall; samples of new series beyond it are dropped and counted.
  std::size_t max_series = 1'000'000;
  /// Most distinct sources (collect cycle, one per recording rule, ...).
  std::size_t max_sources = 100'000;
};

struct StoreStats {
  std::size_t series = 0;
  std::size_t history_series = 0;  ///< series currently keeping history
  std::size_t samples = 0;         ///< samples held in history chunks
  std::size_t bytes = 0;           ///< bytes of compressed chunk data (bytes / samples: density)
  std::size_t memory_bytes = 0;    ///< estimate of everything the store holds
  std::uint64_t history_dropped_series = 0;  ///< wanted history but over max_series_history
  std::uint64_t dropped_series = 0;          ///< over max_series
  std::uint64_t dropped_samples = 0;         ///< out of order or over a bound
  std::uint64_t untracked_sources = 0;       ///< over max_sources: no staleness tracking
};

/// Thread-safety: all methods are safe to call concurrently (one internal mutex); Select
/// returns copies.
class MemoryStore final : public Queryable {
 public:
  explicit MemoryStore(StoreOptions options = {});
  ~MemoryStore() override;

  /// Replaces the set of history needs (on rule load/reload). Series that no longer match any
  /// need drop their history at the next Collect.
  void SetHistoryNeeds(std::vector<HistoryNeed> needs);
  /// How many of the current series `needs` would keep history for: the loader's check against
  /// the bound (series that appear later are capped by max_series_history at append time).
  std::size_t CountHistorySeries(const std::vector<HistoryNeed>& needs) const;

  /// Appends one batch of samples stamped `t_ms` produced by `source` (e.g. "collect", or a
  /// recording rule's key). Series the same source produced in its previous batch and not in this
  /// one get a staleness marker at `t_ms`, as Prometheus does for a scrape.
  void AppendBatch(std::string_view source, std::int64_t t_ms,
                   const std::vector<std::pair<Labels, double>>& samples);
  /// Appends one sample outside any source (tests, unit-test input series). Out-of-order samples
  /// (t <= the series' last t) are dropped and counted.
  void Append(const Labels& labels, std::int64_t t_ms, double v);
  /// The source is gone (rule removed): every series it produced gets a staleness marker.
  void EndSource(std::string_view source, std::int64_t t_ms);

  /// Drops history older than each series' retention and series with no sample in the last
  /// lookback delta (plus their empty postings). Call once per cycle.
  void Collect(std::int64_t now_ms);

  std::vector<Series> Select(const std::vector<LabelMatcher>& matchers, std::int64_t mint,
                             std::int64_t maxt) const override;

  /// Label sets of series matching any of `selectors` (all series when empty) with a sample in
  /// [mint, maxt], sorted.
  std::vector<Labels> SeriesLabels(const std::vector<std::vector<LabelMatcher>>& selectors,
                                   std::int64_t mint, std::int64_t maxt) const;
  /// Sorted distinct label names / values of `name` among series matching any of `selectors`.
  std::vector<std::string> LabelNames(const std::vector<std::vector<LabelMatcher>>& selectors,
                                      std::int64_t mint, std::int64_t maxt) const;
  std::vector<std::string> LabelValues(std::string_view name,
                                       const std::vector<std::vector<LabelMatcher>>& selectors,
                                       std::int64_t mint, std::int64_t maxt) const;

  StoreStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace opsagent::rules
