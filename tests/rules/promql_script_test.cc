// Runs Prometheus-style PromQL script files (tests/rules/testdata/*.test): `load`, `clear`,
// `eval`, `eval_ordered` and `eval_fail` at instants, against a tiny in-test store.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "rules/promql/duration.h"
#include "rules/promql/engine.h"
#include "rules/promql/parser.h"
#include "rules/series_notation.h"
#include "tests/rules/vector_queryable.h"

namespace opsagent::rules::promql {
namespace {

std::string Trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  std::size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// Prometheus's test almostEqual: relative error 1e-6, NaN equals NaN.
bool AlmostEqual(double a, double b) {
  constexpr double kEpsilon = 0.000001;
  constexpr double kMinNormal = std::numeric_limits<double>::min();
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || diff < kMinNormal) return diff < kEpsilon * kMinNormal;
  return diff / (std::fabs(a) + std::fabs(b)) < kEpsilon;
}

struct Expected {
  std::optional<Labels> labels;  ///< nullopt: a scalar result
  double value = 0;
};

struct EvalCommand {
  int line = 0;
  std::string expr;
  std::int64_t t = 0;
  bool fail = false;
  bool ordered = false;
  std::vector<Expected> expected;
};

class ScriptRunner {
 public:
  explicit ScriptRunner(std::string name) : name_(std::move(name)) {}

  void Run(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string line = Trim(lines[i]);
      if (line.empty() || line[0] == '#') continue;
      // A command's block runs to the next blank line or unindented line.
      std::vector<std::string> block;
      while (i + 1 < lines.size() && !Trim(lines[i + 1]).empty() &&
             (lines[i + 1][0] == ' ' || lines[i + 1][0] == '\t')) {
        std::string item = Trim(lines[++i]);
        if (item[0] != '#') block.push_back(item);
      }
      Command(static_cast<int>(i + 1 - block.size()), line, block);
    }
  }

 private:
  std::string Where(int line) const { return name_ + ":" + std::to_string(line); }

  void Command(int line, const std::string& cmd, const std::vector<std::string>& block) {
    if (cmd == "clear") {
      store_.Clear();
    } else if (cmd.rfind("load ", 0) == 0) {
      Load(line, cmd.substr(5), block);
    } else if (cmd.rfind("eval", 0) == 0) {
      Eval(line, cmd, block);
    } else {
      ADD_FAILURE() << Where(line) << ": unknown command " << cmd;
    }
  }

  void Load(int line, const std::string& gap_text, const std::vector<std::string>& block) {
    auto gap = ParsePromDuration(Trim(gap_text));
    ASSERT_TRUE(gap.has_value()) << Where(line) << ": bad load interval";
    for (const auto& item : block) {
      auto desc = ParseSeriesDescription(item);
      ASSERT_TRUE(desc.ok()) << Where(line) << ": " << desc.error().message;
      for (std::size_t i = 0; i < desc->values.size(); ++i) {
        if (desc->values[i]) {
          store_.Add(desc->labels, static_cast<std::int64_t>(i) * *gap, *desc->values[i]);
        }
      }
    }
  }

  void Eval(int line, const std::string& cmd, const std::vector<std::string>& block) {
    EvalCommand ev;
    ev.line = line;
    std::istringstream words(cmd);
    std::string kind, instant, at, time;
    words >> kind >> instant >> at >> time;
    ASSERT_TRUE(instant == "instant" && at == "at") << Where(line) << ": bad eval " << cmd;
    auto t = ParsePromDuration(time);
    ASSERT_TRUE(t.has_value()) << Where(line) << ": bad time " << time;
    ev.t = *t;
    std::getline(words, ev.expr);
    ev.expr = Trim(ev.expr);
    ev.fail = kind == "eval_fail";
    ev.ordered = kind == "eval_ordered";
    for (const auto& item : block) {
      auto scalar = ParseSeriesValues(item);
      if (scalar.ok() && scalar->size() == 1 && (*scalar)[0]) {
        ev.expected.push_back(Expected{std::nullopt, *(*scalar)[0]});
        continue;
      }
      auto desc = ParseSeriesDescription(item);
      ASSERT_TRUE(desc.ok() && desc->values.size() == 1 && desc->values[0])
          << Where(line) << ": bad expected line " << item;
      ev.expected.push_back(Expected{desc->labels, *desc->values[0]});
    }
    Check(ev);
  }

  void Check(const EvalCommand& ev) {
    ParseError parse_error;
    ExprPtr expr = ParseExpr(ev.expr, &parse_error);
    ASSERT_NE(expr, nullptr) << Where(ev.line) << ": " << FormatParseError(ev.expr, parse_error);
    EvalResult r = EvalInstant(*expr, store_, ev.t);
    if (ev.fail) {
      EXPECT_FALSE(r.ok()) << Where(ev.line) << ": expected an error for " << ev.expr;
      return;
    }
    ASSERT_TRUE(r.ok()) << Where(ev.line) << ": " << ev.expr << ": " << r.error->message;
    if (auto* s = std::get_if<Scalar>(&r.value)) {
      ASSERT_EQ(ev.expected.size(), 1u) << Where(ev.line) << ": scalar result";
      EXPECT_TRUE(!ev.expected[0].labels || ev.expected[0].labels->empty()) << Where(ev.line);
      EXPECT_TRUE(AlmostEqual(ev.expected[0].value, s->v))
          << Where(ev.line) << ": " << ev.expr << ": expected " << ev.expected[0].value << " got "
          << s->v;
      return;
    }
    auto* vec = std::get_if<Vector>(&r.value);
    ASSERT_NE(vec, nullptr) << Where(ev.line) << ": not an instant vector";
    CheckVector(ev, *vec);
    CheckRangeAgrees(ev, *expr, *vec);
  }

  void CheckVector(const EvalCommand& ev, const Vector& got) {
    std::map<Labels, std::pair<double, std::size_t>> expected;
    for (std::size_t i = 0; i < ev.expected.size(); ++i) {
      ASSERT_TRUE(ev.expected[i].labels.has_value()) << Where(ev.line) << ": vector result";
      expected[*ev.expected[i].labels] = {ev.expected[i].value, i};
    }
    for (std::size_t pos = 0; pos < got.size(); ++pos) {
      const Sample& s = got[pos];
      auto it = expected.find(s.labels);
      if (it == expected.end()) {
        ADD_FAILURE() << Where(ev.line) << ": " << ev.expr << ": unexpected metric "
                      << s.labels.ToString() << " " << s.v;
        continue;
      }
      if (ev.ordered) {
        EXPECT_EQ(it->second.second, pos) << Where(ev.line) << ": " << s.labels.ToString();
      }
      EXPECT_TRUE(AlmostEqual(it->second.first, s.v))
          << Where(ev.line) << ": " << ev.expr << ": expected " << it->second.first << " for "
          << s.labels.ToString() << " but got " << s.v;
      EXPECT_EQ(s.t, ev.t) << Where(ev.line);
      expected.erase(it);
    }
    for (const auto& [labels, value] : expected) {
      ADD_FAILURE() << Where(ev.line) << ": " << ev.expr << ": expected metric "
                    << labels.ToString() << " with " << value.first << " not found";
    }
  }

  // The last step of a range query ending at the eval time must agree with the instant query
  // (Prometheus's tests run each instant eval as a range query too).
  void CheckRangeAgrees(const EvalCommand& ev, const Expr& expr, const Vector& instant) {
    constexpr std::int64_t kStep = 45'000;
    EvalResult r = EvalRange(expr, store_, ev.t - 3 * kStep, ev.t, kStep);
    ASSERT_TRUE(r.ok()) << Where(ev.line) << ": range: " << r.error->message;
    std::map<Labels, double> by_labels;
    for (const auto& s : instant) by_labels[s.labels] = s.v;
    std::size_t at_t = 0;
    for (const auto& series : std::get<Matrix>(r.value)) {
      if (series.points.empty() || series.points.back().t != ev.t) continue;
      ++at_t;
      auto it = by_labels.find(series.labels);
      ASSERT_NE(it, by_labels.end()) << Where(ev.line) << ": " << series.labels.ToString();
      EXPECT_TRUE(AlmostEqual(it->second, series.points.back().v)) << Where(ev.line);
    }
    EXPECT_EQ(at_t, instant.size()) << Where(ev.line) << ": range query of " << ev.expr;
  }

  std::string name_;
  testing::VectorQueryable store_;
};

// Error texts as promtool 2.42 prints them for the same expressions and data.
TEST(PromqlErrorTest, MessagesMatchPrometheus) {
  testing::VectorQueryable store;
  for (const char* text : {R"(x{a="1"})", R"(x{a="2"})", R"(y{a="1"})"}) {
    for (int m = 0; m < 3; ++m) store.Add(*ParseSeriesLabels(text), m * 60'000, m + 1);
  }
  struct Case {
    const char* expr;
    const char* message;
  };
  const Case kCases[] = {
      {"topk(1e300, x)", "Scalar value 1e+300 overflows int64"},
      {"topk(123456789012345678901234, x)", "Scalar value 1.2345678901234569e+23 overflows int64"},
      {"topk(-1e300, x)", "Scalar value -1e+300 overflows int64"},
      {"topk(NaN, x)", "Scalar value NaN overflows int64"},
      {R"(count_values("a-b", x))", R"(invalid label name "a-b")"},
      {R"(label_replace(x, "a-b", "", "a", ""))",
       "invalid destination label name in label_replace(): a-b"},
      {R"(label_replace(x, "b", "", "a", "("))",
       "invalid regular expression in label_replace(): ("},
      {R"(label_join(x, "b", "", "a-b"))", "invalid source label name in label_join(): a-b"},
      {"x * on() y",
       "multiple matches for labels: many-to-one matching must be explicit "
       "(group_left/group_right)"},
      {R"(rate({a="1"}[5m]))", "vector cannot contain metrics with the same labelset"},
      {R"({a="1"} * 2)", "vector cannot contain metrics with the same labelset"},
  };
  for (const auto& c : kCases) {
    ParseError parse_error;
    ExprPtr expr = ParseExpr(c.expr, &parse_error);
    ASSERT_NE(expr, nullptr) << c.expr << ": " << parse_error.message;
    EvalResult r = EvalInstant(*expr, store, 120'000);
    ASSERT_FALSE(r.ok()) << c.expr;
    EXPECT_EQ(r.error->message, c.message) << c.expr;
    EXPECT_EQ(r.error->kind, EvalErrorKind::kExecution);
  }
}

class PromqlScriptTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PromqlScriptTest, Passes) {
  std::filesystem::path path =
      std::filesystem::path(OPSAGENT_SOURCE_DIR) / "tests/rules/testdata" / GetParam();
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  ScriptRunner(GetParam()).Run(text.str());
}

std::vector<std::string> ScriptFiles() {
  std::vector<std::string> files;
  std::filesystem::path dir = std::filesystem::path(OPSAGENT_SOURCE_DIR) / "tests/rules/testdata";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Scripts, PromqlScriptTest, ::testing::ValuesIn(ScriptFiles()),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.find('.'));
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace opsagent::rules::promql
