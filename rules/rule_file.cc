// Rule files as Prometheus 2.42's rulefmt reads them: strict keys, every problem reported with
// the position of the node it is about, expressions parsed and type-checked here so a rule
// outside opsagent's PromQL subset is refused at load instead of being mis-evaluated.
#include "rules/rule_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "rules/promql/duration.h"
#include "rules/promql/parser.h"
#include "rules/template.h"

namespace opsagent::rules {
namespace {

constexpr std::size_t kMaxRuleFileBytes = 16 * 1024 * 1024;

bool IsAbsent(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

class RuleFileParser {
 public:
  RuleFileParser(std::string_view file, std::string_view text) : file_(file), text_(text) {}

  RuleFileLoad Parse() {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text_));
    } catch (const YAML::ParserException& e) {
      Add(e.mark, "YAML syntax error: " + e.msg);
      return std::move(load_);
    }
    if (IsAbsent(root)) return std::move(load_);  // an empty file has no groups, as in Prometheus
    if (!root.IsMap()) {
      Add(root.Mark(), "expected a mapping with a 'groups' key");
      return std::move(load_);
    }
    CheckKeys(root, {"groups"}, "rule file");
    const YAML::Node groups = root["groups"];
    if (IsAbsent(groups)) return std::move(load_);
    if (!groups.IsSequence()) {
      Add(groups.Mark(), "groups: expected a list");
      return std::move(load_);
    }
    std::set<std::string> names;
    for (const YAML::Node& group : groups) ParseGroup(group, names);
    return std::move(load_);
  }

 private:
  void Add(const YAML::Mark& mark, const std::string& message) {
    std::ostringstream out;
    out << file_;
    if (mark.line >= 0) out << ':' << mark.line + 1 << ':' << mark.column + 1;
    out << ": " << message;
    load_.problems.push_back(out.str());
  }

  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                 const std::string& what) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Add(it->first.Mark(), "field " + key + " not found in " + what);
      }
    }
  }

  bool ReadString(const YAML::Node& node, const std::string& what, std::string* out) {
    if (IsAbsent(node)) return false;
    if (!node.IsScalar()) {
      Add(node.Mark(), what + ": expected a string");
      return false;
    }
    *out = node.Scalar();
    return true;
  }

  void ReadDuration(const YAML::Node& node, const std::string& what, std::int64_t* out) {
    std::string text;
    if (!ReadString(node, what, &text)) return;
    const auto ms = promql::ParsePromDuration(text);
    if (!ms) {
      Add(node.Mark(), what + ": not a valid duration string: \"" + text + "\"");
      return;
    }
    *out = *ms;
  }

  void ParseGroup(const YAML::Node& node, std::set<std::string>& names) {
    if (!node.IsMap()) {
      Add(node.Mark(), "group: expected a mapping");
      return;
    }
    CheckKeys(node, {"name", "interval", "limit", "rules"}, "group");
    GroupDef group;
    group.file = std::string(file_);
    if (!ReadString(node["name"], "name", &group.name) || group.name.empty()) {
      Add(node.Mark(), "Groupname must not be empty");
    } else if (!names.insert(group.name).second) {
      Add(node["name"].Mark(), "groupname: \"" + group.name + "\" is repeated in the same file");
    }
    ReadDuration(node["interval"], "group \"" + group.name + "\": interval", &group.interval_ms);
    if (const YAML::Node limit = node["limit"]; !IsAbsent(limit)) {
      try {
        group.limit = limit.as<int>();
      } catch (const YAML::Exception&) {
        Add(limit.Mark(), "group \"" + group.name + "\": limit: expected an integer");
      }
    }
    const YAML::Node rules = node["rules"];
    if (!IsAbsent(rules) && !rules.IsSequence()) {
      Add(rules.Mark(), "group \"" + group.name + "\": rules: expected a list");
    } else if (!IsAbsent(rules)) {
      int index = 0;
      for (const YAML::Node& rule : rules) ParseRule(rule, group, ++index);
    }
    load_.groups.push_back(std::move(group));
  }

  void ParseRule(const YAML::Node& node, GroupDef& group, int index) {
    std::string where = "group \"" + group.name + "\", rule " + std::to_string(index);
    if (!node.IsMap()) {
      Add(node.Mark(), where + ": expected a mapping");
      return;
    }
    CheckKeys(node, {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"},
              "rule");
    RuleDef rule;
    rule.line = node.Mark().line + 1;
    const bool has_record = ReadString(node["record"], where + ": record", &rule.name);
    std::string alert_name;
    const bool has_alert = ReadString(node["alert"], where + ": alert", &alert_name);
    if (has_record == has_alert) {
      Add(node.Mark(), where + (has_record ? ": only one of 'record' and 'alert' must be set"
                                           : ": one of 'record' or 'alert' must be set"));
      return;
    }
    rule.kind = has_alert ? RuleKind::kAlerting : RuleKind::kRecording;
    if (has_alert) rule.name = alert_name;
    where += ", \"" + rule.name + "\"";
    const std::size_t problems_before = load_.problems.size();
    ParseExpr(node["expr"], node, where, &rule);
    ReadDuration(node["for"], where + ": for", &rule.for_ms);
    ReadDuration(node["keep_firing_for"], where + ": keep_firing_for", &rule.keep_firing_for_ms);
    ReadPairs(node["labels"], where + ": labels", &rule.labels);
    ReadPairs(node["annotations"], where + ": annotations", &rule.annotations);
    CheckRule(node, rule, where);
    if (load_.problems.size() == problems_before) group.rules.push_back(std::move(rule));
  }

  void CheckRule(const YAML::Node& node, const RuleDef& rule, const std::string& where) {
    if (rule.kind == RuleKind::kRecording) {
      if (!IsValidMetricName(rule.name)) {
        Add(node["record"].Mark(), where + ": invalid recording rule name: " + rule.name);
      }
      if (!IsAbsent(node["annotations"])) {
        Add(node["annotations"].Mark(), where + ": invalid field 'annotations' in recording rule");
      }
      if (!IsAbsent(node["for"]))
        Add(node["for"].Mark(), where + ": invalid field 'for' in recording rule");
      if (!IsAbsent(node["keep_firing_for"])) {
        Add(node["keep_firing_for"].Mark(),
            where + ": invalid field 'keep_firing_for' in recording rule");
      }
    } else if (!IsValidLabelName(rule.name)) {
      Add(node["alert"].Mark(), where + ": invalid alert name: " + rule.name);
    }
    for (const auto& [name, value] : rule.labels) {
      if (!IsValidLabelName(name) || name == kMetricNameLabel) {
        Add(node["labels"].Mark(), where + ": invalid label name: " + name);
      }
      if (rule.kind == RuleKind::kAlerting)
        CheckTemplate(node["labels"], where, "label", name, value, rule.name);
    }
    for (const auto& [name, value] : rule.annotations) {
      if (!IsValidLabelName(name))
        Add(node["annotations"].Mark(), where + ": invalid annotation name: " + name);
      CheckTemplate(node["annotations"], where, "annotation", name, value, rule.name);
    }
  }

  void CheckTemplate(const YAML::Node& map, const std::string& where, const char* kind,
                     const std::string& name, const std::string& text,
                     const std::string& alert_name) {
    // Named as Prometheus names it when expanding, so messages match what it would say.
    auto parsed = AlertTemplate::Parse("__alert_" + alert_name, text);
    if (!parsed.ok()) {
      Add(map[name].Mark(),
          where + ": invalid " + kind + " template for " + name + ": " + parsed.error().message);
    }
  }

  void ReadPairs(const YAML::Node& node, const std::string& what,
                 std::vector<std::pair<std::string, std::string>>* out) {
    if (IsAbsent(node)) return;
    if (!node.IsMap()) {
      Add(node.Mark(), what + ": expected a mapping");
      return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar() || !it->second.IsScalar()) {
        Add(it->first.Mark(), what + ": keys and values must be strings");
        continue;
      }
      out->emplace_back(it->first.Scalar(), it->second.Scalar());
    }
  }

  void ParseExpr(const YAML::Node& expr_node, const YAML::Node& rule_node, const std::string& where,
                 RuleDef* rule) {
    if (!ReadString(expr_node, where + ": expr", &rule->expr_text) || rule->expr_text.empty()) {
      Add(rule_node.Mark(), where + ": field 'expr' must be set in rule");
      return;
    }
    promql::ParseError error;
    promql::ExprPtr expr = promql::ParseExpr(rule->expr_text, &error);
    if (expr == nullptr) {
      AddAt(expr_node.Mark(), rule->expr_text, error.pos.start,
            where + ": could not parse expression: " + error.message);
      return;
    }
    if (expr->Type() != promql::ValueType::kVector && expr->Type() != promql::ValueType::kScalar) {
      AddAt(expr_node.Mark(), rule->expr_text, 0,
            where + ": invalid expression type \"" + promql::ValueTypeName(expr->Type()) +
                "\" for range query, must be Scalar or instant Vector");
      return;
    }
    rule->expr = std::shared_ptr<const promql::Expr>(std::move(expr));
  }

  // Maps a byte offset inside an expression back to the file: plain and quoted scalars start at
  // the node's mark; block scalars (`|`, `>`) start on the next line at the content indent.
  void AddAt(const YAML::Mark& mark, std::string_view expr, std::uint32_t offset,
             const std::string& message) {
    const promql::LineColumn in_expr = promql::PositionOf(expr, offset);
    YAML::Mark at = mark;
    const std::size_t pos = mark.pos >= 0 ? static_cast<std::size_t>(mark.pos) : text_.size();
    const char first = pos < text_.size() ? text_[pos] : '\0';
    if (first == '|' || first == '>') {
      const std::size_t content = text_.find('\n', pos);
      std::size_t indent = 0;
      if (content != std::string_view::npos) {
        while (content + 1 + indent < text_.size() && text_[content + 1 + indent] == ' ') ++indent;
      }
      at.line = mark.line + in_expr.line;
      at.column = static_cast<int>(indent) + in_expr.column - 1;
    } else {
      const int quote = (first == '"' || first == '\'') ? 1 : 0;
      at.line = mark.line + in_expr.line - 1;
      at.column = (in_expr.line == 1 ? mark.column + quote : 0) + in_expr.column - 1;
    }
    Add(at, message);
  }

  std::string_view file_;
  std::string_view text_;
  RuleFileLoad load_;
};

}  // namespace

RuleFileLoad ParseRuleFile(std::string_view file, std::string_view text) {
  return RuleFileParser(file, text).Parse();
}

RuleFileLoad LoadRuleFiles(const std::vector<std::string>& files,
                           const std::vector<std::pair<std::string, std::string>>& extra) {
  RuleFileLoad all;
  auto merge = [&all](RuleFileLoad one) {
    for (auto& g : one.groups) all.groups.push_back(std::move(g));
    for (auto& p : one.problems) all.problems.push_back(std::move(p));
  };
  for (const auto& [name, text] : extra) merge(ParseRuleFile(name, text));
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      all.problems.push_back(file + ": cannot read rule file");
      continue;
    }
    std::string text(kMaxRuleFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxRuleFileBytes) {
      all.problems.push_back(file + ": rule file larger than 16 MiB");
      continue;
    }
    merge(ParseRuleFile(file, text));
  }
  return all;
}

}  // namespace opsagent::rules
