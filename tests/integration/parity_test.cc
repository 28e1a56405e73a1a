// Parity with the real prometheus-node-exporter on this machine: every series it exposes for the
// collectors we share exists in ours with the same name and labels, and stable values agree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <set>

#include "collectors/options.h"
#include "tests/testing/agent_process.h"
#include "tests/testing/exposition_parser.h"
#include "tests/testing/node_exporter.h"

namespace opsagent::testing {
namespace {

// node_exporter's own plumbing, not host metrics.
bool IsExporterInternal(const std::string& name) {
  for (const char* prefix :
       {"go_", "process_", "promhttp_", "node_scrape_", "node_exporter_", "node_textfile_"}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// Flags that give node_exporter the same settings as opsagent's defaults (docs/metrics.md,
// "Differences from node_exporter"): upstream's mount-point exclusion (Debian patches it), no
// negative link speeds, and /proc/net/dev rather than netlink for netdev.
std::vector<std::string> MatchingFlags() {
  collectors::FilesystemOptions fs;
  return {"--collector.filesystem.mount-points-exclude=" + fs.mount_points_exclude,
          "--collector.filesystem.fs-types-exclude=" + fs.fs_types_exclude,
          "--collector.netclass.ignore-invalid-speed", "--no-collector.netdev.netlink"};
}

class ParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A 1 s interval keeps our cached counters at most a second older than node_exporter's.
    config_ = "/tmp/opsagent-parity-" + std::to_string(::getpid()) + ".yaml";
    std::ofstream(config_) << "global:\n  collect_interval: 1s\n";
    agent_ = std::make_unique<AgentProcess>(std::vector<std::string>{"--config", config_});
    ASSERT_TRUE(agent_->started()) << agent_->Log();
    ASSERT_TRUE(agent_->WaitForLine("opsagent_cycles_total", std::chrono::seconds(20)));
    exporter_ = std::make_unique<NodeExporter>(ComparableCollectors(), MatchingFlags());
    ASSERT_TRUE(exporter_->started()) << "prometheus-node-exporter did not start";
    // Scrape the reference right after reading ours so counters are as close in time as we can.
    ours_ = ParseExposition(agent_->Get("/metrics").body);
    theirs_ = ParseExposition(exporter_->Scrape());
    ASSERT_FALSE(theirs_.samples.empty());
    ASSERT_TRUE(ours_.errors.empty()) << ours_.errors.front();
  }

  void TearDown() override { ::unlink(config_.c_str()); }

  std::string config_;
  std::unique_ptr<AgentProcess> agent_;
  std::unique_ptr<NodeExporter> exporter_;
  ParsedExposition ours_;
  ParsedExposition theirs_;
};

TEST_F(ParityTest, EverySeriesNodeExporterExposesExistsInOurs) {
  std::set<std::string> our_keys;
  for (const Sample& s : ours_.samples) our_keys.insert(s.Key());
  std::vector<std::string> missing;
  std::size_t compared = 0;
  for (const Sample& s : theirs_.samples) {
    if (IsExporterInternal(s.name)) continue;
    ++compared;
    if (!our_keys.count(s.Key())) missing.push_back(s.Key());
  }
  EXPECT_GT(compared, 200u);
  std::string list;
  for (const auto& m : missing) list += "  " + m + "\n";
  EXPECT_TRUE(missing.empty()) << missing.size() << " series missing from opsagent:\n" << list;
}

TEST_F(ParityTest, TypesAgreeForSharedFamilies) {
  for (const auto& [name, type] : theirs_.types) {
    if (IsExporterInternal(name) || !ours_.types.count(name)) continue;
    EXPECT_EQ(ours_.types.at(name), type) << name;
  }
}

TEST_F(ParityTest, StableValuesAgreeExactly) {
  for (const char* name : {"node_memory_MemTotal_bytes", "node_boot_time_seconds",
                           "node_memory_SwapTotal_bytes", "node_filefd_maximum"}) {
    auto theirs = theirs_.Value(name);
    ASSERT_TRUE(theirs.has_value()) << name;
    EXPECT_EQ(ours_.Value(name), theirs) << name;
  }
  std::size_t filesystems = 0;
  for (const Sample* s : theirs_.Find("node_filesystem_size_bytes")) {
    ++filesystems;
    EXPECT_EQ(ours_.Value(s->name, s->labels), s->value) << s->Key();
    EXPECT_EQ(ours_.Value("node_filesystem_files", s->labels),
              theirs_.Value("node_filesystem_files", s->labels))
        << s->Key();
  }
  EXPECT_GT(filesystems, 0u);
}

TEST_F(ParityTest, CpuSecondsAgreeWithinTwoPercent) {
  std::size_t compared = 0;
  for (const Sample* s : theirs_.Find("node_cpu_seconds_total")) {
    std::optional<double> ours = ours_.Value(s->name, s->labels);
    ASSERT_TRUE(ours.has_value()) << s->Key();
    // Ours was collected up to one 1 s cycle (plus a scrape) earlier; allow that much plus 2%.
    double tolerance = 0.02 * std::max(s->value, *ours) + 2.0;
    EXPECT_NEAR(*ours, s->value, tolerance) << s->Key();
    ++compared;
  }
  EXPECT_GT(compared, 0u);
}

}  // namespace
}  // namespace opsagent::testing
