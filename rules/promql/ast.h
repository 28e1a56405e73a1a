// PromQL abstract syntax tree, as Prometheus's promql/parser/ast.go shapes it (subset).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/promql/value.h"
#include "rules/store/matcher.h"

namespace opsagent::rules::promql {

/// Byte offsets [start, end) into the expression text.
struct PosRange {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
};

enum class ExprKind {
  kNumber,
  kString,
  kVectorSelector,
  kMatrixSelector,
  kParen,
  kUnary,
  kBinary,
  kAggregate,
  kCall,
};

struct Expr {
  explicit Expr(ExprKind k) : kind(k) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  /// The type the expression evaluates to (Prometheus's Expr.Type()).
  virtual ValueType Type() const = 0;

  const ExprKind kind;
  PosRange pos;
};
using ExprPtr = std::unique_ptr<Expr>;

struct NumberLiteral final : Expr {
  NumberLiteral() : Expr(ExprKind::kNumber) {}
  ValueType Type() const override { return ValueType::kScalar; }
  double value = 0;
};

struct StringLiteral final : Expr {
  StringLiteral() : Expr(ExprKind::kString) {}
  ValueType Type() const override { return ValueType::kString; }
  std::string value;  ///< unquoted, escapes resolved
};

struct VectorSelector final : Expr {
  VectorSelector() : Expr(ExprKind::kVectorSelector) {}
  ValueType Type() const override { return ValueType::kVector; }
  std::string name;                    ///< metric name, "" when only matchers were given
  std::vector<LabelMatcher> matchers;  ///< includes `__name__="name"` when name is set
  std::int64_t offset_ms = 0;          ///< positive looks back; negative offsets are allowed
};

struct MatrixSelector final : Expr {
  MatrixSelector() : Expr(ExprKind::kMatrixSelector) {}
  ValueType Type() const override { return ValueType::kMatrix; }
  std::unique_ptr<VectorSelector> selector;
  std::int64_t range_ms = 0;
};

struct ParenExpr final : Expr {
  ParenExpr() : Expr(ExprKind::kParen) {}
  ValueType Type() const override { return expr->Type(); }
  ExprPtr expr;
};

struct UnaryExpr final : Expr {
  UnaryExpr() : Expr(ExprKind::kUnary) {}
  ValueType Type() const override { return expr->Type(); }
  char op = '-';  ///< '-' or '+'
  ExprPtr expr;
};

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEql,
  kNeq,
  kGtr,
  kLss,
  kGte,
  kLte,
  kAnd,
  kOr,
  kUnless,
};

/// "+", "==", "and", ...
const char* BinaryOpString(BinaryOp op);
bool IsComparison(BinaryOp op);
bool IsSetOperator(BinaryOp op);

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };

/// `on(...)`/`ignoring(...)` and `group_left(...)`/`group_right(...)`.
struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  std::vector<std::string> matching_labels;  ///< the on/ignoring list
  bool on = false;                           ///< true: on(); false: ignoring() (or none given)
  bool matching_given = false;               ///< an on/ignoring clause was written (printer)
  std::vector<std::string> include;          ///< group_x extra labels
};

struct BinaryExpr final : Expr {
  BinaryExpr() : Expr(ExprKind::kBinary) {}
  ValueType Type() const override {
    return lhs->Type() == ValueType::kScalar && rhs->Type() == ValueType::kScalar
               ? ValueType::kScalar
               : ValueType::kVector;
  }
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool return_bool = false;
  /// Set when both sides are vectors (Prometheus leaves it nil otherwise).
  std::optional<VectorMatching> matching;
};

enum class AggregateOp {
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kQuantile,
  kCountValues,
};

const char* AggregateOpString(AggregateOp op);

struct AggregateExpr final : Expr {
  AggregateExpr() : Expr(ExprKind::kAggregate) {}
  ValueType Type() const override { return ValueType::kVector; }
  AggregateOp op = AggregateOp::kSum;
  ExprPtr param;  ///< topk/bottomk/quantile/count_values only
  ExprPtr expr;
  std::vector<std::string> grouping;
  bool without = false;
  bool grouping_given = false;  ///< a by/without clause was written (`sum by () (x)` prints as
                                ///< `sum(x)`, as in Prometheus)
};

/// A function's signature, from the table in rules/promql/functions.cc.
struct FunctionSignature {
  std::string name;
  std::vector<ValueType> arg_types;
  int variadic = 0;  ///< 0: exactly arg_types; -1: last may repeat; n > 0: up to n optional
  ValueType return_type = ValueType::kVector;
};

struct Call final : Expr {
  Call() : Expr(ExprKind::kCall) {}
  ValueType Type() const override { return func->return_type; }
  const FunctionSignature* func = nullptr;
  std::vector<ExprPtr> args;
};

}  // namespace opsagent::rules::promql
