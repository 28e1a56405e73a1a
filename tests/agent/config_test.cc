// Tests for config loading: defaults, every key, and FILE:LINE:COL problems.
#include "agent/config/config.h"

#include <gtest/gtest.h>

#include <fstream>

namespace opsagent::config {
namespace {

using std::chrono::milliseconds;

LoadResult Load(const std::string& yaml) { return LoadConfigString(yaml, "test.yaml"); }

// The rendered problems, one per line, for compact assertions.
std::string Problems(const LoadResult& result) {
  std::string out;
  for (const auto& p : result.problems) out += p.ToString() + "\n";
  return out;
}

TEST(Config, EmbeddedDefaultIsValid) {
  LoadResult result = LoadEmbeddedDefault();
  ASSERT_TRUE(result.ok()) << Problems(result);
  EXPECT_EQ(result.config.collect_interval, milliseconds(10000));
  EXPECT_EQ(result.config.collect_timeout, milliseconds(8000));
  EXPECT_EQ(result.config.listen_address, "0.0.0.0:9810");
  EXPECT_EQ(result.config.source, "<embedded>");
  EXPECT_TRUE(result.config.CollectorEnabled("loadavg"));
}

TEST(Config, EmptyFileMeansDefaults) {
  LoadResult result = Load("");
  ASSERT_TRUE(result.ok()) << Problems(result);
  EXPECT_EQ(result.config.collect_interval, milliseconds(10000));
  EXPECT_EQ(result.config.procfs, "/proc");
}

TEST(Config, ReadsEveryGeneralKey) {
  LoadResult result = Load(R"(
global:
  collect_interval: 5s
  collect_timeout: 3s
web:
  listen_address: "[::1]:9999"
paths:
  procfs: /host/proc
  sysfs: /host/sys
  rootfs: /host
log:
  level: debug
  format: json
collectors:
  loadavg:
    enabled: false
)");
  ASSERT_TRUE(result.ok()) << Problems(result);
  const Config& c = result.config;
  EXPECT_EQ(c.collect_interval, milliseconds(5000));
  EXPECT_EQ(c.collect_timeout, milliseconds(3000));
  EXPECT_EQ(c.listen_address, "[::1]:9999");
  EXPECT_EQ(c.procfs, "/host/proc");
  EXPECT_EQ(c.sysfs, "/host/sys");
  EXPECT_EQ(c.rootfs, "/host");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.log_format, "json");
  EXPECT_FALSE(c.CollectorEnabled("loadavg"));
}

TEST(Config, TimeoutDerivesFromInterval) {
  LoadResult result = Load("global: {collect_interval: 2s}");
  ASSERT_TRUE(result.ok()) << Problems(result);
  EXPECT_EQ(result.config.collect_timeout, milliseconds(1600));
}

TEST(Config, UnknownKeyNamesFileLineColumn) {
  LoadResult result = Load("global:\n  collect_intervall: 5s\n");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(Problems(result), "test.yaml:2:3: unknown key global.collect_intervall\n");
}

TEST(Config, WrongTypeIsReported) {
  LoadResult result = Load("collectors:\n  loadavg:\n    enabled: maybe\n");
  EXPECT_EQ(Problems(result),
            "test.yaml:3:14: collectors.loadavg.enabled: expected true or false\n");
}

TEST(Config, BadDurationIsReported) {
  LoadResult result = Load("global:\n  collect_interval: 10 seconds\n");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].line, 2);
  EXPECT_EQ(result.problems[0].column, 21);
  EXPECT_NE(result.problems[0].message.find("is not a duration"), std::string::npos);
}

TEST(Config, IntervalBelowMinimumIsOutOfRange) {
  LoadResult result = Load("global:\n  collect_interval: 500ms\n");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].message.find("below the minimum of 1s"), std::string::npos);
}

TEST(Config, TimeoutAboveIntervalIsRejected) {
  LoadResult result = Load("global:\n  collect_interval: 5s\n  collect_timeout: 6s\n");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].line, 3);
  EXPECT_NE(result.problems[0].message.find("must not exceed"), std::string::npos);
}

TEST(Config, BadRegexIsReportedWithRe2Error) {
  LoadResult result = Load("collectors:\n  filesystem:\n    mount_points_exclude: \"^(/proc\"\n");
  ASSERT_EQ(result.problems.size(), 1u) << Problems(result);
  EXPECT_EQ(result.problems[0].line, 3);
  EXPECT_NE(result.problems[0].message.find("invalid regular expression"), std::string::npos);
}

TEST(Config, OutOfRangeIntegerIsReported) {
  LoadResult result = Load("collectors:\n  process:\n    top_n: 5000\n");
  ASSERT_EQ(result.problems.size(), 1u) << Problems(result);
  EXPECT_NE(result.problems[0].message.find("out of range [0, 1000]"), std::string::npos);
}

TEST(Config, UnknownCollectorIsReported) {
  LoadResult result = Load("collectors:\n  gpu_magic: {enabled: true}\n");
  EXPECT_EQ(Problems(result), "test.yaml:2:3: unknown collector gpu_magic\n");
}

TEST(Config, BadEnumListsChoices) {
  LoadResult result = Load("log:\n  format: xml\n");
  EXPECT_EQ(Problems(result), "test.yaml:2:11: log.format: \"xml\" is not one of text, json\n");
}

TEST(Config, BadListenAddressIsReported) {
  for (const char* address : {"9810", "localhost:http", "::1:9810", "host:70000"}) {
    LoadResult result = Load(std::string("web:\n  listen_address: \"") + address + "\"\n");
    ASSERT_EQ(result.problems.size(), 1u) << address;
    EXPECT_EQ(result.problems[0].line, 2) << address;
  }
}

TEST(Config, YamlSyntaxErrorHasPosition) {
  LoadResult result = Load("global:\n  collect_interval: [5s\n");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_GT(result.problems[0].line, 0);
  EXPECT_NE(result.problems[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(Config, ReportsEveryProblemNotJustTheFirst) {
  LoadResult result = Load("global:\n  bogus: 1\nlog:\n  level: loud\nweb: 7\n");
  EXPECT_EQ(result.problems.size(), 3u) << Problems(result);
}

TEST(Config, DuplicateKeyIsReported) {
  LoadResult result = Load("log:\n  level: info\n  level: debug\n");
  EXPECT_NE(Problems(result).find("duplicate key log.level"), std::string::npos);
}

TEST(Config, ProcessGroupsAreValidated) {
  LoadResult result = Load(R"(
collectors:
  process:
    top_n: 3
    groups:
      - {name: web, comm: "^nginx$"}
      - {name: api, cmdline: "python.* api\\.py"}
      - {name: web, comm: "x"}
      - {comm: "y"}
      - {name: empty}
)");
  ASSERT_EQ(result.problems.size(), 3u) << Problems(result);
  EXPECT_NE(Problems(result).find("test.yaml:8:16: collectors.process.groups[2].name: duplicate"),
            std::string::npos)
      << Problems(result);
  EXPECT_NE(Problems(result).find("groups[3].name: required"), std::string::npos);
  EXPECT_NE(Problems(result).find("groups[4]: needs comm or cmdline"), std::string::npos);
}

TEST(Config, ProcessGroupsAreRead) {
  LoadResult result = Load(R"(
collectors:
  process:
    top_n: 3
    groups:
      - {name: web, comm: "^nginx$"}
      - {name: api, cmdline: "python.* api\\.py"}
)");
  ASSERT_TRUE(result.ok()) << Problems(result);
  const auto& p = result.config.collector_options.process;
  EXPECT_EQ(p.top_n, 3);
  ASSERT_EQ(p.groups.size(), 2u);
  EXPECT_EQ(p.groups[0].name, "web");
  EXPECT_EQ(p.groups[0].comm, "^nginx$");
  EXPECT_EQ(p.groups[1].cmdline, "python.* api\\.py");
}

TEST(Config, CollectorOptionsAreRead) {
  LoadResult result = Load(R"(
collectors:
  filesystem:
    mount_points_exclude: "^/boot"
    fs_types_exclude: "^tmpfs$"
    mount_timeout: 250ms
  netdev:
    device_exclude: "^veth"
    device_include: "^eth"
  netclass:
    ignored_devices: "^lo$"
  diskstats:
    device_exclude: "^loop"
)");
  ASSERT_TRUE(result.ok()) << Problems(result);
  const auto& o = result.config.collector_options;
  EXPECT_EQ(o.filesystem.mount_points_exclude, "^/boot");
  EXPECT_EQ(o.filesystem.fs_types_exclude, "^tmpfs$");
  EXPECT_EQ(o.filesystem.mount_timeout, milliseconds(250));
  EXPECT_EQ(o.netdev.device_exclude, "^veth");
  EXPECT_EQ(o.netdev.device_include, "^eth");
  EXPECT_EQ(o.netclass.ignored_devices, "^lo$");
  EXPECT_EQ(o.diskstats.device_exclude, "^loop");
}

TEST(Config, DirectoryIsNotAConfigFile) {
  LoadResult result = LoadConfigFile("/etc");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].message.find("Is a directory"), std::string::npos)
      << result.problems[0].message;
}

TEST(Config, MissingFileIsAProblem) {
  LoadResult result = LoadConfigFile("/nonexistent/opsagent.yaml");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].file, "/nonexistent/opsagent.yaml");
}

}  // namespace
}  // namespace opsagent::config

namespace opsagent::config {
namespace {

TEST(RuleConfigTest, EvaluationIntervalDefaultsToCollectInterval) {
  LoadResult r = LoadConfigString("global: {collect_interval: 15s}\n", "c.yml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.evaluation_interval, std::chrono::seconds(15));
  EXPECT_TRUE(r.config.builtin_rule_pack);
  EXPECT_EQ(r.config.api_listen_address, "127.0.0.1:9811");
}

TEST(RuleConfigTest, EvaluationIntervalShorterThanCollectIsAProblem) {
  LoadResult r =
      LoadConfigString("global:\n  collect_interval: 15s\n  evaluation_interval: 5s\n", "c.yml");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].line, 3);
  EXPECT_NE(r.problems[0].message.find("must not be shorter"), std::string::npos);
}

TEST(RuleConfigTest, RuleFilesExternalLabelsAndLimits) {
  LoadResult r = LoadConfigString(
      "rule_files: [a.yml, 'rules/*.yml']\n"
      "global: {external_labels: {cluster: prod, dc: eu1}}\n"
      "rules: {builtin_pack: false, max_series_history: 50, query_timeout: 2s}\n"
      "api: {listen_address: ''}\n"
      "state_dir: /tmp/x\n",
      "c.yml");
  ASSERT_TRUE(r.ok()) << r.problems[0].ToString();
  EXPECT_EQ(r.config.rule_files, (std::vector<std::string>{"a.yml", "rules/*.yml"}));
  ASSERT_EQ(r.config.external_labels.size(), 2u);
  EXPECT_EQ(r.config.external_labels[0].first, "cluster");
  EXPECT_FALSE(r.config.builtin_rule_pack);
  EXPECT_EQ(r.config.max_series_history, 50);
  EXPECT_EQ(r.config.query_timeout, std::chrono::seconds(2));
  EXPECT_EQ(r.config.api_listen_address, "");
  EXPECT_EQ(r.config.state_dir, "/tmp/x");
}

TEST(RuleConfigTest, BadRuleSettingsNameTheField) {
  LoadResult r = LoadConfigString(
      "rule_files: a.yml\n"
      "global: {external_labels: {__bad: x, 1x: y}}\n"
      "rules: {unknown: 1}\n"
      "api: {listen_address: nope}\n",
      "c.yml");
  std::string all;
  for (const auto& p : r.problems) all += p.ToString() + "\n";
  EXPECT_NE(all.find("c.yml:1:13: rule_files: expected a list"), std::string::npos) << all;
  EXPECT_NE(all.find("global.external_labels.__bad"), std::string::npos) << all;
  EXPECT_NE(all.find("global.external_labels.1x"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown key rules.unknown"), std::string::npos) << all;
  EXPECT_NE(all.find("api.listen_address"), std::string::npos) << all;
}

}  // namespace
}  // namespace opsagent::config
