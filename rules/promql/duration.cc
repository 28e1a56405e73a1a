// Prometheus durations (model.ParseDuration / model.Duration.String) in milliseconds.
#include "rules/promql/duration.h"

#include <array>
#include <limits>

namespace opsagent::rules::promql {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ms;
};

// Descending, as a duration must list them; "ms" sorts after "s" because it is the smaller.
constexpr std::array<Unit, 7> kUnits = {{
    {"y", 365LL * 24 * 60 * 60 * 1000},
    {"w", 7LL * 24 * 60 * 60 * 1000},
    {"d", 24LL * 60 * 60 * 1000},
    {"h", 60LL * 60 * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
}};

// Prometheus keeps durations as time.Duration (int64 nanoseconds): the largest is ~292 years.
constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() / 1'000'000;

}  // namespace

std::optional<std::int64_t> ParsePromDuration(std::string_view text) {
  if (text == "0") return 0;
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_unit = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t digits_start = pos;
    std::int64_t n = 0;
    bool overflow = false;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (n > kMaxMs) {
        overflow = true;
      } else {
        n = n * 10 + (text[pos] - '0');
      }
      ++pos;
    }
    if (pos == digits_start) return std::nullopt;
    // Longest unit match first so "ms" is not read as "m" followed by "s".
    std::size_t unit = kUnits.size();
    for (std::size_t u = next_unit; u < kUnits.size(); ++u) {
      if (text.substr(pos).starts_with(kUnits[u].name) &&
          (unit == kUnits.size() || kUnits[u].name.size() > kUnits[unit].name.size())) {
        unit = u;
      }
    }
    if (unit == kUnits.size()) return std::nullopt;
    pos += kUnits[unit].name.size();
    next_unit = unit + 1;
    if (overflow || n > kMaxMs / kUnits[unit].ms) return std::nullopt;
    total += n * kUnits[unit].ms;
    if (total > kMaxMs) return std::nullopt;
  }
  return total;
}

std::string FormatPromDuration(std::int64_t ms) {
  if (ms == 0) return "0s";
  if (ms < 0) return "-" + FormatPromDuration(-ms);
  std::string out;
  for (std::size_t i = 0; i < kUnits.size(); ++i) {
    const Unit& unit = kUnits[i];
    // Years and weeks only when they divide exactly: 90d reads better than 12w6d.
    if (i < 2 && ms % unit.ms != 0) continue;
    if (const std::int64_t v = ms / unit.ms; v > 0) {
      out += std::to_string(v);
      out += unit.name;
      ms -= v * unit.ms;
    }
  }
  return out;
}

}  // namespace opsagent::rules::promql
