// libFuzzer target: parsing never crashes, and whatever parses prints to text that re-parses
// and prints the same (Prometheus's String() round trip).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "rules/promql/parser.h"
#include "rules/promql/printer.h"

namespace {

using opsagent::rules::LabelMatcher;
using opsagent::rules::promql::ExprPtr;
using opsagent::rules::promql::FormatParseError;
using opsagent::rules::promql::ParseError;
using opsagent::rules::promql::ParseExpr;
using opsagent::rules::promql::ParseMetricSelector;
using opsagent::rules::promql::Print;

[[noreturn]] void Die(const char* what, std::string_view input, const std::string& detail) {
  std::fprintf(stderr, "%s\ninput:  %.*s\ndetail: %s\n", what, static_cast<int>(input.size()),
               input.data(), detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ParseError error;
  ExprPtr expr = ParseExpr(input, &error);
  if (!expr) {
    if (error.pos.start > input.size()) Die("error position past the input", input, error.message);
    if (error.message.empty()) Die("empty error message", input, "");
    (void)FormatParseError(input, error);
  } else {
    const std::string printed = Print(*expr);
    ExprPtr again = ParseExpr(printed, &error);
    if (!again) Die("printed form does not parse", input, printed + " => " + error.message);
    const std::string reprinted = Print(*again);
    if (reprinted != printed)
      Die("printed form is not stable", input, printed + " => " + reprinted);
  }
  std::vector<LabelMatcher> matchers;
  (void)ParseMetricSelector(input, &matchers, &error);
  return 0;
}
