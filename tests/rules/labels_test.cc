#include "rules/store/labels.h"

#include <gtest/gtest.h>

#include "rules/store/matcher.h"

namespace opsagent::rules {
namespace {

TEST(LabelsTest, SortsDropsEmptyAndLastDuplicateWins) {
  Labels l = Labels::FromPairs({{"b", "2"}, {"a", "1"}, {"b", "3"}, {"c", ""}});
  EXPECT_EQ(l.ToString(), R"({a="1", b="3"})");
  EXPECT_EQ(l.Get("c"), "");
  EXPECT_FALSE(l.Has("c"));
}

TEST(LabelsTest, HashForOnAndIgnoring) {
  Labels a = Labels::FromPairs({{"__name__", "x"}, {"job", "j"}, {"i", "1"}});
  Labels b = Labels::FromPairs({{"__name__", "y"}, {"job", "j"}, {"i", "2"}});
  std::vector<std::string> job = {"job"};
  std::vector<std::string> i = {"i"};
  EXPECT_EQ(a.HashFor(job, true), b.HashFor(job, true));
  EXPECT_NE(a.HashFor(job, false), b.HashFor(job, false));
  EXPECT_EQ(a.HashFor(i, false), b.HashFor(i, false));  // __name__ ignored too
  EXPECT_EQ(a.Keep(i, false).ToString(), R"({job="j"})");
}

TEST(LabelsTest, QuotesLikeGo) { EXPECT_EQ(QuoteGo("a\"b\\c\nd"), R"("a\"b\\c\nd")"); }

TEST(MatcherTest, RegexIsFullyAnchored) {
  auto m = LabelMatcher::Make(MatchType::kRegexMatch, "job", "no.*");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Matches("node"));
  EXPECT_FALSE(m->Matches("a_node"));
  auto bad = LabelMatcher::Make(MatchType::kRegexMatch, "job", "(");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("invalid regular expression"), std::string::npos);
  auto ne = LabelMatcher::Make(MatchType::kNotEqual, "job", "x");
  EXPECT_TRUE(ne->MatchesEmpty());
}

TEST(LabelNamesTest, ValidNamesFollowPrometheusSyntax) {
  EXPECT_TRUE(IsValidLabelName("_a1"));
  EXPECT_FALSE(IsValidLabelName(""));
  EXPECT_FALSE(IsValidLabelName("1a"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("bad-label"));
  EXPECT_TRUE(IsValidMetricName("job:up:sum"));
  EXPECT_TRUE(IsValidMetricName(":a"));
  EXPECT_FALSE(IsValidMetricName("9x"));
  EXPECT_FALSE(IsValidMetricName("bad name"));
}

}  // namespace
}  // namespace opsagent::rules
