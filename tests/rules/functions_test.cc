// Tests for the function signature table: opsagent's subset with Prometheus's arities and types.
#include "rules/promql/functions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/promql/parser.h"

namespace opsagent::rules::promql {
namespace {

constexpr ValueType kS = ValueType::kScalar;
constexpr ValueType kStr = ValueType::kString;
constexpr ValueType kV = ValueType::kVector;
constexpr ValueType kM = ValueType::kMatrix;

TEST(FunctionsTest, TableHoldsExactlyTheSubsetWithPrometheusSignatures) {
  const std::vector<FunctionSignature> want = {
      {"abs", {kV}, 0, kV},
      {"absent", {kV}, 0, kV},
      {"absent_over_time", {kM}, 0, kV},
      {"avg_over_time", {kM}, 0, kV},
      {"ceil", {kV}, 0, kV},
      {"changes", {kM}, 0, kV},
      {"clamp", {kV, kS, kS}, 0, kV},
      {"clamp_max", {kV, kS}, 0, kV},
      {"clamp_min", {kV, kS}, 0, kV},
      {"count_over_time", {kM}, 0, kV},
      {"day_of_week", {kV}, 1, kV},
      {"delta", {kM}, 0, kV},
      {"deriv", {kM}, 0, kV},
      {"exp", {kV}, 0, kV},
      {"floor", {kV}, 0, kV},
      {"histogram_quantile", {kS, kV}, 0, kV},
      {"hour", {kV}, 1, kV},
      {"idelta", {kM}, 0, kV},
      {"increase", {kM}, 0, kV},
      {"irate", {kM}, 0, kV},
      {"label_join", {kV, kStr, kStr, kStr}, -1, kV},
      {"label_replace", {kV, kStr, kStr, kStr, kStr}, 0, kV},
      {"last_over_time", {kM}, 0, kV},
      {"ln", {kV}, 0, kV},
      {"log10", {kV}, 0, kV},
      {"log2", {kV}, 0, kV},
      {"max_over_time", {kM}, 0, kV},
      {"min_over_time", {kM}, 0, kV},
      {"minute", {kV}, 1, kV},
      {"predict_linear", {kM, kS}, 0, kV},
      {"quantile_over_time", {kS, kM}, 0, kV},
      {"rate", {kM}, 0, kV},
      {"resets", {kM}, 0, kV},
      {"round", {kV, kS}, 1, kV},
      {"scalar", {kV}, 0, kS},
      {"sort", {kV}, 0, kV},
      {"sort_desc", {kV}, 0, kV},
      {"sqrt", {kV}, 0, kV},
      {"stddev_over_time", {kM}, 0, kV},
      {"stdvar_over_time", {kM}, 0, kV},
      {"sum_over_time", {kM}, 0, kV},
      {"time", {}, 0, kS},
      {"timestamp", {kV}, 0, kV},
      {"vector", {kS}, 0, kV},
  };
  for (const FunctionSignature& w : want) {
    const FunctionSignature* got = LookupFunction(w.name);
    ASSERT_NE(got, nullptr) << w.name;
    EXPECT_EQ(got->name, w.name);
    EXPECT_EQ(got->arg_types, w.arg_types) << w.name;
    EXPECT_EQ(got->variadic, w.variadic) << w.name;
    EXPECT_EQ(got->return_type, w.return_type) << w.name;
    EXPECT_FALSE(IsUnsupportedPrometheusFunction(w.name)) << w.name;
  }
}

TEST(FunctionsTest, OtherPrometheusFunctionsAreKnownButUnsupported) {
  for (const char* name : {"holt_winters", "sgn", "present_over_time", "month", "year",
                           "day_of_month", "days_in_month", "histogram_count", "histogram_sum",
                           "histogram_fraction", "acos", "sin", "pi", "deg", "rad"}) {
    EXPECT_EQ(LookupFunction(name), nullptr) << name;
    EXPECT_TRUE(IsUnsupportedPrometheusFunction(name)) << name;
  }
  EXPECT_EQ(LookupFunction("nope"), nullptr);
  EXPECT_FALSE(IsUnsupportedPrometheusFunction("nope"));
  EXPECT_EQ(LookupFunction("Rate"), nullptr);  // function names are case-sensitive
}

TEST(FunctionsTest, VariadicArityAsPrometheusChecksIt) {
  ParseError error;
  EXPECT_NE(ParseExpr("round(x)", &error), nullptr);
  EXPECT_NE(ParseExpr("round(x, 0.5)", &error), nullptr);
  EXPECT_EQ(ParseExpr("round(x, 0.5, 1)", &error), nullptr);
  EXPECT_EQ(error.message, "expected at most 2 argument(s) in call to \"round\", got 3");
  EXPECT_NE(ParseExpr("minute()", &error), nullptr);
  EXPECT_EQ(ParseExpr("label_join(x, \"a\")", &error), nullptr);
  EXPECT_EQ(error.message, "expected at least 3 argument(s) in call to \"label_join\", got 2");
  EXPECT_EQ(ParseExpr("label_join(x, \"a\", \",\", \"b\", 1)", &error), nullptr);
  EXPECT_EQ(error.message, "expected type string in call to function \"label_join\", got scalar");
}

}  // namespace
}  // namespace opsagent::rules::promql
