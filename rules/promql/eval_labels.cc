// label_replace and label_join, with Go's Regexp.Expand for `$1` / `${name}` templates.
#include <re2/re2.h>

#include <memory>
#include <unordered_map>

#include "rules/promql/eval_internal.h"

namespace opsagent::rules::promql::internal {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Go's regexp extract(): a group name or number after `$`; false when malformed.
bool ExtractName(std::string_view tmpl, std::string_view* name, int* num, std::size_t* used) {
  if (tmpl.empty()) return false;
  bool brace = tmpl[0] == '{';
  std::size_t i = brace ? 1 : 0;
  std::size_t start = i;
  while (i < tmpl.size() && IsNameChar(tmpl[i])) ++i;
  if (i == start) return false;
  *name = tmpl.substr(start, i - start);
  if (brace) {
    if (i >= tmpl.size() || tmpl[i] != '}') return false;
    ++i;
  }
  *used = i;
  *num = 0;
  for (char c : *name) {
    if (c < '0' || c > '9' || *num >= 100000000) {
      *num = -1;
      break;
    }
    *num = *num * 10 + (c - '0');
  }
  if ((*name)[0] == '0' && name->size() > 1) *num = -1;  // no leading zeros
  return true;
}

// Go's Regexp.Expand: `$$` is a dollar, a malformed reference is literal text, an unknown or
// unmatched group expands to nothing.
std::string Expand(const re2::RE2& re, std::string_view tmpl,
                   const std::vector<re2::StringPiece>& groups) {
  std::string out;
  while (!tmpl.empty()) {
    std::size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view name;
    int num = 0;
    std::size_t used = 0;
    if (!ExtractName(tmpl, &name, &num, &used)) {
      out += '$';
      continue;
    }
    tmpl.remove_prefix(used);
    int index = num;
    if (num < 0) {
      auto it = re.NamedCapturingGroups().find(std::string(name));
      index = it == re.NamedCapturingGroups().end() ? -1 : it->second;
    }
    if (index >= 0 && static_cast<std::size_t>(index) < groups.size() &&
        groups[index].data() != nullptr) {
      out.append(groups[index].data(), groups[index].size());
    }
  }
  out.append(tmpl);
  return out;
}

}  // namespace

Vector Evaluator::EvalLabelReplace(const Call& call, std::int64_t t) {
  Vector input = EvalVector(*call.args[0], t);
  std::string dst = EvalString(*call.args[1], t);
  std::string repl = EvalString(*call.args[2], t);
  std::string src = EvalString(*call.args[3], t);
  std::string regex = EvalString(*call.args[4], t);
  if (failed()) return {};
  re2::RE2::Options options;
  options.set_log_errors(false);
  re2::RE2 re("^(?:" + regex + ")$", options);
  if (!re.ok()) {
    Fail("invalid regular expression in label_replace(): " + regex);
    return {};
  }
  if (!IsValidLabelName(dst)) {
    Fail("invalid destination label name in label_replace(): " + dst);
    return {};
  }
  std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
  for (auto& s : input) {
    std::string value(s.labels.Get(src));
    if (!re.Match(value, 0, value.size(), re2::RE2::UNANCHORED, groups.data(),
                  static_cast<int>(groups.size()))) {
      continue;  // no match: the series passes unchanged
    }
    std::string res = Expand(re, repl, groups);
    s.labels = LabelsBuilder(s.labels).Set(dst, res).Build();
  }
  return input;
}

Vector Evaluator::EvalLabelJoin(const Call& call, std::int64_t t) {
  Vector input = EvalVector(*call.args[0], t);
  std::string dst = EvalString(*call.args[1], t);
  std::string sep = EvalString(*call.args[2], t);
  std::vector<std::string> srcs;
  for (std::size_t i = 3; i < call.args.size(); ++i) {
    srcs.push_back(EvalString(*call.args[i], t));
    if (!IsValidLabelName(srcs.back())) {
      Fail("invalid source label name in label_join(): " + srcs.back());
      return {};
    }
  }
  if (!IsValidLabelName(dst)) {
    Fail("invalid destination label name in label_join(): " + dst);
    return {};
  }
  for (auto& s : input) {
    std::string joined;
    for (std::size_t i = 0; i < srcs.size(); ++i) {
      if (i > 0) joined += sep;
      joined.append(s.labels.Get(srcs[i]));
    }
    s.labels = LabelsBuilder(s.labels).Set(dst, joined).Build();
  }
  return input;
}

}  // namespace opsagent::rules::promql::internal
