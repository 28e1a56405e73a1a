// PromQL printer: Prometheus 2.42's Expr.String() forms.
#include "rules/promql/printer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "rules/promql/duration.h"
#include "rules/promql/lexer.h"

namespace opsagent::rules::promql {
namespace {

// Go's strconv.FormatFloat(v, 'g', -1, 64), which fmt.Sprint prints: the shortest digits that
// round-trip, in exponent form when the exponent is < -4 or >= 6 (Go's threshold for the
// shortest form), so 100000 but 1e+06.
std::string FormatFloatG(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, result.ptr - buf);  // e.g. "-1.2345e+06"
  std::string out;
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  const int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  if (exp < -4 || exp >= 6) {
    // %e form with the shortest digits and an exponent of at least two digits.
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += exp < 0 ? "e-" : "e+";
    const int abs_exp = std::abs(exp);
    if (abs_exp < 10) out += '0';
    out += std::to_string(abs_exp);
    return out;
  }
  // %f form: the decimal point sits after exp+1 digits.
  const int point = exp + 1;
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out += digits;
  } else if (static_cast<std::size_t>(point) >= digits.size()) {
    out += digits;
    out.append(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    out += digits.substr(0, point);
    out += '.';
    out += digits.substr(point);
  }
  return out;
}

std::string JoinLabels(const std::vector<std::string>& labels) {
  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels[i];
  }
  return out;
}

std::string Offset(std::int64_t offset_ms) {
  if (offset_ms > 0) return " offset " + FormatPromDuration(offset_ms);
  if (offset_ms < 0) return " offset -" + FormatPromDuration(-offset_ms);
  return "";
}

// The selector without its offset (a range selector prints the offset after the range).
std::string SelectorBody(const VectorSelector& vs) {
  std::vector<std::string> matchers;
  for (const LabelMatcher& m : vs.matchers) {
    if (m.name() == "__name__" && m.type() == MatchType::kEqual && m.value() == vs.name &&
        !m.value().empty()) {
      continue;
    }
    matchers.push_back(m.name() + std::string(MatchTypeString(m.type())) +
                       QuoteGoString(m.value()));
  }
  std::string out = vs.name;
  if (matchers.empty()) return out;
  std::sort(matchers.begin(), matchers.end());
  out += '{';
  for (std::size_t i = 0; i < matchers.size(); ++i) {
    if (i > 0) out += ',';
    out += matchers[i];
  }
  out += '}';
  return out;
}

std::string MatchingString(const BinaryExpr& bin) {
  if (!bin.matching) return "";
  const VectorMatching& vm = *bin.matching;
  const bool grouped = vm.card == Cardinality::kManyToOne || vm.card == Cardinality::kOneToMany;
  std::string out;
  if (!vm.matching_labels.empty() || vm.on || grouped) {
    out += vm.on ? " on (" : " ignoring (";
    out += JoinLabels(vm.matching_labels) + ")";
  }
  if (grouped) {
    out += vm.card == Cardinality::kManyToOne ? " group_left (" : " group_right (";
    out += JoinLabels(vm.include) + ")";
  }
  return out;
}

std::string PrintAggregate(const AggregateExpr& agg) {
  std::string out = AggregateOpString(agg.op);
  if (agg.without) {
    out += " without (" + JoinLabels(agg.grouping) + ") ";
  } else if (!agg.grouping.empty()) {
    out += " by (" + JoinLabels(agg.grouping) + ") ";
  }
  out += '(';
  if (agg.param) out += Print(*agg.param) + ", ";
  out += Print(*agg.expr) + ")";
  return out;
}

std::string PrintCall(const Call& call) {
  std::string out = call.func->name + "(";
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    if (i > 0) out += ", ";
    out += Print(*call.args[i]);
  }
  return out + ")";
}

// The left operand of a binary expression. Prometheus prints +Inf as "+Inf", but on the left of
// `^` that reads back as a unary plus over the whole power (`+Inf ^ 2` is `+(Inf ^ 2)`), so there
// the sign is dropped to keep the round trip exact.
std::string PrintPowOperand(const BinaryExpr& b) {
  if (b.op == BinaryOp::kPow && b.lhs->kind == ExprKind::kNumber) {
    const double v = static_cast<const NumberLiteral&>(*b.lhs).value;
    if (std::isinf(v) && v > 0) return "Inf";
  }
  return Print(*b.lhs);
}

}  // namespace

std::string Print(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kNumber:
      return FormatFloatG(static_cast<const NumberLiteral&>(expr).value);
    case ExprKind::kString:
      return QuoteGoString(static_cast<const StringLiteral&>(expr).value);
    case ExprKind::kVectorSelector: {
      const auto& vs = static_cast<const VectorSelector&>(expr);
      return SelectorBody(vs) + Offset(vs.offset_ms);
    }
    case ExprKind::kMatrixSelector: {
      const auto& ms = static_cast<const MatrixSelector&>(expr);
      return SelectorBody(*ms.selector) + "[" + FormatPromDuration(ms.range_ms) + "]" +
             Offset(ms.selector->offset_ms);
    }
    case ExprKind::kParen:
      return "(" + Print(*static_cast<const ParenExpr&>(expr).expr) + ")";
    case ExprKind::kUnary: {
      const auto& u = static_cast<const UnaryExpr&>(expr);
      return std::string(1, u.op) + Print(*u.expr);
    }
    case ExprKind::kBinary: {
      const auto& b = static_cast<const BinaryExpr&>(expr);
      return PrintPowOperand(b) + " " + BinaryOpString(b.op) + (b.return_bool ? " bool" : "") +
             MatchingString(b) + " " + Print(*b.rhs);
    }
    case ExprKind::kAggregate:
      return PrintAggregate(static_cast<const AggregateExpr&>(expr));
    case ExprKind::kCall:
      return PrintCall(static_cast<const Call&>(expr));
  }
  return "";
}

}  // namespace opsagent::rules::promql
