// Tests for hwmon file-name parsing, name cleaning, metric mapping and the hwmon collector.
#include "collectors/hwmon.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;
using testing::FixturePaths;
using testing::HasFamily;

HwmonFilename Parse(std::string_view name) {
  HwmonFilename out;
  EXPECT_TRUE(ParseHwmonFilename(name, out)) << name;
  return out;
}

bool Parses(std::string_view name) {
  HwmonFilename out;
  return ParseHwmonFilename(name, out);
}

Labels ChipSensor(const std::string& chip, const std::string& sensor) {
  return {{"chip", chip}, {"sensor", sensor}};
}

TEST(ParseHwmonFilename, SplitsTypeIdAndProperty) {
  HwmonFilename f = Parse("temp1_input");
  EXPECT_EQ(f.type, "temp");
  EXPECT_EQ(f.id, 1);
  EXPECT_EQ(f.property, "input");
  f = Parse("power1_average_interval");
  EXPECT_EQ(f.type, "power");
  EXPECT_EQ(f.property, "average_interval");
  f = Parse("fan12");
  EXPECT_EQ(f.type, "fan");
  EXPECT_EQ(f.id, 12);
  EXPECT_EQ(f.property, "");
  f = Parse("temp01_max");  // the id is a number: sensor "temp1"
  EXPECT_EQ(f.id, 1);
}

TEST(ParseHwmonFilename, TypeWithoutIdTakesTheWholeName) {
  HwmonFilename f = Parse("beep_enable");
  EXPECT_EQ(f.type, "beep_enable");
  EXPECT_EQ(f.id, 0);
  EXPECT_EQ(f.property, "");
  EXPECT_EQ(Parse("update_interval").type, "update_interval");
}

TEST(ParseHwmonFilename, BacktracksLikeTheRegex) {
  // ^([^0-9]+)([0-9]*)?(_(.+))?$ cannot end after "1y", so the type shrinks to "temp".
  HwmonFilename f = Parse("temp_x1y");
  EXPECT_EQ(f.type, "temp");
  EXPECT_EQ(f.id, 0);
  EXPECT_EQ(f.property, "x1y");
}

TEST(ParseHwmonFilename, RejectsOtherShapes) {
  EXPECT_FALSE(Parses(""));
  EXPECT_FALSE(Parses("1temp"));
  EXPECT_FALSE(Parses("temp1input"));
  EXPECT_FALSE(Parses("temp1_"));
  EXPECT_FALSE(Parses("temp99999999999999999999_input"));  // id overflows
}

TEST(IsHwmonSensorType, KnowsNodeExporterTypes) {
  for (const char* type : {"temp", "fan", "in", "cpu", "pwm", "curr", "power", "energy", "humidity",
                           "intrusion", "vrm", "beep_enable", "update_interval"}) {
    EXPECT_TRUE(IsHwmonSensorType(type)) << type;
  }
  EXPECT_FALSE(IsHwmonSensorType("name"));
  EXPECT_FALSE(IsHwmonSensorType("Temp"));
  EXPECT_FALSE(IsHwmonSensorType("freq"));  // added after node_exporter 1.5
}

TEST(CleanHwmonName, MatchesNodeExporter) {
  EXPECT_EQ(CleanHwmonName("Core Temp-ISA\n"), "core_temp_isa");
  EXPECT_EQ(CleanHwmonName("Fancy Chip!"), "fancy_chip");
  EXPECT_EQ(CleanHwmonName("pci0000:00"), "pci0000:00");
  EXPECT_EQ(CleanHwmonName("coretemp.0"), "coretemp_0");
  EXPECT_EQ(CleanHwmonName("___"), "");
  EXPECT_EQ(CleanHwmonName(""), "");
  // One '_' per character, whether multi-byte UTF-8 or an invalid byte.
  EXPECT_EQ(CleanHwmonName("Temp\xC3\xA9rature"), "temp_rature");
  EXPECT_EQ(CleanHwmonName("a\xFF\xFE"
                           "b"),
            "a__b");
}

TEST(AppendHwmonMetrics, MapsUnitsAndNames) {
  HwmonSensors sensors;
  sensors["temp4"] = {{"", "55000"}, {"input", "56000"}, {"crit", "90000"}};
  sensors["in0"] = {{"input", "1200"}, {"label", "Vcore"}};
  sensors["energy1"] = {{"input", "2000000"}};
  sensors["fan1"] = {{"input", "1200"}, {"pulses", "2"}, {"min", "oops"}};
  MetricSet set;
  AppendHwmonMetrics("chip0", sensors, set);
  Families families = set.Take();
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("chip0", "temp4")), 55.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_input_celsius", ChipSensor("chip0", "temp4")),
            56.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_crit_celsius", ChipSensor("chip0", "temp4")),
            90.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_in_volts", ChipSensor("chip0", "in0")), 1.2);
  EXPECT_EQ(FindSample(families, "node_hwmon_sensor_label",
                       {{"chip", "chip0"}, {"sensor", "in0"}, {"label", "Vcore"}}),
            1.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_energy_joule_total", ChipSensor("chip0", "energy1")),
            2.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_fan_rpm", ChipSensor("chip0", "fan1")), 1200.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_fan_pulses", ChipSensor("chip0", "fan1")), 2.0);
  EXPECT_FALSE(HasFamily(families, "node_hwmon_fan_min_rpm"));  // "oops" is skipped
  for (const auto& family : families) {
    EXPECT_EQ(family.type, family.name == "node_hwmon_energy_joule_total"
                               ? prometheus::MetricType::Counter
                               : prometheus::MetricType::Gauge)
        << family.name;
  }
}

TEST(HwmonCollector, CraftedFixtureMatchesNodeExporter) {
  HwmonCollector collector;
  Families families = testing::CollectOrFail(collector, FixturePaths("hwmon-crafted"));
  // Chip names: name file, hwmonN fallback, cleaned name, device directory.
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("coretemp", "temp1")), 45.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_max_celsius", ChipSensor("coretemp", "temp1")),
            80.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_crit_celsius", ChipSensor("coretemp", "temp1")),
            100.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("coretemp", "temp2")), 41.5);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("hwmon1", "temp1")), 30.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("core_temp_isa", "temp1")),
            -5.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("hwmon3_device", "temp1")),
            33.0);  // read from hwmon3/device/
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("hwmon3_device", "temp2")),
            34.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_chip_names",
                       {{"chip", "hwmon3_device"}, {"chip_name", "nvme"}}),
            1.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_chip_names",
                       {{"chip", "coretemp"}, {"chip_name", "coretemp"}}),
            1.0);
  EXPECT_EQ(CountSamples(families, "node_hwmon_chip_names"), 4u);  // hwmon1 has no name file

  // hwmon1: one of each kind, scaled like node_exporter.
  Labels fan = ChipSensor("hwmon1", "fan1");
  EXPECT_EQ(FindSample(families, "node_hwmon_fan_rpm", fan), 1200.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_fan_min_rpm", fan), 300.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_fan_max_rpm", fan), 5000.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_fan_target_rpm", fan), 1500.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_fan_alarm", fan), 0.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_fan_beep_enabled", fan), 1.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_fan_div", fan), 2.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_in_volts", ChipSensor("hwmon1", "in0")), 1.2);
  EXPECT_EQ(FindSample(families, "node_hwmon_in_min_volts", ChipSensor("hwmon1", "in0")), 1.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_cpu_vid_volts", ChipSensor("hwmon1", "cpu0")), 1.1);
  EXPECT_EQ(FindSample(families, "node_hwmon_curr_amps", ChipSensor("hwmon1", "curr1")), 1.5);
  EXPECT_EQ(FindSample(families, "node_hwmon_power_average_watt", ChipSensor("hwmon1", "power1")),
            12.5);
  EXPECT_EQ(FindSample(families, "node_hwmon_power_accuracy", ChipSensor("hwmon1", "power1")), 0.5);
  EXPECT_EQ(FindSample(families, "node_hwmon_power_average_interval_seconds",
                       ChipSensor("hwmon1", "power1")),
            1.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_energy_joule_total", ChipSensor("hwmon1", "energy1")),
            123.456789);
  EXPECT_EQ(FindSample(families, "node_hwmon_humidity", ChipSensor("hwmon1", "humidity1")), 0.045);
  EXPECT_EQ(FindSample(families, "node_hwmon_intrusion_alarm", ChipSensor("hwmon1", "intrusion0")),
            1.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_pwm", ChipSensor("hwmon1", "pwm1")), 128.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_pwm_enable", ChipSensor("hwmon1", "pwm1")), 2.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_beep_enabled", ChipSensor("hwmon1", "beep_enable0")),
            1.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_update_interval_seconds",
                       ChipSensor("hwmon1", "update_interval0")),
            0.5);
  EXPECT_EQ(
      FindSample(families, "node_hwmon_voltage_regulator_version", ChipSensor("hwmon1", "vrm0")),
      9.1);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_type", ChipSensor("hwmon1", "temp1")), 3.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_fault", ChipSensor("hwmon1", "temp2")), 1.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("hwmon1", "temp4")), 55.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_input_celsius", ChipSensor("hwmon1", "temp4")),
            56.0);
  EXPECT_FALSE(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("hwmon1", "temp3")));

  // Labels are exported raw (newline trimmed), invalid UTF-8 replaced by U+FFFD.
  EXPECT_EQ(FindSample(families, "node_hwmon_sensor_label",
                       {{"chip", "coretemp"}, {"sensor", "temp2"}, {"label", " Spaced  Label "}}),
            1.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_sensor_label",
                       {{"chip", "fancy_chip"}, {"sensor", "temp3"}, {"label", "bad\uFFFD label"}}),
            1.0);
  EXPECT_EQ(CountSamples(families, "node_hwmon_sensor_label"), 6u);

  // fancy_chip: "+4000" and "1e3" parse like Go; "  3000 " and "0x10" do not; temp01_max is
  // temp1's max; temp_x1y is sensor temp0.
  Labels fancy7 = ChipSensor("fancy_chip", "temp7");
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", fancy7), 4.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("fancy_chip", "temp8")),
            1.0);
  EXPECT_FALSE(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("fancy_chip", "temp5")));
  EXPECT_FALSE(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("fancy_chip", "temp9")));
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_max_celsius", ChipSensor("fancy_chip", "temp1")),
            0.007);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_x1y_celsius", ChipSensor("fancy_chip", "temp0")),
            0.005);
  EXPECT_EQ(CountSamples(families, "node_hwmon_temp_celsius"), 13u);
}

TEST(HwmonCollector, DuplicateChipNameFallsBackToDirectoryName) {
  std::filesystem::path base = std::filesystem::path(::testing::TempDir()) / "opsagent-hwmon-dup";
  std::filesystem::remove_all(base);
  for (const char* dir : {"hwmon0", "hwmon7"}) {
    std::filesystem::path chip = base / "sys/class/hwmon" / dir;
    std::filesystem::create_directories(chip);
    std::ofstream(chip / "name") << "coretemp\n";
    std::ofstream(chip / "temp1_input") << (dir[5] == '0' ? "40000\n" : "70000\n");
  }
  HwmonCollector collector;
  Families families =
      testing::CollectOrFail(collector, HostPaths("/proc", (base / "sys").string(), "/"));
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("coretemp", "temp1")), 40.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_temp_celsius", ChipSensor("hwmon7", "temp1")), 70.0);
  EXPECT_EQ(CountSamples(families, "node_hwmon_temp_celsius"), 2u);
}

TEST(HwmonCollector, FollowsDeviceSymlinkForChipName) {
  // The real layout: class/hwmon/hwmon0 -> ../../devices/platform/coretemp.0/hwmon/hwmon0, whose
  // device link points at the platform device.
  std::filesystem::path base = std::filesystem::path(::testing::TempDir()) / "opsagent-hwmon-link";
  std::filesystem::remove_all(base);
  std::filesystem::path device = base / "sys/devices/platform/coretemp.0";
  std::filesystem::path hwmon = device / "hwmon/hwmon0";
  std::filesystem::create_directories(hwmon);
  std::filesystem::create_directories(base / "sys/class/hwmon");
  std::filesystem::create_directory_symlink("../../../coretemp.0", hwmon / "device");
  std::filesystem::create_directory_symlink("../../devices/platform/coretemp.0/hwmon/hwmon0",
                                            base / "sys/class/hwmon/hwmon0");
  std::ofstream(hwmon / "name") << "coretemp\n";
  std::ofstream(hwmon / "temp1_input") << "51000\n";
  HwmonCollector collector;
  Families families =
      testing::CollectOrFail(collector, HostPaths("/proc", (base / "sys").string(), "/"));
  EXPECT_EQ(
      FindSample(families, "node_hwmon_temp_celsius", ChipSensor("platform_coretemp_0", "temp1")),
      51.0);
  EXPECT_EQ(FindSample(families, "node_hwmon_chip_names",
                       {{"chip", "platform_coretemp_0"}, {"chip_name", "coretemp"}}),
            1.0);
}

TEST(HwmonCollector, AbsentClassIsEmptyNotError) {
  HwmonCollector collector;
  CollectResult result = collector.Collect(FixturePaths("basic"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

TEST(HwmonCollector, ReadsLiveSys) {
  // This machine has no /sys/class/hwmon; elsewhere every chip must at least be labelled.
  HwmonCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  if (!std::filesystem::exists("/sys/class/hwmon")) {
    EXPECT_TRUE(families.empty());
  } else {
    for (const auto& family : families) {
      for (const auto& metric : family.metric) EXPECT_FALSE(metric.label.empty()) << family.name;
    }
  }
}

}  // namespace
}  // namespace opsagent::collectors
