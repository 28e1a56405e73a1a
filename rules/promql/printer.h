// PromQL printer: AST back to text, as Prometheus's Expr.String() does, so it round-trips.
#pragma once

#include <string>

#include "rules/promql/ast.h"

namespace opsagent::rules::promql {

/// The canonical text of `expr` (Prometheus's String()); ParseExpr(Print(e)) yields an equal tree.
std::string Print(const Expr& expr);

}  // namespace opsagent::rules::promql
