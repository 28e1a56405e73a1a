// MemoryStore: selection, staleness, history needs and retention, bounds, label APIs, stats.
#include "rules/store/memory_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "rules/store/chunk.h"

namespace opsagent::rules {
namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

LabelMatcher M(MatchType type, std::string name, std::string value) {
  auto m = LabelMatcher::Make(type, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok());
  return *m;
}
LabelMatcher Eq(std::string name, std::string value) {
  return M(MatchType::kEqual, std::move(name), std::move(value));
}

Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  return Labels::FromPairs(pairs);
}

std::vector<std::string> Names(const std::vector<Series>& series) {
  std::vector<std::string> out;
  for (const auto& s : series) out.push_back(s.labels.ToString());
  return out;
}

std::vector<std::string> Names(const std::vector<Labels>& labels) {
  std::vector<std::string> out;
  for (const auto& l : labels) out.push_back(l.ToString());
  return out;
}

using Strings = std::vector<std::string>;
using Points = std::vector<Point>;

class MemoryStoreSelectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.Append(L({{"__name__", "up"}, {"job", "node"}, {"instance", "a"}}), 1000, 1);
    store_.Append(L({{"__name__", "up"}, {"job", "node"}, {"instance", "b"}}), 1000, 0);
    store_.Append(L({{"__name__", "up"}, {"job", "api"}, {"instance", "a"}}), 1000, 1);
    store_.Append(L({{"__name__", "up"}, {"instance", "c"}}), 1000, 1);  // no job label
    store_.Append(L({{"__name__", "load"}, {"job", "node"}}), 1000, 0.5);
  }
  Strings Select(std::vector<LabelMatcher> matchers) {
    return Names(store_.Select(matchers, kMin, kMax));
  }
  MemoryStore store_;
};

TEST_F(MemoryStoreSelectTest, EqualityIntersectsAndSortsByLabels) {
  EXPECT_EQ(Select({Eq("__name__", "up"), Eq("job", "node")}),
            (Strings{R"({__name__="up", instance="a", job="node"})",
                     R"({__name__="up", instance="b", job="node"})"}));
  EXPECT_EQ(Select({Eq("job", "node")}), (Strings{R"({__name__="load", job="node"})",
                                                  R"({__name__="up", instance="a", job="node"})",
                                                  R"({__name__="up", instance="b", job="node"})"}));
  EXPECT_TRUE(Select({Eq("__name__", "up"), Eq("job", "nope")}).empty());
  EXPECT_TRUE(Select({Eq("nolabel", "x")}).empty());
}

TEST_F(MemoryStoreSelectTest, NotEqualAlsoMatchesAbsentLabel) {
  EXPECT_EQ(
      Select({Eq("__name__", "up"), M(MatchType::kNotEqual, "job", "node")}),
      (Strings{R"({__name__="up", instance="a", job="api"})", R"({__name__="up", instance="c"})"}));
}

TEST_F(MemoryStoreSelectTest, RegexMatchAndNoMatch) {
  EXPECT_EQ(Select({Eq("__name__", "up"), M(MatchType::kRegexMatch, "instance", "a|c")}),
            (Strings{R"({__name__="up", instance="a", job="api"})",
                     R"({__name__="up", instance="a", job="node"})",
                     R"({__name__="up", instance="c"})"}));
  // Anchored: "no" does not match "node".
  EXPECT_TRUE(Select({M(MatchType::kRegexMatch, "job", "no")}).empty());
  EXPECT_EQ(
      Select({Eq("__name__", "up"), M(MatchType::kRegexNoMatch, "job", "n.*")}),
      (Strings{R"({__name__="up", instance="a", job="api"})", R"({__name__="up", instance="c"})"}));
  EXPECT_EQ(Select({M(MatchType::kRegexMatch, "__name__", ".+"), Eq("job", "api")}),
            (Strings{R"({__name__="up", instance="a", job="api"})"}));
}

TEST_F(MemoryStoreSelectTest, MatchersThatAcceptEmptyMatchAbsentLabels) {
  // job="" and job=~"" select series without job; job=~"api|" those with api or none.
  EXPECT_EQ(Select({Eq("__name__", "up"), Eq("job", "")}),
            (Strings{R"({__name__="up", instance="c"})"}));
  EXPECT_EQ(Select({Eq("__name__", "up"), M(MatchType::kRegexMatch, "job", "")}),
            (Strings{R"({__name__="up", instance="c"})"}));
  EXPECT_EQ(
      Select({Eq("__name__", "up"), M(MatchType::kRegexMatch, "job", "api|")}),
      (Strings{R"({__name__="up", instance="a", job="api"})", R"({__name__="up", instance="c"})"}));
  // job!="" requires the label.
  EXPECT_EQ(Select({Eq("__name__", "up"), M(MatchType::kNotEqual, "job", "")}).size(), 3u);
  // Only empty-accepting matchers: every series is a candidate.
  EXPECT_EQ(Select({M(MatchType::kRegexMatch, "x", ".*")}).size(), 5u);
  EXPECT_EQ(Select({}).size(), 5u);
}

TEST(MemoryStoreTest, RangeIsInclusiveAndPointsAscend) {
  MemoryStore store({.retain_all = true});
  Labels x = L({{"__name__", "x"}});
  for (int i = 0; i < 5; ++i) store.Append(x, i * 15'000, i * 10.0);
  auto got = store.Select({Eq("__name__", "x")}, 15'000, 45'000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].points, (Points{{15'000, 10}, {30'000, 20}, {45'000, 30}}));
  EXPECT_TRUE(store.Select({Eq("__name__", "x")}, 60'001, 70'000).empty());
  EXPECT_TRUE(store.Select({Eq("__name__", "x")}, 1, 14'999).empty());
}

TEST(MemoryStoreTest, SeriesWithoutHistoryKeepsOnlyLatest) {
  MemoryStore store;
  Labels x = L({{"__name__", "x"}});
  store.Append(x, 1000, 1);
  store.Append(x, 2000, 2);
  auto got = store.Select({Eq("__name__", "x")}, 0, 5000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].points, (Points{{2000, 2}}));
  EXPECT_TRUE(store.Select({Eq("__name__", "x")}, 0, 1999).empty());
  StoreStats stats = store.Stats();
  EXPECT_EQ(stats.series, 1u);
  EXPECT_EQ(stats.history_series, 0u);
  EXPECT_EQ(stats.samples, 0u);
  EXPECT_EQ(stats.bytes, 0u);
}

TEST(MemoryStoreTest, HistoryOnlyForSeriesMatchingANeed) {
  MemoryStore store;
  store.SetHistoryNeeds({{.matchers = {Eq("__name__", "x")}, .retention_ms = 60'000}});
  Labels x = L({{"__name__", "x"}});
  Labels y = L({{"__name__", "y"}});
  for (int i = 1; i <= 3; ++i) {
    store.Append(x, i * 1000, i);
    store.Append(y, i * 1000, i);
  }
  EXPECT_EQ(store.Select({Eq("__name__", "x")}, 0, 10'000)[0].points,
            (Points{{1000, 1}, {2000, 2}, {3000, 3}}));
  EXPECT_EQ(store.Select({Eq("__name__", "y")}, 0, 10'000)[0].points, (Points{{3000, 3}}));
  StoreStats stats = store.Stats();
  EXPECT_EQ(stats.history_series, 1u);
  EXPECT_EQ(stats.samples, 3u);
  EXPECT_EQ(store.CountHistorySeries({{.matchers = {Eq("__name__", "y")}, .retention_ms = 1}}), 1u);
  EXPECT_EQ(store.CountHistorySeries({{.matchers = {}, .retention_ms = 1}}), 2u);
}

TEST(MemoryStoreTest, NeedsSetLaterSeedHistoryAndRemovedNeedsDropItAtCollect) {
  MemoryStore store;
  Labels x = L({{"__name__", "x"}});
  store.Append(x, 1000, 1);
  store.SetHistoryNeeds({{.matchers = {Eq("__name__", "x")}, .retention_ms = 60'000}});
  store.Append(x, 2000, 2);
  EXPECT_EQ(store.Select({Eq("__name__", "x")}, 0, 10'000)[0].points,
            (Points{{1000, 1}, {2000, 2}}));
  store.SetHistoryNeeds({});
  EXPECT_EQ(store.Stats().history_series, 1u);  // kept until Collect
  store.Collect(2000);
  EXPECT_EQ(store.Stats().history_series, 0u);
  EXPECT_EQ(store.Select({Eq("__name__", "x")}, 0, 10'000)[0].points, (Points{{2000, 2}}));
}

TEST(MemoryStoreTest, LongestMatchingRetentionWinsAndCollectTrimsWholeChunks) {
  MemoryStore store;
  store.SetHistoryNeeds({{.matchers = {Eq("__name__", "x")}, .retention_ms = 10'000},
                         {.matchers = {Eq("job", "j")}, .retention_ms = 60'000}});
  Labels x = L({{"__name__", "x"}, {"job", "j"}});
  for (int i = 0; i < 250; ++i) store.Append(x, i * 1000, i);
  // A 60 s retention cuts chunks spanning 30 s: [0 s, 29 s], [30 s, 59 s], ... now - 60 s =
  // 189 s: the chunks up to [150 s, 179 s] go, [180 s, 209 s] and the later ones stay.
  store.Collect(249'000);
  StoreStats stats = store.Stats();
  EXPECT_EQ(stats.samples, 70u);
  auto got = store.Select({Eq("__name__", "x")}, kMin, kMax);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].points.size(), 70u);
  EXPECT_EQ(got[0].points.front(), (Point{180'000, 180}));
  EXPECT_EQ(got[0].points.back(), (Point{249'000, 249}));
}

TEST(MemoryStoreTest, LatestStaysVisibleWhenRetentionIsShorterThanLookback) {
  MemoryStore store;
  store.SetHistoryNeeds({{.matchers = {Eq("__name__", "x")}, .retention_ms = 10'000}});
  Labels x = L({{"__name__", "x"}});
  for (int i = 0; i < 130; ++i) store.Append(x, i * 1000, i);
  store.Collect(200'000);  // both chunks end before now - 10 s: history trimmed to nothing
  EXPECT_EQ(store.Stats().samples, 0u);
  EXPECT_EQ(store.Select({Eq("__name__", "x")}, 200'000 - kLookbackDeltaMs, 200'000)[0].points,
            (Points{{129'000, 129}}));
  store.Append(x, 201'000, 1);
  EXPECT_EQ(store.Select({Eq("__name__", "x")}, kMin, kMax)[0].points, (Points{{201'000, 1}}));
}

TEST(MemoryStoreTest, RetainAllKeepsEverythingAndNeverTrims) {
  MemoryStore store({.retain_all = true});
  Labels x = L({{"__name__", "x"}});
  for (int i = 0; i < 300; ++i) store.Append(x, i * 1000, i);
  store.Collect(299'000 + kLookbackDeltaMs);
  EXPECT_EQ(store.Stats().samples, 300u);
  EXPECT_EQ(store.Select({Eq("__name__", "x")}, kMin, kMax)[0].points.size(), 300u);
}

TEST(MemoryStoreTest, AppendBatchMarksVanishedSeriesStale) {
  MemoryStore store({.retain_all = true});
  Labels a = L({{"__name__", "a"}});
  Labels b = L({{"__name__", "b"}});
  store.AppendBatch("collect", 1000, {{a, 1}, {b, 2}});
  store.AppendBatch("collect", 2000, {{a, 3}});
  store.AppendBatch("collect", 3000, {{a, 4}});  // b was not in the previous batch: no new marker
  store.AppendBatch("collect", 4000, {{a, 5}, {b, 6}});
  auto got = store.Select({Eq("__name__", "b")}, kMin, kMax);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].points.size(), 3u);
  EXPECT_EQ(got[0].points[0], (Point{1000, 2}));
  EXPECT_EQ(got[0].points[1].t, 2000);
  EXPECT_TRUE(IsStaleMarker(got[0].points[1].v));
  EXPECT_EQ(got[0].points[2], (Point{4000, 6}));
  EXPECT_EQ(store.Select({Eq("__name__", "a")}, kMin, kMax)[0].points.size(), 4u);
}

TEST(MemoryStoreTest, SourcesAreIndependent) {
  MemoryStore store({.retain_all = true});
  Labels a = L({{"__name__", "a"}});
  Labels r = L({{"__name__", "rule:a"}});
  store.AppendBatch("collect", 1000, {{a, 1}});
  store.AppendBatch("rule/1", 1000, {{r, 1}});
  store.AppendBatch("collect", 2000, {{a, 2}});
  store.AppendBatch("rule/1", 2000, {});  // the rule returned nothing
  auto got = store.Select({Eq("__name__", "rule:a")}, kMin, kMax);
  ASSERT_EQ(got[0].points.size(), 2u);
  EXPECT_TRUE(IsStaleMarker(got[0].points[1].v));
  EXPECT_EQ(store.Select({Eq("__name__", "a")}, kMin, kMax)[0].points,
            (Points{{1000, 1}, {2000, 2}}));
}

TEST(MemoryStoreTest, EndSourceMarksEverySeriesOfTheSource) {
  MemoryStore store({.retain_all = true});
  Labels a = L({{"__name__", "r"}, {"i", "1"}});
  Labels b = L({{"__name__", "r"}, {"i", "2"}});
  store.AppendBatch("rule/x", 1000, {{a, 1}, {b, 2}});
  store.EndSource("rule/x", 2000);
  store.EndSource("rule/x", 3000);  // already ended: nothing more
  store.EndSource("never-seen", 3000);
  auto got = store.Select({Eq("__name__", "r")}, kMin, kMax);
  ASSERT_EQ(got.size(), 2u);
  for (const Series& s : got) {
    ASSERT_EQ(s.points.size(), 2u);
    EXPECT_EQ(s.points[1].t, 2000);
    EXPECT_TRUE(IsStaleMarker(s.points[1].v));
  }
  // The same name starts afresh: no marker for series of the ended incarnation.
  store.AppendBatch("rule/x", 4000, {{a, 5}});
  store.AppendBatch("rule/x", 5000, {{a, 6}});
  EXPECT_EQ(store.Select({Eq("i", "2")}, kMin, kMax)[0].points.size(), 2u);
}

TEST(MemoryStoreTest, OutOfOrderAndDuplicateSamplesAreDroppedAndCounted) {
  MemoryStore store({.retain_all = true});
  Labels x = L({{"__name__", "x"}});
  store.Append(x, 2000, 1);
  store.Append(x, 2000, 2);                        // duplicate timestamp
  store.Append(x, 1000, 3);                        // older
  store.AppendBatch("s", 3000, {{x, 4}, {x, 5}});  // same series twice in one batch
  EXPECT_EQ(store.Select({Eq("__name__", "x")}, kMin, kMax)[0].points,
            (Points{{2000, 1}, {3000, 4}}));
  EXPECT_EQ(store.Stats().dropped_samples, 3u);
}

TEST(MemoryStoreTest, CollectDeletesSeriesOlderThanLookback) {
  MemoryStore store;
  Labels old_series = L({{"__name__", "x"}, {"k", "old"}});
  Labels fresh = L({{"__name__", "x"}, {"k", "fresh"}});
  store.Append(old_series, 1000, 1);
  store.Append(fresh, 100'000, 1);
  store.Collect(1000 + kLookbackDeltaMs);  // exactly at the lookback edge: still visible
  EXPECT_EQ(store.Stats().series, 2u);
  store.Collect(1001 + kLookbackDeltaMs);
  EXPECT_EQ(store.Stats().series, 1u);
  EXPECT_EQ(Names(store.Select({Eq("__name__", "x")}, kMin, kMax)),
            (Strings{R"({__name__="x", k="fresh"})"}));
  EXPECT_EQ(store.LabelValues("k", {}, kMin, kMax), (Strings{"fresh"}));
  // A deleted series comes back as a new one.
  store.Append(old_series, 200'000, 7);
  EXPECT_EQ(store.Select({Eq("k", "old")}, kMin, kMax)[0].points, (Points{{200'000, 7}}));
}

TEST(MemoryStoreTest, CollectDeletesStaleSeriesAfterLookbackAndCleansPostings) {
  MemoryStore store;
  Labels a = L({{"__name__", "a"}, {"only", "here"}});
  store.AppendBatch("collect", 1000, {{a, 1}});
  store.AppendBatch("collect", 2000, {});
  store.Collect(2000 + kLookbackDeltaMs);
  EXPECT_EQ(store.Stats().series, 1u);
  store.Collect(2001 + kLookbackDeltaMs);
  EXPECT_EQ(store.Stats().series, 0u);
  EXPECT_TRUE(store.LabelNames({}, kMin, kMax).empty());
  EXPECT_TRUE(store.Select({Eq("only", "here")}, kMin, kMax).empty());
  // Returning after deletion: new series, and the source does not re-mark the deleted one.
  store.AppendBatch("collect", 400'000, {{a, 3}});
  EXPECT_EQ(store.Select({Eq("__name__", "a")}, kMin, kMax)[0].points, (Points{{400'000, 3}}));
}

TEST(MemoryStoreTest, HistorySeriesOutliveLookbackWhileRetentionNeedsThem) {
  MemoryStore store;
  store.SetHistoryNeeds({{.matchers = {Eq("__name__", "x")}, .retention_ms = 3'600'000}});
  Labels x = L({{"__name__", "x"}});
  store.Append(x, 1000, 1);
  store.Append(x, 2000, 2);
  store.Collect(2000 + 600'000);  // gone for 10 minutes: rate(x[1h]) still sees it
  EXPECT_EQ(store.Select({Eq("__name__", "x")}, kMin, kMax)[0].points.size(), 2u);
  store.Collect(2001 + 3'600'000);
  EXPECT_EQ(store.Stats().series, 0u);
  EXPECT_EQ(store.Stats().history_series, 0u);
}

TEST(MemoryStoreTest, MaxSeriesDropsNewSeries) {
  MemoryStore store({.max_series = 2});
  store.Append(L({{"__name__", "a"}}), 1000, 1);
  store.Append(L({{"__name__", "b"}}), 1000, 1);
  store.Append(L({{"__name__", "c"}}), 1000, 1);
  store.AppendBatch("s", 2000, {{L({{"__name__", "a"}}), 2}, {L({{"__name__", "d"}}), 2}});
  StoreStats stats = store.Stats();
  EXPECT_EQ(stats.series, 2u);
  EXPECT_EQ(stats.dropped_series, 2u);
  EXPECT_EQ(stats.dropped_samples, 2u);
  EXPECT_EQ(store.Select({Eq("__name__", "a")}, kMin, kMax)[0].points, (Points{{2000, 2}}));
}

TEST(MemoryStoreTest, MaxSeriesHistoryKeepsTheExcessLatestOnly) {
  MemoryStore store({.retain_all = true, .max_series_history = 1});
  Labels a = L({{"__name__", "a"}});
  Labels b = L({{"__name__", "b"}});
  for (int i = 1; i <= 3; ++i) {
    store.Append(a, i * 1000, i);
    store.Append(b, i * 1000, i);
  }
  StoreStats stats = store.Stats();
  EXPECT_EQ(stats.history_series, 1u);
  EXPECT_EQ(stats.history_dropped_series, 1u);  // once per series, not per sample
  EXPECT_EQ(stats.samples, 3u);
  EXPECT_EQ(store.Select({Eq("__name__", "a")}, kMin, kMax)[0].points.size(), 3u);
  EXPECT_EQ(store.Select({Eq("__name__", "b")}, kMin, kMax)[0].points, (Points{{3000, 3}}));
  EXPECT_EQ(store.CountHistorySeries({{.matchers = {}, .retention_ms = 1}}), 2u);
}

TEST(MemoryStoreTest, MaxSeriesHistoryAppliesToSetHistoryNeeds) {
  MemoryStore store({.max_series_history = 2});
  for (const char* name : {"a", "b", "c"}) store.Append(L({{"__name__", name}}), 1000, 1);
  store.SetHistoryNeeds({{.matchers = {}, .retention_ms = 60'000}});
  StoreStats stats = store.Stats();
  EXPECT_EQ(stats.history_series, 2u);
  EXPECT_EQ(stats.history_dropped_series, 1u);
  EXPECT_EQ(stats.samples, 2u);  // seeded with each one's latest sample
}

TEST(MemoryStoreTest, MaxSourcesStopsStalenessTracking) {
  MemoryStore store({.retain_all = true, .max_sources = 1});
  Labels a = L({{"__name__", "a"}});
  Labels b = L({{"__name__", "b"}});
  store.AppendBatch("one", 1000, {{a, 1}});
  store.AppendBatch("two", 1000, {{b, 1}});
  store.AppendBatch("two", 2000, {});
  store.AppendBatch("one", 2000, {});
  EXPECT_EQ(store.Stats().untracked_sources, 2u);  // each untracked batch
  EXPECT_EQ(store.Select({Eq("__name__", "b")}, kMin, kMax)[0].points.size(), 1u);
  EXPECT_EQ(store.Select({Eq("__name__", "a")}, kMin, kMax)[0].points.size(), 2u);
}

TEST(MemoryStoreTest, LabelApisFilterBySelectorsAndTime) {
  MemoryStore store({.retain_all = true});
  store.Append(L({{"__name__", "up"}, {"job", "node"}, {"instance", "a"}}), 1000, 1);
  store.Append(L({{"__name__", "up"}, {"job", "api"}}), 5000, 1);
  store.Append(L({{"__name__", "load"}, {"cpu", "0"}}), 1000, 1);
  store.Append(L({{"__name__", "load"}, {"cpu", "0"}}), 9000, 1);

  EXPECT_EQ(
      Names(store.SeriesLabels({}, kMin, kMax)),
      (Strings{R"({__name__="load", cpu="0"})", R"({__name__="up", instance="a", job="node"})",
               R"({__name__="up", job="api"})"}));
  EXPECT_EQ(Names(store.SeriesLabels({{Eq("__name__", "up")}}, 2000, 6000)),
            (Strings{R"({__name__="up", job="api"})"}));
  // Samples on both sides of the range but none inside it: not listed.
  EXPECT_EQ(Names(store.SeriesLabels({{Eq("__name__", "load")}}, 2000, 8000)), Strings{});
  store.Append(L({{"__name__", "load"}, {"cpu", "0"}}), 12'000, 1);
  // Now a sample (9000) lies strictly inside a chunk spanning past both ends of the range.
  EXPECT_EQ(Names(store.SeriesLabels({{Eq("__name__", "load")}}, 8500, 9500)),
            (Strings{R"({__name__="load", cpu="0"})"}));
  EXPECT_EQ(Names(store.SeriesLabels({{Eq("job", "api")}, {Eq("cpu", "0")}}, kMin, kMax)),
            (Strings{R"({__name__="load", cpu="0"})", R"({__name__="up", job="api"})"}));

  EXPECT_EQ(store.LabelNames({}, kMin, kMax), (Strings{"__name__", "cpu", "instance", "job"}));
  EXPECT_EQ(store.LabelNames({{Eq("__name__", "up")}}, kMin, kMax),
            (Strings{"__name__", "instance", "job"}));
  EXPECT_EQ(store.LabelNames({}, 5000, 5000), (Strings{"__name__", "job"}));
  EXPECT_EQ(store.LabelValues("job", {}, kMin, kMax), (Strings{"api", "node"}));
  EXPECT_EQ(store.LabelValues("__name__", {}, kMin, kMax), (Strings{"load", "up"}));
  EXPECT_EQ(store.LabelValues("job", {{Eq("instance", "a")}}, kMin, kMax), (Strings{"node"}));
  EXPECT_TRUE(store.LabelValues("missing", {}, kMin, kMax).empty());
}

TEST(MemoryStoreTest, StatsCountSamplesAndChunkBytesExactly) {
  MemoryStore store({.retain_all = true});
  ChunkedHistory reference;
  Labels x = L({{"__name__", "x"}});
  for (int i = 0; i < 130; ++i) {
    store.Append(x, i * 15'000, i % 3);
    reference.Append(i * 15'000, i % 3);
  }
  store.Append(L({{"__name__", "y"}}), 0, 1);
  StoreStats stats = store.Stats();
  EXPECT_EQ(stats.series, 2u);
  EXPECT_EQ(stats.history_series, 2u);
  EXPECT_EQ(stats.samples, 131u);
  ChunkedHistory y;
  y.Append(0, 1);
  EXPECT_EQ(stats.bytes, reference.Bytes() + y.Bytes());
  EXPECT_GT(stats.memory_bytes, stats.bytes);
  EXPECT_EQ(stats.dropped_samples, 0u);
}

TEST(MemoryStoreTest, ManySeriesAreFoundByLabels) {
  MemoryStore store;
  for (int i = 0; i < 5000; ++i) {
    store.Append(L({{"__name__", "m"}, {"i", std::to_string(i)}}), 1000, i);
  }
  EXPECT_EQ(store.Stats().series, 5000u);
  auto got = store.Select({Eq("i", "4321")}, kMin, kMax);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].points, (Points{{1000, 4321}}));
  EXPECT_EQ(store.Select({M(MatchType::kRegexMatch, "i", "12.")}, kMin, kMax).size(), 10u);
}

TEST(MemoryStoreTest, ChurnKeepsTheSeriesIndexConsistent) {
  // Deleting every other series out of a large table shifts probe runs around; every survivor
  // must still be found (no duplicate created) and every deleted one come back as new.
  MemoryStore store;
  auto labels = [](int i) { return L({{"__name__", "m"}, {"i", std::to_string(i)}}); };
  for (int i = 0; i < 4000; ++i) store.Append(labels(i), i % 2 == 0 ? 1000 : 500'000, i);
  store.Collect(500'000);  // the even ones are older than the lookback
  ASSERT_EQ(store.Stats().series, 2000u);
  for (int i = 0; i < 4000; ++i) store.Append(labels(i), 600'000, -i);
  StoreStats stats = store.Stats();
  EXPECT_EQ(stats.series, 4000u);
  EXPECT_EQ(stats.dropped_samples, 0u);
  for (int i : {0, 1, 2, 3999}) {
    auto got = store.Select({Eq("i", std::to_string(i))}, kMin, kMax);
    ASSERT_EQ(got.size(), 1u) << i;
    EXPECT_EQ(got[0].points, (Points{{600'000, static_cast<double>(-i)}})) << i;
  }
}

TEST(MemoryStoreTest, ConcurrentWritersAndReaders) {
  MemoryStore store({.retain_all = true});
  auto writer = [&](std::string source) {
    for (int t = 1; t <= 200; ++t) {
      std::vector<std::pair<Labels, double>> batch;
      for (int i = 0; i < 10; ++i) {
        batch.push_back({L({{"__name__", "w"}, {"src", source}, {"i", std::to_string(i)}}), t});
      }
      store.AppendBatch(source, t * 1000, batch);
    }
  };
  std::thread w1(writer, "one");
  std::thread w2(writer, "two");
  std::thread reader([&] {
    for (int i = 0; i < 200; ++i) {
      auto got = store.Select({Eq("__name__", "w")}, kMin, kMax);
      for (const auto& s : got) ASSERT_FALSE(s.points.empty());
      (void)store.Stats();
    }
  });
  w1.join();
  w2.join();
  reader.join();
  StoreStats stats = store.Stats();
  EXPECT_EQ(stats.series, 20u);
  EXPECT_EQ(stats.samples, 4000u);
  EXPECT_EQ(stats.dropped_samples, 0u);
}

}  // namespace
}  // namespace opsagent::rules
