// PromQL parser: expression text to AST (Prometheus's promql/parser, restricted to our subset).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/promql/ast.h"
#include "rules/store/matcher.h"

namespace opsagent::rules::promql {

/// A parse error at a byte range of the input. Constructs outside opsagent's subset (subqueries,
/// `@`, functions we do not implement, ...) are errors too, naming the construct.
struct ParseError {
  std::string message;  ///< without position, e.g. `unexpected "}" in label matching`
  PosRange pos;
};

/// 1-based line and column (column counted in bytes) of a byte offset, for `FILE:LINE:COL`.
struct LineColumn {
  int line = 1;
  int column = 1;
};
LineColumn PositionOf(std::string_view input, std::uint32_t offset);

/// Prometheus's ParseErr.Error() text: `1:5: parse error: unexpected ...` (line:col of pos.start).
std::string FormatParseError(std::string_view input, const ParseError& error);

/// Parses and type-checks `input`. Returns nullptr and fills `*error` on failure.
ExprPtr ParseExpr(std::string_view input, ParseError* error);

/// Parses a bare series selector (`up{job="x"}`, `{__name__=~"a.*"}`), as used by the API's
/// `match[]` parameter. Returns false and fills `*error` on failure.
bool ParseMetricSelector(std::string_view input, std::vector<LabelMatcher>* matchers,
                         ParseError* error);

}  // namespace opsagent::rules::promql
