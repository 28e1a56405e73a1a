// A small parser for the Prometheus text format, for assertions on real scrapes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace opsagent::testing {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;

  /// name{a="1",b="2"} with labels sorted, for set comparisons.
  std::string Key() const;
};

struct ParsedExposition {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family name -> counter|gauge|untyped...
  std::map<std::string, std::string> helps;
  std::vector<std::string> errors;  // lines that did not parse

  std::optional<double> Value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const;
  std::vector<const Sample*> Find(const std::string& name) const;
};

ParsedExposition ParseExposition(const std::string& text);

}  // namespace opsagent::testing
