// Series notation parsing: a hand-written scanner for the labels, then the expanding values.
#include "rules/series_notation.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "rules/store/series.h"

namespace opsagent::rules {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}
  void SkipSpaces() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  std::string_view Identifier(bool allow_colon) {
    std::size_t start = pos_;
    while (!AtEnd()) {
      char c = text_[pos_];
      if (IsIdentStart(c) || (allow_colon && c == ':') || (pos_ > start && IsDigit(c))) {
        ++pos_;
      } else {
        break;
      }
    }
    return text_.substr(start, pos_ - start);
  }
  Result<std::string> QuotedString();
  std::string_view Rest() const { return text_.substr(pos_); }
  std::size_t pos() const { return pos_; }

 private:
  Result<std::string> Escape(char quote);
  std::string_view text_;
  std::size_t pos_ = 0;
};

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

Result<std::string> Scanner::Escape(char quote) {
  if (AtEnd()) return Error{"unterminated escape sequence"};
  char c = text_[pos_++];
  switch (c) {
    case 'a':
      return std::string("\a");
    case 'b':
      return std::string("\b");
    case 'f':
      return std::string("\f");
    case 'n':
      return std::string("\n");
    case 'r':
      return std::string("\r");
    case 't':
      return std::string("\t");
    case 'v':
      return std::string("\v");
    case '\\':
      return std::string("\\");
    default:
      break;
  }
  if (c == quote) return std::string(1, c);
  int digits = 0, base = 16;
  if (c == 'x') {
    digits = 2;
  } else if (c == 'u') {
    digits = 4;
  } else if (c == 'U') {
    digits = 8;
  } else if (c >= '0' && c <= '7') {
    digits = 3;
    base = 8;
    --pos_;
  } else {
    return Error{std::string("unknown escape sequence \\") + c};
  }
  if (pos_ + digits > text_.size()) return Error{"unterminated escape sequence"};
  std::string hex(text_.substr(pos_, digits));
  char* end = nullptr;
  unsigned long cp = std::strtoul(hex.c_str(), &end, base);
  if (end != hex.c_str() + hex.size()) return Error{"invalid escape sequence"};
  pos_ += digits;
  std::string out;
  if (c == 'x' || base == 8) {
    out += static_cast<char>(cp);
  } else {
    AppendUtf8(out, static_cast<std::uint32_t>(cp));
  }
  return out;
}

Result<std::string> Scanner::QuotedString() {
  char quote = Peek();
  if (quote != '"' && quote != '\'' && quote != '`') return Error{"expected a quoted string"};
  ++pos_;
  std::string out;
  while (!AtEnd()) {
    char c = text_[pos_++];
    if (c == quote) return out;
    if (c == '\\' && quote != '`') {
      auto escaped = Escape(quote);
      if (!escaped.ok()) return escaped.error();
      out += *escaped;
    } else {
      out += c;
    }
  }
  return Error{"unterminated quoted string"};
}

Result<std::vector<Label>> ParseLabelSet(Scanner& s) {
  std::vector<Label> labels;
  for (;;) {
    s.SkipSpaces();
    if (s.Consume('}')) return labels;
    std::string_view name = s.Identifier(false);
    if (name.empty()) return Error{"expected a label name in \"" + std::string(s.Rest()) + "\""};
    s.SkipSpaces();
    if (!s.Consume('=')) return Error{"expected \"=\" after label " + std::string(name)};
    s.SkipSpaces();
    auto value = s.QuotedString();
    if (!value.ok()) return value.error();
    labels.push_back({std::string(name), *value});
    s.SkipSpaces();
    if (s.Consume(',')) continue;
    if (s.Consume('}')) return labels;
    return Error{"expected \",\" or \"}\" in label set"};
  }
}

// Splits off the labels part; `rest` gets what follows.
Result<Labels> ScanLabels(Scanner& s) {
  s.SkipSpaces();
  std::vector<Label> labels;
  std::string_view metric = s.Identifier(true);
  std::string lower;
  for (char c : metric) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Prometheus's lexer reads these as numbers, never as metric names.
  if (lower == "inf" || lower == "nan")
    return Error{"unexpected number \"" + std::string(metric) + "\""};
  if (!metric.empty()) labels.push_back({std::string(kMetricNameLabel), std::string(metric)});
  if (s.Consume('{')) {
    auto set = ParseLabelSet(s);
    if (!set.ok()) return set.error();
    labels.insert(labels.end(), set->begin(), set->end());
  } else if (metric.empty()) {
    return Error{"expected a metric name or \"{\""};
  }
  return Labels::FromVector(std::move(labels));
}

std::optional<double> ParseNumber(std::string_view text) {
  std::string s(text);
  if (s.empty()) return std::nullopt;
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string unsigned_part = lower[0] == '+' || lower[0] == '-' ? lower.substr(1) : lower;
  double sign = lower[0] == '-' ? -1 : 1;
  if (unsigned_part == "inf") return sign * HUGE_VAL;
  if (unsigned_part == "nan") return std::nan("");
  // Prometheus's lexer takes no hexadecimal here (`0x3` reads as a repeat); the parser then
  // tries an integer (a leading 0 means octal) before a float.
  if (s.find_first_of("xX") != std::string::npos) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(s.c_str(), &end, 0);
  if (end == s.c_str() + s.size() && errno == 0) {
    return n == 0 && s[0] == '-' ? -0.0 : static_cast<double>(n);
  }
  errno = 0;
  double f = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || (errno == ERANGE && std::isinf(f))) return std::nullopt;
  return f;
}

// Splits `a+bxN` style items into value, optional increment and optional count.
struct Item {
  std::string_view value;
  std::string_view increment;
  std::string_view times;
};

Item SplitItem(std::string_view word) {
  Item item;
  std::size_t x = word.rfind('x');
  // An `x` followed only by digits is the repeat count (series notation has no hex numbers).
  // As Prometheus's lexer, `NaNx3` or `stalex3` would be one identifier: only a number or `_`
  // may repeat.
  if (x != std::string_view::npos && x > 0 && x + 1 < word.size() &&
      (IsDigit(word[x - 1]) || word[x - 1] == '.' || word[x - 1] == '_') &&
      word.substr(x + 1).find_first_not_of("0123456789") == std::string_view::npos) {
    item.times = word.substr(x + 1);
    word = word.substr(0, x);
  }
  // The increment starts at a sign that is neither leading nor part of an exponent.
  for (std::size_t i = 1; i < word.size(); ++i) {
    char c = word[i];
    char prev = word[i - 1];
    if ((c == '+' || c == '-') && prev != 'e' && prev != 'E') {
      item.increment = word.substr(i);
      word = word.substr(0, i);
      break;
    }
  }
  item.value = word;
  return item;
}

Status ExpandItem(std::string_view word, SeriesValues& out) {
  Item item = SplitItem(word);
  std::optional<std::uint64_t> times;
  if (!item.times.empty()) times = std::strtoull(std::string(item.times).c_str(), nullptr, 10);
  if (item.value == "_") {
    if (!item.increment.empty())
      return Error{"unexpected increment after \"_\" in " + std::string(word)};
    for (std::uint64_t i = 0; i < (times ? *times : 1); ++i) out.push_back(std::nullopt);
    return Status::Ok();
  }
  std::optional<double> value;
  if (item.value == "stale") {
    value = StaleMarker();
  } else {
    value = ParseNumber(item.value);
  }
  if (!value) return Error{"invalid value \"" + std::string(word) + "\" in series values"};
  double increment = 0;
  if (!item.increment.empty()) {
    auto inc = ParseNumber(item.increment);
    if (!inc || !times)
      return Error{"invalid value \"" + std::string(word) + "\" in series values"};
    increment = *inc;
  }
  if (!times) {
    out.push_back(*value);
    return Status::Ok();
  }
  // N repetitions plus the value at time 0.
  double v = *value;
  for (std::uint64_t i = 0; i <= *times; ++i) {
    out.push_back(v);
    v += increment;
  }
  return Status::Ok();
}

}  // namespace

Result<SeriesValues> ParseSeriesValues(std::string_view text) {
  SeriesValues out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && IsSpace(text[pos])) ++pos;
    std::size_t start = pos;
    while (pos < text.size() && !IsSpace(text[pos])) ++pos;
    if (pos == start) break;
    Status status = ExpandItem(text.substr(start, pos - start), out);
    if (!status.ok()) return Error{status.message()};
  }
  return out;
}

Result<Labels> ParseSeriesLabels(std::string_view text) {
  Scanner s(text);
  auto labels = ScanLabels(s);
  if (!labels.ok()) return labels.error();
  s.SkipSpaces();
  if (!s.AtEnd()) return Error{"unexpected \"" + std::string(s.Rest()) + "\" after the labels"};
  return labels;
}

Result<SeriesDescription> ParseSeriesDescription(std::string_view text) {
  Scanner s(text);
  auto labels = ScanLabels(s);
  if (!labels.ok()) return labels.error();
  auto values = ParseSeriesValues(s.Rest());
  if (!values.ok()) return values.error();
  return SeriesDescription{std::move(*labels), std::move(*values)};
}

Result<SeriesDescription> ParseSeriesDescription(std::string_view labels, std::string_view values) {
  auto parsed_labels = ParseSeriesLabels(labels);
  if (!parsed_labels.ok()) return parsed_labels.error();
  auto parsed_values = ParseSeriesValues(values);
  if (!parsed_values.ok()) return parsed_values.error();
  return SeriesDescription{std::move(*parsed_labels), std::move(*parsed_values)};
}

}  // namespace opsagent::rules
