// Tests for the PromQL printer: Prometheus's String() forms and the parse/print round trip.
#include "rules/promql/printer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "rules/promql/parser.h"

namespace opsagent::rules::promql {
namespace {

std::string Reprint(std::string_view input) {
  ParseError error;
  ExprPtr expr = ParseExpr(input, &error);
  if (!expr) return "<error: " + FormatParseError(input, error) + ">";
  return Print(*expr);
}

// Structural equality of two trees (positions aside).
bool Equal(const Expr& a, const Expr& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ExprKind::kNumber: {
      const double x = static_cast<const NumberLiteral&>(a).value;
      const double y = static_cast<const NumberLiteral&>(b).value;
      return x == y || (std::isnan(x) && std::isnan(y));
    }
    case ExprKind::kString:
      return static_cast<const StringLiteral&>(a).value ==
             static_cast<const StringLiteral&>(b).value;
    case ExprKind::kVectorSelector: {
      const auto& x = static_cast<const VectorSelector&>(a);
      const auto& y = static_cast<const VectorSelector&>(b);
      if (x.name != y.name || x.offset_ms != y.offset_ms) return false;
      auto sorted = [](std::vector<LabelMatcher> m) {
        std::sort(m.begin(), m.end(), [](const LabelMatcher& l, const LabelMatcher& r) {
          return l.ToString() < r.ToString();
        });
        return m;
      };
      return sorted(x.matchers) == sorted(y.matchers);
    }
    case ExprKind::kMatrixSelector: {
      const auto& x = static_cast<const MatrixSelector&>(a);
      const auto& y = static_cast<const MatrixSelector&>(b);
      return x.range_ms == y.range_ms && Equal(*x.selector, *y.selector);
    }
    case ExprKind::kParen:
      return Equal(*static_cast<const ParenExpr&>(a).expr, *static_cast<const ParenExpr&>(b).expr);
    case ExprKind::kUnary: {
      const auto& x = static_cast<const UnaryExpr&>(a);
      const auto& y = static_cast<const UnaryExpr&>(b);
      return x.op == y.op && Equal(*x.expr, *y.expr);
    }
    case ExprKind::kBinary: {
      const auto& x = static_cast<const BinaryExpr&>(a);
      const auto& y = static_cast<const BinaryExpr&>(b);
      if (x.op != y.op || x.return_bool != y.return_bool ||
          x.matching.has_value() != y.matching.has_value()) {
        return false;
      }
      if (x.matching && (x.matching->card != y.matching->card || x.matching->on != y.matching->on ||
                         x.matching->matching_labels != y.matching->matching_labels ||
                         x.matching->include != y.matching->include)) {
        return false;
      }
      return Equal(*x.lhs, *y.lhs) && Equal(*x.rhs, *y.rhs);
    }
    case ExprKind::kAggregate: {
      const auto& x = static_cast<const AggregateExpr&>(a);
      const auto& y = static_cast<const AggregateExpr&>(b);
      if (x.op != y.op || x.without != y.without || x.grouping != y.grouping ||
          (x.param == nullptr) != (y.param == nullptr)) {
        return false;
      }
      return (!x.param || Equal(*x.param, *y.param)) && Equal(*x.expr, *y.expr);
    }
    case ExprKind::kCall: {
      const auto& x = static_cast<const Call&>(a);
      const auto& y = static_cast<const Call&>(b);
      if (x.func != y.func || x.args.size() != y.args.size()) return false;
      for (std::size_t i = 0; i < x.args.size(); ++i) {
        if (!Equal(*x.args[i], *y.args[i])) return false;
      }
      return true;
    }
  }
  return false;
}

// Input and Prometheus's String() of it.
const std::pair<const char*, const char*> kPrinted[] = {
    {"1", "1"},
    {"+1", "1"},
    {"-1", "-1"},
    {".5", "0.5"},
    {"5.", "5"},
    {"123.4567", "123.4567"},
    {"5e-3", "0.005"},
    {"5e3", "5000"},
    {"0x123", "291"},
    {"0X123", "291"},
    {"Inf", "+Inf"},
    {"-Inf", "-Inf"},
    {"NaN", "NaN"},
    {"nAN", "NaN"},
    {"inF", "+Inf"},
    {"010", "8"},
    {"08", "8"},
    {"1 + 1", "1 + 1"},
    {"1 - 1", "1 - 1"},
    {"1 * 1", "1 * 1"},
    {"1 % 1", "1 % 1"},
    {"1 / 1", "1 / 1"},
    {"1 == bool 1", "1 == bool 1"},
    {"1 != bool 1", "1 != bool 1"},
    {"1 > bool 1", "1 > bool 1"},
    {"1 >= bool 1", "1 >= bool 1"},
    {"1 < bool 1", "1 < bool 1"},
    {"1 <= bool 1", "1 <= bool 1"},
    {"-1^2", "-1 ^ 2"},
    {"-1*2", "-1 * 2"},
    {"+1 + -2 * 1", "1 + -2 * 1"},
    {"1 + 2/(3*1)", "1 + 2 / (3 * 1)"},
    {"1 < bool 2 - 1 * 2", "1 < bool 2 - 1 * 2"},
    {"-some_metric", "-some_metric"},
    {"+some_metric", "+some_metric"},
    {" +some_metric", "+some_metric"},
    {"\"\"", "\"\""},
    {"''", "\"\""},
    {"``", "\"\""},
    {"`\\a\\b\\f\n\\r\\t\\v\\\\\\\"\\' - \\xFF\\377\\u1234\\U00010111\\U0001011111☺`",
     "\"\\\\a\\\\b\\\\f\\n\\\\r\\\\t\\\\v\\\\\\\\\\\\\\\"\\\\' - "
     "\\\\xFF\\\\377\\\\u1234\\\\U00010111\\\\U0001011111☺\""},
    {"foo and bar", "foo and bar"},
    {"foo or bar", "foo or bar"},
    {"foo unless bar", "foo unless bar"},
    {"foo * bar", "foo * bar"},
    {"foo == 1", "foo == 1"},
    {"foo == bool 1", "foo == bool 1"},
    {"2.5 / bar", "2.5 / bar"},
    {"foo and on(baz) bar", "foo and on (baz) bar"},
    {"foo and ignoring(baz) bar", "foo and ignoring (baz) bar"},
    {"foo * on(bar) group_left baz", "foo * on (bar) group_left () baz"},
    {"foo * on(bar) group_left(a) baz", "foo * on (bar) group_left (a) baz"},
    {"foo * on(test,blub) bar", "foo * on (test, blub) bar"},
    {"foo * on(test,blub,) bar", "foo * on (test, blub) bar"},
    {"foo * on() bar", "foo * on () bar"},
    {"foo * ignoring() bar", "foo * bar"},
    {"foo and on(test,blub) bar", "foo and on (test, blub) bar"},
    {"foo or on(test,blub) bar", "foo or on (test, blub) bar"},
    {"foo unless on(bar) baz", "foo unless on (bar) baz"},
    {"foo / on(test,blub) group_left(bar) bar", "foo / on (test, blub) group_left (bar) bar"},
    {"foo / ignoring(test,blub) group_left(blub) bar",
     "foo / ignoring (test, blub) group_left (blub) bar"},
    {"foo - on(test,blub) group_right(bar,foo) bar",
     "foo - on (test, blub) group_right (bar, foo) bar"},
    {"foo - ignoring(test,blub) group_right(bar,foo) bar",
     "foo - ignoring (test, blub) group_right (bar, foo) bar"},
    {"foo * ignoring(a) group_left(a) bar", "foo * ignoring (a) group_left (a) bar"},
    {"foo + ignoring() 1", "foo + 1"},
    {"foo == on(a) group_left(b) bar", "foo == on (a) group_left (b) bar"},
    {"foo", "foo"},
    {"min", "min"},
    {"foo offset 5m", "foo offset 5m"},
    {"foo offset -7m", "foo offset -7m"},
    {"foo OFFSET 1h30m", "foo offset 1h30m"},
    {"foo OFFSET 1m30ms", "foo offset 1m30ms"},
    {"foo:bar{a=\"bc\"}", "foo:bar{a=\"bc\"}"},
    {"foo{NaN='bc'}", "foo{NaN=\"bc\"}"},
    {"foo{bar='}'}", "foo{bar=\"}\"}"},
    {"foo{a=\"b\", foo!=\"bar\", test=~\"test\", bar!~\"baz\"}",
     "foo{a=\"b\",bar!~\"baz\",foo!=\"bar\",test=~\"test\"}"},
    {"foo{a=\"b\", foo!~\"bar\", test=~\"test\", bar!~\"baz\",}",
     "foo{a=\"b\",bar!~\"baz\",foo!~\"bar\",test=~\"test\"}"},
    {"{__name__=\"bar\"}", "{__name__=\"bar\"}"},
    {"{__name__=~\"bar\"}", "{__name__=~\"bar\"}"},
    {"{__name__=~\"bar\", __name__!~\"baz\"}", "{__name__!~\"baz\",__name__=~\"bar\"}"},
    {"{foo=\"bar\"}", "{foo=\"bar\"}"},
    {"{x=~\".+\"}", "{x=~\".+\"}"},
    {"foo{on=\"b\", by=\"c\", bool=\"d\", sum=\"e\"}",
     "foo{bool=\"d\",by=\"c\",on=\"b\",sum=\"e\"}"},
    {"some_metric[5m]", "some_metric[5m]"},
    {"foo[5m30s]", "foo[5m30s]"},
    {"foo[5m] OFFSET 1h30m", "foo[5m] offset 1h30m"},
    {"foo[ 5m]", "foo[5m]"},
    {"foo[5m ]", "foo[5m]"},
    {"sum by (foo)(some_metric)", "sum by (foo) (some_metric)"},
    {"avg by (foo)(some_metric)", "avg by (foo) (some_metric)"},
    {"max by (foo)(some_metric)", "max by (foo) (some_metric)"},
    {"sum without (foo) (some_metric)", "sum without (foo) (some_metric)"},
    {"sum (some_metric) without (foo)", "sum without (foo) (some_metric)"},
    {"stddev(some_metric)", "stddev(some_metric)"},
    {"stdvar by (foo)(some_metric)", "stdvar by (foo) (some_metric)"},
    {"sum by ()(some_metric)", "sum(some_metric)"},
    {"sum by (foo,bar,)(some_metric)", "sum by (foo, bar) (some_metric)"},
    {"sum by (foo,)(some_metric)", "sum by (foo) (some_metric)"},
    {"topk(5, some_metric)", "topk(5, some_metric)"},
    {"count_values(\"value\", some_metric)", "count_values(\"value\", some_metric)"},
    {"sum without(and, by, avg, count, alert, annotations)(some_metric)",
     "sum without (and, by, avg, count, alert, annotations) (some_metric)"},
    {"sum", "sum"},
    {"quantile(0.9, x)", "quantile(0.9, x)"},
    {"group(x)", "group(x)"},
    {"count by (a) (x)", "count by (a) (x)"},
    {"time()", "time()"},
    {"floor(some_metric{foo!=\"bar\"})", "floor(some_metric{foo!=\"bar\"})"},
    {"rate(some_metric[5m])", "rate(some_metric[5m])"},
    {"round(some_metric)", "round(some_metric)"},
    {"round(some_metric, 5)", "round(some_metric, 5)"},
    {"hour()", "hour()"},
    {"hour(foo)", "hour(foo)"},
    {"label_replace(a, `b`, `c\\xff`, `d`, `.*`)",
     "label_replace(a, \"b\", \"c\\\\xff\", \"d\", \".*\")"},
    {"label_join(a, \"b\", \"c\")", "label_join(a, \"b\", \"c\")"},
    {"label_join(a, \"b\", \"c\", \"d\", \"e\", \"f\")",
     "label_join(a, \"b\", \"c\", \"d\", \"e\", \"f\")"},
    {"histogram_quantile(0.9, rate(x[5m]))", "histogram_quantile(0.9, rate(x[5m]))"},
    {"clamp(x, 0, 1)", "clamp(x, 0, 1)"},
    {"absent(nonexistent{job=\"myjob\"})", "absent(nonexistent{job=\"myjob\"})"},
    {"vector(1)", "vector(1)"},
    {"scalar(x)", "scalar(x)"},
    {"((((1))))", "((((1))))"},
    {"-(1)", "-(1)"},
    {"--1", "1"},
    {"- -foo", "--foo"},
    {"foo # comment", "foo"},
    {"foo{a=\"b\" # c\n}", "foo{a=\"b\"}"},
    {"foo\n+\nbar", "foo + bar"},
    {"a==b", "a == b"},
    {"a!=b", "a != b"},
    {"a > b > c", "a > b > c"},
    {"a + b * c ^ d ^ e - f / g % h", "a + b * c ^ d ^ e - f / g % h"},
    {"a or b and c unless d", "a or b and c unless d"},
    {"2 ^ -1 * 3", "2 ^ -1 * 3"},
    {"-2 ^ 2", "-2 ^ 2"},
    {"a offset 1m + b", "a offset 1m + b"},
    {"Infinity", "Infinity"},
    {"foo{a=\"\\u00e9\"}", "foo{a=\"é\"}"},
    {"foo{a='b'}", "foo{a=\"b\"}"},
    {"foo{a=`b`}", "foo{a=\"b\"}"},
    {"max_over_time(x[1y])", "max_over_time(x[1y])"},
    {"x[106751d]", "x[106751d]"},
    {"x[1h30m]", "x[1h30m]"},
    {"x[90m]", "x[1h30m]"},
    {"x[1ms]", "x[1ms]"},
    {"by", "by"},
    {"without", "without"},
    {"offset", "offset"},
    {"and", "and"},
    {"unless", "unless"},
    {"start", "start"},
    {"end", "end"},
    {"sum(by)", "sum(by)"},
    {"sum by (on, ignoring, group_left, group_right, bool, offset, start, end, atan2, sum, topk) "
     "(x)",
     "sum by (on, ignoring, group_left, group_right, bool, offset, start, end, atan2, sum, topk) "
     "(x)"},
    {"sum by (ON) (x)", "sum by (ON) (x)"},
    {"SUM(x) BY (a)", "sum by (a) (x)"},
    {"a + on(b) group_left (c) d", "a + on (b) group_left (c) d"},
    {"a + on(b) group_right d", "a + on (b) group_right () d"},
    {"a + ignoring(b) group_left () d", "a + ignoring (b) group_left () d"},
    {"a * ignoring() group_left d", "a * ignoring () group_left () d"},
    {"a > bool on(x) b", "a > bool on (x) b"},
    {"1 + 2 > bool 3", "1 + 2 > bool 3"},
    {"x > bool 1", "x > bool 1"},
    {"a and b or c", "a and b or c"},
    {"foo{a=\"b\"}[5m] offset 3m", "foo{a=\"b\"}[5m] offset 3m"},
    {"a ^ b offset 1m", "a ^ b offset 1m"},
    {"sum without () (x)", "sum without () (x)"},
    {"count_values(\"v\", x) by (a)", "count_values by (a) (\"v\", x)"},
    {"topk(1, x) without (a)", "topk without (a) (1, x)"},
    {"topk by (a) (1, x)", "topk by (a) (1, x)"},
    {"1 + sum", "1 + sum"},
    {"sum + 1", "sum + 1"},
    {"sum{a=\"b\"}", "sum{a=\"b\"}"},
    {"rate(x[5m] offset 1m)", "rate(x[5m] offset 1m)"},
    {"x[5m]", "x[5m]"},
    {"count_values", "count_values"},
    {"sum by (a) (x) + on(b) y", "sum by (a) (x) + on (b) y"},
    {"sum(x) by ()", "sum(x)"},
    {"a + on(b) group_left c + d", "a + on (b) group_left () c + d"},
    {"min(x) by (a) + max(x) without (b)", "min by (a) (x) + max without (b) (x)"},
    {"sum without(a) (x) / ignoring(b) group_right(c) count(x)",
     "sum without (a) (x) / ignoring (b) group_right (c) count(x)"},
    {"topk(3, sum by (a) (x))", "topk(3, sum by (a) (x))"},
    {"1 + 2 * 3 ^ 4 ^ 5", "1 + 2 * 3 ^ 4 ^ 5"},
    {"(1 + 2) * 3", "(1 + 2) * 3"},
    {"foo{}", "foo"},
    {"foo{} offset 5m", "foo offset 5m"},
    {"sum(x{})", "sum(x)"},
    {"x == bool y", "x == bool y"},
    {"rate(http_requests_total{job=\"api\"}[5m])", "rate(http_requests_total{job=\"api\"}[5m])"},
    {"sum by (job) (rate(x[5m]))", "sum by (job) (rate(x[5m]))"},
    {"a + on(b) group_left(c) d", "a + on (b) group_left (c) d"},
    {"x offset 5m", "x offset 5m"},
    {"-x", "-x"},
    {"(a)", "(a)"},
    {"1 > bool 2", "1 > bool 2"},
    {"1000000", "1e+06"},
    {"123456", "123456"},
    {"1234567", "1.234567e+06"},
    {"0.0001", "0.0001"},
    {"0.00001", "1e-05"},
    {"1.5e300", "1.5e+300"},
    {"1e-300", "1e-300"},
    {"0.1", "0.1"},
    {"100000", "100000"},
    {"-0.5", "-0.5"},
    {"0x7fffffffffffffff", "9.223372036854776e+18"},
    {"\"a\\tb\\u00e9\\x01\\\\\"", "\"a\\tb\u00e9\\x01\\\\\""},
    {"'it\\'s'", "\"it's\""},
    {"`back\\slash`", "\"back\\\\slash\""},
    {"x{a=\"\\xff\"}", "x{a=\"\\xff\"}"},
    {"x[1d12h] offset 1w", "x[1d12h] offset 1w"},
    {"x[3600s]", "x[1h]"},
    {"x[7d]", "x[1w]"},
    {"x[365d]", "x[1y]"},
    {"x offset -1h30m", "x offset -1h30m"},
    {"histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))",
     "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))"},
    {"label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")",
     "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")"},
    {"clamp_min(x, 0) or vector(0)", "clamp_min(x, 0) or vector(0)"},
    {"absent_over_time(up{job=\"x\"}[10m])", "absent_over_time(up{job=\"x\"}[10m])"},
    {"predict_linear(node_filesystem_avail_bytes[6h], 4 * 3600) < 0",
     "predict_linear(node_filesystem_avail_bytes[6h], 4 * 3600) < 0"},
    {"quantile_over_time(0.9, x[5m])", "quantile_over_time(0.9, x[5m])"},
    {"bottomk(3, x) unless on() y", "bottomk(3, x) unless on () y"},
    {"stddev without (cpu) (x) / ignoring (cpu) group_left count(x)",
     "stddev without (cpu) (x) / ignoring (cpu) group_left () count(x)"},
    {"timestamp(x) - time()", "timestamp(x) - time()"},
    {"sort_desc(day_of_week() == bool 1)", "sort_desc(day_of_week() == bool 1)"},
};

TEST(PrinterTest, PrintsPrometheusStringForms) {
  for (const auto& [input, want] : kPrinted) EXPECT_EQ(Reprint(input), want) << input;
}

TEST(PrinterTest, RoundTripsToAnEqualTree) {
  int checked = 0;
  for (const auto& [input, printed] : kPrinted) {
    ParseError error;
    ExprPtr first = ParseExpr(input, &error);
    ASSERT_NE(first, nullptr) << input;
    const std::string text = Print(*first);
    ExprPtr second = ParseExpr(text, &error);
    ASSERT_NE(second, nullptr) << text << ": " << FormatParseError(text, error);
    EXPECT_TRUE(Equal(*first, *second)) << input << " => " << text;
    EXPECT_EQ(Print(*second), text);
    ++checked;
  }
  EXPECT_GE(checked, 100);
}

TEST(PrinterTest, PrintsSpecialFloats) {
  NumberLiteral n;
  n.value = INFINITY;
  EXPECT_EQ(Print(n), "+Inf");
  n.value = -INFINITY;
  EXPECT_EQ(Print(n), "-Inf");
  n.value = NAN;
  EXPECT_EQ(Print(n), "NaN");
  n.value = -0.0;
  EXPECT_EQ(Print(n), "-0");
  n.value = 5e-324;
  EXPECT_EQ(Print(n), "5e-324");
  n.value = 1.7976931348623157e308;
  EXPECT_EQ(Print(n), "1.7976931348623157e+308");
}

TEST(PrinterTest, PositiveInfinityOnTheLeftOfPowerStaysANumber) {
  // Found by the fuzzer: "+Inf ^ x" would read back as +(Inf ^ x).
  EXPECT_EQ(Reprint("Inf ^ 2"), "Inf ^ 2");
  EXPECT_EQ(Reprint("--6 ^ inf ^ infx"), "--6 ^ Inf ^ infx");
  EXPECT_EQ(Reprint("+Inf ^ 2"), "+Inf ^ 2");
  EXPECT_EQ(Reprint("Inf + 2"), "+Inf + 2");
  EXPECT_EQ(Reprint("2 ^ Inf"), "2 ^ +Inf");
  for (const char* text : {"Inf ^ 2", "+Inf ^ 2", "--6 ^ inf ^ infx"}) {
    const std::string printed = Reprint(text);
    EXPECT_EQ(Reprint(printed), printed) << text;
  }
}

TEST(PrinterTest, GroupingWithoutOnOrIgnoringStillPrintsTheGroup) {
  // An AST built by hand: group_left needs the matching clause to be re-parseable.
  BinaryExpr bin;
  bin.op = BinaryOp::kMul;
  auto lhs = std::make_unique<VectorSelector>();
  lhs->name = "a";
  auto rhs = std::make_unique<VectorSelector>();
  rhs->name = "b";
  bin.lhs = std::move(lhs);
  bin.rhs = std::move(rhs);
  bin.matching = VectorMatching{};
  bin.matching->card = Cardinality::kManyToOne;
  bin.matching->include = {"x"};
  EXPECT_EQ(Print(bin), "a * ignoring () group_left (x) b");
}

}  // namespace
}  // namespace opsagent::rules::promql
