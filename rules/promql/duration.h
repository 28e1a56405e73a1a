// Prometheus durations (model.Duration): `1h30m`, `5m`, `250ms`, `1y`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace opsagent::rules::promql {

/// Parses a Prometheus duration into milliseconds: units ms, s, m, h, d, w, y (y = 365 d), each
/// at most once and in descending order; "0" is allowed. nullopt when malformed or overflowing.
std::optional<std::int64_t> ParsePromDuration(std::string_view text);

/// model.Duration.String(): `1h30m`, `5m`, `0s`, `1y`, `1w`.
std::string FormatPromDuration(std::int64_t ms);

}  // namespace opsagent::rules::promql
