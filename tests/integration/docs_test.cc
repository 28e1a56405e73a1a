// docs/ stays true: every exposed metric family is in docs/metrics.md, every config key the
// loader accepts is in docs/configuration.md (and nothing there is made up), and the embedded
// default shown there is the real one.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "agent/config/config.h"
#include "tests/testing/agent_process.h"
#include "tests/testing/exposition_parser.h"

namespace opsagent::testing {
namespace {

std::string ReadDoc(const std::string& name) {
  std::ifstream in(std::string(OPSAGENT_SOURCE_DIR) + "/docs/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The backticked first cell of each table row: "| `name` | ...".
std::vector<std::string> FirstColumnNames(const std::string& markdown) {
  std::vector<std::string> names;
  std::istringstream in(markdown);
  std::string line;
  static const std::regex kRow(R"(^\| `([^`]+)` \|)");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, kRow)) names.push_back(m[1]);
  }
  return names;
}

// Expands "{a,b}" alternatives and "<Field>" placeholders into an anchored regex.
std::regex PatternFor(const std::string& documented) {
  std::string re = "^";
  for (std::size_t i = 0; i < documented.size(); ++i) {
    char c = documented[i];
    if (c == '{') {
      std::size_t end = documented.find('}', i);
      std::string inner = documented.substr(i + 1, end - i - 1);
      std::replace(inner.begin(), inner.end(), ',', '|');
      re += "(" + inner + ")";
      i = end;
    } else if (c == '<') {
      i = documented.find('>', i);
      re += "[A-Za-z0-9_]+";
    } else {
      re += c;
    }
  }
  return std::regex(re + "$");
}

class DocumentedMetrics {
 public:
  DocumentedMetrics() {
    for (const std::string& name : FirstColumnNames(ReadDoc("metrics.md"))) {
      patterns_.push_back(PatternFor(name));
    }
  }
  bool Covers(const std::string& family) const {
    for (const auto& p : patterns_) {
      if (std::regex_match(family, p)) return true;
    }
    return false;
  }
  std::size_t size() const { return patterns_.size(); }

 private:
  std::vector<std::regex> patterns_;
};

std::string Undocumented(const ParsedExposition& exposition, const DocumentedMetrics& docs) {
  std::string missing;
  for (const auto& [family, type] : exposition.types) {
    if (!docs.Covers(family)) missing += "  " + family + "\n";
  }
  return missing;
}

TEST(Docs, EveryLiveMetricIsDocumented) {
  DocumentedMetrics docs;
  ASSERT_GT(docs.size(), 50u);
  std::string config = "/tmp/opsagent-docs-" + std::to_string(::getpid()) + ".yaml";
  // A group that matches this test process, so the group families are exposed too.
  std::ofstream(config) << "global:\n  collect_interval: 1s\ncollectors:\n  process:\n"
                           "    groups: [{name: tests, cmdline: \"integration_test\"}]\n";
  AgentProcess agent({"--config", config});
  ASSERT_TRUE(agent.started()) << agent.Log();
  auto body = agent.WaitForLine("opsagent_process_group_oldest_start_time_seconds",
                                std::chrono::seconds(20));
  ::unlink(config.c_str());
  ASSERT_TRUE(body.has_value()) << agent.Log();
  ParsedExposition parsed = ParseExposition(*body);
  ASSERT_GT(parsed.types.size(), 50u);
  std::string missing = Undocumented(parsed, docs);
  EXPECT_TRUE(missing.empty()) << "exposed but not in docs/metrics.md:\n" << missing;
}

TEST(Docs, EveryGoldenFixtureMetricIsDocumented) {
  std::ifstream in(std::string(OPSAGENT_FIXTURES_DIR) + "/e2e-output.txt");
  std::stringstream buffer;
  buffer << in.rdbuf();
  ParsedExposition parsed = ParseExposition(buffer.str());
  ASSERT_FALSE(parsed.types.empty());
  std::string missing = Undocumented(parsed, DocumentedMetrics());
  EXPECT_TRUE(missing.empty()) << "in the golden output but not in docs/metrics.md:\n" << missing;
}

TEST(Docs, ConfigurationListsExactlyTheKeysTheLoaderAccepts) {
  std::vector<std::string> documented = FirstColumnNames(ReadDoc("configuration.md"));
  std::set<std::string> known;
  for (const std::string& key : config::KnownConfigKeys()) known.insert(key);
  // Dotted names are keys; a bare name is one only when it is a top-level key (other tables
  // list collectors and flags by bare name).
  std::set<std::string> documented_keys;
  for (const auto& name : documented) {
    if (name.find('.') != std::string::npos || known.count(name)) documented_keys.insert(name);
  }
  for (const std::string& key : known) {
    EXPECT_TRUE(documented_keys.count(key)) << key << " is not in docs/configuration.md";
  }
  for (const std::string& key : documented_keys) {
    EXPECT_TRUE(known.count(key)) << key << " is documented but the loader does not accept it";
  }
}

TEST(Docs, ConfigurationShowsTheEmbeddedDefault) {
  std::string doc = ReadDoc("configuration.md");
  std::size_t start = doc.find("## Embedded default");
  ASSERT_NE(start, std::string::npos);
  std::size_t open = doc.find("```yaml\n", start);
  std::size_t close = doc.find("```", open + 8);
  std::string shown = doc.substr(open + 8, close - open - 8);
  std::string embedded(config::EmbeddedDefaultConfig());
  embedded = embedded.substr(embedded.find('\n') + 1);  // drop the comment line
  EXPECT_EQ(shown, embedded);
}

TEST(Docs, EveryCollectorIsListedInTheConfigurationReference) {
  std::string doc = ReadDoc("configuration.md");
  config::LoadResult defaults = config::LoadEmbeddedDefault();
  for (const auto& [name, enabled] : defaults.config.collectors_enabled) {
    EXPECT_NE(doc.find("| `" + name + "` | " + (enabled ? "yes" : "no")), std::string::npos)
        << name;
  }
}

}  // namespace
}  // namespace opsagent::testing
