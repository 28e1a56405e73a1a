// Binary operators: scalar/scalar, vector/scalar, vector matching and the set operators.
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "rules/promql/eval_internal.h"

namespace opsagent::rules::promql::internal {
namespace {

struct ElemResult {
  double value = 0;
  bool keep = true;
};

// Prometheus's vectorElemBinop: comparisons filter and keep the left value.
ElemResult ElemBinop(BinaryOp op, double lhs, double rhs) {
  switch (op) {
    case BinaryOp::kAdd:
      return {lhs + rhs};
    case BinaryOp::kSub:
      return {lhs - rhs};
    case BinaryOp::kMul:
      return {lhs * rhs};
    case BinaryOp::kDiv:
      return {lhs / rhs};
    case BinaryOp::kPow:
      return {std::pow(lhs, rhs)};
    case BinaryOp::kMod:
      return {std::fmod(lhs, rhs)};
    case BinaryOp::kEql:
      return {lhs, lhs == rhs};
    case BinaryOp::kNeq:
      return {lhs, lhs != rhs};
    case BinaryOp::kGtr:
      return {lhs, lhs > rhs};
    case BinaryOp::kLss:
      return {lhs, lhs < rhs};
    case BinaryOp::kGte:
      return {lhs, lhs >= rhs};
    case BinaryOp::kLte:
      return {lhs, lhs <= rhs};
    default:
      return {0, false};
  }
}

bool DropsMetricName(BinaryOp op) { return !IsComparison(op) && !IsSetOperator(op); }

double ScalarBinop(BinaryOp op, double lhs, double rhs) {
  ElemResult r = ElemBinop(op, lhs, rhs);
  if (IsComparison(op)) return r.keep ? 1 : 0;
  return r.value;
}

Vector VectorScalarBinop(BinaryOp op, Vector vec, double scalar, bool swap, bool return_bool) {
  Vector out;
  for (auto& sample : vec) {
    double lv = swap ? scalar : sample.v;
    double rv = swap ? sample.v : scalar;
    ElemResult r = ElemBinop(op, lv, rv);
    // The vector element's value is the result of a filter, whichever side it is on.
    if (IsComparison(op) && swap) r.value = rv;
    if (return_bool) {
      r.value = r.keep ? 1 : 0;
      r.keep = true;
    }
    if (!r.keep) continue;
    sample.v = r.value;
    if (DropsMetricName(op) || return_bool) sample.labels = sample.labels.WithoutMetricName();
    out.push_back(std::move(sample));
  }
  return out;
}

class Matcher {
 public:
  explicit Matcher(const VectorMatching& m) : m_(m) {}
  std::uint64_t Signature(const Labels& labels) const {
    return labels.HashFor(m_.matching_labels, m_.on);
  }
  std::vector<std::uint64_t> Signatures(const Vector& v) const {
    std::vector<std::uint64_t> out;
    out.reserve(v.size());
    for (const auto& s : v) out.push_back(Signature(s.labels));
    return out;
  }

 private:
  const VectorMatching& m_;
};

Vector VectorAnd(const Vector& lhs, const Vector& rhs, const Matcher& m) {
  if (lhs.empty() || rhs.empty()) return {};
  std::unordered_set<std::uint64_t> right;
  for (const auto& s : rhs) right.insert(m.Signature(s.labels));
  Vector out;
  for (const auto& s : lhs) {
    if (right.count(m.Signature(s.labels))) out.push_back(s);
  }
  return out;
}

Vector VectorOr(const Vector& lhs, const Vector& rhs, const Matcher& m) {
  Vector out = lhs;
  std::unordered_set<std::uint64_t> left;
  for (const auto& s : lhs) left.insert(m.Signature(s.labels));
  for (const auto& s : rhs) {
    if (!left.count(m.Signature(s.labels))) out.push_back(s);
  }
  return out;
}

Vector VectorUnless(const Vector& lhs, const Vector& rhs, const Matcher& m) {
  if (lhs.empty() || rhs.empty()) return lhs;
  std::unordered_set<std::uint64_t> right;
  for (const auto& s : rhs) right.insert(m.Signature(s.labels));
  Vector out;
  for (const auto& s : lhs) {
    if (!right.count(m.Signature(s.labels))) out.push_back(s);
  }
  return out;
}

// Prometheus's resultMetric: the "many" side's labels, edited by the matching clause.
Labels ResultMetric(const Labels& lhs, const Labels& rhs, BinaryOp op, const VectorMatching& m) {
  LabelsBuilder b(lhs);
  if (DropsMetricName(op)) b.Del(kMetricNameLabel);
  if (m.card == Cardinality::kOneToOne) {
    if (m.on) {
      b = LabelsBuilder(lhs.Keep(m.matching_labels, true));
      if (DropsMetricName(op)) b.Del(kMetricNameLabel);
    } else {
      for (const auto& name : m.matching_labels) b.Del(name);
    }
  }
  for (const auto& name : m.include) {
    // group_x labels come from the "one" side.
    std::string_view v = rhs.Get(name);
    if (!v.empty()) {
      b.Set(name, v);
    } else {
      b.Del(name);
    }
  }
  return b.Build();
}

}  // namespace

namespace {

struct BinopContext {
  Evaluator& ev;
  BinaryOp op;
  const VectorMatching& m;
  bool return_bool;
};

Vector VectorBinop(BinopContext& ctx, Vector lhs, Vector rhs) {
  if (lhs.empty() || rhs.empty()) return {};
  const VectorMatching& m = ctx.m;
  Matcher matcher(m);
  bool swapped = m.card == Cardinality::kOneToMany;
  if (swapped) std::swap(lhs, rhs);
  // The right side is the "one" side: its signatures must be unique.
  std::unordered_map<std::uint64_t, const Sample*> right;
  for (const auto& rs : rhs) {
    auto [it, inserted] = right.emplace(matcher.Signature(rs.labels), &rs);
    if (!inserted) {
      ctx.ev.Fail(
          "found duplicate series for the match group " +
          rs.labels.Keep(m.matching_labels, m.on).ToString() + " on the " +
          (swapped ? "left" : "right") + " hand-side of the operation: [" + rs.labels.ToString() +
          ", " + it->second->labels.ToString() +
          "];many-to-many matching not allowed: matching labels must be unique on one side");
      return {};
    }
  }
  std::unordered_map<std::uint64_t, std::unordered_set<std::uint64_t>> matched;
  Vector out;
  for (const auto& ls : lhs) {
    std::uint64_t sig = matcher.Signature(ls.labels);
    auto found = right.find(sig);
    if (found == right.end()) continue;
    const Sample& rs = *found->second;
    double vl = swapped ? rs.v : ls.v;
    double vr = swapped ? ls.v : rs.v;
    ElemResult r = ElemBinop(ctx.op, vl, vr);
    if (ctx.return_bool) {
      r.value = r.keep ? 1 : 0;
    } else if (!r.keep) {
      continue;
    }
    Labels metric = ResultMetric(ls.labels, rs.labels, ctx.op, m);
    if (ctx.return_bool) metric = metric.WithoutMetricName();
    auto [group, first_match] = matched.try_emplace(sig);
    if (m.card == Cardinality::kOneToOne) {
      if (!first_match) {
        ctx.ev.Fail(
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
        return {};
      }
    } else if (!group->second.insert(metric.Hash()).second) {
      ctx.ev.Fail("multiple matches for labels: grouping labels must ensure unique matches");
      return {};
    }
    out.push_back(Sample{std::move(metric), ls.t, r.value});
  }
  return out;
}

}  // namespace

Value Evaluator::EvalBinary(const BinaryExpr& expr, std::int64_t t) {
  ValueType lt = expr.lhs->Type();
  ValueType rt = expr.rhs->Type();
  if (lt == ValueType::kScalar && rt == ValueType::kScalar) {
    double l = EvalScalar(*expr.lhs, t);
    double r = EvalScalar(*expr.rhs, t);
    return Scalar{t, ScalarBinop(expr.op, l, r)};
  }
  if (lt == ValueType::kVector && rt == ValueType::kScalar) {
    Vector l = EvalVector(*expr.lhs, t);
    double r = EvalScalar(*expr.rhs, t);
    Vector out = VectorScalarBinop(expr.op, std::move(l), r, false, expr.return_bool);
    CheckUniqueLabelsets(out);
    return out;
  }
  if (lt == ValueType::kScalar && rt == ValueType::kVector) {
    double l = EvalScalar(*expr.lhs, t);
    Vector r = EvalVector(*expr.rhs, t);
    Vector out = VectorScalarBinop(expr.op, std::move(r), l, true, expr.return_bool);
    CheckUniqueLabelsets(out);
    return out;
  }
  VectorMatching defaults;
  if (IsSetOperator(expr.op)) defaults.card = Cardinality::kManyToMany;
  const VectorMatching& m = expr.matching ? *expr.matching : defaults;
  Vector l = EvalVector(*expr.lhs, t);
  Vector r = EvalVector(*expr.rhs, t);
  if (failed()) return Vector{};
  Matcher matcher(m);
  Vector out;
  switch (expr.op) {
    case BinaryOp::kAnd:
      out = VectorAnd(l, r, matcher);
      break;
    case BinaryOp::kOr:
      out = VectorOr(l, r, matcher);
      break;
    case BinaryOp::kUnless:
      out = VectorUnless(l, r, matcher);
      break;
    default: {
      BinopContext ctx{*this, expr.op, m, expr.return_bool};
      out = VectorBinop(ctx, std::move(l), std::move(r));
    }
  }
  CheckUniqueLabelsets(out);
  return out;
}

}  // namespace opsagent::rules::promql::internal
