// Tests for the thermal_zone collector.
#include "collectors/thermal_zone.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;
using testing::FixturePaths;

// Writes <base>/sys/class/thermal/<entry>/<attr> files for a throwaway tree.
struct ThermalTree {
  explicit ThermalTree(const std::string& name)
      : base(std::filesystem::path(::testing::TempDir()) / ("opsagent-thermal-" + name)) {
    std::filesystem::remove_all(base);
    std::filesystem::create_directories(base / "sys/class/thermal");
  }
  void Write(const std::string& entry, const std::string& attr, const std::string& text) {
    std::filesystem::path dir = base / "sys/class/thermal" / entry;
    std::filesystem::create_directories(dir);
    std::ofstream(dir / attr) << text;
  }
  HostPaths Paths() const { return HostPaths("/proc", (base / "sys").string(), "/"); }
  std::filesystem::path base;
};

TEST(ParseThermalInt, AcceptsSignedIntegersWithWhitespace) {
  EXPECT_EQ(ParseThermalInt("48000\n"), 48000);
  EXPECT_EQ(ParseThermalInt("-1500"), -1500);
  EXPECT_EQ(ParseThermalInt(" 7 \n"), 7);
  EXPECT_FALSE(ParseThermalInt(""));
  EXPECT_FALSE(ParseThermalInt("48.5"));
  EXPECT_FALSE(ParseThermalInt("N/A"));
  EXPECT_FALSE(ParseThermalInt("99999999999999999999"));
}

TEST(ThermalZoneCollector, CraftedFixtureMatchesNodeExporter) {
  ThermalZoneCollector collector;
  Families families = testing::CollectOrFail(collector, FixturePaths("thermal_zone-crafted"));
  EXPECT_EQ(
      FindSample(families, "node_thermal_zone_temp", {{"type", "x86_pkg_temp"}, {"zone", "0"}}),
      48.0);
  EXPECT_EQ(FindSample(families, "node_thermal_zone_temp", {{"type", "acpitz"}, {"zone", "1"}}),
            -1.5);
  EXPECT_EQ(
      FindSample(families, "node_cooling_device_cur_state", {{"name", "0"}, {"type", "Processor"}}),
      0.0);
  EXPECT_EQ(
      FindSample(families, "node_cooling_device_max_state", {{"name", "0"}, {"type", "Processor"}}),
      3.0);
  EXPECT_EQ(FindSample(families, "node_cooling_device_cur_state",
                       {{"name", "1"}, {"type", "intel_powerclamp"}}),
            -1.0);
  EXPECT_EQ(FindSample(families, "node_cooling_device_max_state",
                       {{"name", "1"}, {"type", "intel_powerclamp"}}),
            50.0);
  EXPECT_EQ(CountSamples(families, "node_thermal_zone_temp"), 2u);
  EXPECT_EQ(CountSamples(families, "node_cooling_device_cur_state"), 2u);
}

TEST(ThermalZoneCollector, ZoneWithoutReadableTempIsSkipped) {
  ThermalTree tree("skip");
  tree.Write("thermal_zone0", "type", "iwlwifi_1\n");  // no temp: the card is powered down
  tree.Write("thermal_zone1", "type", "acpitz\n");
  tree.Write("thermal_zone1", "temp", "27800\n");
  tree.Write("cooling_device3", "type", "Fan\n");  // no states
  tree.Write("policy_unrelated", "x", "1");
  ThermalZoneCollector collector;
  Families families = testing::CollectOrFail(collector, tree.Paths());
  EXPECT_EQ(CountSamples(families, "node_thermal_zone_temp"), 1u);
  EXPECT_EQ(FindSample(families, "node_thermal_zone_temp", {{"zone", "1"}}), 27.8);
  EXPECT_EQ(CountSamples(families, "node_cooling_device_cur_state"), 0u);
}

TEST(ThermalZoneCollector, NonNumericTempIsAnErrorNamingTheFile) {
  ThermalTree tree("bad");
  tree.Write("thermal_zone0", "type", "acpitz\n");
  tree.Write("thermal_zone0", "temp", "hot\n");
  ThermalZoneCollector collector;
  CollectResult result = collector.Collect(tree.Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("thermal_zone0/temp: not an integer: \"hot\""),
            std::string::npos)
      << result.error().message;
}

TEST(ThermalZoneCollector, NonNumericCoolingStateIsAnError) {
  ThermalTree tree("badcool");
  tree.Write("cooling_device0", "type", "Processor\n");
  tree.Write("cooling_device0", "cur_state", "0\n");
  tree.Write("cooling_device0", "max_state", "lots\n");
  ThermalZoneCollector collector;
  CollectResult result = collector.Collect(tree.Paths());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("cooling_device0/max_state"), std::string::npos);
}

TEST(ThermalZoneCollector, AbsentClassIsEmptyNotError) {
  ThermalZoneCollector collector;
  CollectResult result = collector.Collect(FixturePaths("basic"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

TEST(ThermalZoneCollector, ReadsLiveSys) {
  // This machine's /sys/class/thermal exists but is empty; elsewhere temperatures are sane.
  ThermalZoneCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  for (const auto& family : families) {
    if (family.name != "node_thermal_zone_temp") continue;
    for (const auto& metric : family.metric) {
      EXPECT_GT(metric.gauge.value, -100.0);
      EXPECT_LT(metric.gauge.value, 200.0);
    }
  }
}

}  // namespace
}  // namespace opsagent::collectors
