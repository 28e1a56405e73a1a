// Text-format parser for tests (handles escapes in label values; no timestamps needed).
#include "tests/testing/exposition_parser.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace opsagent::testing {
namespace {

bool ParseLabels(const std::string& s, std::size_t& i, std::map<std::string, std::string>& out) {
  ++i;  // '{'
  while (i < s.size() && s[i] != '}') {
    std::size_t eq = s.find('=', i);
    if (eq == std::string::npos || eq + 1 >= s.size() || s[eq + 1] != '"') return false;
    std::string name = s.substr(i, eq - i);
    std::string value;
    std::size_t j = eq + 2;
    for (; j < s.size() && s[j] != '"'; ++j) {
      if (s[j] == '\\' && j + 1 < s.size()) {
        ++j;
        value.push_back(s[j] == 'n' ? '\n' : s[j]);
      } else {
        value.push_back(s[j]);
      }
    }
    if (j >= s.size()) return false;
    out[name] = value;
    i = j + 1;
    if (i < s.size() && s[i] == ',') ++i;
  }
  if (i >= s.size()) return false;
  ++i;  // '}'
  return true;
}

double ParseValue(const std::string& text, bool& ok) {
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  ok = end != nullptr && *end == '\0' && !text.empty();
  return v;
}

}  // namespace

std::string Sample::Key() const {
  std::string key = name + "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) key += ",";
    first = false;
    key += k + "=\"" + v + "\"";
  }
  return key + "}";
}

std::optional<double> ParsedExposition::Value(
    const std::string& name, const std::map<std::string, std::string>& labels) const {
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool all = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) all = false;
    }
    if (all) return s.value;
  }
  return std::nullopt;
}

std::vector<const Sample*> ParsedExposition::Find(const std::string& name) const {
  std::vector<const Sample*> out;
  for (const Sample& s : samples) {
    if (s.name == name) out.push_back(&s);
  }
  return out;
}

ParsedExposition ParseExposition(const std::string& text) {
  ParsedExposition out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# TYPE ", 0) == 0 || line.rfind("# HELP ", 0) == 0) {
      std::string rest = line.substr(7);
      std::size_t sp = rest.find(' ');
      std::string name = rest.substr(0, sp);
      std::string value = sp == std::string::npos ? "" : rest.substr(sp + 1);
      (line[2] == 'T' ? out.types : out.helps)[name] = value;
      continue;
    }
    if (line[0] == '#') continue;
    Sample sample;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    sample.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{' && !ParseLabels(line, i, sample.labels)) {
      out.errors.push_back(line);
      continue;
    }
    while (i < line.size() && line[i] == ' ') ++i;
    std::string value = line.substr(i);
    if (std::size_t sp = value.find(' '); sp != std::string::npos) value = value.substr(0, sp);
    bool ok = true;
    sample.value = ParseValue(value, ok);
    if (!ok || sample.name.empty()) {
      out.errors.push_back(line);
      continue;
    }
    out.samples.push_back(std::move(sample));
  }
  return out;
}

}  // namespace opsagent::testing
