// promtool's rule unit-test file format: strict YAML decoding and failure text.
#include "rules/unittest_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <regex>
#include <set>

#include "rules/promql/duration.h"

namespace opsagent::rules {
namespace {

// The line yaml.v2 names for a node (its marks are 1-based, yaml-cpp's 0-based).
int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

bool IsPlainNull(const YAML::Node& node) {
  if (node.IsNull()) return true;
  if (!node.IsScalar() || node.Tag() != "?") return false;
  const std::string& v = node.Scalar();
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

bool IsYamlBool(std::string_view v) {
  static const std::set<std::string_view> kBools = {
      "y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
      "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
  return kBools.count(v) > 0;
}

bool IsYamlInt(const std::string& v) {
  static const std::regex kInt("[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0b[01_]+|0[0-7_]+)");
  return std::regex_match(v, kInt);
}

bool IsYamlFloat(const std::string& v) {
  static const std::regex kFloat(
      "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|"
      "\\.(nan|NaN|NAN)");
  return std::regex_match(v, kFloat);
}

// yaml.v2's tag for a node, as its "cannot unmarshal" errors name it.
std::string TagOf(const YAML::Node& node) {
  if (node.IsSequence()) return "!!seq";
  if (node.IsMap()) return "!!map";
  if (IsPlainNull(node)) return "!!null";
  if (node.Tag() != "?") return "!!str";  // quoted or explicitly tagged: a string
  const std::string& v = node.Scalar();
  if (IsYamlBool(v)) return "!!bool";
  if (IsYamlInt(v)) return "!!int";
  if (IsYamlFloat(v)) return "!!float";
  return "!!str";
}

std::string Quote(std::string_view s) { return QuoteGo(s); }

// Decodes nodes into the model the way yaml.v2's UnmarshalStrict does: type errors and unknown
// fields are collected; a fatal error (bad duration) stops everything.
class Decoder {
 public:
  explicit Decoder(UnitTestFileParse* out) : out_(out) {}

  bool stopped() const { return out_->fatal.has_value(); }

  void TypeError(const YAML::Node& node, std::string_view into) {
    std::string tag = TagOf(node);
    std::string what = node.IsScalar() ? tag + " `" + node.Scalar() + "`" : tag;
    out_->problems.push_back(
        {LineOf(node), "cannot unmarshal " + what + " into " + std::string(into)});
  }

  void String(const YAML::Node& node, std::string* value) {
    if (IsPlainNull(node)) return;
    if (!node.IsScalar()) return TypeError(node, "string");
    *value = node.Scalar();
  }

  void Duration(const YAML::Node& node, std::int64_t* ms) {
    if (IsPlainNull(node)) return;
    std::string text;
    std::size_t before = out_->problems.size();
    String(node, &text);
    if (out_->problems.size() != before) return;
    std::optional<std::int64_t> parsed = promql::ParsePromDuration(text);
    if (!parsed || *parsed < 0) {
      out_->fatal = TestFileProblem{LineOf(node), "not a valid duration string: " + Quote(text)};
      return;
    }
    *ms = *parsed;
  }

  void Float(const YAML::Node& node, double* value) {
    if (IsPlainNull(node)) return;
    std::string tag = TagOf(node);
    if (tag != "!!int" && tag != "!!float") return TypeError(node, "float64");
    *value = ParseYamlNumber(node.Scalar());
  }

  void StringList(const YAML::Node& node, std::vector<std::string>* values) {
    List(node, "[]string", [&](const YAML::Node& item) {
      values->emplace_back();
      String(item, &values->back());
    });
  }

  // map[string]string, sorted into a label list (empty values kept, as labels.FromMap does).
  void StringMap(const YAML::Node& node, LabelList* labels) {
    if (IsPlainNull(node)) return;
    if (!node.IsMap()) return TypeError(node, "map[string]string");
    for (auto it = node.begin(); it != node.end() && !stopped(); ++it) {
      Label label;
      String(it->first, &label.name);
      String(it->second, &label.value);
      if (std::erase_if(*labels, [&](const Label& l) { return l.name == label.name; }) > 0) {
        out_->problems.push_back(
            {LineOf(it->first), "key " + Quote(label.name) + " already set in map"});
      }
      labels->push_back(std::move(label));
    }
    *labels = SortedLabels(std::move(*labels));
  }

  void List(const YAML::Node& node, std::string_view type,
            const std::function<void(const YAML::Node&)>& item) {
    if (IsPlainNull(node)) return;
    if (!node.IsSequence()) return TypeError(node, type);
    for (const auto& element : node) {
      if (stopped()) return;
      item(element);
    }
  }

  // A struct: every key must be a known field; `field` returns false for unknown names.
  void Struct(const YAML::Node& node, std::string_view type,
              const std::function<bool(const std::string&, const YAML::Node&)>& field) {
    if (IsPlainNull(node)) return;
    if (!node.IsMap()) return TypeError(node, type);
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end() && !stopped(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (!seen.insert(key).second) {
        out_->problems.push_back(
            {LineOf(it->first), "field " + key + " already set in type " + std::string(type)});
        continue;
      }
      if (!field(key, it->second)) {
        out_->problems.push_back(
            {LineOf(it->first), "field " + key + " not found in type " + std::string(type)});
      }
    }
  }

 private:
  static double ParseYamlNumber(std::string text) {
    std::erase(text, '_');
    std::string_view v = text;
    bool negative = !v.empty() && v[0] == '-';
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
    double magnitude;
    if (v == ".inf" || v == ".Inf" || v == ".INF") {
      magnitude = INFINITY;
    } else if (v == ".nan" || v == ".NaN" || v == ".NAN") {
      return NAN;
    } else if (v.starts_with("0x") || v.starts_with("0b")) {
      magnitude = static_cast<double>(
          std::strtoull(std::string(v.substr(2)).c_str(), nullptr, v[1] == 'x' ? 16 : 2));
    } else if (v.size() > 1 && v[0] == '0' && IsYamlInt(std::string(v))) {
      magnitude = static_cast<double>(std::strtoull(std::string(v).c_str(), nullptr, 8));
    } else {
      magnitude = std::strtod(std::string(v).c_str(), nullptr);
    }
    return negative ? -magnitude : magnitude;
  }

  UnitTestFileParse* out_;
};

void DecodeExpAlert(Decoder& d, const YAML::Node& node, ExpAlert* alert) {
  d.Struct(node, "main.alert", [&](const std::string& key, const YAML::Node& value) {
    if (key == "exp_labels") {
      d.StringMap(value, &alert->labels);
    } else if (key == "exp_annotations") {
      d.StringMap(value, &alert->annotations);
    } else {
      return false;
    }
    return true;
  });
}

void DecodeAlertTest(Decoder& d, const YAML::Node& node, AlertTestCase* test) {
  test->line = LineOf(node);
  d.Struct(node, "main.alertTestCase", [&](const std::string& key, const YAML::Node& value) {
    if (key == "eval_time") {
      d.Duration(value, &test->eval_time_ms);
    } else if (key == "alertname") {
      d.String(value, &test->alertname);
    } else if (key == "exp_alerts") {
      d.List(value, "[]main.alert", [&](const YAML::Node& item) {
        test->exp_alerts.emplace_back();
        DecodeExpAlert(d, item, &test->exp_alerts.back());
      });
    } else {
      return false;
    }
    return true;
  });
}

void DecodeSample(Decoder& d, const YAML::Node& node, ExpSample* sample) {
  d.Struct(node, "main.sample", [&](const std::string& key, const YAML::Node& value) {
    if (key == "labels") {
      d.String(value, &sample->labels);
    } else if (key == "value") {
      d.Float(value, &sample->value);
    } else {
      return false;
    }
    return true;
  });
}

void DecodePromqlTest(Decoder& d, const YAML::Node& node, PromqlTestCase* test) {
  test->line = LineOf(node);
  d.Struct(node, "main.promqlTestCase", [&](const std::string& key, const YAML::Node& value) {
    if (key == "expr") {
      d.String(value, &test->expr);
    } else if (key == "eval_time") {
      d.Duration(value, &test->eval_time_ms);
    } else if (key == "exp_samples") {
      d.List(value, "[]main.sample", [&](const YAML::Node& item) {
        test->exp_samples.emplace_back();
        DecodeSample(d, item, &test->exp_samples.back());
      });
    } else {
      return false;
    }
    return true;
  });
}

void DecodeSeries(Decoder& d, const YAML::Node& node, InputSeries* series) {
  series->line = LineOf(node);
  d.Struct(node, "main.series", [&](const std::string& key, const YAML::Node& value) {
    if (key == "series") {
      d.String(value, &series->series);
    } else if (key == "values") {
      d.String(value, &series->values);
    } else {
      return false;
    }
    return true;
  });
}

bool DecodeTestGroupField(Decoder& d, const std::string& key, const YAML::Node& value,
                          TestGroup* group) {
  if (key == "interval") {
    d.Duration(value, &group->interval_ms);
  } else if (key == "input_series") {
    d.List(value, "[]main.series", [&](const YAML::Node& item) {
      group->input_series.emplace_back();
      DecodeSeries(d, item, &group->input_series.back());
    });
  } else if (key == "alert_rule_test") {
    d.List(value, "[]main.alertTestCase", [&](const YAML::Node& item) {
      group->alert_rule_test.emplace_back();
      DecodeAlertTest(d, item, &group->alert_rule_test.back());
    });
  } else if (key == "promql_expr_test") {
    d.List(value, "[]main.promqlTestCase", [&](const YAML::Node& item) {
      group->promql_expr_test.emplace_back();
      DecodePromqlTest(d, item, &group->promql_expr_test.back());
    });
  } else if (key == "external_labels") {
    d.StringMap(value, &group->external_labels);
  } else if (key == "external_url") {
    d.String(value, &group->external_url);
  } else if (key == "name") {
    d.String(value, &group->name);
  } else {
    return false;
  }
  return true;
}

void DecodeFile(Decoder& d, const YAML::Node& root, UnitTestFile* file) {
  d.Struct(root, "main.unitTestFile", [&](const std::string& key, const YAML::Node& value) {
    if (key == "rule_files") {
      d.StringList(value, &file->rule_files);
    } else if (key == "evaluation_interval") {
      d.Duration(value, &file->evaluation_interval_ms);
    } else if (key == "group_eval_order") {
      d.StringList(value, &file->group_eval_order);
    } else if (key == "tests") {
      d.List(value, "[]main.testGroup", [&](const YAML::Node& item) {
        file->tests.emplace_back();
        TestGroup* group = &file->tests.back();
        group->line = LineOf(item);
        d.Struct(item, "main.testGroup", [&](const std::string& k, const YAML::Node& v) {
          return DecodeTestGroupField(d, k, v, group);
        });
      });
    } else {
      return false;
    }
    return true;
  });
}

// promtool's YAML errors come from libyaml; the usual syntax errors get libyaml's wording (the
// line yaml-cpp names can still differ for unclosed flow collections, which libyaml reports at
// their start).
std::string LibyamlWording(const std::string& message) {
  static const std::pair<std::string_view, std::string_view> kWordings[] = {
      {"illegal map value", "mapping values are not allowed in this context"},
      {"end of sequence flow not found", "did not find expected ',' or ']'"},
      {"end of map flow not found", "did not find expected ',' or '}'"},
      {"end of map not found", "did not find expected key"},
      {"unknown escape character", "found unknown escape character"},
  };
  for (const auto& [from, to] : kWordings) {
    if (message.starts_with(from)) return std::string(to);
  }
  return message;
}

}  // namespace

UnitTestFileParse ParseUnitTestFile(std::string_view text) {
  UnitTestFileParse parse;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    parse.fatal = TestFileProblem{e.mark.line + 1, "yaml: line " + std::to_string(e.mark.line + 1) +
                                                       ": " + LibyamlWording(e.msg)};
    return parse;
  }
  Decoder decoder(&parse);
  DecodeFile(decoder, root, &parse.file);
  if (parse.fatal) parse.problems.clear();
  return parse;
}

std::string FormatParseProblems(const UnitTestFileParse& parse) {
  if (parse.fatal) return parse.fatal->message;
  std::string text = "yaml: unmarshal errors:";
  for (const auto& problem : parse.problems) {
    text += "\n  line " + std::to_string(problem.line) + ": " + problem.message;
  }
  return text;
}

std::vector<std::string> DescribeParseProblems(std::string_view file,
                                               const UnitTestFileParse& parse) {
  std::vector<std::string> lines;
  auto describe = [&](const TestFileProblem& p) {
    lines.push_back(std::string(file) + ":" + std::to_string(p.line) + ": " + p.message);
  };
  if (parse.fatal) describe(*parse.fatal);
  for (const auto& problem : parse.problems) describe(problem);
  return lines;
}

namespace {

// A token of metric notation, with the byte offset the parse errors point at.
struct MetricToken {
  enum Kind {
    kIdent,
    kString,
    kNumber,
    kLeftBrace,
    kRightBrace,
    kComma,
    kEqual,
    kOp,
    kEnd,
    kBad
  } kind;
  std::size_t pos = 0;
  std::string text;  ///< the token as written (strings: unquoted value in `value`)
  std::string value;
};

std::string Describe(const MetricToken& token) {
  switch (token.kind) {
    case MetricToken::kIdent:
      return "identifier " + QuoteGo(token.text);
    case MetricToken::kString:
      return "string " + QuoteGo(token.text);
    case MetricToken::kNumber:
      return "number " + QuoteGo(token.text);
    case MetricToken::kOp:
      return "<op:" + token.text + ">";
    case MetricToken::kEnd:
      return "end of input";
    default:
      return QuoteGo(token.text);
  }
}

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c, bool colon) {
  return IsIdentStart(c) || std::isdigit(static_cast<unsigned char>(c)) || (colon && c == ':');
}

void AppendUtf8(std::uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xc0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xe0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    *out += static_cast<char>(0xf0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Reads `digits` digits of `base` at body[i+1...]; false when they are not all there.
bool ReadEscapeDigits(std::string_view body, std::size_t i, int digits, int base,
                      std::uint32_t* value) {
  if (i + digits >= body.size()) return false;
  std::string text(body.substr(i + 1, digits));
  char* end = nullptr;
  *value = static_cast<std::uint32_t>(std::strtoul(text.c_str(), &end, base));
  return end == text.c_str() + text.size();
}

// One escape at body[i] (after the backslash): appends it and returns the chars consumed.
Result<std::size_t> Unescape(std::string_view body, std::size_t i, char quote, std::string* out) {
  static const std::string_view kFrom = "abfnrtv\\", kTo = "\a\b\f\n\r\t\v\\";
  char c = body[i];
  if (std::size_t k = kFrom.find(c); k != std::string_view::npos) {
    *out += kTo[k];
    return std::size_t{1};
  }
  if (c == quote) {
    *out += c;
    return std::size_t{1};
  }
  std::uint32_t value = 0;
  int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : (c >= '0' && c <= '7') ? 3 : 0;
  if (digits == 0) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "unknown escape sequence U+%04X '%c'", c, c);
    return Error{buf};
  }
  std::size_t from = c >= '0' && c <= '7' ? i - 1 : i;
  if (!ReadEscapeDigits(body, from, digits, c == 'x' || c == 'u' || c == 'U' ? 16 : 8, &value)) {
    return Error{"illegal character in escape sequence"};
  }
  if (c == 'u' || c == 'U') {
    AppendUtf8(value, out);
  } else {
    *out += static_cast<char>(value);
  }
  return static_cast<std::size_t>(c >= '0' && c <= '7' ? digits : digits + 1);
}

// Go's strconv.Unquote for "...", '...' and `...`, with the lexer's escape errors.
Result<std::string> UnquoteGo(std::string_view quoted) {
  char q = quoted.front();
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  if (q == '`') return std::string(body);
  std::string out;
  for (std::size_t i = 0; i < body.size();) {
    if (body[i] != '\\') {
      out += body[i++];
      continue;
    }
    if (++i >= body.size()) return Error{"escape sequence not terminated"};
    Result<std::size_t> used = Unescape(body, i, q, &out);
    if (!used.ok()) return used.error();
    i += *used;
  }
  return out;
}

// Splits metric notation into tokens; a lexer error becomes one kBad token with its message.
class MetricLexer {
 public:
  explicit MetricLexer(std::string_view text) : text_(text) {}

  MetricToken Next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    MetricToken token{MetricToken::kEnd, pos_, "", ""};
    if (pos_ >= text_.size()) {
      if (in_braces_) return Bad(pos_, "unexpected end of input inside braces");
      return token;
    }
    char c = text_[pos_];
    if (IsIdentStart(c) || (!in_braces_ && c == ':')) {
      std::size_t start = pos_;
      while (pos_ < text_.size() && IsIdentChar(text_[pos_], !in_braces_)) ++pos_;
      return {MetricToken::kIdent, start, std::string(text_.substr(start, pos_ - start)), ""};
    }
    if (std::isdigit(static_cast<unsigned char>(c)) && !in_braces_) return Number();
    if (c == '{' || (c == '}' && in_braces_) || c == ',') {
      if (c == '{') in_braces_ = true;
      if (c == '}') in_braces_ = false;
      ++pos_;
      auto kind = c == '{' ? MetricToken::kLeftBrace
                           : (c == '}' ? MetricToken::kRightBrace : MetricToken::kComma);
      return {kind, pos_ - 1, std::string(1, c), ""};
    }
    if (in_braces_ && (c == '=' || c == '!')) {
      std::size_t start = pos_++;
      if (pos_ < text_.size() && (text_[pos_] == '~' || (c == '!' && text_[pos_] == '='))) {
        ++pos_;
        return {MetricToken::kOp, start, std::string(text_.substr(start, 2)), ""};
      }
      if (c == '=') return {MetricToken::kEqual, start, "=", ""};
      return Bad(start, "unexpected character inside braces: '!'");
    }
    if (in_braces_ && (c == '"' || c == '\'' || c == '`')) return String(c);
    std::string where = in_braces_ ? " inside braces" : "";
    return Bad(pos_, "unexpected character" + where + ": '" + std::string(1, c) + "'");
  }

 private:
  // A number is never valid in metric notation; only its error text matters.
  MetricToken Number() {
    std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) {
      ++pos_;
    }
    std::string digits(text_.substr(start, pos_ - start));
    if (pos_ < text_.size() && std::isalnum(static_cast<unsigned char>(text_[pos_]))) {
      return Bad(start, "bad number or duration syntax: " + QuoteGo(digits));
    }
    return {MetricToken::kNumber, start, digits, ""};
  }

  MetricToken String(char quote) {
    std::size_t start = pos_++;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && quote != '`') ++pos_;
      ++pos_;
    }
    if (pos_ >= text_.size()) return Bad(start, "unterminated quoted string");
    ++pos_;
    MetricToken token{MetricToken::kString, start, std::string(text_.substr(start, pos_ - start)),
                      ""};
    Result<std::string> value = UnquoteGo(token.text);
    if (!value.ok()) return Bad(start, value.error().message);
    token.value = std::move(*value);
    return token;
  }

  MetricToken Bad(std::size_t pos, std::string message) {
    pos_ = text_.size();
    return {MetricToken::kBad, pos, std::move(message), ""};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  bool in_braces_ = false;
};

Error MetricError(const MetricToken& token, std::string_view context) {
  std::string message = token.kind == MetricToken::kBad
                            ? token.text
                            : "unexpected " + Describe(token) + std::string(context);
  return Error{"1:" + std::to_string(token.pos + 1) + ": parse error: " + message};
}

}  // namespace

Result<LabelList> ParseMetricLabels(std::string_view text) {
  MetricLexer lexer(text);
  LabelList labels;
  MetricToken token = lexer.Next();
  if (token.kind == MetricToken::kIdent) {
    labels.push_back({std::string(kMetricNameLabel), token.text});
    token = lexer.Next();
  }
  if (token.kind == MetricToken::kLeftBrace) {
    token = lexer.Next();
    while (token.kind != MetricToken::kRightBrace) {
      if (token.kind != MetricToken::kIdent) {
        return MetricError(token, " in label set, expected identifier or \"}\"");
      }
      Label label{token.text, ""};
      if (token = lexer.Next(); token.kind != MetricToken::kEqual) {
        return MetricError(token, " in label set, expected \"=\"");
      }
      if (token = lexer.Next(); token.kind != MetricToken::kString) {
        return MetricError(token, " in label set, expected string");
      }
      label.value = token.value;
      if (!label.value.empty()) labels.push_back(std::move(label));
      token = lexer.Next();
      if (token.kind == MetricToken::kComma) {
        token = lexer.Next();
      } else if (token.kind != MetricToken::kRightBrace) {
        return MetricError(token, " in label set, expected \",\" or \"}\"");
      }
    }
    token = lexer.Next();
  }
  if (token.kind != MetricToken::kEnd) return MetricError(token, "");
  return SortedLabels(std::move(labels));
}

LabelList SortedLabels(LabelList labels) {
  std::stable_sort(labels.begin(), labels.end());
  return labels;
}

std::string FormatLabelList(const LabelList& labels) {
  std::string text = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) text += ", ";
    text += labels[i].name + "=" + QuoteGo(labels[i].value);
  }
  return text + "}";
}

std::string FormatFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string text(buf, end);
  std::replace(text.begin(), text.end(), 'e', 'E');
  return text;
}

std::string FormatGoDuration(std::int64_t ms) {
  if (ms == 0) return "0s";
  std::string sign = ms < 0 ? "-" : "";
  std::uint64_t u = ms < 0 ? -static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
  if (u < 1000) return sign + std::to_string(u) + "ms";
  std::uint64_t hours = u / 3'600'000, minutes = u / 60'000 % 60, millis = u % 60'000;
  std::string seconds = std::to_string(millis / 1000);
  if (millis % 1000 != 0) {
    char frac[8];
    std::snprintf(frac, sizeof(frac), "%03u", static_cast<unsigned>(millis % 1000));
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    seconds += "." + f;
  }
  std::string text = sign;
  if (hours > 0) text += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) text += std::to_string(minutes) + "m";
  return text + seconds + "s";
}

std::string IndentLines(std::string_view lines, std::string_view indent) {
  std::string text;
  std::size_t start = 0;
  for (bool first = true;; first = false) {
    std::size_t nl = lines.find('\n', start);
    if (!first) text += indent;
    text += lines.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (nl == std::string_view::npos) break;
    text += '\n';
    start = nl + 1;
  }
  return text;
}

std::string FormatAlertList(const std::vector<AlertSnapshot>& alerts) {
  if (alerts.empty()) return "[]";
  std::string text = "[";
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    std::string one = "\nLabels:" + FormatLabelList(alerts[i].labels) +
                      "\nAnnotations:" + FormatLabelList(alerts[i].annotations);
    text += (i == 0 ? "\n" : ",\n") + std::to_string(i) + ":" + IndentLines(one, "  ");
  }
  return text + "\n]";
}

std::string FormatSampleList(const std::vector<SampleSnapshot>& samples) {
  if (samples.empty()) return "nil";
  std::string text;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) text += ", ";
    text += FormatLabelList(samples[i].labels) + " " + FormatFloatE(samples[i].value);
  }
  return text;
}

std::string AlertMismatchMessage(std::string_view group_name, std::string_view alertname,
                                 std::int64_t eval_time_ms, const std::vector<AlertSnapshot>& exp,
                                 const std::vector<AlertSnapshot>& got) {
  std::string text;
  if (!group_name.empty()) text += "    name: " + std::string(group_name) + ",\n";
  text += "    alertname: " + std::string(alertname) +
          ", time: " + promql::FormatPromDuration(eval_time_ms) +
          ", \n        exp:" + IndentLines(FormatAlertList(exp), "            ") +
          ", \n        got:" + IndentLines(FormatAlertList(got), "            ");
  return text;
}

std::string ExprMismatchMessage(std::string_view expr, std::int64_t eval_time_ms,
                                const std::vector<SampleSnapshot>& exp,
                                const std::vector<SampleSnapshot>& got) {
  return "    expr: " + QuoteGo(expr) + ", time: " + promql::FormatPromDuration(eval_time_ms) +
         ",\n        exp: " + FormatSampleList(exp) + "\n        got: " + FormatSampleList(got);
}

std::string ExprErrorMessage(std::string_view expr, std::int64_t eval_time_ms,
                             std::string_view error) {
  return "    expr: " + QuoteGo(expr) + ", time: " + promql::FormatPromDuration(eval_time_ms) +
         ", err: " + std::string(error);
}

std::string RuleErrorMessage(std::string_view rule, std::int64_t t_ms, std::string_view error) {
  return "    rule: " + std::string(rule) + ", time: " + FormatGoDuration(t_ms) +
         ", err: " + std::string(error);
}

}  // namespace opsagent::rules
