// promtool / promqltest series notation: `metric{a="b"} 1+2x3 _ stale` expanded to values.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "collectors/result.h"
#include "rules/store/labels.h"

namespace opsagent::rules {

/// One expanded value per step: nullopt for `_` (no sample at that step), StaleMarker() for
/// `stale`.
using SeriesValues = std::vector<std::optional<double>>;

struct SeriesDescription {
  Labels labels;
  SeriesValues values;
};

/// Expands the values part as Prometheus 2.42's parser does: `a` one value; `axN` and `a+bxN`
/// (or `a-bxN`) N+1 values a, a+b, ..., a+N*b; `_` one missing value; `_xN` N missing values;
/// `stale` a stale marker; numbers as PromQL's but without hex (`Inf`, `NaN`, `1e3`, `010` octal,
/// signed).
Result<SeriesValues> ParseSeriesValues(std::string_view text);

/// Parses `metric{name="value", ...}`, `{__name__="m"}` or a bare `metric` (equality only).
Result<Labels> ParseSeriesLabels(std::string_view text);

/// A whole `load` line: labels then values.
Result<SeriesDescription> ParseSeriesDescription(std::string_view text);

/// promtool's input_series, whose `series:` and `values:` are separate YAML fields.
Result<SeriesDescription> ParseSeriesDescription(std::string_view labels, std::string_view values);

}  // namespace opsagent::rules
