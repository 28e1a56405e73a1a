// The rule engine in the real binary: promtool querying the API, Prometheus-shaped errors, rules
// and alerts endpoints, and alert state surviving a restart in the middle of `for`.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/testing/agent_process.h"

namespace opsagent::testing {
namespace {

// Debian's prometheus package; scripts/install-deps installs it.
const char kPromtool[] = "/usr/bin/promtool";

class RulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "opsagent-rules-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_ + "/state");
    // `for: 1h` never fires here: it stays pending across the restart. `for: 2s` fires.
    std::ofstream(dir_ + "/agent.yml") << R"(groups:
  - name: agent
    rules:
      - record: agent:cycles:rate
        expr: rate(opsagent_cycles_total[10s])
      - alert: AgentRunsCycles
        expr: opsagent_cycles_total > 0
        for: 2s
        labels: {severity: info}
        annotations:
          summary: "{{ $value }} cycles on {{ $externalLabels.node }}"
      - alert: AgentRunsLong
        expr: opsagent_cycles_total > 0
        for: 1h
)";
    std::ofstream(dir_ + "/config.yaml") << "global:\n  collect_interval: 1s\n"
                                         << "  external_labels: {node: n1}\n"
                                         << "rule_files: [agent.yml]\n"
                                         << "rules:\n  builtin_pack: false\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<AgentProcess> Start() {
    auto agent = std::make_unique<AgentProcess>(
        std::vector<std::string>{"--config", dir_ + "/config.yaml"}, dir_ + "/state");
    EXPECT_TRUE(agent->started()) << agent->Log();
    return agent;
  }

  std::string dir_;
};

// The value of the first exposition line starting with `prefix`, or "".
std::string ValueOf(const std::string& body, const std::string& prefix) {
  std::size_t at = body.find("\n" + prefix);
  if (at == std::string::npos) return "";
  std::size_t end = body.find('\n', at + 1);
  std::string line = body.substr(at + 1, end - at - 1);
  return line.substr(line.rfind(' ') + 1);
}

TEST_F(RulesTest, PromtoolQueriesTheApi) {
  auto agent = Start();
  ASSERT_TRUE(agent->WaitForLine("agent:cycles:rate", std::chrono::seconds(30))) << agent->Log();
  ASSERT_GT(agent->ApiGet("/api/v1/status/buildinfo").status, 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(agent->api_port());

  CommandResult instant = RunCommand({kPromtool, "query", "instant", url, "opsagent_cycles_total"});
  ASSERT_NE(instant.exit_code, 127) << "promtool is not installed";
  EXPECT_EQ(instant.exit_code, 0) << instant.err;
  EXPECT_TRUE(std::regex_search(instant.out, std::regex(R"(opsagent_cycles_total => \d+ @\[)")))
      << instant.out;

  CommandResult series =
      RunCommand({kPromtool, "query", "series", url, "--match", "agent:cycles:rate"});
  EXPECT_EQ(series.exit_code, 0) << series.err;
  EXPECT_NE(series.out.find("agent:cycles:rate"), std::string::npos) << series.out;

  CommandResult labels = RunCommand({kPromtool, "query", "labels", url, "alertstate"});
  EXPECT_EQ(labels.exit_code, 0) << labels.err;
  EXPECT_NE(labels.out.find("pending"), std::string::npos) << labels.out;

  // Series no rule reads over a range keep only their latest sample, so the range ends a little
  // in the future to be sure to cover it.
  const std::time_t now = std::time(nullptr);
  CommandResult range =
      RunCommand({kPromtool, "query", "range", url, "--step", "1s", "--start",
                  std::to_string(now - 3), "--end", std::to_string(now + 5), "agent:cycles:rate"});
  EXPECT_EQ(range.exit_code, 0) << range.err;
  EXPECT_NE(range.out.find("agent:cycles:rate =>"), std::string::npos) << range.out;
}

TEST_F(RulesTest, BadRequestsGetPrometheusErrors) {
  auto agent = Start();
  AgentProcess::Response parse = agent->ApiGet("/api/v1/query?query=sum(");
  EXPECT_EQ(parse.status, 400);
  EXPECT_EQ(parse.body,
            R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": )"
            R"(1:5: parse error: unclosed left parenthesis"})");
  AgentProcess::Response unsupported =
      agent->ApiGet("/api/v1/query?query=holt_winters(x%5B5m%5D,0.1,0.1)");
  EXPECT_EQ(unsupported.status, 400);
  EXPECT_NE(unsupported.body.find("not supported by opsagent"), std::string::npos)
      << unsupported.body;
  AgentProcess::Response step = agent->ApiGet("/api/v1/query_range?query=up&start=1&end=2&step=0");
  EXPECT_EQ(step.status, 400);
  EXPECT_NE(step.body.find("zero or negative query resolution step"), std::string::npos);
  AgentProcess::Response time = agent->ApiGet("/api/v1/query?query=1&time=yesterday");
  EXPECT_EQ(time.status, 400);
  EXPECT_NE(time.body.find("invalid parameter \\\"time\\\""), std::string::npos) << time.body;
  AgentProcess::Response label = agent->ApiGet("/api/v1/label/bad-name/values");
  EXPECT_EQ(label.status, 400);
  AgentProcess::Response series = agent->ApiGet("/api/v1/series");
  EXPECT_EQ(series.status, 400);
  EXPECT_NE(series.body.find("no match[] parameter provided"), std::string::npos);
  AgentProcess::Response missing = agent->ApiGet("/api/v1/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("\"status\":\"error\""), std::string::npos) << missing.body;
  // Still serving after all of that.
  EXPECT_EQ(agent->ApiGet("/api/v1/query?query=1").status, 200);
}

TEST_F(RulesTest, RulesAndAlertsEndpointsDescribeTheGroups) {
  auto agent = Start();
  ASSERT_TRUE(agent->WaitForLine("ALERTS{alertname=\"AgentRunsCycles\",alertstate=\"firing\"",
                                 std::chrono::seconds(30)))
      << agent->Log();
  AgentProcess::Response rules = agent->ApiGet("/api/v1/rules");
  ASSERT_EQ(rules.status, 200);
  EXPECT_NE(rules.body.find("\"name\":\"agent\""), std::string::npos) << rules.body;
  EXPECT_NE(rules.body.find("\"query\":\"rate(opsagent_cycles_total[10s])\""), std::string::npos)
      << rules.body;
  EXPECT_NE(rules.body.find("\"health\":\"ok\""), std::string::npos);
  EXPECT_NE(rules.body.find("\"type\":\"recording\""), std::string::npos);
  AgentProcess::Response only_alerts = agent->ApiGet("/api/v1/rules?type=alert");
  EXPECT_EQ(only_alerts.body.find("\"type\":\"recording\""), std::string::npos);

  AgentProcess::Response alerts = agent->ApiGet("/api/v1/alerts");
  ASSERT_EQ(alerts.status, 200);
  EXPECT_NE(alerts.body.find("\"alertname\":\"AgentRunsCycles\""), std::string::npos);
  EXPECT_NE(alerts.body.find("\"state\":\"firing\""), std::string::npos);
  EXPECT_NE(alerts.body.find(" cycles on n1\""), std::string::npos) << alerts.body;
}

TEST_F(RulesTest, AlertStateSurvivesARestartInTheMiddleOfFor) {
  std::string active_at_before;
  {
    auto agent = Start();
    auto body = agent->WaitForLine("ALERTS{alertname=\"AgentRunsCycles\",alertstate=\"firing\"",
                                   std::chrono::seconds(30));
    ASSERT_TRUE(body) << agent->Log();
    active_at_before = ValueOf(*body, "ALERTS_FOR_STATE{alertname=\"AgentRunsLong\"");
    ASSERT_FALSE(active_at_before.empty()) << *body;
    EXPECT_NE(body->find("ALERTS{alertname=\"AgentRunsLong\",alertstate=\"pending\""),
              std::string::npos);
    ASSERT_EQ(agent->Stop(), 0);
  }
  auto agent = Start();
  auto body = agent->WaitForLine("ALERTS{", std::chrono::seconds(30));
  ASSERT_TRUE(body) << agent->Log();
  // The first evaluation after the restart: the firing alert did not go back to pending, and the
  // pending one kept the time it became active, so its `for` keeps counting from then.
  EXPECT_NE(body->find("ALERTS{alertname=\"AgentRunsCycles\",alertstate=\"firing\""),
            std::string::npos)
      << *body;
  EXPECT_EQ(body->find("ALERTS{alertname=\"AgentRunsCycles\",alertstate=\"pending\""),
            std::string::npos)
      << *body;
  EXPECT_EQ(ValueOf(*body, "ALERTS_FOR_STATE{alertname=\"AgentRunsLong\""), active_at_before);
  EXPECT_NE(agent->Log().find("restored 2 alerts"), std::string::npos) << agent->Log();
}

TEST_F(RulesTest, ReloadWithABadRuleFileKeepsTheRunningRules) {
  auto agent = Start();
  ASSERT_TRUE(agent->WaitForLine("agent:cycles:rate", std::chrono::seconds(30))) << agent->Log();
  std::ofstream(dir_ + "/agent.yml") << "groups:\n  - name: agent\n    rules:\n"
                                     << "      - record: broken\n        expr: sum(\n";
  agent->Signal(SIGHUP);
  auto failed =
      agent->WaitForLine("opsagent_config_last_reload_successful 0", std::chrono::seconds(20));
  ASSERT_TRUE(failed) << agent->Log();
  EXPECT_NE(agent->Log().find(dir_ + "/agent.yml:5:"), std::string::npos) << agent->Log();
  // The old rules still run: their group is listed and their results are still produced.
  AgentProcess::Response rules = agent->ApiGet("/api/v1/rules");
  EXPECT_NE(rules.body.find("\"name\":\"agent:cycles:rate\""), std::string::npos) << rules.body;
  EXPECT_EQ(rules.body.find("broken"), std::string::npos);
  EXPECT_NE(failed->find("\nagent:cycles:rate"), std::string::npos);
}

}  // namespace
}  // namespace opsagent::testing
