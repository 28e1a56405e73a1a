// Tests for the diskstats and udev parsers and the diskstats collector.
#include "collectors/diskstats.h"

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

TEST(ParseDiskstats, HandlesEachKernelGeneration) {
  std::vector<DiskStats> stats;
  Status s = ParseDiskstats(
      "   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n"
      "   8      16 sdb 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"
      " 259       0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"
      " 259       1 nvme1n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n",
      stats);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(stats.size(), 4u);
  EXPECT_EQ(stats[0].major, 8u);
  EXPECT_EQ(stats[0].minor, 0u);
  EXPECT_EQ(stats[0].device, "sda");
  EXPECT_EQ(stats[0].value_count, 11u);
  EXPECT_EQ(stats[0].values[10], 11u);
  EXPECT_EQ(stats[1].minor, 16u);
  EXPECT_EQ(stats[1].value_count, 15u);
  EXPECT_EQ(stats[1].values[14], 15u);
  EXPECT_EQ(stats[2].value_count, 17u);
  EXPECT_EQ(stats[2].values[16], 17u);
  // Columns a future kernel appends are ignored.
  EXPECT_EQ(stats[3].value_count, 17u);
}

TEST(ParseDiskstats, ReadsFullRangeCounters) {
  std::vector<DiskStats> stats;
  ASSERT_TRUE(ParseDiskstats("8 0 sda 18446744073709551615 0 0 0 0 0 0 0 0 0 0\n", stats).ok());
  EXPECT_EQ(stats[0].values[0], 18446744073709551615ull);
}

TEST(ParseDiskstats, RejectsTruncatedLine) {
  std::vector<DiskStats> stats;
  Status s = ParseDiskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n8 1 sda1 1 2 3 4 5 6 7\n", stats);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 2"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("at least 14 fields, got 10"), std::string::npos) << s.message();
}

TEST(ParseDiskstats, RejectsNonNumericNegativeAndOverflowingFields) {
  std::vector<DiskStats> stats;
  Status s = ParseDiskstats("8 0 sda 1 2 x 4 5 6 7 8 9 10 11\n", stats);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("field 6 (node_disk_read_bytes_total)"), std::string::npos)
      << s.message();
  EXPECT_FALSE(ParseDiskstats("8 0 sda 1 2 3 4 5 6 7 8 -9 10 11\n", stats).ok());
  EXPECT_FALSE(ParseDiskstats("8 0 sda 18446744073709551616 2 3 4 5 6 7 8 9 10 11\n", stats).ok());
  EXPECT_FALSE(ParseDiskstats("8 zero sda 1 2 3 4 5 6 7 8 9 10 11\n", stats).ok());
  EXPECT_FALSE(ParseDiskstats("4294967296 0 sda 1 2 3 4 5 6 7 8 9 10 11\n", stats).ok());
}

TEST(ParseDiskstats, AcceptsEmpty) {
  std::vector<DiskStats> stats;
  ASSERT_TRUE(ParseDiskstats("", stats).ok());
  EXPECT_TRUE(stats.empty());
}

TEST(ParseUdevProperties, KeepsKnownPropertiesOnly) {
  UdevProperties udev;
  ParseUdevProperties(
      "S:disk/by-id/ata-X\nE:ID_MODEL=Old\nE:ID_MODEL=Samsung_SSD\nE:DM_LV_LAYER=\nE:NOPE=1\n"
      "E:BROKEN\nI:123\nE:ID_FS_UUID=a=b",
      udev);
  EXPECT_EQ(udev.Get(UdevKey::kIdModel), "Samsung_SSD");  // last value wins
  EXPECT_TRUE(udev.Has(UdevKey::kDmLvLayer));
  EXPECT_EQ(udev.Get(UdevKey::kDmLvLayer), "");
  EXPECT_FALSE(udev.Has(UdevKey::kIdPath));
  EXPECT_EQ(udev.Get(UdevKey::kIdFsUuid), "a=b");
  ParseUdevProperties("", udev);
  EXPECT_FALSE(udev.Has(UdevKey::kIdModel));
}

TEST(DiskstatsCollector, BasicFixtureMatchesNodeExporter) {
  DiskstatsCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, FixturePaths("basic"));
  Labels vda = {{"device", "vda"}};
  // Line: 254 0 vda 28076 5548 1933034 7435 23490 8540 1587528 6500 0 7928 15151 4362 55 109992
  // 554 1479 661. The doubles are node_exporter 1.5's exact output for this fixture.
  EXPECT_EQ(FindSample(families, "node_disk_reads_completed_total", vda), 28076.0);
  EXPECT_EQ(FindSample(families, "node_disk_reads_merged_total", vda), 5548.0);
  EXPECT_EQ(FindSample(families, "node_disk_read_bytes_total", vda), 989713408.0);
  EXPECT_EQ(FindSample(families, "node_disk_read_time_seconds_total", vda), 7.4350000000000005);
  EXPECT_EQ(FindSample(families, "node_disk_writes_completed_total", vda), 23490.0);
  EXPECT_EQ(FindSample(families, "node_disk_writes_merged_total", vda), 8540.0);
  EXPECT_EQ(FindSample(families, "node_disk_written_bytes_total", vda), 812814336.0);
  EXPECT_EQ(FindSample(families, "node_disk_write_time_seconds_total", vda), 6.5);
  EXPECT_EQ(FindSample(families, "node_disk_io_now", vda), 0.0);
  EXPECT_EQ(FindSample(families, "node_disk_io_time_seconds_total", vda), 7.928);
  EXPECT_EQ(FindSample(families, "node_disk_io_time_weighted_seconds_total", vda), 15.151);
  EXPECT_EQ(FindSample(families, "node_disk_discards_completed_total", vda), 4362.0);
  EXPECT_EQ(FindSample(families, "node_disk_discards_merged_total", vda), 55.0);
  EXPECT_EQ(FindSample(families, "node_disk_discarded_sectors_total", vda), 109992.0);
  EXPECT_EQ(FindSample(families, "node_disk_discard_time_seconds_total", vda), 0.554);
  EXPECT_EQ(FindSample(families, "node_disk_flush_requests_total", vda), 1479.0);
  EXPECT_EQ(FindSample(families, "node_disk_flush_requests_time_seconds_total", vda), 0.661);
  EXPECT_EQ(FindSample(families, "node_disk_info",
                       {{"device", "vda"},
                        {"major", "254"},
                        {"minor", "0"},
                        {"model", ""},
                        {"path", ""},
                        {"serial", ""},
                        {"wwn", ""}}),
            1.0);
  // loop0-7 match the default device_exclude; zram0 does not (node_exporter 1.5 keeps it too).
  EXPECT_EQ(CountSamples(families, "node_disk_info"), 2u);
  EXPECT_TRUE(FindSample(families, "node_disk_io_now", {{"device", "zram0"}}));
  EXPECT_FALSE(FindSample(families, "node_disk_io_now", {{"device", "loop0"}}));
  EXPECT_FALSE(HasFamily(families, "node_disk_filesystem_info"));
}

TEST(DiskstatsCollector, BasicFixtureTypes) {
  DiskstatsCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, FixturePaths("basic"));
  for (const auto& family : families) {
    if (family.name == "node_disk_io_now" || family.name == "node_disk_info") {
      EXPECT_EQ(family.type, prometheus::MetricType::Gauge) << family.name;
    } else {
      EXPECT_EQ(family.type, prometheus::MetricType::Counter) << family.name;
    }
  }
}

TEST(DiskstatsCollector, CraftedFixtureKernelGenerationsAndUdev) {
  DiskstatsCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, FixturePaths("diskstats-crafted"));
  // sda: 14-field kernel line, no discard or flush columns.
  EXPECT_EQ(FindSample(families, "node_disk_io_time_weighted_seconds_total", {{"device", "sda"}}),
            0.011);
  EXPECT_FALSE(FindSample(families, "node_disk_discards_completed_total", {{"device", "sda"}}));
  // sdb: 18 fields, discards but no flushes.
  EXPECT_EQ(FindSample(families, "node_disk_discard_time_seconds_total", {{"device", "sdb"}}),
            0.035);
  EXPECT_FALSE(FindSample(families, "node_disk_flush_requests_total", {{"device", "sdb"}}));
  // dm-0: 20 fields; nvme0n1: 21 fields, the extra one ignored.
  EXPECT_EQ(
      FindSample(families, "node_disk_flush_requests_time_seconds_total", {{"device", "dm-0"}}),
      0.017);
  EXPECT_EQ(FindSample(families, "node_disk_flush_requests_total", {{"device", "nvme0n1"}}), 16.0);
  // Excluded by the default regex.
  EXPECT_FALSE(FindSample(families, "node_disk_info", {{"device", "sda1"}}));
  EXPECT_FALSE(FindSample(families, "node_disk_info", {{"device", "loop0"}}));
  EXPECT_EQ(CountSamples(families, "node_disk_info"), 4u);

  // udev: serial is ID_SERIAL_SHORT (node_exporter 1.5 ignores SCSI_IDENT_SERIAL and ID_SERIAL).
  EXPECT_EQ(FindSample(families, "node_disk_info",
                       {{"device", "sda"},
                        {"major", "8"},
                        {"minor", "0"},
                        {"model", "Samsung_SSD"},
                        {"path", "pci-0000:00:1f.2-ata-1"},
                        {"revision", "1.0"},
                        {"serial", "S123"},
                        {"wwn", "0x5000"}}),
            1.0);
  EXPECT_EQ(FindSample(families, "node_disk_info", {{"device", "dm-0"}, {"serial", ""}}), 1.0);
  EXPECT_EQ(FindSample(families, "node_disk_filesystem_info",
                       {{"device", "sda"},
                        {"type", "ext4"},
                        {"usage", "filesystem"},
                        {"uuid", "abcd"},
                        {"version", "1.0"}}),
            1.0);
  EXPECT_EQ(CountSamples(families, "node_disk_filesystem_info"), 1u);
  EXPECT_EQ(FindSample(families, "node_disk_device_mapper_info",
                       {{"device", "dm-0"},
                        {"lv_layer", ""},
                        {"lv_name", "root"},
                        {"name", "vg-root"},
                        {"uuid", "LVM-xyz"},
                        {"vg_name", "vg"}}),
            1.0);
  EXPECT_EQ(FindSample(families, "node_disk_ata_write_cache", {{"device", "sda"}}), 1.0);
  EXPECT_EQ(FindSample(families, "node_disk_ata_write_cache_enabled", {{"device", "sda"}}), 0.0);
  EXPECT_EQ(FindSample(families, "node_disk_ata_rotation_rate_rpm", {{"device", "sda"}}), 7200.0);
  EXPECT_EQ(CountSamples(families, "node_disk_ata_rotation_rate_rpm"), 1u);
}

TEST(DiskstatsCollector, CustomExclude) {
  CollectorOptions options;
  options.diskstats.device_exclude = "^(sd|nvme)";
  DiskstatsCollector collector{options};
  Families families = testing::CollectOrFail(collector, FixturePaths("diskstats-crafted"));
  EXPECT_EQ(CountSamples(families, "node_disk_info"), 2u);  // dm-0 and loop0
  EXPECT_TRUE(FindSample(families, "node_disk_info", {{"device", "loop0"}}));
}

TEST(DiskstatsCollector, MalformedFileIsAnErrorNamingFileAndLine) {
  std::filesystem::path base = std::filesystem::path(::testing::TempDir()) / "opsagent-disk-bad";
  std::filesystem::create_directories(base / "proc");
  std::ofstream(base / "proc" / "diskstats") << "8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n8 0 sdb 1 2\n";
  DiskstatsCollector collector{CollectorOptions{}};
  CollectResult result = collector.Collect(HostPaths((base / "proc").string()));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("proc/diskstats: diskstats line 2"), std::string::npos)
      << result.error().message;
}

TEST(DiskstatsCollector, MissingFileIsAnError) {
  DiskstatsCollector collector{CollectorOptions{}};
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/diskstats"), std::string::npos);
}

TEST(DiskstatsCollector, ReadsLiveProc) {
  DiskstatsCollector collector{CollectorOptions{}};
  Families families = testing::CollectOrFail(collector, HostPaths());
  EXPECT_GT(CountSamples(families, "node_disk_info"), 0u);
  EXPECT_EQ(CountSamples(families, "node_disk_info"),
            CountSamples(families, "node_disk_reads_completed_total"));
}

}  // namespace
}  // namespace opsagent::collectors
