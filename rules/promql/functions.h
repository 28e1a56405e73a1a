// The table of PromQL function signatures opsagent implements (evaluated in rules/promql/eval_*).
#pragma once

#include <string_view>

#include "rules/promql/ast.h"

namespace opsagent::rules::promql {

/// The signature of a function in opsagent's subset, or nullptr.
const FunctionSignature* LookupFunction(std::string_view name);

/// True for a function Prometheus has but opsagent does not implement (the parser then says
/// "function X is not supported by opsagent" instead of "unknown function").
bool IsUnsupportedPrometheusFunction(std::string_view name);

}  // namespace opsagent::rules::promql
