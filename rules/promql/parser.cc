// PromQL parser: a precedence-climbing rendition of Prometheus's yacc grammar, with the same
// error texts, followed by checkAST's type checks.
#include "rules/promql/parser.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <unordered_map>
#include <utility>

#include "rules/promql/duration.h"
#include "rules/promql/functions.h"
#include "rules/promql/lexer.h"

namespace opsagent::rules::promql {
namespace {

// Deeper trees are rejected so that recursive consumers (printer, evaluator, destructors) stay
// far from the stack limit; real rules nest a few levels.
constexpr int kMaxDepth = 500;

// Binary operator precedence, lowest first (the %left/%right lines of generated_parser.y).
int Precedence(TokenType type) {
  switch (type) {
    case TokenType::kLor:
      return 1;
    case TokenType::kLand:
    case TokenType::kLunless:
      return 2;
    case TokenType::kEqlc:
    case TokenType::kNeq:
    case TokenType::kLte:
    case TokenType::kLss:
    case TokenType::kGte:
    case TokenType::kGtr:
      return 3;
    case TokenType::kAdd:
    case TokenType::kSub:
      return 4;
    case TokenType::kMul:
    case TokenType::kDiv:
    case TokenType::kMod:
    case TokenType::kAtan2:
      return 5;
    case TokenType::kPow:
      return 6;
    default:
      return 0;
  }
}
constexpr int kPowPrecedence = 6;

BinaryOp ToBinaryOp(TokenType type) {
  switch (type) {
    case TokenType::kAdd:
      return BinaryOp::kAdd;
    case TokenType::kSub:
      return BinaryOp::kSub;
    case TokenType::kMul:
      return BinaryOp::kMul;
    case TokenType::kDiv:
      return BinaryOp::kDiv;
    case TokenType::kMod:
      return BinaryOp::kMod;
    case TokenType::kPow:
      return BinaryOp::kPow;
    case TokenType::kEqlc:
      return BinaryOp::kEql;
    case TokenType::kNeq:
      return BinaryOp::kNeq;
    case TokenType::kGtr:
      return BinaryOp::kGtr;
    case TokenType::kLss:
      return BinaryOp::kLss;
    case TokenType::kGte:
      return BinaryOp::kGte;
    case TokenType::kLte:
      return BinaryOp::kLte;
    case TokenType::kLand:
      return BinaryOp::kAnd;
    case TokenType::kLor:
      return BinaryOp::kOr;
    default:
      return BinaryOp::kUnless;
  }
}

AggregateOp ToAggregateOp(TokenType type) {
  switch (type) {
    case TokenType::kAvg:
      return AggregateOp::kAvg;
    case TokenType::kBottomk:
      return AggregateOp::kBottomk;
    case TokenType::kCount:
      return AggregateOp::kCount;
    case TokenType::kCountValues:
      return AggregateOp::kCountValues;
    case TokenType::kGroup:
      return AggregateOp::kGroup;
    case TokenType::kMax:
      return AggregateOp::kMax;
    case TokenType::kMin:
      return AggregateOp::kMin;
    case TokenType::kQuantile:
      return AggregateOp::kQuantile;
    case TokenType::kStddev:
      return AggregateOp::kStddev;
    case TokenType::kStdvar:
      return AggregateOp::kStdvar;
    case TokenType::kTopk:
      return AggregateOp::kTopk;
    default:
      return AggregateOp::kSum;
  }
}

bool HasParam(AggregateOp op) {
  return op == AggregateOp::kTopk || op == AggregateOp::kBottomk || op == AggregateOp::kQuantile ||
         op == AggregateOp::kCountValues;
}

// Tokens that may name a metric (metric_identifier in the grammar): keywords included.
bool IsMetricIdentifier(TokenType type) {
  switch (type) {
    case TokenType::kIdentifier:
    case TokenType::kMetricIdentifier:
    case TokenType::kBy:
    case TokenType::kWithout:
    case TokenType::kOffset:
    case TokenType::kLand:
    case TokenType::kLor:
    case TokenType::kLunless:
    case TokenType::kStart:
    case TokenType::kEnd:
      return true;
    default:
      return IsAggregatorToken(type);
  }
}

// Tokens that can begin an expression.
bool StartsExpr(TokenType type) {
  switch (type) {
    case TokenType::kNumber:
    case TokenType::kString:
    case TokenType::kLeftParen:
    case TokenType::kLeftBrace:
    case TokenType::kAdd:
    case TokenType::kSub:
      return true;
    default:
      return IsMetricIdentifier(type);
  }
}

// Tokens accepted as label names in grouping clauses (maybe_label in the grammar).
bool IsMaybeLabel(TokenType type) {
  switch (type) {
    case TokenType::kIdentifier:
    case TokenType::kMetricIdentifier:
    case TokenType::kBool:
    case TokenType::kBy:
    case TokenType::kGroupLeft:
    case TokenType::kGroupRight:
    case TokenType::kIgnoring:
    case TokenType::kLand:
    case TokenType::kLor:
    case TokenType::kLunless:
    case TokenType::kOffset:
    case TokenType::kOn:
    case TokenType::kStart:
    case TokenType::kEnd:
    case TokenType::kAtan2:
      return true;
    default:
      return IsAggregatorToken(type);
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// strconv.ParseInt(s, 0, 64) for the unsigned forms the lexer produces; false on failure.
bool ParseGoInt(std::string_view s, double* out) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    const int d = HexValue(c);
    if (d < 0 || d >= base) return false;
    if (v > (static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - d) / base) {
      return false;  // out of int64 range: Prometheus falls back to ParseFloat
    }
    v = v * base + d;
  }
  *out = static_cast<double>(v);
  return true;
}

// strconv.ParseFloat(s, 64) for the lexer's decimal forms; returns "" or Go's error reason.
std::string ParseGoFloat(std::string_view s, double* out) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "infinity") {
    *out = std::numeric_limits<double>::infinity();
    return "";
  }
  if (lower == "nan") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return "";
  }
  // Go accepts only this grammar here (hex floats need a 'p' exponent the lexer never emits).
  std::size_t i = 0;
  std::size_t mantissa_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mantissa_digits;
  }
  bool ok = mantissa_digits > 0;
  if (ok && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t exp_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    ok = i > exp_start;
  }
  if (!ok || i != s.size()) return "invalid syntax";
  const std::string text(s);
  const double v = std::strtod(text.c_str(), nullptr);
  if (std::isinf(v)) return "value out of range";
  *out = v;  // underflow to zero (or a denormal) is not an error in Go
  return "";
}

// strconv.UnquoteChar + strutil.Unquote: Go escapes, both quote kinds, raw backquoted strings.
bool UnquoteGo(std::string_view s, std::string* out) {
  if (s.size() < 2 || s.front() != s.back()) return false;
  const char quote = s.front();
  s = s.substr(1, s.size() - 2);
  if (quote == '`') {
    if (s.find('`') != std::string_view::npos) return false;
    *out = std::string(s);
    return true;
  }
  if ((quote != '"' && quote != '\'') || s.find('\n') != std::string_view::npos) return false;
  out->clear();
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == quote) return false;
    if (c != '\\') {
      *out += c;
      ++i;
      continue;
    }
    if (i + 1 >= s.size()) return false;
    const char e = s[i + 1];
    i += 2;
    switch (e) {
      case 'a':
        *out += '\a';
        continue;
      case 'b':
        *out += '\b';
        continue;
      case 'f':
        *out += '\f';
        continue;
      case 'n':
        *out += '\n';
        continue;
      case 'r':
        *out += '\r';
        continue;
      case 't':
        *out += '\t';
        continue;
      case 'v':
        *out += '\v';
        continue;
      case '\\':
        *out += '\\';
        continue;
      case '\'':
      case '"':
        if (e != quote) return false;
        *out += e;
        continue;
      case 'x':
      case 'u':
      case 'U': {
        const std::size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (s.size() - i < n) return false;
        std::uint32_t v = 0;
        for (std::size_t j = 0; j < n; ++j) {
          const int d = HexValue(s[i + j]);
          if (d < 0) return false;
          v = (v << 4) | static_cast<std::uint32_t>(d);
        }
        i += n;
        if (e == 'x') {
          *out += static_cast<char>(v);  // a single byte, possibly not UTF-8
          continue;
        }
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
        if (v < 0x80) {
          *out += static_cast<char>(v);
        } else if (v < 0x800) {
          *out += static_cast<char>(0xC0 | (v >> 6));
          *out += static_cast<char>(0x80 | (v & 0x3F));
        } else if (v < 0x10000) {
          *out += static_cast<char>(0xE0 | (v >> 12));
          *out += static_cast<char>(0x80 | ((v >> 6) & 0x3F));
          *out += static_cast<char>(0x80 | (v & 0x3F));
        } else {
          *out += static_cast<char>(0xF0 | (v >> 18));
          *out += static_cast<char>(0x80 | ((v >> 12) & 0x3F));
          *out += static_cast<char>(0x80 | ((v >> 6) & 0x3F));
          *out += static_cast<char>(0x80 | (v & 0x3F));
        }
        continue;
      }
      default:
        break;
    }
    if (e < '0' || e > '7' || s.size() - i < 2) return false;
    std::uint32_t v = static_cast<std::uint32_t>(e - '0');
    for (int j = 0; j < 2; ++j) {
      const char d = s[i + j];
      if (d < '0' || d > '7') return false;
      v = (v << 3) | static_cast<std::uint32_t>(d - '0');
    }
    i += 2;
    if (v > 255) return false;
    *out += static_cast<char>(v);
  }
  return true;
}

PosRange Merge(PosRange a, PosRange b) { return {a.start, b.end}; }
PosRange RangeOf(const Token& t) { return {t.pos, t.End()}; }

class Parser {
 public:
  explicit Parser(std::string_view input) : input_(input), tokens_(Lex(input)) {}

  ExprPtr ParseExpression() {
    if (Peek().type == TokenType::kEof) {
      Fail({0, 0}, "no expression found in input");
      return nullptr;
    }
    ExprPtr expr = ParseExpr(0);
    if (ok() && Peek().type != TokenType::kEof) Unexpected("", "");
    if (ok()) CheckAst(*expr);
    if (!ok()) return nullptr;
    return expr;
  }

  bool ParseSelector(std::vector<LabelMatcher>* matchers) {
    const TokenType first = Peek().type;
    if (!IsMetricIdentifier(first) && first != TokenType::kLeftBrace) {
      Unexpected("", "");
      return false;
    }
    ExprPtr expr = ParseVectorSelector();
    if (ok() && Peek().type != TokenType::kEof) Unexpected("", "");
    if (!ok()) return false;
    *matchers = std::move(static_cast<VectorSelector&>(*expr).matchers);
    return true;
  }

  const ParseError& error() const { return error_; }

 private:
  bool ok() const { return !failed_; }
  const Token& Peek(std::size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }

  void Fail(PosRange pos, std::string message) {
    if (failed_) return;
    failed_ = true;
    error_ = {std::move(message), pos};
  }

  // The yacc error path: "unexpected <token>[ in <context>][, expected <what>]". A lexer error
  // at this point is reported instead, with its own text, as Prometheus does.
  void Unexpected(std::string_view context, std::string_view expected) {
    const Token& t = Peek();
    if (t.type == TokenType::kError) {
      return Fail({t.pos, static_cast<std::uint32_t>(input_.size())}, t.text);
    }
    if (t.type == TokenType::kAt) {
      return Fail(RangeOf(t), "the @ modifier is not supported by opsagent");
    }
    if (context.empty() && !contexts_.empty()) context = contexts_.back();
    std::string message = "unexpected " + DescribeToken(t);
    if (!context.empty()) message += " in " + std::string(context);
    if (!expected.empty()) message += ", expected " + std::string(expected);
    Fail(RangeOf(t), std::move(message));
  }

  bool Expect(TokenType type) {
    if (Peek().type == type) {
      Next();
      return true;
    }
    Unexpected("", "");
    return false;
  }

  int Height(const Expr* e) const {
    auto it = heights_.find(e);
    return it == heights_.end() ? 1 : it->second;
  }
  // Records a new node's height; false (with an error) when the tree grows too deep.
  bool SetHeight(const Expr* e, int height) {
    heights_[e] = height;
    if (height > kMaxDepth) {
      Fail(e->pos,
           "expression is nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
      return false;
    }
    return true;
  }

  ExprPtr ParseExpr(int min_precedence) {
    if (++depth_ > kMaxDepth) {
      Fail(RangeOf(Peek()),
           "expression is nested too deeply (more than " + std::to_string(kMaxDepth) + " levels)");
      --depth_;
      return nullptr;
    }
    ExprPtr lhs = ParseUnary();
    while (ok()) {
      const TokenType type = Peek().type;
      const int precedence = Precedence(type);
      if (precedence == 0 || precedence < min_precedence) break;
      lhs = ParseBinaryRhs(std::move(lhs), precedence);
    }
    --depth_;
    return ok() ? std::move(lhs) : nullptr;
  }

  ExprPtr ParseBinaryRhs(ExprPtr lhs, int precedence) {
    const Token& op = Next();
    if (op.type == TokenType::kAtan2) {
      Fail(RangeOf(op), "the atan2 operator is not supported by opsagent");
      return nullptr;
    }
    auto bin = std::make_unique<BinaryExpr>();
    bin->op = ToBinaryOp(op.type);
    VectorMatching matching;
    if (!ParseBinModifiers(bin.get(), &matching)) return nullptr;
    // `^` is right-associative; everything else is left-associative.
    ExprPtr rhs = ParseExpr(op.type == TokenType::kPow ? precedence : precedence + 1);
    if (!ok()) return nullptr;
    bin->matching = std::move(matching);
    bin->pos = Merge(lhs->pos, rhs->pos);
    const int height = std::max(Height(lhs.get()), Height(rhs.get())) + 1;
    bin->lhs = std::move(lhs);
    bin->rhs = std::move(rhs);
    if (!SetHeight(bin.get(), height)) return nullptr;
    return bin;
  }

  bool ParseBinModifiers(BinaryExpr* bin, VectorMatching* matching) {
    if (Peek().type == TokenType::kBool) {
      Next();
      bin->return_bool = true;
    }
    const TokenType type = Peek().type;
    if (type != TokenType::kOn && type != TokenType::kIgnoring) return true;
    Next();
    matching->on = type == TokenType::kOn;
    matching->matching_given = true;
    if (!ParseGroupingLabels(&matching->matching_labels)) return false;
    const TokenType group = Peek().type;
    if (group != TokenType::kGroupLeft && group != TokenType::kGroupRight) return true;
    Next();
    matching->card =
        group == TokenType::kGroupLeft ? Cardinality::kManyToOne : Cardinality::kOneToMany;
    const TokenType next = Peek().type;
    // The labels are optional, but only an expression may follow instead of them.
    if (next == TokenType::kLeftParen || (next != TokenType::kError && !StartsExpr(next))) {
      return ParseGroupingLabels(&matching->include);
    }
    return true;
  }

  bool ParseGroupingLabels(std::vector<std::string>* labels) {
    if (Peek().type != TokenType::kLeftParen) {
      Unexpected("grouping opts", "\"(\"");
      return false;
    }
    Next();
    if (Peek().type == TokenType::kRightParen) {
      Next();
      return true;
    }
    for (;;) {
      const Token& label = Peek();
      if (!IsMaybeLabel(label.type)) {
        Unexpected("grouping opts", "label");
        return false;
      }
      if (!IsValidLabelName(label.text)) {
        Unexpected("grouping opts", "label");
        return false;
      }
      labels->push_back(Next().text);
      if (Peek().type == TokenType::kComma) {
        Next();
        if (Peek().type == TokenType::kRightParen) break;
        continue;
      }
      if (Peek().type == TokenType::kRightParen) break;
      Unexpected("grouping opts", "\",\" or \")\"");
      return false;
    }
    Next();
    return true;
  }

  ExprPtr ParseUnary() {
    const Token& op = Peek();
    if (op.type != TokenType::kAdd && op.type != TokenType::kSub) {
      ExprPtr primary = ParsePrimary();
      if (!ok()) return nullptr;
      return ParsePostfix(std::move(primary));
    }
    Next();
    // Unary operators bind like `*` (%prec MUL): only `^` binds tighter inside the operand.
    ExprPtr operand = ParseExpr(kPowPrecedence);
    if (!ok()) return nullptr;
    if (operand->kind == ExprKind::kNumber) {
      auto& number = static_cast<NumberLiteral&>(*operand);
      if (op.type == TokenType::kSub) number.value = -number.value;
      number.pos.start = op.pos;
      return operand;
    }
    auto unary = std::make_unique<UnaryExpr>();
    unary->op = op.type == TokenType::kSub ? '-' : '+';
    unary->pos = {op.pos, operand->pos.end};
    const int height = Height(operand.get()) + 1;
    unary->expr = std::move(operand);
    if (!SetHeight(unary.get(), height)) return nullptr;
    return unary;
  }

  // Range, offset and @ bind tighter than any operator.
  ExprPtr ParsePostfix(ExprPtr expr) {
    for (;;) {
      switch (Peek().type) {
        case TokenType::kLeftBracket:
          expr = ParseRange(std::move(expr));
          break;
        case TokenType::kOffset:
          expr = ParseOffset(std::move(expr));
          break;
        case TokenType::kAt:
          Unexpected("", "");
          break;
        default:
          return expr;
      }
      if (!ok()) return nullptr;
    }
  }

  bool ParseDurationToken(std::int64_t* ms) {
    const Token& t = Next();
    const std::optional<std::int64_t> d = ParsePromDuration(t.text);
    if (!d) {
      // model.ParseDuration's two messages.
      Fail(RangeOf(t), IsWellFormedDuration(t.text)
                           ? "duration out of range"
                           : "not a valid duration string: " + QuoteGoString(t.text));
      return false;
    }
    if (*d == 0) {
      Fail(RangeOf(t), "duration must be greater than 0");
      return false;
    }
    *ms = *d;
    return true;
  }

  // True when `text` has the shape model.ParseDuration accepts (so a failure was an overflow).
  static bool IsWellFormedDuration(std::string_view text) {
    static constexpr std::string_view kUnits[] = {"y", "w", "d", "h", "m", "s", "ms"};
    std::size_t next = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t digits = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == digits) return false;
      std::size_t unit = 7;
      for (std::size_t u = next; u < 7; ++u) {
        if (text.substr(pos).starts_with(kUnits[u]) &&
            (unit == 7 || kUnits[u].size() > kUnits[unit].size())) {
          unit = u;
        }
      }
      if (unit == 7) return false;
      pos += kUnits[unit].size();
      next = unit + 1;
    }
    return !text.empty();
  }

  ExprPtr ParseRange(ExprPtr expr) {
    const Token& left = Next();
    if (Peek().type != TokenType::kDuration) {
      Unexpected("subquery selector", "duration");
      return nullptr;
    }
    std::int64_t range_ms = 0;
    if (!ParseDurationToken(&range_ms)) return nullptr;
    if (Peek().type == TokenType::kColon) {
      if (Peek(1).type == TokenType::kError) {
        Next();  // yacc reads past the colon before it reduces, so a lexer error there wins
        Unexpected("", "");
        return nullptr;
      }
      Fail({expr->pos.start, Peek().End()}, "subqueries are not supported by opsagent");
      return nullptr;
    }
    if (Peek().type != TokenType::kRightBracket) {
      Unexpected("subquery or range", "\":\" or \"]\"");
      return nullptr;
    }
    const Token& right = Next();
    if (expr->kind != ExprKind::kVectorSelector) {
      Fail({left.pos, right.End()}, "ranges only allowed for vector selectors");
      return nullptr;
    }
    if (static_cast<VectorSelector&>(*expr).offset_ms != 0) {
      Fail({left.pos, right.End()}, "no offset modifiers allowed before range");
      return nullptr;
    }
    auto matrix = std::make_unique<MatrixSelector>();
    matrix->pos = {expr->pos.start, right.End()};
    matrix->range_ms = range_ms;
    matrix->selector.reset(static_cast<VectorSelector*>(expr.release()));
    return matrix;
  }

  ExprPtr ParseOffset(ExprPtr expr) {
    Next();
    bool negative = false;
    if (Peek().type == TokenType::kSub) {
      Next();
      negative = true;
    }
    if (Peek().type != TokenType::kDuration) {
      Unexpected("offset", "duration");
      return nullptr;
    }
    const std::uint32_t end = Peek().End();
    std::int64_t ms = 0;
    if (!ParseDurationToken(&ms)) return nullptr;
    VectorSelector* selector = nullptr;
    if (expr->kind == ExprKind::kVectorSelector) {
      selector = static_cast<VectorSelector*>(expr.get());
    } else if (expr->kind == ExprKind::kMatrixSelector) {
      selector = static_cast<MatrixSelector&>(*expr).selector.get();
    } else {
      Fail(expr->pos,
           "offset modifier must be preceded by an instant vector selector or range vector "
           "selector or a subquery");
      return nullptr;
    }
    if (selector->offset_ms != 0) {
      Fail(expr->pos, "offset may not be set multiple times");
      return nullptr;
    }
    selector->offset_ms = negative ? -ms : ms;
    expr->pos.end = end;
    if (expr.get() != selector) selector->pos.end = end;
    return expr;
  }

  ExprPtr ParsePrimary() {
    const Token& t = Peek();
    switch (t.type) {
      case TokenType::kNumber:
        return ParseNumber();
      case TokenType::kString: {
        auto s = std::make_unique<StringLiteral>();
        s->pos = RangeOf(t);
        if (!Unquote(t, &s->value)) return nullptr;
        Next();
        return s;
      }
      case TokenType::kLeftParen:
        return ParseParen();
      case TokenType::kLeftBrace:
        return ParseVectorSelector();
      case TokenType::kIdentifier:
        if (Peek(1).type == TokenType::kLeftParen) return ParseCall();
        return ParseVectorSelector();
      default:
        break;
    }
    if (IsAggregatorToken(t.type)) {
      const TokenType after = Peek(1).type;
      if (after == TokenType::kLeftParen || after == TokenType::kBy ||
          after == TokenType::kWithout) {
        return ParseAggregate();
      }
    }
    if (IsMetricIdentifier(t.type)) return ParseVectorSelector();
    Unexpected("", "");
    return nullptr;
  }

  ExprPtr ParseNumber() {
    const Token& t = Next();
    auto n = std::make_unique<NumberLiteral>();
    n->pos = RangeOf(t);
    if (ParseGoInt(t.text, &n->value)) return n;
    if (const std::string reason = ParseGoFloat(t.text, &n->value); !reason.empty()) {
      Fail(RangeOf(t), "error parsing number: strconv.ParseFloat: parsing " +
                           QuoteGoString(t.text) + ": " + reason);
      return nullptr;
    }
    return n;
  }

  bool Unquote(const Token& t, std::string* out) {
    if (UnquoteGo(t.text, out)) return true;
    Fail(RangeOf(t), "error unquoting string " + QuoteGoString(t.text) + ": invalid syntax");
    return false;
  }

  ExprPtr ParseParen() {
    const Token& left = Next();
    ExprPtr inner = ParseExpr(0);
    if (!ok()) return nullptr;
    if (Peek().type != TokenType::kRightParen) {
      Unexpected("", "");
      return nullptr;
    }
    const Token& right = Next();
    auto paren = std::make_unique<ParenExpr>();
    paren->pos = {left.pos, right.End()};
    const int height = Height(inner.get()) + 1;
    paren->expr = std::move(inner);
    if (!SetHeight(paren.get(), height)) return nullptr;
    return paren;
  }

  // `( args )` of a call or aggregation; the closing position goes to `*end`.
  bool ParseArgs(std::vector<ExprPtr>* args, std::uint32_t* end) {
    if (!Expect(TokenType::kLeftParen)) return false;
    if (Peek().type != TokenType::kRightParen) {
      for (;;) {
        ExprPtr arg = ParseExpr(0);
        if (!ok()) return false;
        args->push_back(std::move(arg));
        if (Peek().type == TokenType::kComma) {
          const Token& comma = Next();
          if (Peek().type != TokenType::kError && !StartsExpr(Peek().type)) {
            Fail(RangeOf(comma), "trailing commas not allowed in function call args");
            return false;
          }
          continue;
        }
        if (Peek().type == TokenType::kRightParen) break;
        Unexpected("", "");
        return false;
      }
    }
    *end = Next().End();
    return true;
  }

  int MaxHeight(const std::vector<ExprPtr>& args) const {
    int height = 0;
    for (const ExprPtr& arg : args) height = std::max(height, Height(arg.get()));
    return height;
  }

  ExprPtr ParseCall() {
    const Token& name = Next();
    auto call = std::make_unique<Call>();
    std::uint32_t end = 0;
    if (!ParseArgs(&call->args, &end)) return nullptr;
    call->pos = {name.pos, end};
    call->func = LookupFunction(name.text);
    if (call->func == nullptr) {
      Fail(RangeOf(name),
           IsUnsupportedPrometheusFunction(name.text)
               ? "function " + QuoteGoString(name.text) + " is not supported by opsagent"
               : "unknown function with name " + QuoteGoString(name.text));
      return nullptr;
    }
    if (!SetHeight(call.get(), MaxHeight(call->args) + 1)) return nullptr;
    return call;
  }

  bool ParseAggregateModifier(AggregateExpr* agg) {
    agg->without = Next().type == TokenType::kWithout;
    agg->grouping_given = true;
    return ParseGroupingLabels(&agg->grouping);
  }

  ExprPtr ParseAggregate() {
    const Token& op = Next();
    auto agg = std::make_unique<AggregateExpr>();
    agg->op = ToAggregateOp(op.type);
    // Syntax errors up to the end of the body say "in aggregation" (the yacc error rule).
    contexts_.push_back("aggregation");
    std::vector<ExprPtr> args;
    std::uint32_t end = 0;
    const bool modifier_first = Peek().type != TokenType::kLeftParen;
    if (modifier_first && !ParseAggregateModifier(agg.get())) return nullptr;
    if (Peek().type != TokenType::kLeftParen) {
      Unexpected("", "");
      return nullptr;
    }
    if (!ParseArgs(&args, &end)) return nullptr;
    contexts_.pop_back();
    if (!modifier_first) {
      if (Peek().type == TokenType::kBy || Peek().type == TokenType::kWithout) {
        if (!ParseAggregateModifier(agg.get())) return nullptr;
        end = tokens_[pos_ - 1].End();
      } else if (Peek().type == TokenType::kError) {
        // yacc had to read the next token to see that no modifier follows, so its error wins.
        Unexpected("", "");
        return nullptr;
      }
    }
    agg->pos = {op.pos, end};
    if (args.empty()) {
      Fail(agg->pos, "no arguments for aggregate expression provided");
      return nullptr;
    }
    const std::size_t want = HasParam(agg->op) ? 2 : 1;
    if (args.size() != want) {
      Fail(agg->pos, "wrong number of arguments for aggregate expression provided, expected " +
                         std::to_string(want) + ", got " + std::to_string(args.size()));
      return nullptr;
    }
    const int height = MaxHeight(args) + 1;
    if (want == 2) agg->param = std::move(args[0]);
    agg->expr = std::move(args[want - 1]);
    if (!SetHeight(agg.get(), height)) return nullptr;
    return agg;
  }

  ExprPtr ParseVectorSelector() {
    auto vs = std::make_unique<VectorSelector>();
    const Token& first = Peek();
    vs->pos = RangeOf(first);
    if (first.type != TokenType::kLeftBrace) {
      vs->name = Next().text;
    }
    if (Peek().type == TokenType::kLeftBrace) {
      if (!ParseLabelMatchers(&vs->matchers, &vs->pos.end)) return nullptr;
    }
    if (!vs->name.empty()) {
      Result<LabelMatcher> m = LabelMatcher::Make(MatchType::kEqual, "__name__", vs->name);
      if (!m.ok()) {
        Fail(vs->pos, m.error().message);
        return nullptr;
      }
      vs->matchers.push_back(std::move(*m));
    }
    return vs;
  }

  bool ParseLabelMatchers(std::vector<LabelMatcher>* matchers, std::uint32_t* end) {
    Next();  // {
    if (Peek().type == TokenType::kRightBrace) {
      *end = Next().End();
      return true;
    }
    for (;;) {
      if (!ParseLabelMatcher(matchers)) return false;
      if (Peek().type == TokenType::kComma) {
        Next();
        if (Peek().type == TokenType::kRightBrace) break;
        continue;
      }
      if (Peek().type == TokenType::kRightBrace) break;
      Unexpected("label matching", "\",\" or \"}\"");
      return false;
    }
    *end = Next().End();
    return true;
  }

  bool ParseLabelMatcher(std::vector<LabelMatcher>* matchers) {
    if (Peek().type != TokenType::kIdentifier) {
      Unexpected("label matching", "identifier or \"}\"");
      return false;
    }
    const Token& name = Next();
    MatchType type = MatchType::kEqual;
    switch (Peek().type) {
      case TokenType::kAssign:
        break;
      case TokenType::kNeq:
        type = MatchType::kNotEqual;
        break;
      case TokenType::kEqlRegex:
        type = MatchType::kRegexMatch;
        break;
      case TokenType::kNeqRegex:
        type = MatchType::kRegexNoMatch;
        break;
      default:
        Unexpected("label matching", "label matching operator");
        return false;
    }
    Next();
    if (Peek().type != TokenType::kString) {
      Unexpected("label matching", "string");
      return false;
    }
    const Token& value_token = Next();
    std::string value;
    if (!Unquote(value_token, &value)) return false;
    Result<LabelMatcher> m = LabelMatcher::Make(type, name.text, std::move(value));
    if (!m.ok()) {
      Fail({name.pos, value_token.End()}, m.error().message);
      return false;
    }
    matchers->push_back(std::move(*m));
    return true;
  }

  // ---- Type checking (checkAST). Children first, so the first error is the leftmost-deepest.

  ValueType ExpectType(const Expr& e, ValueType want, const std::string& context) {
    const ValueType got = CheckAst(e);
    if (ok() && got != want) {
      Fail(e.pos, std::string("expected type ") + ValueTypeName(want) + " in " + context +
                      ", got " + ValueTypeName(got));
    }
    return got;
  }

  ValueType CheckAst(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kAggregate:
        CheckAggregate(static_cast<const AggregateExpr&>(e));
        break;
      case ExprKind::kBinary:
        CheckBinary(static_cast<const BinaryExpr&>(e));
        break;
      case ExprKind::kCall:
        CheckCall(static_cast<const Call&>(e));
        break;
      case ExprKind::kParen:
        CheckAst(*static_cast<const ParenExpr&>(e).expr);
        break;
      case ExprKind::kUnary: {
        const ValueType t = CheckAst(*static_cast<const UnaryExpr&>(e).expr);
        if (ok() && t != ValueType::kScalar && t != ValueType::kVector) {
          Fail(e.pos, std::string("unary expression only allowed on expressions of type scalar or "
                                  "instant vector, got \"") +
                          ValueTypeName(t) + "\"");
        }
        break;
      }
      case ExprKind::kMatrixSelector:
        CheckAst(*static_cast<const MatrixSelector&>(e).selector);
        break;
      case ExprKind::kVectorSelector:
        CheckSelector(static_cast<const VectorSelector&>(e));
        break;
      case ExprKind::kNumber:
      case ExprKind::kString:
        break;
    }
    return e.Type();
  }

  void CheckAggregate(const AggregateExpr& agg) {
    ExpectType(*agg.expr, ValueType::kVector, "aggregation expression");
    if (!ok() || !agg.param) return;
    ExpectType(*agg.param,
               agg.op == AggregateOp::kCountValues ? ValueType::kString : ValueType::kScalar,
               "aggregation parameter");
  }

  // The operator's byte range, for errors about the operator itself.
  PosRange OperatorRange(const BinaryExpr& bin) const {
    PosRange r{bin.lhs->pos.end, bin.rhs->pos.start};
    while (r.start < input_.size() && std::isspace(static_cast<unsigned char>(input_[r.start]))) {
      ++r.start;
    }
    return r;
  }

  void CheckBinary(const BinaryExpr& bin_const) {
    // checkAST fixes up the matching in place (many-to-many for set operators, none for scalars).
    auto& bin = const_cast<BinaryExpr&>(bin_const);
    const ValueType lt = CheckAst(*bin.lhs);
    if (!ok()) return;
    const ValueType rt = CheckAst(*bin.rhs);
    if (!ok()) return;
    if (bin.return_bool && !IsComparison(bin.op)) {
      return Fail(OperatorRange(bin), "bool modifier can only be used on comparison operators");
    }
    if (IsComparison(bin.op) && !bin.return_bool && lt == ValueType::kScalar &&
        rt == ValueType::kScalar) {
      return Fail(OperatorRange(bin), "comparisons between scalars must use BOOL modifier");
    }
    VectorMatching& vm = *bin.matching;
    if (IsSetOperator(bin.op) && vm.card == Cardinality::kOneToOne) {
      vm.card = Cardinality::kManyToMany;
    }
    if (vm.on) {
      for (const std::string& l1 : vm.matching_labels) {
        for (const std::string& l2 : vm.include) {
          if (l1 == l2) {
            return Fail(OperatorRange(bin), "label " + QuoteGoString(l1) +
                                                " must not occur in ON and GROUP clause at once");
          }
        }
      }
    }
    const auto valid = [](ValueType t) {
      return t == ValueType::kScalar || t == ValueType::kVector;
    };
    if (!valid(lt)) {
      return Fail(bin.lhs->pos,
                  "binary expression must contain only scalar and instant vector types");
    }
    if (!valid(rt)) {
      return Fail(bin.rhs->pos,
                  "binary expression must contain only scalar and instant vector types");
    }
    const std::string op = std::string("\"") + BinaryOpString(bin.op) + "\"";
    if (lt != ValueType::kVector || rt != ValueType::kVector) {
      if (!vm.matching_labels.empty()) {
        return Fail(bin.pos, "vector matching only allowed between instant vectors");
      }
      bin.matching.reset();
    } else if (IsSetOperator(bin.op)) {
      if (vm.card == Cardinality::kOneToMany || vm.card == Cardinality::kManyToOne) {
        return Fail(bin.pos, "no grouping allowed for " + op + " operation");
      }
      if (vm.card != Cardinality::kManyToMany) {
        return Fail(bin.pos, "set operations must always be many-to-many");
      }
    }
    if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && IsSetOperator(bin.op)) {
      return Fail(bin.pos, "set operator " + op + " not allowed in binary scalar expression");
    }
  }

  void CheckCall(const Call& call) {
    const FunctionSignature& f = *call.func;
    const int nargs = static_cast<int>(f.arg_types.size());
    const int given = static_cast<int>(call.args.size());
    const std::string name = QuoteGoString(f.name);
    if (f.variadic == 0) {
      if (nargs != given) {
        return Fail(call.pos, "expected " + std::to_string(nargs) + " argument(s) in call to " +
                                  name + ", got " + std::to_string(given));
      }
    } else if (nargs - 1 > given) {
      return Fail(call.pos, "expected at least " + std::to_string(nargs - 1) +
                                " argument(s) in call to " + name + ", got " +
                                std::to_string(given));
    } else if (f.variadic > 0 && nargs - 1 + f.variadic < given) {
      return Fail(call.pos, "expected at most " + std::to_string(nargs - 1 + f.variadic) +
                                " argument(s) in call to " + name + ", got " +
                                std::to_string(given));
    }
    for (int i = 0; i < given && ok(); ++i) {
      int type_index = i;
      if (i >= nargs) {
        if (f.variadic == 0) break;  // not checked, like Prometheus
        type_index = nargs - 1;
      }
      ExpectType(*call.args[i], f.arg_types[type_index], "call to function " + name);
    }
  }

  void CheckSelector(const VectorSelector& vs) {
    if (!vs.name.empty()) {
      // The last matcher is the one for the name written outside the braces.
      for (std::size_t i = 0; i + 1 < vs.matchers.size(); ++i) {
        if (vs.matchers[i].name() == "__name__") {
          return Fail(vs.pos, "metric name must not be set twice: " + QuoteGoString(vs.name) +
                                  " or " + QuoteGoString(vs.matchers[i].value()));
        }
      }
      return;
    }
    for (const LabelMatcher& m : vs.matchers) {
      if (!m.MatchesEmpty()) return;
    }
    Fail(vs.pos, "vector selector must contain at least one non-empty matcher");
  }

  std::string_view input_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  ParseError error_;
  std::vector<const char*> contexts_;
  std::unordered_map<const Expr*, int> heights_;
};

}  // namespace

LineColumn PositionOf(std::string_view input, std::uint32_t offset) {
  LineColumn lc;
  if (offset > input.size()) offset = static_cast<std::uint32_t>(input.size());
  std::int64_t last_newline = -1;
  for (std::uint32_t i = 0; i < offset; ++i) {
    if (input[i] == '\n') {
      ++lc.line;
      last_newline = i;
    }
  }
  lc.column = static_cast<int>(offset - last_newline);
  return lc;
}

std::string FormatParseError(std::string_view input, const ParseError& error) {
  if (error.pos.start > input.size()) return "invalid position: parse error: " + error.message;
  const LineColumn lc = PositionOf(input, error.pos.start);
  return std::to_string(lc.line) + ":" + std::to_string(lc.column) +
         ": parse error: " + error.message;
}

ExprPtr ParseExpr(std::string_view input, ParseError* error) {
  Parser parser(input);
  ExprPtr expr = parser.ParseExpression();
  if (!expr && error != nullptr) *error = parser.error();
  return expr;
}

bool ParseMetricSelector(std::string_view input, std::vector<LabelMatcher>* matchers,
                         ParseError* error) {
  Parser parser(input);
  if (parser.ParseSelector(matchers)) return true;
  if (error != nullptr) *error = parser.error();
  return false;
}

}  // namespace opsagent::rules::promql
