// LabelMatcher: one `name op "value"` condition of a PromQL selector (RE2, fully anchored).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/result.h"
#include "rules/store/labels.h"

namespace re2 {
class RE2;
}

namespace opsagent::rules {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

/// "=", "!=", "=~", "!~".
std::string_view MatchTypeString(MatchType type);

/// Thread-safety: immutable after Make; safe to share (RE2 is thread-safe for matching).
class LabelMatcher {
 public:
  /// Compiles regexes anchored as Prometheus does (`^(?:value)$`); an invalid regex is an error
  /// naming the pattern.
  static Result<LabelMatcher> Make(MatchType type, std::string name, std::string value);

  bool Matches(std::string_view value) const;
  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }
  /// True when the matcher accepts the empty string (so it also matches series without the label).
  bool MatchesEmpty() const { return Matches(""); }

  /// `name="value"` with the value quoted as PromQL prints it.
  std::string ToString() const;

  bool operator==(const LabelMatcher& other) const {
    return type_ == other.type_ && name_ == other.name_ && value_ == other.value_;
  }

 private:
  MatchType type_ = MatchType::kEqual;
  std::string name_;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;
};

/// True when every matcher accepts the series' value for its label ("" when absent).
bool MatchesAll(const std::vector<LabelMatcher>& matchers, const Labels& labels);

}  // namespace opsagent::rules
