// PromQL lexer: expression text to tokens with byte positions (Prometheus's promql/parser/lex.go).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace opsagent::rules::promql {

enum class TokenType {
  kEof,
  kError,  ///< the lexer stopped; `text` holds the message
  kComment,
  kIdentifier,
  kMetricIdentifier,  ///< an identifier containing ':'
  kNumber,
  kString,
  kDuration,
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kAssign,  ///< "=" (EQL in Prometheus)
  kColon,
  kAt,
  // Operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,  ///< "=="
  kNeq,
  kLte,
  kLss,
  kGte,
  kGtr,
  kEqlRegex,
  kNeqRegex,
  kLand,
  kLor,
  kLunless,
  kAtan2,
  // Aggregators.
  kAvg,
  kBottomk,
  kCount,
  kCountValues,
  kGroup,
  kMax,
  kMin,
  kQuantile,
  kStddev,
  kStdvar,
  kSum,
  kTopk,
  // Keywords.
  kBool,
  kBy,
  kGroupLeft,
  kGroupRight,
  kIgnoring,
  kOffset,
  kOn,
  kWithout,
  // @ modifier preprocessors.
  kStart,
  kEnd,
};

struct Token {
  TokenType type = TokenType::kEof;
  std::uint32_t pos = 0;  ///< byte offset of the first character
  std::string text;       ///< the source text, or the message of a kError token
  std::uint32_t End() const { return pos + static_cast<std::uint32_t>(text.size()); }
};

bool IsOperatorToken(TokenType type);
bool IsAggregatorToken(TokenType type);
bool IsKeywordToken(TokenType type);

/// How Prometheus names a token in "unexpected ..." messages: `<op:+>`, `<aggr:sum>`, `<by>`,
/// `"("`, `identifier "foo"`, `number "1"`, `end of input`.
std::string DescribeToken(const Token& token);

/// Tokenizes `input`. Comments are dropped. The result always ends with exactly one kEof or kError
/// token; a kError token's position is where the offending token started.
std::vector<Token> Lex(std::string_view input);

/// Go's %q of a rune, as lexer messages quote characters: 'a', '\n', '\x00', '\ufffd'.
std::string QuoteRune(std::uint32_t rune);

/// Go's strconv.Quote: double quotes, escapes for control characters, \x for invalid UTF-8.
std::string QuoteGoString(std::string_view value);

}  // namespace opsagent::rules::promql
