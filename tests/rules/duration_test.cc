// Tests for Prometheus durations (model.ParseDuration and model.Duration.String semantics).
#include "rules/promql/duration.h"

#include <gtest/gtest.h>

namespace opsagent::rules::promql {
namespace {

TEST(PromDurationTest, ParsesEveryUnit) {
  EXPECT_EQ(ParsePromDuration("250ms"), 250);
  EXPECT_EQ(ParsePromDuration("5s"), 5'000);
  EXPECT_EQ(ParsePromDuration("5m"), 300'000);
  EXPECT_EQ(ParsePromDuration("1h"), 3'600'000);
  EXPECT_EQ(ParsePromDuration("2d"), 172'800'000);
  EXPECT_EQ(ParsePromDuration("1w"), 604'800'000);
  EXPECT_EQ(ParsePromDuration("1y"), 31'536'000'000);
  EXPECT_EQ(ParsePromDuration("0"), 0);
  EXPECT_EQ(ParsePromDuration("0s"), 0);
}

TEST(PromDurationTest, ParsesCompoundDurationsInDescendingOrder) {
  EXPECT_EQ(ParsePromDuration("1h30m"), 5'400'000);
  EXPECT_EQ(ParsePromDuration("1m30ms"), 60'030);
  EXPECT_EQ(ParsePromDuration("1y2w3d4h5m6s7ms"),
            31'536'000'000 + 1'209'600'000 + 259'200'000 + 14'400'000 + 300'000 + 6'000 + 7);
  EXPECT_EQ(ParsePromDuration("90m"), 5'400'000);
}

TEST(PromDurationTest, RejectsMalformed) {
  for (const char* bad : {"", "5", "m", "5M", "1.5m", "5s5m", "5m5m", "1hs", "-5m", "5m ", " 5m",
                          "5mm", "1ms1s", "5x", "1d1y"}) {
    EXPECT_EQ(ParsePromDuration(bad), std::nullopt) << bad;
  }
}

TEST(PromDurationTest, RejectsOverflowOfNanosecondDurations) {
  // time.Duration holds ~292 years; 106751d fits, 106752d does not.
  EXPECT_EQ(ParsePromDuration("106751d"), 106751LL * 86'400'000);
  EXPECT_EQ(ParsePromDuration("106752d"), std::nullopt);
  EXPECT_EQ(ParsePromDuration("99999999999999999999s"), std::nullopt);
  EXPECT_EQ(ParsePromDuration("292y"), 292LL * 31'536'000'000);
  EXPECT_EQ(ParsePromDuration("293y"), std::nullopt);
}

TEST(PromDurationTest, FormatsLikeModelDuration) {
  EXPECT_EQ(FormatPromDuration(0), "0s");
  EXPECT_EQ(FormatPromDuration(250), "250ms");
  EXPECT_EQ(FormatPromDuration(5'000), "5s");
  EXPECT_EQ(FormatPromDuration(300'000), "5m");
  EXPECT_EQ(FormatPromDuration(5'400'000), "1h30m");
  EXPECT_EQ(FormatPromDuration(86'400'000), "1d");
  EXPECT_EQ(FormatPromDuration(604'800'000), "1w");
  EXPECT_EQ(FormatPromDuration(31'536'000'000), "1y");
  EXPECT_EQ(FormatPromDuration(61'001), "1m1s1ms");
}

TEST(PromDurationTest, YearsAndWeeksOnlyWhenExact) {
  // 90d reads better than 12w6d; 8d is not 1w1d.
  EXPECT_EQ(FormatPromDuration(90LL * 86'400'000), "90d");
  EXPECT_EQ(FormatPromDuration(8LL * 86'400'000), "8d");
  EXPECT_EQ(FormatPromDuration(14LL * 86'400'000), "2w");
  EXPECT_EQ(FormatPromDuration(366LL * 86'400'000), "366d");
  EXPECT_EQ(FormatPromDuration(730LL * 86'400'000), "2y");
}

TEST(PromDurationTest, NegativeDurationsKeepTheirSign) {
  EXPECT_EQ(FormatPromDuration(-300'000), "-5m");
}

TEST(PromDurationTest, FormatThenParseRoundTrips) {
  for (std::int64_t ms :
       {1LL, 999LL, 1'000LL, 59'999LL, 3'600'001LL, 86'400'000LL * 400, 123'456'789'012LL}) {
    EXPECT_EQ(ParsePromDuration(FormatPromDuration(ms)), ms) << ms;
  }
}

}  // namespace
}  // namespace opsagent::rules::promql
