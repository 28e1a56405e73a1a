// Shared pieces of the API: envelopes, parameter parsing and time formatting as Prometheus's
// web/api/v1 does them, so clients (promtool, Grafana) see the same shapes and errors.
#include <httplib.h>

#include <charconv>
#include <cmath>
#include <ctime>

#include "agent/api/api.h"
#include "agent/api/json.h"
#include "rules/promql/duration.h"

namespace opsagent::api {
namespace {

constexpr char kJsonContentType[] = "application/json";

// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm), so RFC 3339 parsing does
// not depend on the process's time zone (timegm is a GNU extension; this is exact and pure).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool ReadInt(std::string_view s, std::size_t pos, std::size_t len, int* out) {
  if (pos + len > s.size()) return false;
  auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, *out);
  return ec == std::errc() && ptr == s.data() + pos + len;
}

// RFC 3339: 2006-01-02T15:04:05[.frac](Z|+hh:mm|-hh:mm).
std::optional<std::int64_t> ParseRfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':' || !ReadInt(s, 0, 4, &year) || !ReadInt(s, 5, 2, &month) ||
      !ReadInt(s, 8, 2, &day) || !ReadInt(s, 11, 2, &hour) || !ReadInt(s, 14, 2, &minute) ||
      !ReadInt(s, 17, 2, &second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    std::int64_t scale = 100;
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
    }
  }
  std::int64_t offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh, om;
    if (!ReadInt(s, pos + 1, 2, &oh) || !ReadInt(s, pos + 4, 2, &om)) return std::nullopt;
    offset_minutes = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  const std::int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace

void WriteError(httplib::Response& res, int http_status, std::string_view type,
                std::string_view message) {
  Json body = {
      {"status", "error"}, {"errorType", std::string(type)}, {"error", std::string(message)}};
  res.status = http_status;
  res.set_content(Dump(body), kJsonContentType);
}

void WriteSuccess(httplib::Response& res, const std::string& data_json) {
  res.status = 200;
  res.set_content("{\"status\":\"success\",\"data\":" + data_json + "}", kJsonContentType);
}

Result<std::int64_t> ParseTimeParam(std::string_view text) {
  double seconds = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(seconds)) {
    return static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  }
  if (auto ms = ParseRfc3339(text)) return *ms;
  return Error{"cannot parse \"" + std::string(text) + "\" to a valid timestamp"};
}

Result<std::int64_t> ParseDurationParam(std::string_view text) {
  double seconds = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    if (!std::isfinite(seconds) || seconds * 1000.0 > 9.2e18 || seconds * 1000.0 < -9.2e18) {
      return Error{"cannot parse \"" + std::string(text) +
                   "\" to a valid duration. It overflows int64"};
    }
    return static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  }
  if (auto ms = rules::promql::ParsePromDuration(text)) return *ms;
  return Error{"cannot parse \"" + std::string(text) + "\" to a valid duration"};
}

double JsonTimestamp(std::int64_t t_ms) { return static_cast<double>(t_ms) / 1000.0; }

std::string FormatRfc3339(std::int64_t t_ms) {
  const std::time_t seconds =
      static_cast<std::time_t>(t_ms >= 0 ? t_ms / 1000 : (t_ms - 999) / 1000);
  const int millis = static_cast<int>(t_ms - static_cast<std::int64_t>(seconds) * 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  if (millis != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", millis);
    std::string f(frac);
    while (f.back() == '0') f.pop_back();  // Go's RFC3339Nano trims trailing zeros
    out += f;
  }
  return out + "Z";
}

}  // namespace opsagent::api
