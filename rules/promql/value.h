// PromQL values: scalar, string, instant vector and range vector (matrix).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "rules/store/labels.h"
#include "rules/store/series.h"

namespace opsagent::rules::promql {

enum class ValueType { kNone, kScalar, kString, kVector, kMatrix };

/// "scalar", "string", "instant vector", "range vector" as Prometheus names them in errors.
const char* ValueTypeName(ValueType type);

struct Scalar {
  std::int64_t t = 0;
  double v = 0;
};

struct String {
  std::int64_t t = 0;
  std::string v;
};

/// One element of an instant vector.
struct Sample {
  Labels labels;
  std::int64_t t = 0;
  double v = 0;
};
using Vector = std::vector<Sample>;

/// A range vector: series with their points inside the selector's range.
using Matrix = std::vector<Series>;

using Value = std::variant<Scalar, String, Vector, Matrix>;

}  // namespace opsagent::rules::promql
