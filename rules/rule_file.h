// Prometheus rule files: parsing and validating `groups[] -> rules[]` YAML into group definitions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/promql/ast.h"
#include "rules/store/labels.h"

namespace opsagent::rules {

enum class RuleKind { kAlerting, kRecording };

/// One rule as written, with its expression parsed (shared: groups are copied on reload).
struct RuleDef {
  RuleKind kind = RuleKind::kAlerting;
  std::string name;  ///< `alert:` or `record:` value
  std::string expr_text;
  std::shared_ptr<const promql::Expr> expr;
  std::int64_t for_ms = 0;
  std::int64_t keep_firing_for_ms = 0;
  /// Label and annotation templates in file order (labels may not be named __name__ etc.).
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::pair<std::string, std::string>> annotations;
  int line = 0;  ///< 1-based line of the rule in its file
};

struct GroupDef {
  std::string file;  ///< the file name as given (or `<embedded>/rules/pack/x.yml`)
  std::string name;
  std::int64_t interval_ms = 0;  ///< 0: the global evaluation interval
  int limit = 0;                 ///< 0: no limit on alerts/series per rule
  std::vector<RuleDef> rules;
};

/// What loading found: every problem is `FILE:LINE:COL: message` (or `FILE: message` when no
/// position is known), all of them, not only the first.
struct RuleFileLoad {
  std::vector<GroupDef> groups;
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

/// Parses one rule file's text as Prometheus 2.42 does (rulefmt + promql), restricted to
/// opsagent's PromQL subset and template functions. `file` names the file in problems.
RuleFileLoad ParseRuleFile(std::string_view file, std::string_view text);

/// Reads and parses files (already glob-expanded) plus, optionally, `extra` texts such as the
/// embedded pack; group names must be unique per file.
RuleFileLoad LoadRuleFiles(const std::vector<std::string>& files,
                           const std::vector<std::pair<std::string, std::string>>& extra = {});

}  // namespace opsagent::rules
