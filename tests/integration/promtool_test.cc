// The live exposition checked by the real promtool: no parse errors, and no lint findings other
// than the ones node_exporter itself gets for the same legacy names.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "tests/testing/agent_process.h"
#include "tests/testing/node_exporter.h"

namespace opsagent::testing {
namespace {

struct LintResult {
  int exit_code = -1;
  std::set<std::string> findings;  // "metric message" lines
  std::string raw;
};

LintResult PromtoolCheckMetrics(const std::string& exposition) {
  std::string path = "/tmp/opsagent-promtool-" + std::to_string(::getpid()) + ".txt";
  std::ofstream(path) << exposition;
  CommandResult r = RunCommand({"/bin/sh", "-c", "promtool check metrics < " + path});
  ::unlink(path.c_str());
  LintResult out;
  out.exit_code = r.exit_code;
  out.raw = r.out + r.err;
  std::istringstream lines(out.raw);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) out.findings.insert(line);
  }
  return out;
}

TEST(Promtool, LiveExpositionHasOnlyNodeExportersOwnLintFindings) {
  AgentProcess agent({});
  ASSERT_TRUE(agent.started()) << agent.Log();
  ASSERT_TRUE(agent.WaitForLine("opsagent_cycles_total", std::chrono::seconds(20)));
  std::string ours = agent.Get("/metrics").body;
  ASSERT_FALSE(ours.empty());

  NodeExporter exporter(ComparableCollectors(), {});
  ASSERT_TRUE(exporter.started());
  std::string theirs = exporter.Scrape();
  ASSERT_FALSE(theirs.empty());

  LintResult our_lint = PromtoolCheckMetrics(ours);
  LintResult their_lint = PromtoolCheckMetrics(theirs);
  ASSERT_NE(our_lint.exit_code, 127) << "promtool is not installed";
  EXPECT_EQ(our_lint.raw.find("error while linting"), std::string::npos) << our_lint.raw;
  EXPECT_EQ(our_lint.raw.find("parsing error"), std::string::npos) << our_lint.raw;
  // Exit 0 (clean) or 3 (lint findings only); anything else is a failure to parse.
  EXPECT_TRUE(our_lint.exit_code == 0 || our_lint.exit_code == 3) << our_lint.raw;

  std::string unexplained;
  for (const std::string& finding : our_lint.findings) {
    if (!their_lint.findings.count(finding)) unexplained += "  " + finding + "\n";
  }
  EXPECT_TRUE(unexplained.empty()) << "lint findings node_exporter does not have:\n" << unexplained;
  EXPECT_FALSE(their_lint.findings.empty()) << "node_exporter's legacy names should be flagged";
}

}  // namespace
}  // namespace opsagent::testing
