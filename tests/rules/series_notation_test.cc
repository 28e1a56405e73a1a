#include "rules/series_notation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rules/store/series.h"

namespace opsagent::rules {
namespace {

SeriesValues Values(std::string_view text) {
  auto r = ParseSeriesValues(text);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : SeriesValues{};
}

TEST(SeriesNotationTest, ExpandsLikePrometheus242) {
  EXPECT_EQ(Values("1+2x3"), (SeriesValues{1, 3, 5, 7}));
  EXPECT_EQ(Values("1x3"), (SeriesValues{1, 1, 1, 1}));
  EXPECT_EQ(Values("-1-1x2"), (SeriesValues{-1, -2, -3}));
  EXPECT_EQ(Values("_x3"), (SeriesValues{std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(Values("_ 5"), (SeriesValues{std::nullopt, 5}));
  EXPECT_EQ(Values("010 1e3 1.5e-1+0.5x1 5+0x2"), (SeriesValues{8, 1000, 0.15, 0.65, 5, 5, 5}));
  EXPECT_EQ(Values("0x3"), (SeriesValues{0, 0, 0, 0}));  // no hex in series notation
  EXPECT_EQ(Values(""), SeriesValues{});
}

TEST(SeriesNotationTest, SpecialValues) {
  SeriesValues v = Values("stale Inf -Inf NaN");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_TRUE(IsStaleMarker(*v[0]));
  EXPECT_EQ(*v[1], HUGE_VAL);
  EXPECT_EQ(*v[2], -HUGE_VAL);
  EXPECT_TRUE(std::isnan(*v[3]) && !IsStaleMarker(*v[3]));
}

TEST(SeriesNotationTest, RejectsMalformedValues) {
  EXPECT_FALSE(ParseSeriesValues("1+2").ok());
  EXPECT_FALSE(ParseSeriesValues("abc").ok());
  EXPECT_FALSE(ParseSeriesValues("0x1f").ok());
  EXPECT_FALSE(ParseSeriesValues("_+1x2").ok());
  // Prometheus lexes these as one identifier and rejects them.
  EXPECT_FALSE(ParseSeriesValues("NaNx3").ok());
  EXPECT_FALSE(ParseSeriesValues("stalex2").ok());
  EXPECT_FALSE(ParseSeriesValues("-Infx2").ok());
}

TEST(SeriesNotationTest, WholeLine) {
  auto r = ParseSeriesDescription(R"(metric{a="b", c='d\n'} 1+2x3 _ 5 stale -1-1x2 _x3)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->labels.ToString(), R"({__name__="metric", a="b", c="d\n"})");
  ASSERT_EQ(r->values.size(), 4u + 1 + 1 + 1 + 3 + 3);
  EXPECT_EQ(r->values[4], std::nullopt);
  EXPECT_EQ(r->values[5], 5);
  EXPECT_TRUE(IsStaleMarker(*r->values[6]));
  EXPECT_EQ(r->values[9], -3);
}

TEST(SeriesNotationTest, SeparateFieldsAsPromtoolInputSeries) {
  auto r = ParseSeriesDescription(R"(up{job="a"})", "1+1x2 _ stale");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->labels.ToString(), R"({__name__="up", job="a"})");
  ASSERT_EQ(r->values.size(), 5u);
  EXPECT_EQ(r->values[2], 3);
  EXPECT_FALSE(ParseSeriesDescription("up 1", "1").ok());
  EXPECT_FALSE(ParseSeriesDescription("up", "1+").ok());
}

TEST(SeriesNotationTest, Labels) {
  auto bare = ParseSeriesLabels("node:cpu:rate5m");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->ToString(), R"({__name__="node:cpu:rate5m"})");
  auto only = ParseSeriesLabels(R"({__name__="up", job="x",})");
  ASSERT_TRUE(only.ok()) << only.error().message;
  EXPECT_EQ(only->ToString(), R"({__name__="up", job="x"})");
  EXPECT_FALSE(ParseSeriesLabels(R"(up{job=~"x"})").ok());
  EXPECT_FALSE(ParseSeriesLabels(R"(up{job="x")").ok());
  EXPECT_FALSE(ParseSeriesLabels("up 1").ok());
  EXPECT_FALSE(ParseSeriesLabels(R"(Inf{a="b"})").ok());  // a number to Prometheus's lexer
  EXPECT_TRUE(ParseSeriesLabels("info").ok());
}

}  // namespace
}  // namespace opsagent::rules
