// `opsagent test rules`: runs promtool 2.42's rule unit-test files against opsagent's rule engine
// with promtool's evaluation loop, messages and exit status.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "rules/unittest_file.h"

namespace opsagent::rules {

/// Where the runner writes. promtool prints progress to stdout and failures to stderr; both
/// often end up in one terminal or log, so every write must reach its stream at once to keep
/// promtool's interleaving. Thread-safety: implementations need not be thread-safe.
class TestOutput {
 public:
  virtual ~TestOutput() = default;
  virtual void Out(std::string_view text) = 0;
  virtual void Err(std::string_view text) = 0;
};

/// A TestOutput over two streams, flushed after every write.
class StreamTestOutput final : public TestOutput {
 public:
  StreamTestOutput(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}
  void Out(std::string_view text) override;
  void Err(std::string_view text) override;

 private:
  std::ostream& out_;
  std::ostream& err_;
};

/// Runs one test file as promtool does: prints `Unit Testing:  FILE` (and any warnings) and
/// returns the failures, each in promtool's text; empty when every test passed.
std::vector<std::string> RunUnitTestFile(const std::string& path, TestOutput& output);

/// Runs every file and prints promtool's report (`  SUCCESS` or `  FAILED:` and the failures).
/// Returns the exit status: 0 when every file passed, 1 otherwise.
int RunRuleUnitTests(const std::vector<std::string>& files, TestOutput& output);

}  // namespace opsagent::rules
