// The default host rule pack (rules/pack/*.yml), compiled into the binary.
#pragma once

#include <string_view>
#include <vector>

namespace opsagent::rules {

struct EmbeddedRuleFile {
  std::string_view name;  ///< "<embedded>/rules/pack/<file>.yml", used in problems and the API
  std::string_view text;
};

/// Every file of rules/pack/ as it was at build time, sorted by name.
const std::vector<EmbeddedRuleFile>& EmbeddedRulePack();

}  // namespace opsagent::rules
