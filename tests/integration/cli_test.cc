// The opsagent CLI: version, check with good and bad files, bad flags.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/agent_process.h"

namespace opsagent::testing {
namespace {

std::string WriteTemp(const std::string& content) {
  char path[] = "/tmp/opsagent-cli-XXXXXX.yaml";
  int fd = ::mkstemps(path, 5);
  ::close(fd);
  std::ofstream(path) << content;
  return path;
}

TEST(Cli, VersionPrintsVersion) {
  CommandResult r = RunCommand({AgentBinary(), "version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("opsagent ", 0), 0u) << r.out;
}

TEST(Cli, CheckAcceptsValidFile) {
  std::string path = WriteTemp("global:\n  collect_interval: 15s\n");
  CommandResult r = RunCommand({AgentBinary(), "check", "--config", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The embedded host rule pack is on by default and is validated too.
  EXPECT_EQ(r.out.rfind(path + ": OK (", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find("(0 rule groups"), std::string::npos) << r.out;
  ::unlink(path.c_str());
}

TEST(Cli, CheckValidatesRuleFilesRelativeToTheConfig) {
  std::string dir = ::testing::TempDir() + "opsagent-cli-rules-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir + "/rules.d");
  std::ofstream(dir + "/rules.d/good.yml")
      << "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: sum(up)\n";
  std::ofstream(dir + "/config.yaml")
      << "rule_files: [\"rules.d/*.yml\"]\nrules:\n  builtin_pack: false\n";
  CommandResult ok = RunCommand({AgentBinary(), "check", "--config", dir + "/config.yaml"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, dir + "/config.yaml: OK (1 rule groups, 1 rules)\n");

  std::ofstream(dir + "/rules.d/bad.yml")
      << "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(up[5m]) >\n";
  CommandResult bad = RunCommand({AgentBinary(), "check", "--config", dir + "/config.yaml"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find(dir + "/rules.d/bad.yml:5:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("could not parse expression"), std::string::npos) << bad.err;

  std::ofstream(dir + "/config.yaml") << "rule_files: [missing.yml]\n";
  CommandResult missing = RunCommand({AgentBinary(), "check", "--config", dir + "/config.yaml"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("\"missing.yml\" matches no file"), std::string::npos) << missing.err;
  std::filesystem::remove_all(dir);
}

TEST(Cli, RunRefusesToStartWithABadRuleFile) {
  std::string rules = WriteTemp(
      "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: holt_winters(up[5m], 0.1, "
      "0.1)\n");
  std::string config = WriteTemp("rule_files: [\"" + rules + "\"]\n");
  CommandResult r = RunCommand({AgentBinary(), "run", "--config", config, "--web.listen-address",
                                "127.0.0.1:0", "--api.listen-address", "", "--state-dir",
                                ::testing::TempDir() + "opsagent-cli-state"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(rules + ":5:15:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("holt_winters"), std::string::npos) << r.err;
  ::unlink(rules.c_str());
  ::unlink(config.c_str());
}

TEST(Cli, CheckPrintsFileLineColumnForEachProblem) {
  std::string path =
      WriteTemp("global:\n  collect_interval: 10x\nlog:\n  level: loud\ncollectors:\n  nope: {}\n");
  CommandResult r = RunCommand({AgentBinary(), "check", "--config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ":2:21: global.collect_interval: \"10x\" is not a duration"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":4:10: log.level:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(path + ":6:3: unknown collector nope"), std::string::npos) << r.err;
  ::unlink(path.c_str());
}

TEST(Cli, CheckNeedsConfig) {
  CommandResult r = RunCommand({AgentBinary(), "check"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Cli, UnknownFlagAndCommandAreUsageErrors) {
  EXPECT_EQ(RunCommand({AgentBinary(), "run", "--bogus", "1"}).exit_code, 2);
  EXPECT_EQ(RunCommand({AgentBinary(), "frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunCommand({AgentBinary()}).exit_code, 2);
}

TEST(Cli, RunRefusesInvalidConfig) {
  std::string path = WriteTemp("web:\n  listen_address: nowhere\n");
  CommandResult r = RunCommand({AgentBinary(), "run", "--config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ":2:19: web.listen_address"), std::string::npos) << r.err;
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace opsagent::testing
