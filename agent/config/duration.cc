// Prometheus duration parsing and formatting.
#include "agent/config/duration.h"

#include <array>
#include <cstdint>
#include <limits>

namespace opsagent::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Descending order: each unit in a duration must come after all larger ones ("1h30m", not "30m1h").
constexpr std::array<Unit, 7> kUnits = {{{"y", 365LL * 24 * 3600 * 1000},
                                         {"w", 7LL * 24 * 3600 * 1000},
                                         {"d", 24LL * 3600 * 1000},
                                         {"h", 3600LL * 1000},
                                         {"m", 60LL * 1000},
                                         {"s", 1000},
                                         {"ms", 1}}};

// Matches the unit at the start of `text`; "ms" must win over "m".
int MatchUnit(std::string_view text) {
  if (text.substr(0, 2) == "ms") return 6;
  for (int i = 0; i < 6; ++i) {
    if (!text.empty() && text.substr(0, 1) == kUnits[i].suffix) return i;
  }
  return -1;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return std::chrono::milliseconds(0);
  std::int64_t total = 0;
  int last_unit = -1;
  while (!text.empty()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
      if (number > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
      number = number * 10 + (text[digits] - '0');
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    text.remove_prefix(digits);
    int unit = MatchUnit(text);
    if (unit < 0 || unit <= last_unit) return std::nullopt;
    if (number > std::numeric_limits<std::int64_t>::max() / kUnits[unit].millis)
      return std::nullopt;
    std::int64_t add = number * kUnits[unit].millis;
    if (total > std::numeric_limits<std::int64_t>::max() - add) return std::nullopt;
    total += add;
    text.remove_prefix(kUnits[unit].suffix.size());
    last_unit = unit;
  }
  return std::chrono::milliseconds(total);
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  std::int64_t ms = duration.count();
  if (ms == 0) return "0s";
  std::string out;
  for (const Unit& unit : kUnits) {
    if (ms >= unit.millis) {
      out += std::to_string(ms / unit.millis);
      out += unit.suffix;
      ms %= unit.millis;
    }
  }
  return out;
}

}  // namespace opsagent::config
