#include "rules/promql/engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <memory>

#include "tests/rules/vector_queryable.h"

namespace opsagent::rules::promql {
namespace {

using testing::VectorQueryable;

// Hand-built ASTs, so these tests do not depend on the parser.
ExprPtr Num(double v) {
  auto e = std::make_unique<NumberLiteral>();
  e->value = v;
  return e;
}

ExprPtr Str(std::string v) {
  auto e = std::make_unique<StringLiteral>();
  e->value = std::move(v);
  return e;
}

LabelMatcher Eq(std::string name, std::string value) {
  return LabelMatcher::Make(MatchType::kEqual, std::move(name), std::move(value)).value();
}

std::unique_ptr<VectorSelector> Sel(std::string name, std::vector<LabelMatcher> matchers = {},
                                    std::int64_t offset_ms = 0) {
  auto e = std::make_unique<VectorSelector>();
  e->name = name;
  e->matchers = std::move(matchers);
  e->matchers.push_back(Eq("__name__", name));
  e->offset_ms = offset_ms;
  return e;
}

ExprPtr Range(std::unique_ptr<VectorSelector> selector, std::int64_t range_ms) {
  auto e = std::make_unique<MatrixSelector>();
  e->selector = std::move(selector);
  e->range_ms = range_ms;
  return e;
}

std::unique_ptr<BinaryExpr> Bin(BinaryOp op, ExprPtr lhs, ExprPtr rhs) {
  auto e = std::make_unique<BinaryExpr>();
  e->op = op;
  bool vectors = lhs->Type() == ValueType::kVector && rhs->Type() == ValueType::kVector;
  e->lhs = std::move(lhs);
  e->rhs = std::move(rhs);
  if (vectors) {
    e->matching = VectorMatching{};
    if (op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless) {
      e->matching->card = Cardinality::kManyToMany;
    }
  }
  return e;
}

std::unique_ptr<AggregateExpr> Agg(AggregateOp op, ExprPtr expr, std::vector<std::string> by = {},
                                   ExprPtr param = nullptr) {
  auto e = std::make_unique<AggregateExpr>();
  e->op = op;
  e->expr = std::move(expr);
  e->grouping = std::move(by);
  e->param = std::move(param);
  return e;
}

const FunctionSignature* Signature(const std::string& name) {
  static std::deque<FunctionSignature> signatures;
  for (const auto& s : signatures) {
    if (s.name == name) return &s;
  }
  bool scalar = name == "time" || name == "scalar";
  signatures.push_back({name, {}, 0, scalar ? ValueType::kScalar : ValueType::kVector});
  return &signatures.back();
}

ExprPtr Fn(const std::string& name, std::vector<ExprPtr> args) {
  auto e = std::make_unique<Call>();
  e->func = Signature(name);
  e->args = std::move(args);
  return e;
}

template <typename... T>
std::vector<ExprPtr> Args(T&&... args) {
  std::vector<ExprPtr> out;
  (out.push_back(std::forward<T>(args)), ...);
  return out;
}

Labels L(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  return Labels::FromPairs(pairs);
}

constexpr std::int64_t kMinute = 60'000;

class EngineTest : public ::testing::Test {
 protected:
  // `x{i}` counts up by 10 per minute from 0 (i=0) and 5 (i=1), for 10 minutes.
  void LoadCounters() {
    for (int m = 0; m <= 10; ++m) {
      store_.Add(L({{"__name__", "x"}, {"i", "0"}}), m * kMinute, 10.0 * m);
      store_.Add(L({{"__name__", "x"}, {"i", "1"}}), m * kMinute, 5 + 10.0 * m);
    }
  }

  Vector Instant(const Expr& e, std::int64_t t, const EvalOptions& options = {}) {
    EvalResult r = EvalInstant(e, store_, t, options);
    EXPECT_TRUE(r.ok()) << r.error->message;
    if (!r.ok()) return {};
    auto* v = std::get_if<Vector>(&r.value);
    EXPECT_NE(v, nullptr);
    return v ? *v : Vector{};
  }

  std::string InstantError(const Expr& e, std::int64_t t, const EvalOptions& options = {}) {
    EvalResult r = EvalInstant(e, store_, t, options);
    return r.ok() ? "" : r.error->message;
  }

  VectorQueryable store_;
};

TEST_F(EngineTest, InstantSelectorLooksBackFiveMinutesInclusive) {
  store_.Add(L({{"__name__", "up"}}), 0, 1);
  auto sel = Sel("up");
  ASSERT_EQ(Instant(*sel, 5 * kMinute).size(), 1u);  // exactly lookback old: still there (2.x)
  EXPECT_EQ(Instant(*sel, 5 * kMinute).front().t, 5 * kMinute);
  EXPECT_TRUE(Instant(*sel, 5 * kMinute + 1).empty());
  EXPECT_TRUE(Instant(*sel, -1).empty());
}

TEST_F(EngineTest, StaleMarkerHidesSeriesAtOnce) {
  store_.Add(L({{"__name__", "up"}}), 0, 1);
  store_.Add(L({{"__name__", "up"}}), kMinute, StaleMarker());
  auto sel = Sel("up");
  EXPECT_EQ(Instant(*sel, 59'999).size(), 1u);
  EXPECT_TRUE(Instant(*sel, kMinute).empty());
}

TEST_F(EngineTest, OffsetShiftsTheWindow) {
  LoadCounters();
  auto sel = Sel("x", {Eq("i", "0")}, 3 * kMinute);
  Vector v = Instant(*sel, 10 * kMinute);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].v, 70);
  EXPECT_EQ(v[0].labels, L({{"__name__", "x"}, {"i", "0"}}));
}

TEST_F(EngineTest, RangeSelectorIsClosedOnBothEndsAndDropsStaleMarkers) {
  LoadCounters();
  store_.Add(L({{"__name__", "x"}, {"i", "0"}}), 11 * kMinute, StaleMarker());
  auto e = Range(Sel("x", {Eq("i", "0")}), 2 * kMinute);
  EvalResult r = EvalInstant(*e, store_, 11 * kMinute);
  ASSERT_TRUE(r.ok());
  const Matrix& m = std::get<Matrix>(r.value);
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(m[0].points.size(), 2u);  // 9m and 10m; the stale marker at 11m is dropped
  EXPECT_EQ(m[0].points[0].t, 9 * kMinute);
}

TEST_F(EngineTest, RateExtrapolatesToTheRangeBoundaries) {
  LoadCounters();
  // Samples at 5m..10m cover the whole 5m range: 50 per 300 s.
  auto e = Fn("rate", Args(Range(Sel("x", {Eq("i", "0")}), 5 * kMinute)));
  Vector v = Instant(*e, 10 * kMinute);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels, L({{"i", "0"}}));
  EXPECT_EQ(v[0].v, 50 * ((300.0 / 300.0) / 300.0));
  // At 10m30s the last sample is 30 s before the end: extrapolated by 30 s, the first sample
  // (6m) sits 30 s after the start: extrapolated too; 40 over 240 s becomes 50 over 300 s.
  Vector later = Instant(*e, 10 * kMinute + 30'000);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].v, 40 * ((240.0 + 30 + 30) / 240.0 / 300.0));
}

TEST_F(EngineTest, IncreaseHandlesCounterResetAndStopsAtZero) {
  for (int m = 0; m <= 4; ++m) {
    double v[] = {3, 5, 1, 2, 4};
    store_.Add(L({{"__name__", "c"}}), m * kMinute, v[m]);
  }
  auto e = Fn("increase", Args(Range(Sel("c"), 5 * kMinute)));
  Vector v = Instant(*e, 4 * kMinute);
  ASSERT_EQ(v.size(), 1u);
  // Raw increase 4-3+5 = 6 over 240 s from 4 samples (average 80 s). The start lies 60 s before
  // the first sample (< 88 s threshold) but a counter at 3 increasing by 6/240s hits zero 120 s
  // earlier, so 60 s stays; the end is at the last sample: 6 * 300/240.
  EXPECT_EQ(v[0].v, 6 * ((240.0 + 60 + 0) / 240.0));
}

TEST_F(EngineTest, ArithmeticDropsNameComparisonKeepsIt) {
  LoadCounters();
  auto add = Bin(BinaryOp::kAdd, Sel("x"), Num(1));
  Vector v = Instant(*add, 10 * kMinute);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels, L({{"i", "0"}}));
  EXPECT_EQ(v[0].v, 101);
  auto cmp = Bin(BinaryOp::kGtr, Sel("x"), Num(100));
  v = Instant(*cmp, 10 * kMinute);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels, L({{"__name__", "x"}, {"i", "1"}}));
  EXPECT_EQ(v[0].v, 105);
  auto cmp_bool = Bin(BinaryOp::kGtr, Num(100), Sel("x"));
  cmp_bool->return_bool = true;
  v = Instant(*cmp_bool, 10 * kMinute);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels, L({{"i", "0"}}));
  EXPECT_EQ(v[0].v, 0);
  EXPECT_EQ(v[1].v, 0);
}

TEST_F(EngineTest, ScalarOnTheLeftFiltersKeepingTheVectorValue) {
  LoadCounters();
  auto cmp = Bin(BinaryOp::kLss, Num(100), Sel("x"));
  Vector v = Instant(*cmp, 10 * kMinute);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].v, 105);
}

TEST_F(EngineTest, DuplicateLabelsetAfterDroppingName) {
  store_.Add(L({{"__name__", "a"}, {"j", "x"}}), 0, 1);
  store_.Add(L({{"__name__", "b"}, {"j", "x"}}), 0, 2);
  auto sel = std::make_unique<VectorSelector>();
  sel->matchers.push_back(LabelMatcher::Make(MatchType::kEqual, "j", "x").value());
  auto e = Bin(BinaryOp::kMul, std::move(sel), Num(2));
  EXPECT_EQ(InstantError(*e, 0), "vector cannot contain metrics with the same labelset");
}

TEST_F(EngineTest, ManyToManyAndOneToOneErrors) {
  store_.Add(L({{"__name__", "a"}, {"j", "x"}, {"i", "1"}}), 0, 1);
  store_.Add(L({{"__name__", "a"}, {"j", "x"}, {"i", "2"}}), 0, 1);
  store_.Add(L({{"__name__", "b"}, {"j", "x"}, {"k", "1"}}), 0, 2);
  store_.Add(L({{"__name__", "b"}, {"j", "x"}, {"k", "2"}}), 0, 2);
  auto e = Bin(BinaryOp::kAdd, Sel("a"), Sel("b"));
  e->matching->on = true;
  e->matching->matching_labels = {"j"};
  EXPECT_EQ(InstantError(*e, 0),
            "found duplicate series for the match group {j=\"x\"} on the right hand-side of the "
            "operation: [{__name__=\"b\", j=\"x\", k=\"2\"}, {__name__=\"b\", j=\"x\", "
            "k=\"1\"}];many-to-many matching not allowed: matching labels must be unique on one "
            "side");
  auto one = Bin(BinaryOp::kAdd, Sel("a"), Sel("b", {Eq("k", "1")}));
  one->matching->on = true;
  one->matching->matching_labels = {"j"};
  EXPECT_EQ(InstantError(*one, 0),
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
  auto grouped = Bin(BinaryOp::kAdd, Sel("a"), Sel("b", {Eq("k", "1")}));
  grouped->matching->on = true;
  grouped->matching->matching_labels = {"j"};
  grouped->matching->card = Cardinality::kManyToOne;
  grouped->matching->include = {"k"};
  Vector v = Instant(*grouped, 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels, L({{"i", "1"}, {"j", "x"}, {"k", "1"}}));
  EXPECT_EQ(v[0].v, 3);
}

TEST_F(EngineTest, SampleLimitAndTimeout) {
  LoadCounters();
  // A bare range selector holds all 12 points.
  auto range = Range(Sel("x"), 5 * kMinute);
  EvalOptions small;
  small.max_samples = 11;
  EvalResult r = EvalInstant(*range, store_, 10 * kMinute, small);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, EvalErrorKind::kTooManySamples);
  EXPECT_EQ(r.error->message,
            "query processing would load too many samples into memory in query execution");
  small.max_samples = 12;
  EXPECT_TRUE(EvalInstant(*range, store_, 10 * kMinute, small).ok());
  // rate() holds one series' 6 points at a time plus its 2 results, as Prometheus counts.
  auto e = Fn("rate", Args(Range(Sel("x"), 5 * kMinute)));
  small.max_samples = 7;
  EXPECT_FALSE(EvalInstant(*e, store_, 10 * kMinute, small).ok());
  small.max_samples = 8;
  EXPECT_TRUE(EvalInstant(*e, store_, 10 * kMinute, small).ok());

  EvalOptions expired;
  expired.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  r = EvalInstant(*e, store_, 10 * kMinute, expired);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, EvalErrorKind::kTimeout);
  EXPECT_EQ(r.error->message, "query timed out in query execution");
}

TEST_F(EngineTest, SortKeepsItsOrderOtherResultsSortByLabels) {
  store_.Add(L({{"__name__", "m"}, {"i", "a"}}), 0, 3);
  store_.Add(L({{"__name__", "m"}, {"i", "b"}}), 0, std::nan(""));
  store_.Add(L({{"__name__", "m"}, {"i", "c"}}), 0, 1);
  Vector v = Instant(*Fn("sort_desc", Args(Sel("m"))), 0);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].labels.Get("i"), "a");
  EXPECT_EQ(v[1].labels.Get("i"), "c");
  EXPECT_EQ(v[2].labels.Get("i"), "b");  // NaN last when descending
  v = Instant(*Fn("sort", Args(Sel("m"))), 0);
  EXPECT_EQ(v[0].labels.Get("i"), "b");  // NaN first when ascending
  EXPECT_EQ(v[1].labels.Get("i"), "c");
  v = Instant(*Agg(AggregateOp::kTopk, Sel("m"), {}, Num(2)), 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels.Get("i"), "a");
  EXPECT_EQ(v[1].labels.Get("i"), "c");
}

TEST_F(EngineTest, AggregationsByAndWithout) {
  LoadCounters();
  store_.Add(L({{"__name__", "x"}, {"i", "2"}, {"j", "z"}}), 10 * kMinute, 1);
  Vector v = Instant(*Agg(AggregateOp::kSum, Sel("x")), 10 * kMinute);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels, Labels());
  EXPECT_EQ(v[0].v, 206);
  auto without = Agg(AggregateOp::kCount, Sel("x"), {"i"});
  without->without = true;
  v = Instant(*without, 10 * kMinute);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].labels, Labels());
  EXPECT_EQ(v[0].v, 2);
  EXPECT_EQ(v[1].labels, L({{"j", "z"}}));
  auto cv = Agg(AggregateOp::kCountValues, Sel("x"), {}, Str("value"));
  store_.Add(L({{"__name__", "x"}, {"i", "3"}}), 10 * kMinute, 100);
  v = Instant(*cv, 10 * kMinute);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].labels, L({{"value", "1"}}));
  EXPECT_EQ(v[1].labels, L({{"value", "100"}}));
  EXPECT_EQ(v[1].v, 2);
}

TEST_F(EngineTest, AbsentTakesEqualityMatchers) {
  auto e = Fn("absent",
              Args(Sel("nope", {Eq("job", "a"),
                                LabelMatcher::Make(MatchType::kRegexMatch, "x", "y").value()})));
  Vector v = Instant(*e, 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].labels, L({{"job", "a"}}));
  EXPECT_EQ(v[0].v, 1);
}

TEST_F(EngineTest, RangeQueryBuildsSeriesPerStep) {
  LoadCounters();
  auto e = Bin(BinaryOp::kDiv, Sel("x", {Eq("i", "0")}), Num(10));
  EvalResult r = EvalRange(*e, store_, 0, 4 * kMinute, 2 * kMinute);
  ASSERT_TRUE(r.ok());
  const Matrix& m = std::get<Matrix>(r.value);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].labels, L({{"i", "0"}}));
  ASSERT_EQ(m[0].points.size(), 3u);
  EXPECT_EQ(m[0].points[2], (Point{4 * kMinute, 4}));
  auto t = Fn("time", {});
  r = EvalRange(*t, store_, 0, 2000, 1000);
  ASSERT_TRUE(r.ok());
  const Matrix& tm = std::get<Matrix>(r.value);
  ASSERT_EQ(tm.size(), 1u);
  EXPECT_EQ(tm[0].points[2], (Point{2000, 2}));
  EXPECT_FALSE(EvalRange(*Range(Sel("x"), kMinute), store_, 0, 1, 1).ok());
}

TEST_F(EngineTest, RangeQueryOfRateMatchesInstantQueriesAtEachStep) {
  LoadCounters();
  store_.Add(L({{"__name__", "x"}, {"i", "0"}}), 11 * kMinute, 3);  // counter reset
  auto e = Fn("rate", Args(Range(Sel("x"), 3 * kMinute)));
  EvalResult r = EvalRange(*e, store_, 0, 14 * kMinute, 30'000);
  ASSERT_TRUE(r.ok());
  const Matrix& m = std::get<Matrix>(r.value);
  ASSERT_EQ(m.size(), 2u);
  for (const auto& series : m) {
    ASSERT_FALSE(series.points.empty());
    for (const auto& p : series.points) {
      Vector v = Instant(*e, p.t);
      auto it = std::find_if(v.begin(), v.end(),
                             [&](const Sample& s) { return s.labels == series.labels; });
      ASSERT_NE(it, v.end()) << p.t;
      EXPECT_EQ(it->v, p.v) << p.t;
    }
  }
  // A rate needs two samples in [t-3m, t]: from 1m on, until 13m (10m, 11m) for i=0 and 12m
  // (9m, 10m) for i=1.
  EXPECT_EQ(m[0].points.front().t, kMinute);
  EXPECT_EQ(m[0].points.back().t, 13 * kMinute);
  EXPECT_EQ(m[1].points.back().t, 12 * kMinute);
  EXPECT_EQ(m[0].points.size(), 25u);
}

TEST(FormatValueTest, MatchesPrometheusJson) {
  EXPECT_EQ(FormatValue(1), "1");
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(FormatValue(-2.5), "-2.5");
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(1e20), "100000000000000000000");
  EXPECT_EQ(FormatValue(1e21), "1e+21");
  EXPECT_EQ(FormatValue(0.000001), "0.000001");
  EXPECT_EQ(FormatValue(0.0000001), "1e-07");
  EXPECT_EQ(FormatValue(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatValue(HUGE_VAL), "+Inf");
  EXPECT_EQ(FormatValue(-HUGE_VAL), "-Inf");
}

}  // namespace
}  // namespace opsagent::rules::promql
