// Tests for the filefd collector: /proc/sys/fs/file-nr parsing, fixture, live.
#include "collectors/filefd.h"

#include <gtest/gtest.h>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;

TEST(ParseFileNr, ReadsAllocatedAndMaximum) {
  Result<FileNr> nr = ParseFileNr("326\t0\t2466160\n");
  ASSERT_TRUE(nr.ok()) << nr.error().message;
  EXPECT_EQ(nr->allocated, 326u);
  EXPECT_EQ(nr->maximum, 2466160u);
}

TEST(ParseFileNr, RejectsWrongColumnCount) {
  Result<FileNr> short_line = ParseFileNr("326\t0\n");
  ASSERT_FALSE(short_line.ok());
  EXPECT_NE(short_line.error().message.find("expected 3 columns"), std::string::npos);
  EXPECT_FALSE(ParseFileNr("1\t0\t2\t3\n").ok());
  EXPECT_FALSE(ParseFileNr("").ok());
}

TEST(ParseFileNr, RejectsNonNumericColumn) {
  Result<FileNr> nr = ParseFileNr("326\t0\tlots\n");
  ASSERT_FALSE(nr.ok());
  EXPECT_NE(nr.error().message.find("column 3 (maximum) is not a number"), std::string::npos)
      << nr.error().message;
  EXPECT_FALSE(ParseFileNr("99999999999999999999999\t0\t1\n").ok());
}

TEST(FilefdCollector, EmitsNodeExporterNamesFromFixture) {
  FilefdCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  EXPECT_EQ(families.size(), 2u);
  EXPECT_EQ(FindSample(families, "node_filefd_allocated"), 326.0);
  EXPECT_EQ(FindSample(families, "node_filefd_maximum"), 2466160.0);
}

TEST(FilefdCollector, MissingFileIsAnError) {
  FilefdCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/sys/fs/file-nr"), std::string::npos);
}

TEST(FilefdCollector, ReadsLiveProc) {
  FilefdCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  ASSERT_TRUE(FindSample(families, "node_filefd_allocated").has_value());
  EXPECT_GT(*FindSample(families, "node_filefd_allocated"), 0.0);  // this test has files open
  EXPECT_GT(*FindSample(families, "node_filefd_maximum"), 0.0);
}

}  // namespace
}  // namespace opsagent::collectors
