// Tests for the time collector: clocksource parsing, time and zone ranges, fixtures, live.
#include "collectors/time.h"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;
using testing::HasFamily;

double RealtimeNow() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The time_zone label of the one node_time_zone_offset_seconds sample.
std::string ZoneLabel(const Families& families) {
  for (const auto& family : families) {
    if (family.name != "node_time_zone_offset_seconds" || family.metric.size() != 1) continue;
    for (const auto& label : family.metric[0].label) {
      if (label.name == "time_zone") return label.value;
    }
  }
  return "(none)";
}

// Sets TZ for one test and restores the previous value (tests run on one thread).
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(ParseAvailableClocksources, SplitsNames) {
  std::vector<std::string_view> names;
  ASSERT_TRUE(ParseAvailableClocksources("tsc hpet acpi_pm \n", names).ok());
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "tsc");
  EXPECT_EQ(names[2], "acpi_pm");
}

TEST(ParseAvailableClocksources, RejectsEmptyAndRepeatedNames) {
  std::vector<std::string_view> names;
  EXPECT_FALSE(ParseAvailableClocksources(" \n", names).ok());
  Status dup = ParseAvailableClocksources("tsc hpet tsc\n", names);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.message().find("\"tsc\" listed twice"), std::string::npos);
}

TEST(ParseCurrentClocksource, ReadsOneName) {
  Result<std::string_view> current = ParseCurrentClocksource("kvm-clock\n");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(*current, "kvm-clock");
  EXPECT_FALSE(ParseCurrentClocksource("\n").ok());
  EXPECT_FALSE(ParseCurrentClocksource("tsc hpet\n").ok());
}

TEST(TimeCollector, ReportsNowAndZoneWithoutClocksourceDirectory) {
  TimeCollector collector;
  const double before = RealtimeNow();
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  const double after = RealtimeNow();
  std::optional<double> now = FindSample(families, "node_time_seconds");
  ASSERT_TRUE(now.has_value());
  EXPECT_GE(*now, before);
  EXPECT_LE(*now, after);
  EXPECT_EQ(CountSamples(families, "node_time_zone_offset_seconds"), 1u);
  std::optional<double> offset = FindSample(families, "node_time_zone_offset_seconds");
  ASSERT_TRUE(offset.has_value());
  EXPECT_GE(*offset, -14 * 3600.0);  // UTC-12 .. UTC+14 are the zones in use
  EXPECT_LE(*offset, 14 * 3600.0);
  // The basic fixture has no sys devices/system/clocksource.
  EXPECT_FALSE(HasFamily(families, "node_time_clocksource_available_info"));
  EXPECT_FALSE(HasFamily(families, "node_time_clocksource_current_info"));
}

TEST(TimeCollector, ZoneFollowsTz) {
  ScopedTz tz("XYZ-3");  // POSIX TZ: zone "XYZ", three hours east of UTC; needs no tzdata
  TimeCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(FindSample(families, "node_time_zone_offset_seconds", {{"time_zone", "XYZ"}}), 10800.0);
  EXPECT_EQ(ZoneLabel(families), "XYZ");
}

TEST(TimeCollector, ReadsClocksourcesFromFixture) {
  TimeCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("time-clocksource"));
  EXPECT_EQ(CountSamples(families, "node_time_clocksource_available_info"), 3u);
  for (const char* name : {"tsc", "hpet", "acpi_pm"}) {
    EXPECT_EQ(FindSample(families, "node_time_clocksource_available_info",
                         {{"clocksource", name}, {"device", "0"}}),
              1.0)
        << name;
  }
  EXPECT_EQ(CountSamples(families, "node_time_clocksource_current_info"), 1u);
  EXPECT_EQ(FindSample(families, "node_time_clocksource_current_info",
                       {{"clocksource", "hpet"}, {"device", "0"}}),
            1.0);
}

TEST(TimeCollector, DeviceWithoutFilesIsAnError) {
  const auto root =
      std::filesystem::path(::testing::TempDir()) / ("time_" + std::to_string(::getpid()));
  std::filesystem::create_directories(root / "sys/devices/system/clocksource/clocksource0");
  TimeCollector collector;
  CollectResult result = collector.Collect(HostPaths("/proc", (root / "sys").string()));
  std::filesystem::remove_all(root);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("clocksource0/available_clocksource"), std::string::npos)
      << result.error().message;
}

TEST(TimeCollector, ReadsLiveSys) {
  TimeCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  ASSERT_TRUE(FindSample(families, "node_time_seconds").has_value());
  if (std::filesystem::exists("/sys/devices/system/clocksource/clocksource0")) {
    EXPECT_EQ(CountSamples(families, "node_time_clocksource_current_info"), 1u);
    EXPECT_GE(CountSamples(families, "node_time_clocksource_available_info"), 1u);
  }
}

}  // namespace
}  // namespace opsagent::collectors
