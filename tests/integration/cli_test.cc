// The opsagent CLI: version, check with good and bad files, bad flags.
#include <gtest/gtest.h>

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
  EXPECT_EQ(r.out, path + ": OK\n");
  ::unlink(path.c_str());
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
