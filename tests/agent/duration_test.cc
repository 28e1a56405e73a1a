// Tests for Prometheus duration parsing.
#include "agent/config/duration.h"

#include <gtest/gtest.h>

namespace opsagent::config {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsPrometheusForms) {
  EXPECT_EQ(ParseDuration("10s"), milliseconds(10000));
  EXPECT_EQ(ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(ParseDuration("1h30m"), milliseconds(90 * 60 * 1000));
  EXPECT_EQ(ParseDuration("1m30s250ms"), milliseconds(90250));
  EXPECT_EQ(ParseDuration("2d"), milliseconds(2LL * 24 * 3600 * 1000));
  EXPECT_EQ(ParseDuration("1w"), milliseconds(7LL * 24 * 3600 * 1000));
  EXPECT_EQ(ParseDuration("1y"), milliseconds(365LL * 24 * 3600 * 1000));
  EXPECT_EQ(ParseDuration("0"), milliseconds(0));
  EXPECT_EQ(ParseDuration("0s"), milliseconds(0));
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* bad : {"", "10", "s", "-1s", "1.5s", "10 s", "30m1h", "1s1s", "1x", "ms",
                          "99999999999999999999s", "1h 30m"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
}

TEST(FormatDuration, RoundTrips) {
  for (const char* text : {"10s", "1m30s", "250ms", "1h", "1d2h", "0s"}) {
    auto parsed = ParseDuration(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(FormatDuration(*parsed), text);
  }
}

}  // namespace
}  // namespace opsagent::config
