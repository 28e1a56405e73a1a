// PromQL lexer, state for state as Prometheus's lex.go so error texts and positions match.
#include "rules/promql/lexer.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <string_view>
#include <utility>

namespace opsagent::rules::promql {
namespace {

constexpr std::int32_t kEofRune = -1;
constexpr std::uint32_t kRuneError = 0xFFFD;

struct Keyword {
  std::string_view word;
  TokenType type;
};

constexpr Keyword kKeywords[] = {
    {"and", TokenType::kLand},
    {"or", TokenType::kLor},
    {"unless", TokenType::kLunless},
    {"atan2", TokenType::kAtan2},
    {"sum", TokenType::kSum},
    {"avg", TokenType::kAvg},
    {"count", TokenType::kCount},
    {"min", TokenType::kMin},
    {"max", TokenType::kMax},
    {"group", TokenType::kGroup},
    {"stddev", TokenType::kStddev},
    {"stdvar", TokenType::kStdvar},
    {"topk", TokenType::kTopk},
    {"bottomk", TokenType::kBottomk},
    {"count_values", TokenType::kCountValues},
    {"quantile", TokenType::kQuantile},
    {"offset", TokenType::kOffset},
    {"by", TokenType::kBy},
    {"without", TokenType::kWithout},
    {"on", TokenType::kOn},
    {"ignoring", TokenType::kIgnoring},
    {"group_left", TokenType::kGroupLeft},
    {"group_right", TokenType::kGroupRight},
    {"bool", TokenType::kBool},
    {"start", TokenType::kStart},
    {"end", TokenType::kEnd},
    // Prometheus maps these to NUMBER so `Inf` and `NaN` (any case) are literals.
    {"inf", TokenType::kNumber},
    {"nan", TokenType::kNumber},
};

bool IsSpace(std::int32_t r) { return r == ' ' || r == '\t' || r == '\n' || r == '\r'; }
bool IsDigit(std::int32_t r) { return r >= '0' && r <= '9'; }
bool IsAlpha(std::int32_t r) {
  return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
}
bool IsAlphaNumeric(std::int32_t r) { return IsAlpha(r) || IsDigit(r); }

// Decodes one UTF-8 rune like Go's utf8.DecodeRuneInString: invalid input yields U+FFFD, width 1.
std::pair<std::uint32_t, int> DecodeRune(std::string_view s, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 < 0x80) return {b0, 1};
  int n = 0;
  std::uint32_t r = 0;
  std::uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, r = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, r = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, r = b0 & 0x07, min = 0x10000;
  } else {
    return {kRuneError, 1};
  }
  if (pos + n > s.size()) return {kRuneError, 1};
  for (int i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return {kRuneError, 1};
    r = (r << 6) | (b & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return {kRuneError, 1};
  return {r, n};
}

// An approximation of Go's unicode.IsPrint for non-ASCII runes: controls, format characters,
// separators other than space, surrogates and non-characters are not printable.
bool IsPrintRune(std::uint32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r < 0xA0 || r == 0xAD) return false;
  if (r >= 0x2000 && r <= 0x200F) return false;
  if (r >= 0x2028 && r <= 0x202E) return false;
  if (r >= 0x2060 && r <= 0x206F) return false;
  if (r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB)) return false;
  if (r >= 0xD800 && r <= 0xDFFF) return false;
  if ((r & 0xFFFE) == 0xFFFE) return false;
  if (r >= 0xE000 && r <= 0xF8FF) return false;
  return r <= 0x10FFFF;
}

void AppendUtf8(std::string* out, std::uint32_t r) {
  if (r < 0x80) {
    *out += static_cast<char>(r);
  } else if (r < 0x800) {
    *out += static_cast<char>(0xC0 | (r >> 6));
    *out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    *out += static_cast<char>(0xE0 | (r >> 12));
    *out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (r >> 18));
    *out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (r & 0x3F));
  }
}

// Appends the Go escape of rune `r` inside a literal quoted with `quote`.
void AppendQuotedRune(std::string* out, std::uint32_t r, char quote) {
  char buf[16];
  if (r == static_cast<std::uint32_t>(quote) || r == '\\') {
    *out += '\\';
    *out += static_cast<char>(r);
    return;
  }
  if (IsPrintRune(r)) {
    AppendUtf8(out, r);
    return;
  }
  switch (r) {
    case '\a':
      *out += "\\a";
      return;
    case '\b':
      *out += "\\b";
      return;
    case '\f':
      *out += "\\f";
      return;
    case '\n':
      *out += "\\n";
      return;
    case '\r':
      *out += "\\r";
      return;
    case '\t':
      *out += "\\t";
      return;
    case '\v':
      *out += "\\v";
      return;
  }
  if (r < 0x20 || r == 0x7F) {
    std::snprintf(buf, sizeof buf, "\\x%02x", r);
  } else if (r < 0x10000) {
    std::snprintf(buf, sizeof buf, "\\u%04x", r);
  } else {
    std::snprintf(buf, sizeof buf, "\\U%08x", r);
  }
  *out += buf;
}

// Go's %#U: "U+0071 'q'", without the quoted character when it is not printable.
std::string GoUnicodeFormat(std::int32_t rune) {
  const std::uint32_t r = rune < 0 ? kRuneError : static_cast<std::uint32_t>(rune);
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", r);
  std::string out = buf;
  if (IsPrintRune(r)) {
    out += " '";
    AppendUtf8(&out, r);
    out += '\'';
  }
  return out;
}

// The lexer proper. Each Lex* method mirrors the stateFn of the same name in lex.go; instead of
// returning the next state it loops in Run().
class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  std::vector<Token> Run() {
    while (!done_) LexStatements();
    return std::move(tokens_);
  }

 private:
  std::int32_t Next() {
    if (pos_ >= input_.size()) {
      width_ = 0;
      return kEofRune;
    }
    auto [r, w] = DecodeRune(input_, pos_);
    width_ = w;
    pos_ += w;
    return static_cast<std::int32_t>(r);
  }
  void Backup() { pos_ -= width_; }
  std::int32_t Peek() {
    std::int32_t r = Next();
    Backup();
    return r;
  }
  bool Accept(std::string_view valid) {
    std::int32_t r = Next();
    if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) {
      return true;
    }
    Backup();
    return false;
  }
  void AcceptRun(std::string_view valid) {
    while (Accept(valid)) {
    }
  }

  void Emit(TokenType type) {
    tokens_.push_back({type, static_cast<std::uint32_t>(start_),
                       std::string(input_.substr(start_, pos_ - start_))});
    start_ = pos_;
  }
  void Errorf(std::string message) {
    tokens_.push_back({TokenType::kError, static_cast<std::uint32_t>(start_), std::move(message)});
    done_ = true;
  }

  void LexStatements() {
    if (brace_open_) return LexInsideBraces();
    if (input_.substr(pos_).starts_with('#')) return LexLineComment();
    const std::int32_t r = Next();
    if (r == kEofRune) {
      if (paren_depth_ != 0) return Errorf("unclosed left parenthesis");
      if (bracket_open_) return Errorf("unclosed left bracket");
      Emit(TokenType::kEof);
      done_ = true;
      return;
    }
    if (IsSpace(r)) return LexSpace();
    switch (r) {
      case ',':
        return Emit(TokenType::kComma);
      case '*':
        return Emit(TokenType::kMul);
      case '/':
        return Emit(TokenType::kDiv);
      case '%':
        return Emit(TokenType::kMod);
      case '+':
        return Emit(TokenType::kAdd);
      case '-':
        return Emit(TokenType::kSub);
      case '^':
        return Emit(TokenType::kPow);
      case '=': {
        const std::int32_t t = Peek();
        if (t == '=') {
          Next();
          return Emit(TokenType::kEqlc);
        }
        if (t == '~') return Errorf("unexpected character after '=': " + QuoteRune(t));
        return Emit(TokenType::kAssign);
      }
      case '!': {
        const std::int32_t t = Next();
        if (t != '=') return Errorf("unexpected character after '!': " + QuoteRune(t));
        return Emit(TokenType::kNeq);
      }
      case '<':
        if (Peek() == '=') {
          Next();
          return Emit(TokenType::kLte);
        }
        return Emit(TokenType::kLss);
      case '>':
        if (Peek() == '=') {
          Next();
          return Emit(TokenType::kGte);
        }
        return Emit(TokenType::kGtr);
      case '"':
      case '\'':
        string_open_ = r;
        return LexString();
      case '`':
        return LexRawString();
      case '(':
        Emit(TokenType::kLeftParen);
        ++paren_depth_;
        return;
      case ')':
        // lex.go emits the token and then overwrites it with the error, so the error sits
        // after the parenthesis and the parser never sees the ')'.
        if (--paren_depth_ < 0) {
          start_ = pos_;
          return Errorf("unexpected right parenthesis " + QuoteRune(r));
        }
        return Emit(TokenType::kRightParen);
      case '{':
        Emit(TokenType::kLeftBrace);
        brace_open_ = true;
        return;
      case '[':
        return LexLeftBracket(r);
      case ']':
        if (!bracket_open_) return Errorf("unexpected right bracket " + QuoteRune(r));
        Emit(TokenType::kRightBracket);
        bracket_open_ = false;
        return;
      case '@':
        return Emit(TokenType::kAt);
    }
    if (IsDigit(r) || (r == '.' && IsDigit(Peek()))) {
      Backup();
      return LexNumberOrDuration();
    }
    if (IsAlpha(r) || r == ':') {
      if (!bracket_open_) {
        Backup();
        return LexKeywordOrIdentifier();
      }
      // Inside brackets lex.go takes any letter for the subquery colon (so `x[5m a]` is a
      // subquery there); mirrored so errors match.
      if (got_colon_) return Errorf("unexpected colon " + QuoteRune(r));
      Emit(TokenType::kColon);
      got_colon_ = true;
      return;
    }
    Errorf("unexpected character: " + QuoteRune(r));
  }

  void LexLeftBracket(std::int32_t r) {
    if (bracket_open_) return Errorf("unexpected left bracket " + QuoteRune(r));
    got_colon_ = false;
    Emit(TokenType::kLeftBracket);
    while (IsSpace(Peek())) Next();
    start_ = pos_;
    bracket_open_ = true;
    LexDuration();
  }

  void LexInsideBraces() {
    if (input_.substr(pos_).starts_with('#')) return LexLineComment();
    const std::int32_t r = Next();
    if (r == kEofRune) return Errorf("unexpected end of input inside braces");
    if (IsSpace(r)) return LexSpace();
    if (IsAlpha(r)) {
      Backup();
      return LexIdentifier();
    }
    switch (r) {
      case ',':
        return Emit(TokenType::kComma);
      case '"':
      case '\'':
        string_open_ = r;
        return LexString();
      case '`':
        return LexRawString();
      case '=':
        if (Next() == '~') return Emit(TokenType::kEqlRegex);
        Backup();
        return Emit(TokenType::kAssign);
      case '!': {
        const std::int32_t nr = Next();
        if (nr == '~') return Emit(TokenType::kNeqRegex);
        if (nr == '=') return Emit(TokenType::kNeq);
        return Errorf("unexpected character after '!' inside braces: " + QuoteRune(nr));
      }
      case '{':
        return Errorf("unexpected left brace " + QuoteRune(r));
      case '}':
        Emit(TokenType::kRightBrace);
        brace_open_ = false;
        return;
    }
    Errorf("unexpected character inside braces: " + QuoteRune(r));
  }

  void LexSpace() {
    while (IsSpace(Peek())) Next();
    start_ = pos_;
  }

  void LexLineComment() {
    pos_ += 1;
    for (std::int32_t r = Next(); r != '\n' && r != '\r' && r != kEofRune; r = Next()) {
    }
    Backup();
    // Comments are never handed to the parser, as Prometheus's parser skips them.
    start_ = pos_;
  }

  // Consumes an escape sequence after a backslash; false (with the error) when it is invalid.
  bool LexEscape() {
    std::int32_t ch = Next();
    int n = 0;
    std::uint32_t base = 0;
    std::uint32_t max = 0;
    switch (ch) {
      case 'a':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
      case '\\':
        return true;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
        n = 3, base = 8, max = 255;
        break;
      case 'x':
        ch = Next(), n = 2, base = 16, max = 255;
        break;
      case 'u':
        ch = Next(), n = 4, base = 16, max = 0x10FFFF;
        break;
      case 'U':
        ch = Next(), n = 8, base = 16, max = 0x10FFFF;
        break;
      case kEofRune:
        Errorf("escape sequence not terminated");
        return false;
      default:
        if (ch == string_open_) return true;
        Errorf("unknown escape sequence " + GoUnicodeFormat(ch));
        return false;
    }
    std::uint32_t x = 0;
    while (n > 0) {
      std::uint32_t d = 16;
      if (IsDigit(ch)) {
        d = static_cast<std::uint32_t>(ch - '0');
      } else if (ch >= 'a' && ch <= 'f') {
        d = static_cast<std::uint32_t>(ch - 'a' + 10);
      } else if (ch >= 'A' && ch <= 'F') {
        d = static_cast<std::uint32_t>(ch - 'A' + 10);
      }
      if (d >= base) {
        Errorf(ch == kEofRune ? "escape sequence not terminated"
                              : "illegal character " + GoUnicodeFormat(ch) + " in escape sequence");
        return false;
      }
      x = x * base + d;
      if (--n > 0) ch = Next();
    }
    if (x > max || (x >= 0xD800 && x < 0xE000)) {
      Errorf("escape sequence is an invalid Unicode code point");
      return false;
    }
    return true;
  }

  void LexString() {
    for (;;) {
      const std::int32_t r = Next();
      if (r == '\\') {
        if (!LexEscape()) return;
        continue;
      }
      if (r == static_cast<std::int32_t>(kRuneError)) return Errorf("invalid UTF-8 rune");
      if (r == kEofRune || r == '\n') return Errorf("unterminated quoted string");
      if (r == string_open_) break;
    }
    Emit(TokenType::kString);
  }

  void LexRawString() {
    for (;;) {
      const std::int32_t r = Next();
      if (r == static_cast<std::int32_t>(kRuneError)) return Errorf("invalid UTF-8 rune");
      if (r == kEofRune) return Errorf("unterminated raw string");
      if (r == '`') break;
    }
    Emit(TokenType::kString);
  }

  // Scans a number; true when what follows cannot continue it (not alphanumeric).
  bool ScanNumber() {
    std::string_view digits = "0123456789";
    if (Accept("0") && Accept("xX")) digits = "0123456789abcdefABCDEF";
    AcceptRun(digits);
    if (Accept(".")) AcceptRun(digits);
    if (Accept("eE")) {
      Accept("+-");
      AcceptRun("0123456789");
    }
    return !IsAlphaNumeric(Peek());
  }

  // Accepts the unit and any further number-unit pairs of a duration; bad unit combinations
  // like "hs" pass here and fail in ParsePromDuration, as in Prometheus.
  bool AcceptRemainingDuration() {
    if (!Accept("smhdwy")) return false;
    Accept("s");
    while (Accept("0123456789")) {
      AcceptRun("0123456789");
      if (!Accept("smhdw")) return false;
      Accept("s");
    }
    return !IsAlphaNumeric(Next());
  }

  void LexNumberOrDuration() {
    if (ScanNumber()) return Emit(TokenType::kNumber);
    if (AcceptRemainingDuration()) {
      Backup();
      return Emit(TokenType::kDuration);
    }
    Errorf("bad number or duration syntax: " + QuoteGoString(input_.substr(start_, pos_ - start_)));
  }

  void LexDuration() {
    if (ScanNumber()) return Errorf("missing unit character in duration");
    if (!AcceptRemainingDuration()) {
      return Errorf("bad duration syntax: " + QuoteGoString(input_.substr(start_, pos_ - start_)));
    }
    Backup();
    Emit(TokenType::kDuration);
  }

  void LexIdentifier() {
    while (IsAlphaNumeric(Next())) {
    }
    Backup();
    Emit(TokenType::kIdentifier);
  }

  void LexKeywordOrIdentifier() {
    for (std::int32_t r = Next(); IsAlphaNumeric(r) || r == ':'; r = Next()) {
    }
    Backup();
    const std::string_view word = input_.substr(start_, pos_ - start_);
    std::string lower(word);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const Keyword& kw : kKeywords) {
      if (kw.word == lower) return Emit(kw.type);
    }
    Emit(word.find(':') == std::string_view::npos ? TokenType::kIdentifier
                                                  : TokenType::kMetricIdentifier);
  }

  std::string_view input_;
  std::size_t pos_ = 0;
  std::size_t start_ = 0;
  int width_ = 0;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  std::int32_t string_open_ = 0;
  bool done_ = false;
  std::vector<Token> tokens_;
};

// Go's %.10q: the first ten runes, quoted.
std::string QuoteTruncated(std::string_view s) {
  std::size_t pos = 0;
  for (int runes = 0; runes < 10 && pos < s.size(); ++runes) pos += DecodeRune(s, pos).second;
  return QuoteGoString(s.substr(0, pos));
}

}  // namespace

bool IsOperatorToken(TokenType type) {
  return type >= TokenType::kAdd && type <= TokenType::kAtan2;
}
bool IsAggregatorToken(TokenType type) {
  return type >= TokenType::kAvg && type <= TokenType::kTopk;
}
bool IsKeywordToken(TokenType type) {
  return type >= TokenType::kBool && type <= TokenType::kWithout;
}

std::string DescribeToken(const Token& token) {
  switch (token.type) {
    case TokenType::kEof:
      return "end of input";
    case TokenType::kError:
      return token.text;
    case TokenType::kIdentifier:
      return "identifier " + QuoteGoString(token.text);
    case TokenType::kMetricIdentifier:
      return "metric identifier " + QuoteGoString(token.text);
    case TokenType::kString:
    case TokenType::kNumber:
    case TokenType::kDuration: {
      const char* kind = token.type == TokenType::kString   ? "string "
                         : token.type == TokenType::kNumber ? "number "
                                                            : "duration ";
      // Literals with more than 10 bytes are cut to 10 runes, like Go's %.10q.
      if (token.text.size() > 10) return kind + QuoteTruncated(token.text) + "...";
      return kind + QuoteGoString(token.text);
    }
    default:
      break;
  }
  if (IsOperatorToken(token.type) || token.type == TokenType::kAt) {
    return "<op:" + token.text + ">";
  }
  if (IsAggregatorToken(token.type)) return "<aggr:" + token.text + ">";
  if (IsKeywordToken(token.type)) return "<" + token.text + ">";
  return QuoteGoString(token.text);
}

std::vector<Token> Lex(std::string_view input) { return Lexer(input).Run(); }

std::string QuoteRune(std::uint32_t rune) {
  if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) rune = kRuneError;
  std::string out = "'";
  AppendQuotedRune(&out, rune, '\'');
  out += '\'';
  return out;
}

std::string QuoteGoString(std::string_view value) {
  std::string out = "\"";
  for (std::size_t pos = 0; pos < value.size();) {
    auto [r, width] = DecodeRune(value, pos);
    if (r == kRuneError && width == 1) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(value[pos]));
      out += buf;
    } else {
      AppendQuotedRune(&out, r, '"');
    }
    pos += width;
  }
  out += '"';
  return out;
}

}  // namespace opsagent::rules::promql
