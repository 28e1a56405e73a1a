// Tests for the sysfs integer parser and the netclass collector.
#include "collectors/netclass.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::CountSamples;
using testing::FindSample;
using testing::HasFamily;

TEST(ParseSysfsInt, ReadsDecimalHexAndNegative) {
  EXPECT_EQ(ParseSysfsInt("1500\n"), 1500);
  EXPECT_EQ(ParseSysfsInt("0x1003\n"), 4099);
  EXPECT_EQ(ParseSysfsInt("0X0"), 0);
  EXPECT_EQ(ParseSysfsInt("-1\n"), -1);
  EXPECT_EQ(ParseSysfsInt("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseSysfsInt("-9223372036854775808"), INT64_MIN);
}

TEST(ParseSysfsInt, RejectsGarbage) {
  EXPECT_FALSE(ParseSysfsInt(""));
  EXPECT_FALSE(ParseSysfsInt("\n"));
  EXPECT_FALSE(ParseSysfsInt("15oo"));
  EXPECT_FALSE(ParseSysfsInt("0x"));
  EXPECT_FALSE(ParseSysfsInt("0xzz"));
  EXPECT_FALSE(ParseSysfsInt("--1"));
  EXPECT_FALSE(ParseSysfsInt("1 2"));
  EXPECT_FALSE(ParseSysfsInt("9223372036854775808"));
  EXPECT_FALSE(ParseSysfsInt("-9223372036854775809"));
}

TEST(NetclassCollector, EmitsNodeExporterSetFromFixture) {
  NetclassCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  const Labels eth0{{"device", "eth0"}};
  const Labels lo{{"device", "lo"}};
  const Labels ifb0{{"device", "ifb0"}};
  EXPECT_EQ(FindSample(families, "node_network_up", eth0), 1);
  EXPECT_EQ(FindSample(families, "node_network_up", lo), 0);  // operstate "unknown"
  EXPECT_EQ(FindSample(families, "node_network_up", ifb0), 0);
  EXPECT_EQ(FindSample(families, "node_network_info",
                       {{"address", "02:fc:00:00:00:01"},
                        {"broadcast", "ff:ff:ff:ff:ff:ff"},
                        {"device", "eth0"},
                        {"duplex", "unknown"},
                        {"ifalias", ""},
                        {"operstate", "up"}}),
            1);
  // lo has no readable duplex: the label is present and empty, as in node_exporter.
  EXPECT_EQ(FindSample(families, "node_network_info",
                       {{"device", "lo"}, {"duplex", ""}, {"operstate", "unknown"}}),
            1);
  EXPECT_EQ(FindSample(families, "node_network_flags", eth0), 4099);  // "0x1003"
  EXPECT_EQ(FindSample(families, "node_network_flags", ifb0), 130);   // "0x82"
  EXPECT_EQ(FindSample(families, "node_network_mtu_bytes", eth0), 1400);
  EXPECT_EQ(FindSample(families, "node_network_mtu_bytes", lo), 65536);
  EXPECT_EQ(FindSample(families, "node_network_iface_id", {{"device", "ifb1"}}), 3);
  EXPECT_EQ(FindSample(families, "node_network_iface_link", eth0), 4);
  EXPECT_EQ(FindSample(families, "node_network_address_assign_type", ifb0), 1);
  EXPECT_EQ(FindSample(families, "node_network_carrier_changes_total", eth0), 2);
  EXPECT_EQ(FindSample(families, "node_network_carrier_up_changes_total", eth0), 1);
  EXPECT_EQ(FindSample(families, "node_network_carrier_down_changes_total", eth0), 1);
  EXPECT_EQ(FindSample(families, "node_network_transmit_queue_length", ifb0), 32);
  EXPECT_EQ(FindSample(families, "node_network_protocol_type", lo), 772);
  EXPECT_EQ(FindSample(families, "node_network_name_assign_type", lo), 2);
  EXPECT_EQ(FindSample(families, "node_network_net_dev_group", eth0), 0);
  EXPECT_EQ(FindSample(families, "node_network_device_id", eth0), 0);
  EXPECT_EQ(FindSample(families, "node_network_iface_link_mode", eth0), 0);
  EXPECT_EQ(FindSample(families, "node_network_dormant", eth0), 0);
  // The ifbs are down: carrier, dormant and name_assign_type were unreadable when recorded.
  EXPECT_EQ(CountSamples(families, "node_network_carrier"), 2u);
  EXPECT_FALSE(FindSample(families, "node_network_carrier", ifb0));
  EXPECT_EQ(CountSamples(families, "node_network_name_assign_type"), 2u);
  // eth0 (virtio) reports speed -1: skipped rather than exported as -125000.
  EXPECT_FALSE(HasFamily(families, "node_network_speed_bytes"));
  EXPECT_EQ(CountSamples(families, "node_network_up"), 4u);
  EXPECT_EQ(CountSamples(families, "node_network_info"), 4u);
  // 18 families: everything node_exporter 1.5 emits here except speed_bytes.
  EXPECT_EQ(families.size(), 18u);
  for (const auto& family : families) {
    bool counter = family.name.size() > 6 && family.name.substr(family.name.size() - 6) == "_total";
    EXPECT_EQ(family.type,
              counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge)
        << family.name;
    if (family.name != "node_network_up" && family.name != "node_network_info") {
      EXPECT_EQ(family.help, "Network device property: " + family.name.substr(13));
    }
  }
}

TEST(NetclassCollector, FollowsSymlinksAndSkipsNonDevices) {
  NetclassCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("netclass-links"));
  // bonding_masters (a regular file) and gone0 (a dangling link) are not devices.
  EXPECT_EQ(CountSamples(families, "node_network_up"), 2u);
  EXPECT_FALSE(FindSample(families, "node_network_up", {{"device", "bonding_masters"}}));
  EXPECT_FALSE(FindSample(families, "node_network_up", {{"device", "gone0"}}));

  const Labels eth1{{"device", "eth1"}};
  EXPECT_EQ(FindSample(families, "node_network_up", eth1), 1);
  EXPECT_EQ(FindSample(families, "node_network_speed_bytes", eth1), 1250000000.0);
  EXPECT_EQ(FindSample(families, "node_network_info",
                       {{"device", "eth1"}, {"duplex", "full"}, {"ifalias", "uplink to core-sw1"}}),
            1);
  EXPECT_EQ(FindSample(families, "node_network_mtu_bytes", eth1), 9000);
  EXPECT_EQ(FindSample(families, "node_network_carrier_changes_total", eth1), 7);
  EXPECT_EQ(FindSample(families, "node_network_iface_link_mode", eth1), 1);

  const Labels wlan0{{"device", "wlan0"}};
  EXPECT_EQ(FindSample(families, "node_network_up", wlan0), 0);
  EXPECT_EQ(FindSample(families, "node_network_device_id", wlan0), 1);
  EXPECT_EQ(FindSample(families, "node_network_net_dev_group", wlan0), 2);
  EXPECT_FALSE(FindSample(families, "node_network_carrier", wlan0));
  EXPECT_FALSE(FindSample(families, "node_network_speed_bytes", wlan0));
  EXPECT_FALSE(FindSample(families, "node_network_dormant", wlan0));
  EXPECT_EQ(FindSample(families, "node_network_info", {{"device", "wlan0"}, {"duplex", ""}}), 1);
}

TEST(NetclassCollector, IgnoredDevicesAreUnanchored) {
  CollectorOptions options;
  options.netclass.ignored_devices = "ifb";
  NetclassCollector collector{options};
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(CountSamples(families, "node_network_up"), 2u);
  EXPECT_FALSE(FindSample(families, "node_network_up", {{"device", "ifb1"}}));
}

TEST(NetclassCollector, NonNumericAttributeIsAnErrorNamingTheFile) {
  NetclassCollector collector{CollectorOptions{}};
  CollectResult result = collector.Collect(testing::FixturePaths("netclass-malformed"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("eth0/mtu"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("15oo"), std::string::npos) << result.error().message;
}

TEST(NetclassCollector, MissingClassDirectoryMeansNoFamilies) {
  NetclassCollector collector{CollectorOptions{}};
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc", "/nonexistent/sys"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

TEST(NetclassCollector, ReadsLiveSys) {
  NetclassCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, HostPaths());
  const Labels lo{{"device", "lo"}};
  EXPECT_EQ(FindSample(families, "node_network_iface_id", lo), 1);
  EXPECT_EQ(FindSample(families, "node_network_protocol_type", lo), 772);  // ARPHRD_LOOPBACK
  EXPECT_EQ(FindSample(families, "node_network_info", {{"device", "lo"}}), 1);
  // Every down interface refuses `carrier` with EINVAL: it must be skipped, not fail the scrape.
  for (const auto& family : families) {
    if (family.name != "node_network_up") continue;
    for (const auto& metric : family.metric) {
      std::string device = metric.label[0].value;
      std::ifstream operstate("/sys/class/net/" + device + "/operstate");
      std::string state;
      operstate >> state;
      if (state == "down") {
        EXPECT_FALSE(FindSample(families, "node_network_carrier", {{"device", device}})) << device;
      }
    }
  }
  EXPECT_EQ(CountSamples(families, "node_network_up"), CountSamples(families, "node_network_info"));
}

}  // namespace
}  // namespace opsagent::collectors
