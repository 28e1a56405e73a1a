// Tests for the PromQL lexer: token kinds, positions and Prometheus's lexer error texts.
#include "rules/promql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace opsagent::rules::promql {
namespace {

using T = TokenType;

std::vector<T> Types(std::string_view input) {
  std::vector<T> out;
  for (const Token& t : Lex(input)) out.push_back(t.type);
  return out;
}

std::string ErrorOf(std::string_view input) {
  const std::vector<Token> tokens = Lex(input);
  if (tokens.back().type != T::kError) return "<no error>";
  return std::to_string(tokens.back().pos) + ": " + tokens.back().text;
}

TEST(LexerTest, CommonTokensWithPositions) {
  const std::vector<Token> tokens = Lex("sum by (job) (rate(x{a=~\"b\"}[5m]))");
  const std::vector<T> want = {T::kSum,          T::kBy,         T::kLeftParen,   T::kIdentifier,
                               T::kRightParen,   T::kLeftParen,  T::kIdentifier,  T::kLeftParen,
                               T::kIdentifier,   T::kLeftBrace,  T::kIdentifier,  T::kEqlRegex,
                               T::kString,       T::kRightBrace, T::kLeftBracket, T::kDuration,
                               T::kRightBracket, T::kRightParen, T::kRightParen,  T::kEof};
  ASSERT_EQ(tokens.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(tokens[i].type, want[i]) << i;
  EXPECT_EQ(tokens[3].text, "job");
  EXPECT_EQ(tokens[3].pos, 8u);
  EXPECT_EQ(tokens[12].text, "\"b\"");
  EXPECT_EQ(tokens[15].text, "5m");
  EXPECT_EQ(tokens.back().pos, 34u);
}

TEST(LexerTest, Numbers) {
  for (const char* n : {"1", "5.", ".5", "123.4567", "5e-3", "5e3", "0x123", "0X1f", "1e+06"}) {
    const std::vector<Token> tokens = Lex(n);
    ASSERT_EQ(tokens.size(), 2u) << n;
    EXPECT_EQ(tokens[0].type, T::kNumber) << n;
    EXPECT_EQ(tokens[0].text, n);
  }
  // Inf and NaN are numbers in any case; other words are identifiers.
  EXPECT_EQ(Types("Inf nan INF NaN"),
            (std::vector<T>{T::kNumber, T::kNumber, T::kNumber, T::kNumber, T::kEof}));
  EXPECT_EQ(Types("Infinity"), (std::vector<T>{T::kIdentifier, T::kEof}));
}

TEST(LexerTest, Durations) {
  for (const char* d : {"5s", "5m", "5h", "5d", "5w", "5y", "250ms", "1h30m", "1m30ms"}) {
    const std::vector<Token> tokens = Lex(d);
    ASSERT_EQ(tokens.size(), 2u) << d;
    EXPECT_EQ(tokens[0].type, T::kDuration) << d;
  }
  EXPECT_EQ(ErrorOf("5mm"), "0: bad number or duration syntax: \"5mm\"");
  EXPECT_EQ(ErrorOf("1a"), "0: bad number or duration syntax: \"1\"");
}

TEST(LexerTest, DurationsInsideBrackets) {
  EXPECT_EQ(Types("x[ 5m ]"), (std::vector<T>{T::kIdentifier, T::kLeftBracket, T::kDuration,
                                              T::kRightBracket, T::kEof}));
  EXPECT_EQ(Types("x[5m:1m]"),
            (std::vector<T>{T::kIdentifier, T::kLeftBracket, T::kDuration, T::kColon, T::kDuration,
                            T::kRightBracket, T::kEof}));
  EXPECT_EQ(ErrorOf("foo[]"), "4: missing unit character in duration");
  EXPECT_EQ(ErrorOf("foo[5]"), "4: missing unit character in duration");
  EXPECT_EQ(ErrorOf("foo[5mm]"), "4: bad duration syntax: \"5mm\"");
  EXPECT_EQ(ErrorOf("foo[5m"), "6: unclosed left bracket");
  EXPECT_EQ(ErrorOf("foo[5m[5m]]"), "6: unexpected left bracket '['");
  EXPECT_EQ(ErrorOf("foo]"), "3: unexpected right bracket ']'");
  EXPECT_EQ(ErrorOf("x[5m::]"), "5: unexpected colon ':'");
  // lex.go reads any letter after the range as the subquery colon.
  EXPECT_EQ(Types("x[5m a]"), (std::vector<T>{T::kIdentifier, T::kLeftBracket, T::kDuration,
                                              T::kColon, T::kRightBracket, T::kEof}));
  EXPECT_EQ(ErrorOf("x[5m ab]"), "6: unexpected colon 'b'");
}

TEST(LexerTest, OperatorsAndKeywords) {
  EXPECT_EQ(Types("+ - * / % ^ == != > < >= <= and or unless atan2"),
            (std::vector<T>{T::kAdd, T::kSub, T::kMul, T::kDiv, T::kMod, T::kPow, T::kEqlc, T::kNeq,
                            T::kGtr, T::kLss, T::kGte, T::kLte, T::kLand, T::kLor, T::kLunless,
                            T::kAtan2, T::kEof}));
  // Keywords are case-insensitive, as in Prometheus.
  EXPECT_EQ(Types("SUM By WITHOUT on IGNORING group_left GROUP_RIGHT bool offset"),
            (std::vector<T>{T::kSum, T::kBy, T::kWithout, T::kOn, T::kIgnoring, T::kGroupLeft,
                            T::kGroupRight, T::kBool, T::kOffset, T::kEof}));
  EXPECT_EQ(Types("foo:bar a_b"), (std::vector<T>{T::kMetricIdentifier, T::kIdentifier, T::kEof}));
}

TEST(LexerTest, KeywordsAreIdentifiersInsideBraces) {
  EXPECT_EQ(Types("{on=\"a\", by!=\"b\", bool=~\"c\", sum!~\"d\"}"),
            (std::vector<T>{T::kLeftBrace, T::kIdentifier, T::kAssign, T::kString, T::kComma,
                            T::kIdentifier, T::kNeq, T::kString, T::kComma, T::kIdentifier,
                            T::kEqlRegex, T::kString, T::kComma, T::kIdentifier, T::kNeqRegex,
                            T::kString, T::kRightBrace, T::kEof}));
}

TEST(LexerTest, StringsOfAllThreeQuotes) {
  const std::vector<Token> tokens = Lex(R"("a\"b" 'c\'d' `e\f`)");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].text, R"("a\"b")");
  EXPECT_EQ(tokens[1].text, R"('c\'d')");
  EXPECT_EQ(tokens[2].text, R"(`e\f`)");
  // Raw strings may span lines; quoted ones may not.
  EXPECT_EQ(Types("`a\nb`"), (std::vector<T>{T::kString, T::kEof}));
  EXPECT_EQ(ErrorOf("\"a\nb\""), "0: unterminated quoted string");
  EXPECT_EQ(ErrorOf("`abc"), "0: unterminated raw string");
}

TEST(LexerTest, EscapeErrors) {
  EXPECT_EQ(ErrorOf(R"("\q")"), "0: unknown escape sequence U+0071 'q'");
  EXPECT_EQ(ErrorOf(R"('\"')"), "0: unknown escape sequence U+0022 '\"'");
  EXPECT_EQ(ErrorOf(R"("\400")"), "0: escape sequence is an invalid Unicode code point");
  EXPECT_EQ(ErrorOf(R"("\uD800")"), "0: escape sequence is an invalid Unicode code point");
  EXPECT_EQ(ErrorOf(R"("\xZ1")"), "0: illegal character U+005A 'Z' in escape sequence");
  EXPECT_EQ(ErrorOf(R"("\x")"), "0: illegal character U+0022 '\"' in escape sequence");
  EXPECT_EQ(ErrorOf(R"(x + "\)"), "4: escape sequence not terminated");
  EXPECT_EQ(ErrorOf("\"\xff\""), "0: invalid UTF-8 rune");
}

TEST(LexerTest, CharacterErrors) {
  EXPECT_EQ(ErrorOf("foo $"), "4: unexpected character: '$'");
  EXPECT_EQ(ErrorOf("a =~ b"), "2: unexpected character after '=': '~'");
  EXPECT_EQ(ErrorOf("a !b"), "2: unexpected character after '!': 'b'");
  EXPECT_EQ(ErrorOf("{a!b}"), "2: unexpected character after '!' inside braces: 'b'");
  EXPECT_EQ(ErrorOf("{a{"), "2: unexpected left brace '{'");
  EXPECT_EQ(ErrorOf("{1}"), "1: unexpected character inside braces: '1'");
  EXPECT_EQ(ErrorOf("{a"), "2: unexpected end of input inside braces");
  EXPECT_EQ(ErrorOf("(1"), "2: unclosed left parenthesis");
  // The position is after the parenthesis, where lex.go's start is when it reports this.
  EXPECT_EQ(ErrorOf("1)"), "2: unexpected right parenthesis ')'");
  EXPECT_EQ(ErrorOf("é"), "0: unexpected character: 'é'");
}

TEST(LexerTest, CommentsAreDropped) {
  EXPECT_EQ(Types("foo # a comment\n+ bar # another"),
            (std::vector<T>{T::kIdentifier, T::kAdd, T::kIdentifier, T::kEof}));
  EXPECT_EQ(Types("{a=\"b\" # inside braces\n}"),
            (std::vector<T>{T::kLeftBrace, T::kIdentifier, T::kAssign, T::kString, T::kRightBrace,
                            T::kEof}));
}

TEST(LexerTest, DescribesTokensAsPrometheus) {
  const std::vector<Token> tokens = Lex("foo a:b 1 \"s\" 5m + and sum by ( start 12345678901)");
  std::vector<std::string> got;
  for (const Token& t : tokens) got.push_back(DescribeToken(t));
  EXPECT_EQ(
      got, (std::vector<std::string>{
               "identifier \"foo\"", "metric identifier \"a:b\"", "number \"1\"",
               "string \"\\\"s\\\"\"", "duration \"5m\"", "<op:+>", "<op:and>", "<aggr:sum>",
               "<by>", "\"(\"", "\"start\"", "number \"1234567890\"...", "\")\"", "end of input"}));
}

TEST(LexerTest, QuotesLikeGo) {
  EXPECT_EQ(QuoteGoString("a\"b\\c\n\t\x01\x7f\xff☺"), R"("a\"b\\c\n\t\x01\x7f\xff☺")");
  EXPECT_EQ(QuoteGoString("\a\b\f\v\r"), R"("\a\b\f\v\r")");
  EXPECT_EQ(QuoteRune('\''), R"('\'')");
  EXPECT_EQ(QuoteRune('\n'), R"('\n')");
  EXPECT_EQ(QuoteRune(0), R"('\x00')");
  EXPECT_EQ(QuoteRune(0x200B), R"('\u200b')");
}

TEST(LexerTest, PathologicalInputIsLinear) {
  // A long run of one token kind lexes in one pass (no backtracking blowup).
  const std::string input(20'000, '(');
  const std::vector<Token> tokens = Lex(input);
  EXPECT_EQ(tokens.back().type, T::kError);
  EXPECT_EQ(tokens.back().text, "unclosed left parenthesis");
  EXPECT_EQ(tokens.size(), 20'001u);
}

}  // namespace
}  // namespace opsagent::rules::promql
