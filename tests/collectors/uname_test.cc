// Tests for the uname collector: kernel string parsing, fixture, live.
#include "collectors/uname.h"

#include <gtest/gtest.h>
#include <sys/utsname.h>

#include "tests/testing/families.h"

namespace opsagent::collectors {
namespace {

using testing::FindSample;

utsname LiveUname() {
  utsname uts{};
  ::uname(&uts);
  return uts;
}

TEST(ParseKernelString, DropsOneTrailingNewlineAndKeepsSpaces) {
  Result<std::string_view> version = ParseKernelString("#1 SMP PREEMPT_DYNAMIC @0\n");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, "#1 SMP PREEMPT_DYNAMIC @0");
  EXPECT_EQ(*ParseKernelString("Linux"), "Linux");
  EXPECT_EQ(*ParseKernelString("\n"), "");
  EXPECT_EQ(*ParseKernelString(" padded \n"), " padded ");
}

TEST(ParseKernelString, RejectsSecondLineAndInvalidUtf8) {
  Result<std::string_view> two = ParseKernelString("a\nb\n");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message.find("more than one line"), std::string::npos);
  EXPECT_FALSE(ParseKernelString("host\xff\n").ok());
  EXPECT_FALSE(ParseKernelString("\xc0\xaf\n").ok());    // overlong '/'
  EXPECT_TRUE(ParseKernelString("h\xc3\xb6st\n").ok());  // "höst"
}

TEST(UnameCollector, EmitsNodeExporterLabelsFromFixture) {
  UnameCollector collector;
  Families families = testing::CollectOrFail(collector, testing::FixturePaths("basic"));
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].name, "node_uname_info");
  EXPECT_EQ(families[0].help, "Labeled system information as provided by the uname system call.");
  EXPECT_EQ(FindSample(families, "node_uname_info",
                       {{"sysname", "Linux"},
                        {"release", "6.18.44-fc-v782"},
                        {"version", "#1 SMP PREEMPT_DYNAMIC @0"},
                        {"nodename", "vm"},
                        {"domainname", "(none)"},
                        {"machine", LiveUname().machine}}),
            1.0);
  ASSERT_EQ(families[0].metric.size(), 1u);
  EXPECT_EQ(families[0].metric[0].label.size(), 6u);
}

TEST(UnameCollector, MissingFileIsAnError) {
  UnameCollector collector;
  CollectResult result = collector.Collect(HostPaths("/nonexistent/proc"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("/nonexistent/proc/sys/kernel/ostype"), std::string::npos);
}

TEST(UnameCollector, MatchesUnameOnLiveProc) {
  UnameCollector collector;
  Families families = testing::CollectOrFail(collector, HostPaths());
  utsname uts = LiveUname();
  EXPECT_EQ(FindSample(families, "node_uname_info",
                       {{"sysname", uts.sysname},
                        {"release", uts.release},
                        {"version", uts.version},
                        {"nodename", uts.nodename},
                        {"domainname", uts.domainname},
                        {"machine", uts.machine}}),
            1.0);
}

}  // namespace
}  // namespace opsagent::collectors
