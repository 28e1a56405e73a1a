// The `test rules` runner: promtool 2.42's unit-test loop over MemoryStore and Manager.
#include "rules/unittest.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "rules/manager.h"
#include "rules/promql/duration.h"
#include "rules/promql/engine.h"
#include "rules/promql/parser.h"
#include "rules/series_notation.h"
#include "rules/store/memory_store.h"

namespace opsagent::rules {
namespace {

constexpr std::int64_t kDefaultEvaluationIntervalMs = 60'000;
constexpr std::size_t kMaxTestFileBytes = 64 << 20;

Result<std::string> ReadTestFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error{"read " + path + ": is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"open " + path + ": no such file or directory"};
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxTestFileBytes) return Error{"read " + path + ": file too large"};
  }
  return text;
}

// filepath.Dir + filepath.Join: relative rule files are relative to the test file, cleaned.
std::string JoinClean(const std::string& base, const std::string& name) {
  std::string joined = (std::filesystem::path(base) / name).lexically_normal().string();
  while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  return joined.empty() ? "." : joined;
}

std::string DirOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// Resolves and globs the rule files; a pattern that matches nothing is a warning, not an error.
std::vector<std::string> ResolveRuleFiles(const std::string& test_path,
                                          const std::vector<std::string>& patterns,
                                          TestOutput& output) {
  std::vector<std::string> files;
  for (std::string pattern : patterns) {
    if (!pattern.empty() && pattern.front() != '/') pattern = JoinClean(DirOf(test_path), pattern);
    glob_t matches{};
    if (glob(pattern.c_str(), 0, nullptr, &matches) == 0 && matches.gl_pathc > 0) {
      for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
        // promtool keys loaded groups by file and name, so a file matched twice counts once.
        std::string file = matches.gl_pathv[i];
        if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
      }
    } else {
      output.Err("  WARNING: no file match pattern " + pattern + "\n");
    }
    globfree(&matches);
  }
  return files;
}

// One input series expanded to the samples the loader appends (skips `_` left out).
struct InputSamples {
  Labels labels;
  std::vector<Point> points;
  std::size_t next = 0;  // first point not yet appended
};

// promtool hands the series to promql's test loader as one `load` line, trimmed; its parse errors
// name line 1 and the column in that line.
Result<std::vector<InputSamples>> LoadInputSeries(const TestGroup& group) {
  std::vector<InputSamples> loaded;
  for (const auto& input : group.input_series) {
    std::string line = input.series + " " + input.values;
    std::size_t first = line.find_first_not_of(" \t\r\n");
    std::size_t last = line.find_last_not_of(" \t\r\n");
    line = first == std::string::npos ? "" : line.substr(first, last - first + 1);
    Result<SeriesDescription> parsed = ParseSeriesDescription(line);
    if (!parsed.ok()) return parsed.error();
    InputSamples samples{parsed->labels, {}, 0};
    for (std::size_t i = 0; i < parsed->values.size(); ++i) {
      if (!parsed->values[i]) continue;  // `_`: no sample at this step
      std::int64_t t = static_cast<std::int64_t>(i) * group.interval_ms;
      samples.points.push_back({t, *parsed->values[i]});
    }
    loaded.push_back(std::move(samples));
  }
  return loaded;
}

// Appends every input sample at or before `t_ms` not appended yet (promql's lazy loader).
void AppendInputsTill(std::vector<InputSamples>& inputs, std::int64_t t_ms, MemoryStore& store) {
  for (auto& input : inputs) {
    while (input.next < input.points.size() && input.points[input.next].t <= t_ms) {
      store.Append(input.labels, input.points[input.next].t, input.points[input.next].v);
      ++input.next;
    }
  }
}

LabelList ToLabelList(const Labels& labels) { return LabelList(labels.begin(), labels.end()); }

// Groups in group_eval_order; groups it does not name sort as its first entry does, as
// promtool's map lookup (0 for a missing name) makes them.
void OrderGroups(std::vector<GroupDef>& groups, const std::vector<std::string>& order) {
  std::map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < order.size(); ++i) rank.emplace(order[i], i);
  auto rank_of = [&](const GroupDef& g) {
    auto it = rank.find(g.name);
    return it == rank.end() ? 0 : it->second;
  };
  std::stable_sort(groups.begin(), groups.end(),
                   [&](const GroupDef& a, const GroupDef& b) { return rank_of(a) < rank_of(b); });
}

std::vector<AlertSnapshot> FiringAlerts(const Manager& manager, std::string_view alertname) {
  std::vector<AlertSnapshot> got;
  for (const Alert& alert : manager.Alerts()) {
    if (alert.state != AlertState::kFiring || alert.labels.Get("alertname") != alertname) continue;
    got.push_back({ToLabelList(alert.labels), ToLabelList(alert.annotations)});
  }
  std::sort(got.begin(), got.end());
  return got;
}

std::vector<AlertSnapshot> ExpectedAlerts(const AlertTestCase& test) {
  std::vector<AlertSnapshot> exp;
  for (const ExpAlert& alert : test.exp_alerts) {
    LabelList labels = alert.labels;
    std::erase_if(labels, [](const Label& l) { return l.name == "alertname"; });
    labels.push_back({"alertname", test.alertname});
    exp.push_back({SortedLabels(std::move(labels)), alert.annotations});
  }
  std::sort(exp.begin(), exp.end());
  return exp;
}

bool SameSamples(const std::vector<SampleSnapshot>& a, const std::vector<SampleSnapshot>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    // Exact float equality, NaN never equal: promtool compares with reflect.DeepEqual.
    if (a[i].labels != b[i].labels || !(a[i].value == b[i].value)) return false;
  }
  return true;
}

void SortSamples(std::vector<SampleSnapshot>& samples) {
  std::stable_sort(samples.begin(), samples.end(),
                   [](const auto& a, const auto& b) { return a.labels < b.labels; });
}

// The query promtool runs for a promql_expr_test: a vector, or a scalar as one unlabelled sample.
Result<std::vector<SampleSnapshot>> Query(const std::string& text, const MemoryStore& store,
                                          std::int64_t t_ms) {
  promql::ParseError parse_error;
  promql::ExprPtr expr = promql::ParseExpr(text, &parse_error);
  if (!expr) return Error{promql::FormatParseError(text, parse_error)};
  promql::EvalResult result = promql::EvalInstant(*expr, store, t_ms);
  if (!result.ok()) return Error{result.error->message};
  std::vector<SampleSnapshot> samples;
  if (const auto* vector = std::get_if<promql::Vector>(&result.value)) {
    for (const auto& sample : *vector) samples.push_back({ToLabelList(sample.labels), sample.v});
  } else if (const auto* scalar = std::get_if<promql::Scalar>(&result.value)) {
    samples.push_back({{}, scalar->v});
  } else {
    return Error{"rule result is not a vector or scalar"};
  }
  return samples;
}

void CheckExpr(const PromqlTestCase& test, const MemoryStore& store,
               std::vector<std::string>& errors) {
  Result<std::vector<SampleSnapshot>> got = Query(test.expr, store, test.eval_time_ms);
  if (!got.ok()) {
    errors.push_back(ExprErrorMessage(test.expr, test.eval_time_ms, got.error().message));
    return;
  }
  std::vector<SampleSnapshot> exp;
  for (const ExpSample& sample : test.exp_samples) {
    Result<LabelList> labels = ParseMetricLabels(sample.labels);
    if (!labels.ok()) {
      errors.push_back(
          ExprErrorMessage(test.expr, test.eval_time_ms,
                           "labels " + QuoteGo(sample.labels) + ": " + labels.error().message));
      return;
    }
    exp.push_back({std::move(*labels), sample.value});
  }
  SortSamples(exp);
  SortSamples(*got);
  if (!SameSamples(exp, *got)) {
    errors.push_back(ExprMismatchMessage(test.expr, test.eval_time_ms, exp, *got));
  }
}

std::int64_t MaxEvalTime(const TestGroup& group) {
  std::int64_t max = 0;
  for (const auto& t : group.alert_rule_test) max = std::max(max, t.eval_time_ms);
  for (const auto& t : group.promql_expr_test) max = std::max(max, t.eval_time_ms);
  return max;
}

// Every rule that failed in the evaluation just done, in group and rule order.
std::vector<std::string> RuleErrors(const Manager& manager, std::int64_t t_ms) {
  std::vector<std::string> errors;
  for (const GroupStatus& group : manager.Status()) {
    for (const RuleStatus& rule : group.rules) {
      if (rule.health == RuleHealth::kError) {
        errors.push_back(RuleErrorMessage(rule.def.name, t_ms, rule.last_error));
      }
    }
  }
  return errors;
}

using AlertTestsByTime = std::map<std::int64_t, std::vector<const AlertTestCase*>>;

// The alert tests by eval_time; an unnamed one makes the whole test group an error.
Result<AlertTestsByTime> IndexAlertTests(const TestGroup& group) {
  AlertTestsByTime tests;
  for (const auto& test : group.alert_rule_test) {
    if (test.alertname.empty()) {
      std::string in_group = group.name.empty() ? "" : " (in TestGroup " + group.name + ")";
      return Error{
          "an item under alert_rule_test misses required attribute alertname at eval_time " +
          promql::FormatPromDuration(test.eval_time_ms) + in_group};
    }
    tests[test.eval_time_ms].push_back(&test);
  }
  return tests;
}

// Compares the firing alerts now with each test's expectation (order-independent).
void CheckAlerts(const std::vector<const AlertTestCase*>& tests, const std::string& group_name,
                 const Manager& manager, std::vector<std::string>& errors) {
  for (const AlertTestCase* test : tests) {
    std::vector<AlertSnapshot> exp = ExpectedAlerts(*test);
    std::vector<AlertSnapshot> got = FiringAlerts(manager, test->alertname);
    if (exp != got) {
      errors.push_back(
          AlertMismatchMessage(group_name, test->alertname, test->eval_time_ms, exp, got));
    }
  }
}

// One test group: promtool's testGroup.test.
std::vector<std::string> RunTestGroup(const TestGroup& group, std::int64_t eval_interval_ms,
                                      const std::vector<std::string>& group_order,
                                      const std::vector<std::string>& rule_files) {
  Result<std::vector<InputSamples>> inputs = LoadInputSeries(group);
  if (!inputs.ok()) return {inputs.error().message};
  RuleFileLoad load = LoadRuleFiles(rule_files);
  if (!load.ok()) return load.problems;
  OrderGroups(load.groups, group_order);

  Result<AlertTestsByTime> alert_tests = IndexAlertTests(group);
  if (!alert_tests.ok()) return {alert_tests.error().message};

  MemoryStore store(StoreOptions{.retain_all = true});
  ManagerOptions options;
  options.evaluation_interval_ms = group.interval_ms > 0 ? group.interval_ms : eval_interval_ms;
  options.external_labels = Labels::FromVector(group.external_labels);
  options.external_url = group.external_url;
  Manager manager(&store, std::move(options));
  manager.SetGroups(std::move(load.groups), 0);

  std::vector<std::string> errors;
  auto next_alert_time = alert_tests->begin();
  std::int64_t max_t = MaxEvalTime(group);
  for (std::int64_t ts = 0; ts <= max_t; ts += eval_interval_ms) {
    AppendInputsTill(*inputs, ts, store);
    manager.EvaluateAll(ts);
    if (std::vector<std::string> failed = RuleErrors(manager, ts); !failed.empty()) {
      errors.insert(errors.end(), failed.begin(), failed.end());
      return errors;
    }
    // An alert test at eval_time t is checked against the evaluation at the last tick <= t.
    for (; next_alert_time != alert_tests->end() && next_alert_time->first < ts + eval_interval_ms;
         ++next_alert_time) {
      CheckAlerts(next_alert_time->second, group.name, manager, errors);
    }
  }
  for (const auto& test : group.promql_expr_test) CheckExpr(test, store, errors);
  return errors;
}

}  // namespace

void StreamTestOutput::Out(std::string_view text) {
  err_.flush();
  out_ << text;
  out_.flush();
}

void StreamTestOutput::Err(std::string_view text) {
  out_.flush();
  err_ << text;
  err_.flush();
}

std::vector<std::string> RunUnitTestFile(const std::string& path, TestOutput& output) {
  output.Out("Unit Testing:  " + path + "\n");
  Result<std::string> text = ReadTestFile(path);
  if (!text.ok()) return {text.error().message};
  UnitTestFileParse parse = ParseUnitTestFile(*text);
  if (!parse.ok()) return {FormatParseProblems(parse)};
  const UnitTestFile& file = parse.file;
  std::vector<std::string> rule_files = ResolveRuleFiles(path, file.rule_files, output);
  std::int64_t eval_interval_ms =
      file.evaluation_interval_ms > 0 ? file.evaluation_interval_ms : kDefaultEvaluationIntervalMs;
  std::set<std::string> seen;
  for (const auto& name : file.group_eval_order) {
    if (!seen.insert(name).second) return {"group name repeated in evaluation order: " + name};
  }
  std::vector<std::string> errors;
  for (const auto& group : file.tests) {
    std::vector<std::string> failed =
        RunTestGroup(group, eval_interval_ms, file.group_eval_order, rule_files);
    errors.insert(errors.end(), failed.begin(), failed.end());
  }
  return errors;
}

int RunRuleUnitTests(const std::vector<std::string>& files, TestOutput& output) {
  bool failed = false;
  for (const auto& file : files) {
    std::vector<std::string> errors = RunUnitTestFile(file, output);
    if (errors.empty()) {
      output.Out("  SUCCESS\n");
    } else {
      output.Err("  FAILED:\n");
      for (const auto& error : errors) {
        output.Err(error + "\n");
        output.Out("\n");
      }
      failed = true;
    }
    output.Out("\n");
  }
  return failed ? 1 : 0;
}

}  // namespace opsagent::rules
