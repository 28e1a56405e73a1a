// End-to-end golden test: the real binary on the recorded `basic` fixture root; /metrics must
// equal tests/fixtures/e2e-output.txt once values that depend on the moment are masked.
// Regenerate after an intended change with: OPSAGENT_UPDATE_GOLDEN=1 build/tests/integration/
// integration_test --gtest_filter='Golden*', then review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/testing/agent_process.h"

namespace opsagent::testing {
namespace {

const char kGoldenPath[] = OPSAGENT_FIXTURES_DIR "/e2e-output.txt";

// Values that change from run to run even on a fixed fixture: clocks, timings, the agent's own
// process, and filesystem sizes (the fixture's "/" is a directory on the real disk).
const std::set<std::string> kVolatileValues = {
    "node_time_seconds",
    "node_time_zone_offset_seconds",
    "opsagent_collector_duration_seconds",
    "opsagent_cycle_duration_seconds",
    "opsagent_cycles_total",
    "opsagent_config_last_reload_success_timestamp_seconds",
    "node_filesystem_avail_bytes",
    "node_filesystem_free_bytes",
    "node_filesystem_size_bytes",
    "node_filesystem_files",
    "node_filesystem_files_free",
    "opsagent_rule_store_memory_bytes",
    "opsagent_rule_store_series",  // rule health joins the store from the second cycle on
};
// Series whose labels change too (the revision changes with every commit).
const std::set<std::string> kVolatileSeries = {"opsagent_build_info"};

std::string Mask(const std::string& exposition) {
  std::istringstream in(exposition);
  std::ostringstream out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      out << line << "\n";
      continue;
    }
    std::string name = line.substr(0, line.find_first_of("{ "));
    if (name.rfind("process_", 0) == 0) continue;  // the agent's own process, not the fixture
    if (kVolatileSeries.count(name)) {
      out << name << " <volatile>\n";
    } else if (kVolatileValues.count(name)) {
      out << line.substr(0, line.rfind(' ')) << " <volatile>\n";
    } else {
      out << line << "\n";
    }
  }
  return out.str();
}

std::string ReadGolden() {
  std::ifstream in(kGoldenPath);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The first differing line, for a readable failure.
std::string FirstDifference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int n = 1;; ++n) {
    bool ha = static_cast<bool>(std::getline(a, la));
    bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "";
    if (!ha || !hb || la != lb) {
      return "line " + std::to_string(n) + ":\n  want: " + (ha ? la : "<end>") +
             "\n  got:  " + (hb ? lb : "<end>");
    }
  }
}

TEST(Golden, FixtureScrapeMatchesCheckedInOutput) {
  std::string fixture = std::string(OPSAGENT_FIXTURES_DIR) + "/basic";
  std::string config = "/tmp/opsagent-golden-" + std::to_string(::getpid()) + ".yaml";
  // The rule pack stays off: alert states and their timestamps depend on the moment; rule
  // evaluation has its own tests (rules_test, the differential suite, rules_integration).
  std::ofstream(config) << "global:\n  collect_interval: 1s\nrules:\n  builtin_pack: false\n";
  AgentProcess agent({"--config", config, "--path.procfs", fixture + "/proc", "--path.sysfs",
                      fixture + "/sys", "--path.rootfs", fixture + "/root"});
  ASSERT_TRUE(agent.started()) << agent.Log();
  auto body = agent.WaitForLine("opsagent_cycles_total", std::chrono::seconds(20));
  ::unlink(config.c_str());
  ASSERT_TRUE(body.has_value()) << agent.Log();
  std::string masked = Mask(*body);

  if (const char* update = std::getenv("OPSAGENT_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(kGoldenPath) << masked;
    GTEST_SKIP() << "updated " << kGoldenPath;
  }
  std::string golden = ReadGolden();
  ASSERT_FALSE(golden.empty()) << kGoldenPath << " is missing; run with OPSAGENT_UPDATE_GOLDEN=1";
  EXPECT_TRUE(masked == golden) << "scrape differs from " << kGoldenPath << " at "
                                << FirstDifference(golden, masked);
}

TEST(Golden, EveryCollectorSucceedsOnTheFixture) {
  std::string golden = ReadGolden();
  ASSERT_FALSE(golden.empty());
  std::istringstream in(golden);
  std::string line;
  int collectors = 0;
  while (std::getline(in, line)) {
    if (line.rfind("opsagent_collector_success{", 0) != 0) continue;
    ++collectors;
    EXPECT_EQ(line.substr(line.rfind(' ') + 1), "1") << line;
  }
  EXPECT_GE(collectors, 17);
}

}  // namespace
}  // namespace opsagent::testing
