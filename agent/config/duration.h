// Prometheus-style durations ("500ms", "10s", "1h30m") used throughout the config.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace opsagent::config {

/// Parses a Prometheus duration: one or more <integer><unit> pairs with units ms, s, m, h, d, w, y
/// in descending order ("1h30m", "90s", "250ms"). Returns nullopt for anything else, including
/// an empty string, negative numbers, fractions and units out of order.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

/// Formats like Prometheus ("1m30s", "250ms", "0s").
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace opsagent::config
