// Tests for the os collector: os-release quoting, version numbers, fixtures, caching, live.
#include "collectors/os.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;
using testing::HasFamily;

std::string ErrorOf(std::string_view content) {
  Result<OsRelease> os = ParseOsRelease(content);
  return os.ok() ? std::string("(ok)") : os.error().message;
}

TEST(ParseOsRelease, ReadsDebian) {
  Result<OsRelease> os = ParseOsRelease(
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
      "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
      "HOME_URL=\"https://www.debian.org/\"\n");
  ASSERT_TRUE(os.ok()) << os.error().message;
  EXPECT_EQ(os->pretty_name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(os->name, "Debian GNU/Linux");
  EXPECT_EQ(os->version_id, "12");
  EXPECT_EQ(os->version, "12 (bookworm)");
  EXPECT_EQ(os->version_codename, "bookworm");
  EXPECT_EQ(os->id, "debian");
  EXPECT_EQ(os->id_like, "");
}

TEST(ParseOsRelease, HandlesShellQuoting) {
  Result<OsRelease> os = ParseOsRelease(
      "# comment\n"
      "\n"
      "NAME=\"A \\\"quoted\\\" \\$name \\`x\\` back\\\\slash\"\n"  // escapes the spec lists
      "PRETTY_NAME='single $HOME \"kept\" \\n'\n"                  // single quotes are literal
      "ID=un\\ quoted\n"                                           // unquoted backslash escapes
      "ID_LIKE=\"rhel\"' fedora'\n"                                // pieces concatenate
      "VARIANT=Server   # trailing comment\n"
      "VARIANT_ID=a#b\n"                           // '#' inside a word is not a comment
      "BUILD_ID=\"tab\\tnewline\\n\"\n"            // not escapes in double quotes: kept
      "IMAGE_VERSION=\"  padded  \"  # comment\n"  // quoted blanks are kept
      "  export IMAGE_ID = spaced  \n");
  ASSERT_TRUE(os.ok()) << os.error().message;
  EXPECT_EQ(os->name, "A \"quoted\" $name `x` back\\slash");
  EXPECT_EQ(os->pretty_name, "single $HOME \"kept\" \\n");
  EXPECT_EQ(os->id, "un quoted");
  EXPECT_EQ(os->id_like, "rhel fedora");
  EXPECT_EQ(os->variant, "Server");
  EXPECT_EQ(os->variant_id, "a#b");
  EXPECT_EQ(os->build_id, "tab\\tnewline\\n");
  EXPECT_EQ(os->image_version, "  padded  ");
  EXPECT_EQ(os->image_id, "spaced");
}

TEST(ParseOsRelease, LaterAssignmentWinsAndUnknownKeysAreIgnored) {
  Result<OsRelease> os = ParseOsRelease("ID=first\nFOO_BAR=1\nID=second\nID_LIKE=\n");
  ASSERT_TRUE(os.ok()) << os.error().message;
  EXPECT_EQ(os->id, "second");
  EXPECT_EQ(os->id_like, "");
}

TEST(ParseOsRelease, RejectsMalformedLines) {
  EXPECT_EQ(ErrorOf("ID=x\njust words\n"), "line 2: missing '='");
  EXPECT_EQ(ErrorOf("NAME=\"open\n"), "line 1: unterminated double quote");
  EXPECT_EQ(ErrorOf("ID=x\nNAME='open\n"), "line 2: unterminated single quote");
  EXPECT_EQ(ErrorOf("NAME=\"ends in \\\n"), "line 1: unterminated double quote");
  EXPECT_EQ(ErrorOf("NAME=ends\\\n"), "line 1: trailing backslash");
  EXPECT_EQ(ErrorOf("1ID=x\n"), "line 1: key must start with [A-Za-z_]");
  EXPECT_EQ(ErrorOf("=x\n"), "line 1: key must start with [A-Za-z_]");
  EXPECT_EQ(ErrorOf("I-D=x\n"), "line 1: key must be [A-Za-z0-9_]");
  EXPECT_EQ(ErrorOf("NAME=\"bad \xff byte\"\n"), "line 1: value of NAME is not valid UTF-8");
  EXPECT_EQ(ErrorOf("NAME=\"Caf\xc3\xa9\"\n"), "(ok)");
}

TEST(OsVersionNumber, TakesMajorMinorLikeNodeExporter) {
  EXPECT_EQ(OsVersionNumber("12"), 12.0);
  EXPECT_EQ(OsVersionNumber("22.04"), 22.04);
  EXPECT_EQ(OsVersionNumber("9.3.1"), 9.3);
  EXPECT_EQ(OsVersionNumber("7."), 7.0);
  EXPECT_EQ(OsVersionNumber("2024.1-rc1"), 2024.1);
  EXPECT_EQ(OsVersionNumber(""), 0.0);
  EXPECT_EQ(OsVersionNumber("rolling"), 0.0);
  EXPECT_EQ(OsVersionNumber(".5"), 0.0);
}

TEST(OsCollector, EmitsNodeExporterLabelsFromFixture) {
  OsCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(FindSample(families, "node_os_info",
                       {{"build_id", ""},
                        {"id", "debian"},
                        {"id_like", ""},
                        {"image_id", ""},
                        {"image_version", ""},
                        {"name", "Debian GNU/Linux"},
                        {"pretty_name", "Debian GNU/Linux 12 (bookworm)"},
                        {"variant", ""},
                        {"variant_id", ""},
                        {"version", "12 (bookworm)"},
                        {"version_codename", "bookworm"},
                        {"version_id", "12"}}),
            1.0);
  EXPECT_EQ(families[0].metric[0].label.size(), 12u);
  EXPECT_EQ(FindSample(families, "node_os_version",
                       {{"id", "debian"}, {"id_like", ""}, {"name", "Debian GNU/Linux"}}),
            12.0);
}

TEST(OsCollector, PrefersEtcAndDecodesQuoting) {
  OsCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("os-quoting"));
  EXPECT_EQ(FindSample(families, "node_os_info",
                       {{"build_id", "2024-01-02"},
                        {"id", "example"},
                        {"id_like", "rhel fedora"},
                        {"image_id", "img-x"},
                        {"image_version", "1.2 "},
                        {"name", "Example \"Quoted\" Linux"},
                        {"pretty_name", "Example $HOME Linux 9.3 (Blue Onyx)"},
                        {"variant", "Server"},
                        {"variant_id", "server"},
                        {"version", "9.3 (Blue Onyx)"},
                        {"version_codename", "blue-onyx"},
                        {"version_id", "9.3.1"}}),
            1.0);
  EXPECT_EQ(FindSample(families, "node_os_version", {{"id", "example"}}), 9.3);
}

TEST(OsCollector, FallsBackToUsrLib) {
  OsCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("os-usrlib"));
  EXPECT_EQ(FindSample(families, "node_os_info",
                       {{"id", "ubuntu"}, {"id_like", "debian"}, {"version_id", "22.04"}}),
            1.0);
  EXPECT_EQ(FindSample(families, "node_os_version",
                       {{"id", "ubuntu"}, {"id_like", "debian"}, {"name", "Ubuntu"}}),
            22.04);
}

TEST(OsCollector, NoOsReleaseIsNotAnError) {
  OsCollector collector;
  CollectResult result = collector.Collect(testing::FixturePaths("os-absent"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

class OsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) / ("os_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "root" / "etc");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  // Writes etc/os-release and stamps it with `mtime_sec`, so a rewrite within the same clock
  // tick still looks changed.
  void Write(std::string_view content, time_t mtime_sec) {
    const auto path = root_ / "root" / "etc" / "os-release";
    std::ofstream(path) << content;
    const timespec times[2] = {{mtime_sec, 0}, {mtime_sec, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }
  HostPaths Paths() const { return HostPaths("/proc", "/sys", (root_ / "root").string()); }

  std::filesystem::path root_;
};

TEST_F(OsFileTest, ReparsesWhenTheFileChanges) {
  OsCollector collector;
  Write("ID=one\nVERSION_ID=1\n", 1000);
  EXPECT_EQ(FindSample(testing::CollectOrFail(collector, Paths()), "node_os_version"), 1.0);
  Write("ID=two\nVERSION_ID=2\n", 2000);
  Families families = testing::CollectOrFail(collector, Paths());
  EXPECT_EQ(FindSample(families, "node_os_version", {{"id", "two"}}), 2.0);
}

TEST_F(OsFileTest, MalformedFileStaysAnErrorAndIsNotFallenBackFrom) {
  std::filesystem::create_directories(root_ / "root" / "usr" / "lib");
  std::ofstream(root_ / "root" / "usr" / "lib" / "os-release") << "ID=fallback\n";
  OsCollector collector;
  Write("ID=ok\n", 1000);
  testing::CollectOrFail(collector, Paths());
  Write("ID=\"broken\n", 2000);
  for (int cycle = 0; cycle < 2; ++cycle) {  // the failed parse is not cached as "no change"
    CollectResult result = collector.Collect(Paths());
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find("etc/os-release: line 1: unterminated double quote"),
              std::string::npos)
        << result.error().message;
  }
}

TEST_F(OsFileTest, VersionZeroEmitsOnlyInfo) {
  OsCollector collector;
  Write("ID=arch\nNAME=\"Arch Linux\"\nBUILD_ID=rolling\n", 1000);
  Families families = testing::CollectOrFail(collector, Paths());
  EXPECT_EQ(FindSample(families, "node_os_info", {{"id", "arch"}, {"build_id", "rolling"}}), 1.0);
  EXPECT_FALSE(HasFamily(families, "node_os_version"));
}

TEST(OsCollector, ReadsLiveRoot) {
  OsCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  if (!std::filesystem::exists("/etc/os-release") &&
      !std::filesystem::exists("/usr/lib/os-release")) {
    EXPECT_TRUE(families.empty());
    return;
  }
  EXPECT_EQ(testing::CountSamples(families, "node_os_info"), 1u);
}

}  // namespace
}  // namespace opsagent::collectors
