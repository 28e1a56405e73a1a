// Tests for the PromQL parser: trees, Prometheus's type checks and its exact error texts.
#include "rules/promql/parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "rules/promql/printer.h"

namespace opsagent::rules::promql {
namespace {

ExprPtr MustParse(std::string_view input) {
  ParseError error;
  ExprPtr expr = ParseExpr(input, &error);
  EXPECT_NE(expr, nullptr) << input << ": " << FormatParseError(input, error);
  return expr;
}

std::string ErrorOf(std::string_view input) {
  ParseError error;
  ExprPtr expr = ParseExpr(input, &error);
  if (expr) return "<parsed: " + Print(*expr) + ">";
  return FormatParseError(input, error);
}

template <typename T>
const T& As(const ExprPtr& e) {
  return static_cast<const T&>(*e);
}

TEST(ParserTest, NumberLiterals) {
  const std::vector<std::pair<std::string, double>> cases = {
      {"1", 1},           {"+1", 1},
      {"-1", -1},         {".5", 0.5},
      {"5.", 5},          {"123.4567", 123.4567},
      {"5e-3", 0.005},    {"5e3", 5000},
      {"1.5E-3", 0.0015}, {"0x1F", 31},
      {"0X123", 291},     {"010", 8},
      {"08", 8},          {"- -1", 1},
      {"1e-400", 0},      {"99999999999999999999", 1e20},
  };
  for (const auto& [input, want] : cases) {
    ExprPtr e = MustParse(input);
    ASSERT_EQ(e->kind, ExprKind::kNumber) << input;
    EXPECT_EQ(As<NumberLiteral>(e).value, want) << input;
  }
  EXPECT_EQ(As<NumberLiteral>(MustParse("Inf")).value, INFINITY);
  EXPECT_EQ(As<NumberLiteral>(MustParse("-inF")).value, -INFINITY);
  EXPECT_TRUE(std::isnan(As<NumberLiteral>(MustParse("nAn")).value));
}

TEST(ParserTest, UnaryMinusFoldsIntoNumbersAndKeepsPositions) {
  ExprPtr e = MustParse("  -1");
  EXPECT_EQ(e->pos.start, 2u);
  EXPECT_EQ(e->pos.end, 4u);
  ExprPtr u = MustParse("-(1)");
  ASSERT_EQ(u->kind, ExprKind::kUnary);
  EXPECT_EQ(As<UnaryExpr>(u).op, '-');
  EXPECT_EQ(As<UnaryExpr>(u).expr->kind, ExprKind::kParen);
}

TEST(ParserTest, StringLiteralsResolveGoEscapes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("\a\b\f\n\r\t\v\\\" - \xFF\377\u1234\U00010111\U0001011111☺")",
       "\a\b\f\n\r\t\v\\\" - \xFF\377\u1234\U00010111\U00010111"
       "11☺"},
      {R"('\a\b\f\n\r\t\v\\\' - \xFF\377\u1234\U00010111\U0001011111☺')",
       "\a\b\f\n\r\t\v\\' - \xFF\377\u1234\U00010111\U00010111"
       "11☺"},
      {R"(`\a\b\f\n\r\t\v\\\"\' - \xFF\377\u1234\U00010111\U0001011111☺`)",
       R"(\a\b\f\n\r\t\v\\\"\' - \xFF\377\u1234\U00010111\U0001011111☺)"},
      {R"("'")", "'"},
      {R"('"')", "\""},
      {"`a\nb`", "a\nb"},
      {R"("\101\x42\u0043")", "ABC"},
  };
  for (const auto& [input, want] : cases) {
    ExprPtr e = MustParse(input);
    ASSERT_EQ(e->kind, ExprKind::kString) << input;
    EXPECT_EQ(As<StringLiteral>(e).value, want) << input;
    EXPECT_EQ(e->Type(), ValueType::kString);
  }
}

TEST(ParserTest, VectorSelectorMatchers) {
  ExprPtr e = MustParse(R"(foo{a="b", c!="d", e=~"f.*", g!~"h",})");
  ASSERT_EQ(e->kind, ExprKind::kVectorSelector);
  const auto& vs = As<VectorSelector>(e);
  EXPECT_EQ(vs.name, "foo");
  ASSERT_EQ(vs.matchers.size(), 5u);
  EXPECT_EQ(vs.matchers[0].type(), MatchType::kEqual);
  EXPECT_EQ(vs.matchers[1].type(), MatchType::kNotEqual);
  EXPECT_EQ(vs.matchers[2].type(), MatchType::kRegexMatch);
  EXPECT_EQ(vs.matchers[3].type(), MatchType::kRegexNoMatch);
  EXPECT_EQ(vs.matchers[4].name(), "__name__");
  EXPECT_EQ(vs.matchers[4].value(), "foo");
  EXPECT_TRUE(vs.matchers[2].Matches("f123"));
  EXPECT_EQ(vs.pos.start, 0u);
  EXPECT_EQ(vs.pos.end, 37u);
  EXPECT_EQ(vs.offset_ms, 0);
}

TEST(ParserTest, SelectorWithOnlyMatchersHasNoName) {
  ExprPtr e = MustParse(R"({__name__="up", on="x", by="y", bool="z"})");
  const auto& vs = As<VectorSelector>(e);
  EXPECT_EQ(vs.name, "");
  ASSERT_EQ(vs.matchers.size(), 4u);
  EXPECT_EQ(vs.matchers[1].name(), "on");
}

TEST(ParserTest, KeywordsCanNameMetrics) {
  for (const char* name :
       {"sum", "by", "without", "offset", "and", "unless", "start", "end", "count_values"}) {
    ExprPtr e = MustParse(name);
    ASSERT_EQ(e->kind, ExprKind::kVectorSelector) << name;
    EXPECT_EQ(As<VectorSelector>(e).name, name);
  }
}

TEST(ParserTest, OffsetsAndRanges) {
  ExprPtr e = MustParse("foo offset 5m");
  EXPECT_EQ(As<VectorSelector>(e).offset_ms, 300'000);
  EXPECT_EQ(e->pos.end, 13u);
  e = MustParse("foo offset -7m");
  EXPECT_EQ(As<VectorSelector>(e).offset_ms, -420'000);
  e = MustParse("foo[5m] OFFSET 1h30m");
  ASSERT_EQ(e->kind, ExprKind::kMatrixSelector);
  EXPECT_EQ(As<MatrixSelector>(e).range_ms, 300'000);
  EXPECT_EQ(As<MatrixSelector>(e).selector->offset_ms, 5'400'000);
  EXPECT_EQ(e->Type(), ValueType::kMatrix);
  EXPECT_EQ(e->pos.end, 20u);
}

TEST(ParserTest, PrecedenceAndAssociativity) {
  // 1 + 2 * 3 => 1 + (2 * 3)
  ExprPtr e = MustParse("1 + 2 * 3");
  ASSERT_EQ(e->kind, ExprKind::kBinary);
  EXPECT_EQ(As<BinaryExpr>(e).op, BinaryOp::kAdd);
  EXPECT_EQ(As<BinaryExpr>(e).rhs->kind, ExprKind::kBinary);
  // 1 - 2 - 3 => (1 - 2) - 3
  e = MustParse("1 - 2 - 3");
  EXPECT_EQ(As<BinaryExpr>(e).lhs->kind, ExprKind::kBinary);
  EXPECT_EQ(As<BinaryExpr>(e).rhs->kind, ExprKind::kNumber);
  // 2 ^ 3 ^ 2 => 2 ^ (3 ^ 2)
  e = MustParse("2 ^ 3 ^ 2");
  EXPECT_EQ(As<BinaryExpr>(e).lhs->kind, ExprKind::kNumber);
  EXPECT_EQ(As<BinaryExpr>(e).rhs->kind, ExprKind::kBinary);
  // a or b and c unless d => a or ((b and c) unless d)
  e = MustParse("a or b and c unless d");
  EXPECT_EQ(As<BinaryExpr>(e).op, BinaryOp::kOr);
  const auto& rhs = static_cast<const BinaryExpr&>(*As<BinaryExpr>(e).rhs);
  EXPECT_EQ(rhs.op, BinaryOp::kUnless);
  EXPECT_EQ(static_cast<const BinaryExpr&>(*rhs.lhs).op, BinaryOp::kAnd);
  // a > b + c => a > (b + c); comparisons bind looser than arithmetic.
  e = MustParse("a > b + c");
  EXPECT_EQ(As<BinaryExpr>(e).op, BinaryOp::kGtr);
  // a and b > c => a and (b > c)
  e = MustParse("a and b > c");
  EXPECT_EQ(As<BinaryExpr>(e).op, BinaryOp::kAnd);
}

TEST(ParserTest, UnaryMinusBindsLikeMultiplicationButLooserThanPower) {
  // -2^2 = -(2^2): a unary of a binary, not the number -2.
  ExprPtr e = MustParse("-2^2");
  ASSERT_EQ(e->kind, ExprKind::kUnary);
  EXPECT_EQ(As<UnaryExpr>(e).expr->kind, ExprKind::kBinary);
  // -a * b = (-a) * b
  e = MustParse("-a * b");
  ASSERT_EQ(e->kind, ExprKind::kBinary);
  EXPECT_EQ(As<BinaryExpr>(e).lhs->kind, ExprKind::kUnary);
  // 2 ^ -1 * 3 = (2 ^ -1) * 3
  e = MustParse("2 ^ -1 * 3");
  EXPECT_EQ(As<BinaryExpr>(e).op, BinaryOp::kMul);
  // -a[5m] applies the range first.
  e = MustParse("-x offset 1m");
  ASSERT_EQ(e->kind, ExprKind::kUnary);
  EXPECT_EQ(static_cast<const VectorSelector&>(*As<UnaryExpr>(e).expr).offset_ms, 60'000);
}

TEST(ParserTest, VectorMatchingIsSetOnlyBetweenVectors) {
  ExprPtr e = MustParse("a * on(b, c) group_left(d) e");
  const auto& bin = As<BinaryExpr>(e);
  ASSERT_TRUE(bin.matching.has_value());
  EXPECT_TRUE(bin.matching->on);
  EXPECT_EQ(bin.matching->matching_labels, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(bin.matching->include, (std::vector<std::string>{"d"}));
  EXPECT_EQ(bin.matching->card, Cardinality::kManyToOne);

  e = MustParse("a - ignoring(b) group_right e");
  EXPECT_FALSE(As<BinaryExpr>(e).matching->on);
  EXPECT_EQ(As<BinaryExpr>(e).matching->card, Cardinality::kOneToMany);
  EXPECT_TRUE(As<BinaryExpr>(e).matching->include.empty());

  e = MustParse("a + b");
  EXPECT_EQ(As<BinaryExpr>(e).matching->card, Cardinality::kOneToOne);
  EXPECT_FALSE(As<BinaryExpr>(e).matching->matching_given);

  // Set operators are many-to-many.
  e = MustParse("a and on(x) b");
  EXPECT_EQ(As<BinaryExpr>(e).matching->card, Cardinality::kManyToMany);

  // Prometheus leaves the matching nil when a side is a scalar.
  e = MustParse("a + 1");
  EXPECT_FALSE(As<BinaryExpr>(e).matching.has_value());
  EXPECT_EQ(e->Type(), ValueType::kVector);
  e = MustParse("1 + ignoring() 2");
  EXPECT_FALSE(As<BinaryExpr>(e).matching.has_value());
  EXPECT_EQ(e->Type(), ValueType::kScalar);
}

TEST(ParserTest, BoolModifier) {
  ExprPtr e = MustParse("1 > bool 2");
  EXPECT_TRUE(As<BinaryExpr>(e).return_bool);
  EXPECT_EQ(e->Type(), ValueType::kScalar);
  e = MustParse("a == bool on(x) b");
  EXPECT_TRUE(As<BinaryExpr>(e).return_bool);
  EXPECT_TRUE(As<BinaryExpr>(e).matching->on);
}

TEST(ParserTest, Aggregations) {
  ExprPtr e = MustParse("sum by (job, instance) (rate(x[5m]))");
  const auto& agg = As<AggregateExpr>(e);
  EXPECT_EQ(agg.op, AggregateOp::kSum);
  EXPECT_EQ(agg.grouping, (std::vector<std::string>{"job", "instance"}));
  EXPECT_FALSE(agg.without);
  EXPECT_EQ(agg.param, nullptr);
  EXPECT_EQ(agg.expr->kind, ExprKind::kCall);

  e = MustParse("count_values(\"value\", x) without (a)");
  EXPECT_EQ(As<AggregateExpr>(e).op, AggregateOp::kCountValues);
  EXPECT_TRUE(As<AggregateExpr>(e).without);
  EXPECT_EQ(As<AggregateExpr>(e).param->kind, ExprKind::kString);
  EXPECT_EQ(e->pos.end, 36u);

  e = MustParse("topk(5, x)");
  EXPECT_EQ(As<NumberLiteral>(As<AggregateExpr>(e).param).value, 5);

  // Grouping labels may be keywords, in any case.
  e = MustParse("sum without(and, by, avg, count, alert, ON) (x)");
  EXPECT_EQ(As<AggregateExpr>(e).grouping,
            (std::vector<std::string>{"and", "by", "avg", "count", "alert", "ON"}));

  e = MustParse("SUM(x) BY (a)");
  EXPECT_EQ(As<AggregateExpr>(e).op, AggregateOp::kSum);
  EXPECT_TRUE(As<AggregateExpr>(e).grouping_given);
}

TEST(ParserTest, FunctionCalls) {
  ExprPtr e = MustParse("label_join(up, \"dst\", \",\", \"a\", \"b\", \"c\")");
  const auto& call = As<Call>(e);
  EXPECT_EQ(call.func->name, "label_join");
  EXPECT_EQ(call.args.size(), 6u);
  EXPECT_EQ(e->Type(), ValueType::kVector);
  e = MustParse("time()");
  EXPECT_EQ(e->Type(), ValueType::kScalar);
  e = MustParse("scalar(x) + 1");
  EXPECT_EQ(e->Type(), ValueType::kScalar);
  EXPECT_EQ(MustParse("round(x, 5)")->kind, ExprKind::kCall);
  EXPECT_EQ(MustParse("hour()")->kind, ExprKind::kCall);
}

TEST(ParserTest, TypesOfExpressions) {
  EXPECT_EQ(MustParse("(x[5m])")->Type(), ValueType::kMatrix);
  EXPECT_EQ(MustParse("-(1)")->Type(), ValueType::kScalar);
  EXPECT_EQ(MustParse("\"s\"")->Type(), ValueType::kString);
  EXPECT_EQ(MustParse("sum(x)")->Type(), ValueType::kVector);
}

// Rejected inputs with the exact text and position promtool 2.42 reports for them (each was
// checked with `promtool check rules`).
struct ErrorCase {
  const char* input;
  const char* error;
};

const ErrorCase kPrometheusErrors[] = {
    {"1e400",
     "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"1e400\": value out of "
     "range"},
    {"\"\\a\\b\\f\n\\r\\t\\v\\\\\\\" - \\xFF\\377\\u1234\\U00010111\\U0001011111☺\"",
     "1:1: parse error: unterminated quoted string"},
    {"'\\a\\b\\f\n\\r\\t\\v\\\\\\' - \\xFF\\377\\u1234\\U00010111\\U0001011111☺'",
     "1:1: parse error: unterminated quoted string"},
    {"\"\\q\"", "1:1: parse error: unknown escape sequence U+0071 'q'"},
    {"'\\\"'", "1:1: parse error: unknown escape sequence U+0022 '\"'"},
    {"\"\\'\"", "1:1: parse error: unknown escape sequence U+0027 '''"},
    {"\"\\400\"", "1:1: parse error: escape sequence is an invalid Unicode code point"},
    {"\"\\xZ1\"", "1:1: parse error: illegal character U+005A 'Z' in escape sequence"},
    {"\"\\uD800\"", "1:1: parse error: escape sequence is an invalid Unicode code point"},
    {"\"abc", "1:1: parse error: unterminated quoted string"},
    {"`abc", "1:1: parse error: unterminated raw string"},
    {"1 and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
    {"1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
    {"1 or 1", "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"},
    {"1 unless 1",
     "1:1: parse error: set operator \"unless\" not allowed in binary scalar expression"},
    {"1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"},
    {"1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"},
    {"*1", "1:1: parse error: unexpected <op:*>"},
    {"=1", "1:1: parse error: unexpected \"=\""},
    {"1 and 1 + 1",
     "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
    {"foo and on(bar) group_left baz",
     "1:1: parse error: no grouping allowed for \"and\" operation"},
    {"foo + bool bar", "1:5: parse error: bool modifier can only be used on comparison operators"},
    {"foo + bool 10", "1:5: parse error: bool modifier can only be used on comparison operators"},
    {"foo and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
    {"1 and foo", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
    {"foo or 1", "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"},
    {"foo unless 1",
     "1:1: parse error: set operator \"unless\" not allowed in binary scalar expression"},
    {"foo and on(a) group_left(a) bar",
     "1:5: parse error: label \"a\" must not occur in ON and GROUP clause at once"},
    {"foo * on(a) group_left(a) bar",
     "1:5: parse error: label \"a\" must not occur in ON and GROUP clause at once"},
    {"foo + on(a) 1", "1:1: parse error: vector matching only allowed between instant vectors"},
    {"1 + on(a) foo", "1:1: parse error: vector matching only allowed between instant vectors"},
    {"foo unless on(bar) group_right baz",
     "1:1: parse error: no grouping allowed for \"unless\" operation"},
    {"foo offset 5m offset 5m", "1:1: parse error: offset may not be set multiple times"},
    {"foo offset 5", "1:12: parse error: unexpected number \"5\" in offset, expected duration"},
    {"foo offset +5m", "1:12: parse error: unexpected <op:+> in offset, expected duration"},
    {"foo{__name__=\"bar\"}",
     "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""},
    {"{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"{x=\"\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"{x=~\".*\"}",
     "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"{x!~\".+\"}",
     "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"{x!=\"a\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"foo{", "1:5: parse error: unexpected end of input inside braces"},
    {"foo{a", "1:6: parse error: unexpected end of input inside braces"},
    {"foo{a=", "1:7: parse error: unexpected end of input inside braces"},
    {"foo{a=\"b\"", "1:10: parse error: unexpected end of input inside braces"},
    {"foo{a=\"b\",", "1:11: parse error: unexpected end of input inside braces"},
    {"foo{a b}",
     "1:7: parse error: unexpected identifier \"b\" in label matching, expected label matching "
     "operator"},
    {"foo{a=\"b\" c=\"d\"}",
     "1:11: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\""},
    {"foo{,}",
     "1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\""},
    {"foo{=}",
     "1:5: parse error: unexpected \"=\" in label matching, expected identifier or \"}\""},
    {"foo{a=\"b\",,}",
     "1:11: parse error: unexpected \",\" in label matching, expected identifier or \"}\""},
    {"foo{a=b}",
     "1:7: parse error: unexpected identifier \"b\" in label matching, expected string"},
    {"foo{a!b}", "1:6: parse error: unexpected character after '!' inside braces: 'b'"},
    {"foo{1=\"b\"}", "1:5: parse error: unexpected character inside braces: '1'"},
    {"foo{a==\"b\"}", "1:7: parse error: unexpected \"=\" in label matching, expected string"},
    {"foo{a~\"b\"}", "1:6: parse error: unexpected character inside braces: '~'"},
    {"{", "1:2: parse error: unexpected end of input inside braces"},
    {"}", "1:1: parse error: unexpected character: '}'"},
    {"some}", "1:5: parse error: unexpected character: '}'"},
    {"some_metric[5]", "1:13: parse error: missing unit character in duration"},
    {"some_metric[5m]]", "1:16: parse error: unexpected right bracket ']'"},
    {"some_metric[5m", "1:15: parse error: unclosed left bracket"},
    {"foo[5mm]", "1:5: parse error: bad duration syntax: \"5mm\""},
    {"foo[0m]", "1:5: parse error: duration must be greater than 0"},
    {"foo[5m] offset 5m offset 5m", "1:1: parse error: offset may not be set multiple times"},
    {"foo[5m][5m]", "1:8: parse error: ranges only allowed for vector selectors"},
    {"foo offset 5m[5m]", "1:14: parse error: no offset modifiers allowed before range"},
    {"(foo)[5m]", "1:6: parse error: ranges only allowed for vector selectors"},
    {"rate(foo[5m])[5m]", "1:14: parse error: ranges only allowed for vector selectors"},
    {"foo[]", "1:5: parse error: missing unit character in duration"},
    {"foo[1]", "1:5: parse error: missing unit character in duration"},
    {"foo[-1]", "1:5: parse error: missing unit character in duration"},
    {"sum without(without)(some_metric)",
     "1:13: parse error: unexpected <without> in grouping opts, expected label"},
    {"sum some_metric by (test)", "1:5: parse error: unexpected identifier \"some_metric\""},
    {"sum (some_metric) by test",
     "1:22: parse error: unexpected identifier \"test\" in grouping opts, expected \"(\""},
    {"sum (some_metric) by test)",
     "1:22: parse error: unexpected identifier \"test\" in grouping opts, expected \"(\""},
    {"sum () by (test)", "1:1: parse error: no arguments for aggregate expression provided"},
    {"MIN keep_common (some_metric)", "1:5: parse error: unexpected identifier \"keep_common\""},
    {"MIN (some_metric) keep_common", "1:19: parse error: unexpected identifier \"keep_common\""},
    {"sum (some_metric) without (test) by (test)", "1:34: parse error: unexpected <by>"},
    {"sum without (test) (some_metric) by (test)", "1:34: parse error: unexpected <by>"},
    {"topk(some_metric)",
     "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, "
     "got 1"},
    {"topk(some_metric,)", "1:17: parse error: trailing commas not allowed in function call args"},
    {"topk(some_metric, other_metric)",
     "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"},
    {"count_values(5, other_metric)",
     "1:14: parse error: expected type string in aggregation parameter, got scalar"},
    {"rate(some_metric[5m]) by (foo)", "1:23: parse error: unexpected <by>"},
    {"sum(some_metric) by (a:b)",
     "1:22: parse error: unexpected metric identifier \"a:b\" in grouping opts, expected label"},
    {"sum by (nan) (x)",
     "1:9: parse error: unexpected number \"nan\" in grouping opts, expected label"},
    {"sum by (a b) (x)",
     "1:11: parse error: unexpected identifier \"b\" in grouping opts, expected \",\" or \")\""},
    {"sum by a (x)",
     "1:8: parse error: unexpected identifier \"a\" in grouping opts, expected \"(\""},
    {"sum 1", "1:5: parse error: unexpected number \"1\""},
    {"sum(x", "1:6: parse error: unclosed left parenthesis"},
    {"sum(x,)", "1:6: parse error: trailing commas not allowed in function call args"},
    {"sum(x, y)",
     "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, "
     "got 2"},
    {"sum(1)",
     "1:5: parse error: expected type instant vector in aggregation expression, got scalar"},
    {"sum(\"a\")",
     "1:5: parse error: expected type instant vector in aggregation expression, got string"},
    {"sum(x[5m])",
     "1:5: parse error: expected type instant vector in aggregation expression, got range vector"},
    {"quantile(\"a\", x)",
     "1:10: parse error: expected type scalar in aggregation parameter, got string"},
    {"floor()", "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 0"},
    {"floor(some_metric, other_metric)",
     "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 2"},
    {"floor(some_metric, 1)",
     "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 2"},
    {"floor(1)",
     "1:7: parse error: expected type instant vector in call to function \"floor\", got scalar"},
    {"hour(foo, bar)",
     "1:1: parse error: expected at most 1 argument(s) in call to \"hour\", got 2"},
    {"non_existent_function_far_bar()",
     "1:1: parse error: unknown function with name \"non_existent_function_far_bar\""},
    {"rate(some_metric)",
     "1:6: parse error: expected type range vector in call to function \"rate\", got instant "
     "vector"},
    {"label_join(a, \"b\", \"c\", 1)",
     "1:25: parse error: expected type string in call to function \"label_join\", got scalar"},
    {"label_replace(a, \"b\", \"c\", \"d\")",
     "1:1: parse error: expected 5 argument(s) in call to \"label_replace\", got 4"},
    {"time(x)", "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"},
    {"rate(x[5m],)", "1:11: parse error: trailing commas not allowed in function call args"},
    {"rate(x[5m],,)", "1:11: parse error: trailing commas not allowed in function call args"},
    {"rate(,)", "1:6: parse error: unexpected \",\""},
    {"rate(", "1:6: parse error: unclosed left parenthesis"},
    {"rate)", "1:6: parse error: unexpected right parenthesis ')'"},
    {"(1", "1:3: parse error: unclosed left parenthesis"},
    {"1)", "1:3: parse error: unexpected right parenthesis ')'"},
    {"()", "1:2: parse error: unexpected \")\""},
    {"(foo", "1:5: parse error: unclosed left parenthesis"},
    {"foo)", "1:5: parse error: unexpected right parenthesis ')'"},
    {"1 +", "1:4: parse error: unexpected end of input"},
    {"+", "1:2: parse error: unexpected end of input"},
    {"-", "1:2: parse error: unexpected end of input"},
    {"1 2", "1:3: parse error: unexpected number \"2\""},
    {"foo bar", "1:5: parse error: unexpected identifier \"bar\""},
    {"foo 1", "1:5: parse error: unexpected number \"1\""},
    {"1 foo", "1:3: parse error: unexpected identifier \"foo\""},
    {"foo{a=\"b\"} bar", "1:12: parse error: unexpected identifier \"bar\""},
    {"rate(x[5m]) foo", "1:13: parse error: unexpected identifier \"foo\""},
    {"sum(x) foo", "1:8: parse error: unexpected identifier \"foo\""},
    {"sum(x) by (a) foo", "1:15: parse error: unexpected identifier \"foo\""},
    {"-\"a\"",
     "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
     "vector, got \"string\""},
    {"-x[5m]",
     "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
     "vector, got \"range vector\""},
    {"x[5m] + 1",
     "1:1: parse error: binary expression must contain only scalar and instant vector types"},
    {"\"a\" + 1",
     "1:1: parse error: binary expression must contain only scalar and instant vector types"},
    {"1 + \"a\"",
     "1:5: parse error: binary expression must contain only scalar and instant vector types"},
    {"\"a\" == \"b\"",
     "1:1: parse error: binary expression must contain only scalar and instant vector types"},
    {"x[5m] and y",
     "1:1: parse error: binary expression must contain only scalar and instant vector types"},
    {"foo and \"a\"",
     "1:9: parse error: binary expression must contain only scalar and instant vector types"},
    {"$", "1:1: parse error: unexpected character: '$'"},
    {"foo $", "1:5: parse error: unexpected character: '$'"},
    {"1 $ 2", "1:3: parse error: unexpected character: '$'"},
    {"#comment", "1:1: parse error: no expression found in input"},
    {"foo\n+ on(x\n bar",
     "3:2: parse error: unexpected identifier \"bar\" in grouping opts, expected \",\" or \")\""},
    {"1 >\n2", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
    {"sum(\nfoo\n)\n*\n\"x\"",
     "5:1: parse error: binary expression must contain only scalar and instant vector types"},
    {"a!b", "1:2: parse error: unexpected character after '!': 'b'"},
    {"a=b", "1:2: parse error: unexpected \"=\""},
    {"a=~b", "1:2: parse error: unexpected character after '=': '~'"},
    {"foo = bar", "1:5: parse error: unexpected \"=\""},
    {"1 < 2", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
    {"sum(a) + sum(b) offset 1m",
     "1:10: parse error: offset modifier must be preceded by an instant vector selector or range "
     "vector selector or a subquery"},
    {"(a + b) offset 1m",
     "1:1: parse error: offset modifier must be preceded by an instant vector selector or range "
     "vector selector or a subquery"},
    {"1 offset 1m",
     "1:1: parse error: offset modifier must be preceded by an instant vector selector or range "
     "vector selector or a subquery"},
    {"rate(a[5m]) offset 1m",
     "1:1: parse error: offset modifier must be preceded by an instant vector selector or range "
     "vector selector or a subquery"},
    {"1e",
     "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"1e\": invalid syntax"},
    {"0x",
     "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"0x\": invalid syntax"},
    {"1.5e+",
     "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"1.5e+\": invalid "
     "syntax"},
    {"abs(-Inf)",
     "1:5: parse error: expected type instant vector in call to function \"abs\", got scalar"},
    {"foo{\"a\"=\"b\"}",
     "1:5: parse error: unexpected string \"\\\"a\\\"\" in label matching, expected identifier or "
     "\"}\""},
    {"x[106752d]", "1:3: parse error: duration out of range"},
    {"x[99999999999999999999s]", "1:3: parse error: duration out of range"},
    {"x offset 106752d", "1:10: parse error: duration out of range"},
    {"x[5m1]", "1:3: parse error: bad duration syntax: \"5m1\""},
    {"x[5s5m]", "1:3: parse error: not a valid duration string: \"5s5m\""},
    {"x[5m5m]", "1:3: parse error: not a valid duration string: \"5m5m\""},
    {"x[1.5m]", "1:3: parse error: not a valid duration string: \"1.5m\""},
    {"on", "1:1: parse error: unexpected <on>"},
    {"bool", "1:1: parse error: unexpected <bool>"},
    {"group_left", "1:1: parse error: unexpected <group_left>"},
    {"ignoring", "1:1: parse error: unexpected <ignoring>"},
    {"RATE(x[5m])", "1:1: parse error: unknown function with name \"RATE\""},
    {"a + bool on(x) b",
     "1:3: parse error: bool modifier can only be used on comparison operators"},
    {"a > on(x) bool b", "1:11: parse error: unexpected <bool>"},
    {"foo offset 0s", "1:12: parse error: duration must be greater than 0"},
    {"foo[5m] offset 0s", "1:16: parse error: duration must be greater than 0"},
    {"foo[0s]", "1:5: parse error: duration must be greater than 0"},
    {"foo offset -0s", "1:13: parse error: duration must be greater than 0"},
    {"foo[0s] offset 1m", "1:5: parse error: duration must be greater than 0"},
    {"rate(x[5m], foo", "1:16: parse error: unclosed left parenthesis"},
    {"rate(x[5m], )", "1:11: parse error: trailing commas not allowed in function call args"},
    {"rate(x[5m], $)", "1:13: parse error: unexpected character: '$'"},
    {"sum(x, )", "1:6: parse error: trailing commas not allowed in function call args"},
    {"\"\\x\"", "1:1: parse error: illegal character U+0022 '\"' in escape sequence"},
    {"\"\\x1\"", "1:1: parse error: illegal character U+0022 '\"' in escape sequence"},
    {"\"\\u12\"", "1:1: parse error: illegal character U+0022 '\"' in escape sequence"},
    {"\"\\", "1:1: parse error: escape sequence not terminated"},
    {"\"\n\\", "1:1: parse error: unterminated quoted string"},
    {"'\\'", "1:1: parse error: unterminated quoted string"},
    {"sum(x) by", "1:10: parse error: unexpected end of input in grouping opts, expected \"(\""},
    {"sum(x) by (", "1:12: parse error: unclosed left parenthesis"},
    {"sum by", "1:7: parse error: unexpected end of input in grouping opts, expected \"(\""},
    {"sum by (a", "1:10: parse error: unclosed left parenthesis"},
    {"sum(x) by (a", "1:13: parse error: unclosed left parenthesis"},
    {"sum(x) by (a,", "1:14: parse error: unclosed left parenthesis"},
    {"1 + on", "1:7: parse error: unexpected end of input in grouping opts, expected \"(\""},
    {"1 + on(", "1:8: parse error: unclosed left parenthesis"},
    {"1 + on(a) group_left(", "1:22: parse error: unclosed left parenthesis"},
    {"x[5m] offset 5m[5m]", "1:16: parse error: ranges only allowed for vector selectors"},
    {"-a[5m] offset 1m",
     "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
     "vector, got \"range vector\""},
    {"sum(x) offset 5m",
     "1:1: parse error: offset modifier must be preceded by an instant vector selector or range "
     "vector selector or a subquery"},
    {"x offset 5m offset",
     "1:19: parse error: unexpected end of input in offset, expected duration"},
    {"x offset", "1:9: parse error: unexpected end of input in offset, expected duration"},
    {"sum by (a) (x) by (b)", "1:16: parse error: unexpected <by>"},
    {"sum(+)", "1:6: parse error: unexpected \")\" in aggregation"},
    {"sum(1 +)", "1:8: parse error: unexpected \")\" in aggregation"},
    {"sum(rate(x[5m]) +)", "1:18: parse error: unexpected \")\" in aggregation"},
    {"sum(x y)", "1:7: parse error: unexpected identifier \"y\" in aggregation"},
    {"sum(x) y", "1:8: parse error: unexpected identifier \"y\""},
    {"sum foo", "1:5: parse error: unexpected identifier \"foo\""},
    {"sum(x) by (a) (y)", "1:15: parse error: unexpected \"(\""},
    {"rate(x y)", "1:8: parse error: unexpected identifier \"y\""},
    {"rate(sum(x y))", "1:12: parse error: unexpected identifier \"y\" in aggregation"},
    {"sum(rate(x y))", "1:12: parse error: unexpected identifier \"y\" in aggregation"},
    {"(1 +)", "1:5: parse error: unexpected \")\""},
    {"(sum(x) +)", "1:10: parse error: unexpected \")\""},
    {"sum((1 +))", "1:9: parse error: unexpected \")\" in aggregation"},
    {"sum(foo{a=\"b\" c})",
     "1:15: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\""},
    {"sum(foo offset 5)",
     "1:16: parse error: unexpected number \"5\" in offset, expected duration"},
    {"sum(foo[5])", "1:9: parse error: missing unit character in duration"},
    {"sum(x[5m 1m])",
     "1:10: parse error: unexpected duration \"1m\" in subquery or range, expected \":\" or \"]\""},
    {"x[5m 1m]",
     "1:6: parse error: unexpected duration \"1m\" in subquery or range, expected \":\" or \"]\""},
    {"x[5m", "1:5: parse error: unclosed left bracket"},
    {"x[5m)", "1:6: parse error: unexpected right parenthesis ')'"},
    {"foo{a=\"b\"}{c=\"d\"}", "1:11: parse error: unexpected \"{\""},
    {"foo{a=\"b\"} {c=\"d\"}", "1:12: parse error: unexpected \"{\""},
    {"\"foo\" \"bar\"", "1:7: parse error: unexpected string \"\\\"bar\\\"\""},
    {"1 offset 5m",
     "1:1: parse error: offset modifier must be preceded by an instant vector selector or range "
     "vector selector or a subquery"},
    {"{}[5m]", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"{a=\"\"}[5m]",
     "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"rate({a=\"\"}[5m])",
     "1:6: parse error: vector selector must contain at least one non-empty matcher"},
    {"foo{__name__=~\"bar\"}",
     "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""},
    {"{__name__=\"\"}",
     "1:1: parse error: vector selector must contain at least one non-empty matcher"},
    {"sum(1, x)",
     "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, "
     "got 2"},
    {"topk(x, 1)",
     "1:9: parse error: expected type instant vector in aggregation expression, got scalar"},
    {"topk(\"a\", x)",
     "1:6: parse error: expected type scalar in aggregation parameter, got string"},
    {"count_values(1, x)",
     "1:14: parse error: expected type string in aggregation parameter, got scalar"},
    {"quantile(x)",
     "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, "
     "got 1"},
    {"histogram_quantile(x, y)",
     "1:20: parse error: expected type scalar in call to function \"histogram_quantile\", got "
     "instant vector"},
    {"histogram_quantile(0.9)",
     "1:1: parse error: expected 2 argument(s) in call to \"histogram_quantile\", got 1"},
    {"label_replace(x, \"a\", \"b\", \"c\", 1)",
     "1:33: parse error: expected type string in call to function \"label_replace\", got scalar"},
    {"clamp(x, 1)", "1:1: parse error: expected 3 argument(s) in call to \"clamp\", got 2"},
    {"round()", "1:1: parse error: expected at least 1 argument(s) in call to \"round\", got 0"},
    {"day_of_week(x, y)",
     "1:1: parse error: expected at most 1 argument(s) in call to \"day_of_week\", got 2"},
    {"vector(\"a\")",
     "1:8: parse error: expected type scalar in call to function \"vector\", got string"},
    {"time(1)", "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"},
    {"abs(x[5m])",
     "1:5: parse error: expected type instant vector in call to function \"abs\", got range "
     "vector"},
    {"absent_over_time(x)",
     "1:18: parse error: expected type range vector in call to function \"absent_over_time\", got "
     "instant vector"},
    {"predict_linear(x[5m])",
     "1:1: parse error: expected 2 argument(s) in call to \"predict_linear\", got 1"},
    {"predict_linear(x[5m], x)",
     "1:23: parse error: expected type scalar in call to function \"predict_linear\", got instant "
     "vector"},
    {"quantile_over_time(x[5m], 0.5)",
     "1:20: parse error: expected type scalar in call to function \"quantile_over_time\", got "
     "range vector"},
    {"sort(1)",
     "1:6: parse error: expected type instant vector in call to function \"sort\", got scalar"},
    {"1 + bool 2", "1:3: parse error: bool modifier can only be used on comparison operators"},
    {"x + bool y", "1:3: parse error: bool modifier can only be used on comparison operators"},
    {"x and bool y", "1:3: parse error: bool modifier can only be used on comparison operators"},
};

TEST(ParserTest, RejectsLikePrometheus) {
  for (const ErrorCase& c : kPrometheusErrors) {
    EXPECT_EQ(ErrorOf(c.input), c.error) << c.input;
  }
}

TEST(ParserTest, RejectsConstructsOutsideTheSubsetByName) {
  const ErrorCase cases[] = {
      {"foo[5m:1m]", "1:1: parse error: subqueries are not supported by opsagent"},
      {"foo[5m a]", "1:1: parse error: subqueries are not supported by opsagent"},
      {"foo[5m:$", "1:8: parse error: unexpected character: '$'"},
      {"rate(foo[5m])[5m:]", "1:1: parse error: subqueries are not supported by opsagent"},
      {"foo @ 100", "1:5: parse error: the @ modifier is not supported by opsagent"},
      {"foo[5m] @ start()", "1:9: parse error: the @ modifier is not supported by opsagent"},
      {"foo offset 5m @ end()", "1:15: parse error: the @ modifier is not supported by opsagent"},
      {"foo atan2 bar", "1:5: parse error: the atan2 operator is not supported by opsagent"},
      {"holt_winters(x[5m], 0.5, 0.5)",
       "1:1: parse error: function \"holt_winters\" is not supported by opsagent"},
      {"sgn(x)", "1:1: parse error: function \"sgn\" is not supported by opsagent"},
      {"present_over_time(x[5m])",
       "1:1: parse error: function \"present_over_time\" is not supported by opsagent"},
      {"1 + month()", "1:5: parse error: function \"month\" is not supported by opsagent"},
      {"histogram_count(x)",
       "1:1: parse error: function \"histogram_count\" is not supported by opsagent"},
      {"foo_bar(x)", "1:1: parse error: unknown function with name \"foo_bar\""},
  };
  for (const ErrorCase& c : cases) EXPECT_EQ(ErrorOf(c.input), c.error) << c.input;
}

TEST(ParserTest, InvalidRegexIsAnErrorAtTheMatcher) {
  ParseError error;
  EXPECT_EQ(ParseExpr("foo{a=~\"(\"}", &error), nullptr);
  EXPECT_EQ(error.pos.start, 4u);
  EXPECT_NE(error.message.find("invalid regular expression"), std::string::npos) << error.message;
}

TEST(ParserTest, MultiLineExpressionsReportTheRightLine) {
  // Rule files use YAML block scalars; errors must point at the line inside the expression.
  // Expected texts are what promtool 2.42 reports for the same input.
  EXPECT_EQ(ErrorOf("sum by (job) (\n  rate(x[5m])\n)\n  > bool on(a) \"x\""),
            "4:16: parse error: binary expression must contain only scalar and instant vector "
            "types");
  EXPECT_EQ(ErrorOf("foo\n+ on(x\n bar"),
            "3:2: parse error: unexpected identifier \"bar\" in grouping opts, expected \",\" "
            "or \")\"");
  EXPECT_EQ(ErrorOf("a\n\n   + rate(b)"),
            "3:11: parse error: expected type range vector in call to function \"rate\", got "
            "instant vector");
}

TEST(ParserTest, PositionOfCountsLinesAndByteColumns) {
  const std::string input = "ab\ncd\n\nef";
  EXPECT_EQ(PositionOf(input, 0).line, 1);
  EXPECT_EQ(PositionOf(input, 0).column, 1);
  EXPECT_EQ(PositionOf(input, 2).column, 3);
  EXPECT_EQ(PositionOf(input, 3).line, 2);
  EXPECT_EQ(PositionOf(input, 3).column, 1);
  EXPECT_EQ(PositionOf(input, 7).line, 4);
  EXPECT_EQ(PositionOf(input, 8).column, 2);
  EXPECT_EQ(FormatParseError(input, {"boom", {4, 5}}), "2:2: parse error: boom");
}

TEST(ParserTest, DeepNestingIsACleanError) {
  const int kLevels = 1000;
  std::string parens = std::string(kLevels, '(') + "1" + std::string(kLevels, ')');
  ParseError error;
  EXPECT_EQ(ParseExpr(parens, &error), nullptr);
  EXPECT_NE(error.message.find("nested too deeply"), std::string::npos) << error.message;

  std::string unary = std::string(kLevels, '-') + "x";
  EXPECT_EQ(ParseExpr(unary, &error), nullptr);
  EXPECT_NE(error.message.find("nested too deeply"), std::string::npos) << error.message;

  std::string calls;
  for (int i = 0; i < kLevels; ++i) calls += "abs(";
  calls += "x" + std::string(kLevels, ')');
  EXPECT_EQ(ParseExpr(calls, &error), nullptr);
  EXPECT_NE(error.message.find("nested too deeply"), std::string::npos) << error.message;

  // A long left-associative chain builds a deep tree too.
  std::string chain = "x";
  for (int i = 0; i < 5000; ++i) chain += " + x";
  EXPECT_EQ(ParseExpr(chain, &error), nullptr);
  EXPECT_NE(error.message.find("nested too deeply"), std::string::npos) << error.message;

  // Realistic nesting is fine.
  std::string ok = std::string(100, '(') + "1" + std::string(100, ')');
  EXPECT_NE(ParseExpr(ok, &error), nullptr);
}

TEST(ParserTest, ParseMetricSelector) {
  std::vector<LabelMatcher> matchers;
  ParseError error;
  ASSERT_TRUE(ParseMetricSelector("up{job=\"node\", instance=~\"a.*\"}", &matchers, &error));
  ASSERT_EQ(matchers.size(), 3u);
  EXPECT_EQ(matchers[0].name(), "job");
  EXPECT_EQ(matchers[1].type(), MatchType::kRegexMatch);
  EXPECT_EQ(matchers[2].name(), "__name__");
  EXPECT_EQ(matchers[2].value(), "up");

  ASSERT_TRUE(ParseMetricSelector("{__name__=~\"a.*\"}", &matchers, &error));
  ASSERT_EQ(matchers.size(), 1u);
  ASSERT_TRUE(ParseMetricSelector("sum", &matchers, &error));
  EXPECT_EQ(matchers[0].value(), "sum");

  // Like Prometheus's ParseMetricSelector, no emptiness check: the API layer makes it.
  ASSERT_TRUE(ParseMetricSelector("{}", &matchers, &error));
  EXPECT_TRUE(matchers.empty());
  ASSERT_TRUE(ParseMetricSelector("{a=\"\"}", &matchers, &error));
  EXPECT_EQ(matchers.size(), 1u);

  EXPECT_FALSE(ParseMetricSelector("rate(x[5m])", &matchers, &error));
  EXPECT_EQ(error.message, "unexpected \"(\"");
  EXPECT_FALSE(ParseMetricSelector("up offset 5m", &matchers, &error));
  EXPECT_EQ(error.message, "unexpected <offset>");
  EXPECT_FALSE(ParseMetricSelector("1", &matchers, &error));
  EXPECT_EQ(error.message, "unexpected number \"1\"");
  EXPECT_FALSE(ParseMetricSelector("", &matchers, &error));
  EXPECT_EQ(error.message, "unexpected end of input");
  EXPECT_FALSE(ParseMetricSelector("up{a=}", &matchers, &error));
  EXPECT_EQ(error.message, "unexpected \"}\" in label matching, expected string");
}

TEST(ParserTest, NullErrorPointerIsAllowed) {
  EXPECT_EQ(ParseExpr("1 +", nullptr), nullptr);
  std::vector<LabelMatcher> matchers;
  EXPECT_FALSE(ParseMetricSelector("{", &matchers, nullptr));
}

}  // namespace
}  // namespace opsagent::rules::promql
