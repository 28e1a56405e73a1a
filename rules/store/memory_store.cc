// MemoryStore: series by label hash, postings for selection, latest samples, XOR-chunk history.
#include "rules/store/memory_store.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "rules/store/chunk.h"

namespace opsagent::rules {
namespace {

using SeriesId = std::uint64_t;
using IdList = std::vector<SeriesId>;  // always sorted ascending, no duplicates

constexpr std::int64_t kNoHistory = -1;
constexpr std::int64_t kForever = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kNoSample = std::numeric_limits<std::int64_t>::min();

// now - span, clamped at the oldest representable time (kForever, extreme clocks).
std::int64_t SaturatingSub(std::int64_t now, std::int64_t span) {
  std::int64_t out;
  if (span == kForever || __builtin_sub_overflow(now, span, &out)) {
    return std::numeric_limits<std::int64_t>::min();
  }
  return out;
}

IdList Intersect(const IdList& a, const IdList& b) {
  IdList out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

IdList SortedUnique(IdList ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::size_t LabelsMemory(const Labels& labels) {
  std::size_t bytes = labels.size() * sizeof(Label);
  for (const Label& l : labels) bytes += l.name.capacity() + l.value.capacity();
  return bytes;
}

struct MemSeries {
  Labels labels;
  Point latest{kNoSample, 0};
  /// The longest retention any history need asks for; kNoHistory when none does.
  std::int64_t retention_ms = kNoHistory;
  /// Wanted history but max_series_history was reached (counted once per refusal).
  bool history_denied = false;
  std::unique_ptr<ChunkedHistory> history;
  SeriesId id = 0;
  std::uint64_t hash = 0;  ///< labels.Hash(), kept for the index's deletes and growth
};

// Label hash -> series, open addressing with linear probing: the append path looks every sample's
// series up here, and node-based maps cost several cache misses per lookup where this costs one.
// Equal hashes (collisions) simply occupy neighbouring slots; Find compares the labels.
class SeriesIndex {
 public:
  MemSeries* Find(std::uint64_t hash, const Labels& labels) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = Home(hash);; i = (i + 1) & mask()) {
      const Slot& slot = slots_[i];
      if (slot.series == nullptr) return nullptr;
      if (slot.hash == hash && slot.series->labels == labels) return slot.series;
    }
  }

  void Insert(MemSeries* series) {
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();
    Place(series);
    ++size_;
  }

  void Erase(const MemSeries* series) {
    std::size_t i = Home(series->hash);
    while (slots_[i].series != series) i = (i + 1) & mask();
    // Backward-shift deletion: pull later entries of the probe run into the hole so lookups
    // never need tombstones.
    for (std::size_t j = (i + 1) & mask(); slots_[j].series != nullptr; j = (j + 1) & mask()) {
      std::size_t home = Home(slots_[j].hash);
      bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
      if (movable) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = Slot{};
    --size_;
  }

  std::size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    MemSeries* series = nullptr;
  };

  std::size_t mask() const { return slots_.size() - 1; }
  // Fibonacci hashing spreads FNV's weaker low bits over the table.
  std::size_t Home(std::uint64_t hash) const {
    return static_cast<std::size_t>((hash * 0x9e3779b97f4a7c15ull) >> shift_);
  }

  void Place(MemSeries* series) {
    std::size_t i = Home(series->hash);
    while (slots_[i].series != nullptr) i = (i + 1) & mask();
    slots_[i] = Slot{series->hash, series};
  }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    shift_ = 64 - std::countr_zero(slots_.size());
    for (const Slot& slot : old) {
      if (slot.series != nullptr) Place(slot.series);
    }
  }

  std::vector<Slot> slots_;  // size is zero or a power of two
  std::size_t size_ = 0;
  int shift_ = 64;
};

}  // namespace

struct MemoryStore::Impl {
  explicit Impl(const StoreOptions& o) : options(o) {}

  StoreOptions options;
  mutable std::mutex mu;

  SeriesId next_id = 1;
  // Ordered by id (creation order), which keeps id lists sorted and history caps deterministic.
  std::map<SeriesId, MemSeries> series;
  SeriesIndex by_hash;
  // name -> value -> ids; ordered so label APIs and regex scans see sorted keys.
  std::map<std::string, std::map<std::string, IdList, std::less<>>, std::less<>> postings;
  std::vector<HistoryNeed> needs;
  // Per source, the series it wrote in its previous batch (for staleness markers).
  std::map<std::string, IdList, std::less<>> sources;
  std::size_t history_series = 0;

  std::uint64_t history_dropped_series = 0;
  std::uint64_t dropped_series = 0;
  std::uint64_t dropped_samples = 0;
  std::uint64_t untracked_sources = 0;

  std::int64_t RetentionFor(const Labels& labels, const std::vector<HistoryNeed>& from) const {
    if (options.retain_all) return kForever;
    std::int64_t retention = kNoHistory;
    for (const HistoryNeed& need : from) {
      if (MatchesAll(need.matchers, labels)) retention = std::max(retention, need.retention_ms);
    }
    return retention;
  }

  // The series, created when new; null when it is new and max_series is reached.
  MemSeries* FindOrCreate(const Labels& labels) {
    std::uint64_t hash = labels.Hash();
    if (MemSeries* found = by_hash.Find(hash, labels)) return found;
    if (series.size() >= options.max_series) {
      ++dropped_series;
      return nullptr;
    }
    SeriesId id = next_id++;
    MemSeries& s = series[id];
    s.labels = labels;
    s.id = id;
    s.hash = hash;
    s.retention_ms = RetentionFor(labels, needs);
    by_hash.Insert(&s);  // std::map nodes never move
    for (const Label& l : labels) postings[l.name][l.value].push_back(id);  // ids only grow
    return &s;
  }

  // Gives `s` a history when it wants one and a slot is free, seeded with its latest sample so
  // range reads see it.
  void EnsureHistory(MemSeries& s) {
    if (s.retention_ms == kNoHistory || s.history) return;
    if (history_series >= options.max_series_history) {
      if (!s.history_denied) ++history_dropped_series;
      s.history_denied = true;
      return;
    }
    s.history_denied = false;
    // Half the retention: a read decodes at most that much before its range, and the series
    // holds at most 1.5x its retention.
    const std::int64_t span = s.retention_ms == kForever ? 0 : s.retention_ms / 2;
    s.history = std::make_unique<ChunkedHistory>(span);
    if (s.latest.t != kNoSample) s.history->Append(s.latest.t, s.latest.v);
    ++history_series;
  }

  void DropHistory(MemSeries& s) {
    if (!s.history) return;
    s.history.reset();
    --history_series;
  }

  bool AppendTo(MemSeries& s, std::int64_t t, double v) {
    if (t <= s.latest.t) {
      ++dropped_samples;
      return false;
    }
    s.latest = {t, v};
    EnsureHistory(s);
    if (s.history) s.history->Append(t, v);
    return true;
  }

  void AppendStale(SeriesId id, std::int64_t t) {
    auto it = series.find(id);
    if (it == series.end()) return;  // collected meanwhile
    MemSeries& s = it->second;
    // Another writer already has a sample at t, or the series is already marked: nothing to say.
    if (t <= s.latest.t || IsStaleMarker(s.latest.v)) return;
    AppendTo(s, t, StaleMarker());
  }

  IdList AllIds() const {
    IdList ids;
    ids.reserve(series.size());
    for (const auto& [id, s] : series) ids.push_back(id);
    return ids;
  }

  // Ids of series carrying `m.name()` with a value `m` accepts.
  IdList PostingsFor(const LabelMatcher& m) const {
    auto name_it = postings.find(m.name());
    if (name_it == postings.end()) return {};
    const auto& values = name_it->second;
    if (m.type() == MatchType::kEqual) {
      auto value_it = values.find(m.value());
      return value_it == values.end() ? IdList{} : value_it->second;
    }
    IdList ids;
    for (const auto& [value, list] : values) {
      if (m.Matches(value)) ids.insert(ids.end(), list.begin(), list.end());
    }
    return SortedUnique(std::move(ids));
  }

  // Matchers that reject "" can only match series that carry the label, so their postings bound
  // the candidates; the rest (`!=`, `=~".*"`, `=""`) are checked on each candidate's labels.
  IdList Matching(const std::vector<LabelMatcher>& matchers) const {
    std::optional<IdList> candidates;
    for (const LabelMatcher& m : matchers) {
      if (m.MatchesEmpty()) continue;
      IdList ids = PostingsFor(m);
      candidates = candidates ? Intersect(*candidates, ids) : std::move(ids);
      if (candidates->empty()) return {};
    }
    IdList ids = candidates ? std::move(*candidates) : AllIds();
    std::erase_if(ids, [&](SeriesId id) { return !MatchesAll(matchers, series.at(id).labels); });
    return ids;
  }

  IdList MatchingAny(const std::vector<std::vector<LabelMatcher>>& selectors) const {
    if (selectors.empty()) return AllIds();
    IdList ids;
    for (const auto& matchers : selectors) {
      IdList part = Matching(matchers);
      ids.insert(ids.end(), part.begin(), part.end());
    }
    return SortedUnique(std::move(ids));
  }

  // The latest sample is read from the slot when history lacks it (no history, or history
  // trimmed shorter than the lookback).
  static bool LatestBeyondHistory(const MemSeries& s) {
    if (s.latest.t == kNoSample) return false;
    if (!s.history) return true;
    std::optional<Point> last = s.history->Last();
    return !last || last->t < s.latest.t;
  }

  static void PointsIn(const MemSeries& s, std::int64_t mint, std::int64_t maxt,
                       std::vector<Point>* out) {
    if (s.history) s.history->AppendRange(mint, maxt, out);
    if (LatestBeyondHistory(s) && s.latest.t >= mint && s.latest.t <= maxt) {
      out->push_back(s.latest);
    }
  }

  static bool HasSampleIn(const MemSeries& s, std::int64_t mint, std::int64_t maxt) {
    if (s.latest.t >= mint && s.latest.t <= maxt) return true;
    return s.history && s.history->HasSampleIn(mint, maxt);
  }

  // Ids matching `selectors` with a sample in [mint, maxt].
  IdList ActiveMatching(const std::vector<std::vector<LabelMatcher>>& selectors, std::int64_t mint,
                        std::int64_t maxt) const {
    IdList ids = MatchingAny(selectors);
    std::erase_if(ids, [&](SeriesId id) { return !HasSampleIn(series.at(id), mint, maxt); });
    return ids;
  }

  void Delete(const IdList& ids) {
    // Batch the postings edits: one pass per touched list instead of one per series.
    std::map<std::pair<std::string, std::string>, IdList> removals;
    for (SeriesId id : ids) {
      auto it = series.find(id);
      const MemSeries& s = it->second;
      for (const Label& l : s.labels) removals[{l.name, l.value}].push_back(id);
      by_hash.Erase(&s);
      if (s.history) --history_series;
      series.erase(it);
    }
    for (auto& [label, gone] : removals) {
      auto name_it = postings.find(label.first);
      auto value_it = name_it->second.find(label.second);
      IdList& list = value_it->second;
      IdList kept;
      std::set_difference(list.begin(), list.end(), gone.begin(), gone.end(),
                          std::back_inserter(kept));
      list = std::move(kept);
      if (list.empty()) name_it->second.erase(value_it);
      if (name_it->second.empty()) postings.erase(name_it);
    }
  }

  void ForgetDeletedInSources() {
    for (auto& [name, ids] : sources) {
      std::erase_if(ids, [&](SeriesId id) { return !series.contains(id); });
    }
  }

  std::size_t MemoryEstimate() const {
    // Rough per-node overhead of std::map (three pointers, colour, key).
    constexpr std::size_t kMapNode = 48;
    std::size_t bytes = sizeof(*this) + by_hash.MemoryBytes();
    for (const auto& [id, s] : series) {
      bytes += kMapNode + sizeof(MemSeries) + LabelsMemory(s.labels);
      if (s.history) bytes += s.history->MemoryBytes();
    }
    for (const auto& [name, values] : postings) {
      bytes += kMapNode + name.capacity();
      for (const auto& [value, ids] : values) {
        bytes += kMapNode + value.capacity() + ids.capacity() * sizeof(SeriesId);
      }
    }
    for (const auto& [name, ids] : sources) {
      bytes += kMapNode + name.capacity() + ids.capacity() * sizeof(SeriesId);
    }
    return bytes;
  }
};

// The contract takes the options by value; they are a few plain words.
// cppcheck-suppress passedByValue
MemoryStore::MemoryStore(StoreOptions options) : impl_(std::make_unique<Impl>(options)) {}

MemoryStore::~MemoryStore() = default;

void MemoryStore::SetHistoryNeeds(std::vector<HistoryNeed> needs) {
  std::lock_guard lock(impl_->mu);
  impl_->needs = std::move(needs);
  for (auto& [id, s] : impl_->series) {
    s.retention_ms = impl_->RetentionFor(s.labels, impl_->needs);
    // History no longer needed is dropped at the next Collect, as the contract promises.
    if (s.retention_ms == kNoHistory) {
      s.history_denied = false;
    } else {
      impl_->EnsureHistory(s);
    }
  }
}

std::size_t MemoryStore::CountHistorySeries(const std::vector<HistoryNeed>& needs) const {
  std::lock_guard lock(impl_->mu);
  std::size_t count = 0;
  for (const auto& [id, s] : impl_->series) {
    if (impl_->RetentionFor(s.labels, needs) != kNoHistory) ++count;
  }
  return count;
}

void MemoryStore::AppendBatch(std::string_view source, std::int64_t t_ms,
                              const std::vector<std::pair<Labels, double>>& samples) {
  std::lock_guard lock(impl_->mu);
  IdList written;
  written.reserve(samples.size());
  for (const auto& [labels, value] : samples) {
    MemSeries* s = impl_->FindOrCreate(labels);
    if (s == nullptr) {
      ++impl_->dropped_samples;
      continue;
    }
    impl_->AppendTo(*s, t_ms, value);
    // Written even when dropped as out of order: the source still produces the series.
    written.push_back(s->id);
  }
  written = SortedUnique(std::move(written));

  auto it = impl_->sources.find(source);
  if (it == impl_->sources.end()) {
    if (impl_->sources.size() >= impl_->options.max_sources) {
      ++impl_->untracked_sources;
      return;
    }
    impl_->sources.emplace(std::string(source), std::move(written));
    return;
  }
  IdList gone;
  std::set_difference(it->second.begin(), it->second.end(), written.begin(), written.end(),
                      std::back_inserter(gone));
  for (SeriesId id : gone) impl_->AppendStale(id, t_ms);
  it->second = std::move(written);
}

void MemoryStore::Append(const Labels& labels, std::int64_t t_ms, double v) {
  std::lock_guard lock(impl_->mu);
  MemSeries* s = impl_->FindOrCreate(labels);
  if (s == nullptr) {
    ++impl_->dropped_samples;
    return;
  }
  impl_->AppendTo(*s, t_ms, v);
}

void MemoryStore::EndSource(std::string_view source, std::int64_t t_ms) {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->sources.find(source);
  if (it == impl_->sources.end()) return;
  for (SeriesId id : it->second) impl_->AppendStale(id, t_ms);
  impl_->sources.erase(it);
}

void MemoryStore::Collect(std::int64_t now_ms) {
  std::lock_guard lock(impl_->mu);
  IdList expired;
  for (auto& [id, s] : impl_->series) {
    // A series stays while an instant selector could still see it, or while a range selector
    // that needs its history could (rate(x[1h]) still sees a series that vanished 10 minutes ago).
    std::int64_t keep_for = kLookbackDeltaMs;
    if (s.history) keep_for = std::max(keep_for, s.retention_ms);
    if (s.latest.t < SaturatingSub(now_ms, keep_for)) {
      expired.push_back(id);
      continue;
    }
    if (s.retention_ms == kNoHistory) {
      impl_->DropHistory(s);
    } else if (s.history && s.retention_ms != kForever) {
      s.history->DropBefore(SaturatingSub(now_ms, s.retention_ms));
    }
  }
  if (expired.empty()) return;
  impl_->Delete(expired);
  impl_->ForgetDeletedInSources();
}

std::vector<Series> MemoryStore::Select(const std::vector<LabelMatcher>& matchers,
                                        std::int64_t mint, std::int64_t maxt) const {
  std::lock_guard lock(impl_->mu);
  std::vector<Series> out;
  const IdList ids = impl_->Matching(matchers);
  out.reserve(ids.size());
  for (SeriesId id : ids) {
    const MemSeries& s = impl_->series.at(id);
    Series series;
    Impl::PointsIn(s, mint, maxt, &series.points);
    if (series.points.empty()) continue;
    series.labels = s.labels;
    out.push_back(std::move(series));
  }
  std::sort(out.begin(), out.end(),
            [](const Series& a, const Series& b) { return a.labels < b.labels; });
  return out;
}

std::vector<Labels> MemoryStore::SeriesLabels(
    const std::vector<std::vector<LabelMatcher>>& selectors, std::int64_t mint,
    std::int64_t maxt) const {
  std::lock_guard lock(impl_->mu);
  std::vector<Labels> out;
  for (SeriesId id : impl_->ActiveMatching(selectors, mint, maxt)) {
    out.push_back(impl_->series.at(id).labels);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> MemoryStore::LabelNames(
    const std::vector<std::vector<LabelMatcher>>& selectors, std::int64_t mint,
    std::int64_t maxt) const {
  std::lock_guard lock(impl_->mu);
  std::set<std::string, std::less<>> names;
  for (SeriesId id : impl_->ActiveMatching(selectors, mint, maxt)) {
    for (const Label& l : impl_->series.at(id).labels) names.insert(l.name);
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> MemoryStore::LabelValues(
    std::string_view name, const std::vector<std::vector<LabelMatcher>>& selectors,
    std::int64_t mint, std::int64_t maxt) const {
  std::lock_guard lock(impl_->mu);
  std::set<std::string, std::less<>> values;
  for (SeriesId id : impl_->ActiveMatching(selectors, mint, maxt)) {
    std::string_view value = impl_->series.at(id).labels.Get(name);
    if (!value.empty()) values.insert(std::string(value));
  }
  return {values.begin(), values.end()};
}

StoreStats MemoryStore::Stats() const {
  std::lock_guard lock(impl_->mu);
  StoreStats stats;
  stats.series = impl_->series.size();
  stats.history_series = impl_->history_series;
  for (const auto& [id, s] : impl_->series) {
    if (!s.history) continue;
    stats.samples += s.history->NumSamples();
    stats.bytes += s.history->Bytes();
  }
  stats.memory_bytes = impl_->MemoryEstimate();
  stats.history_dropped_series = impl_->history_dropped_series;
  stats.dropped_series = impl_->dropped_series;
  stats.dropped_samples = impl_->dropped_samples;
  stats.untracked_sources = impl_->untracked_sources;
  return stats;
}

}  // namespace opsagent::rules
