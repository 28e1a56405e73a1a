// promtool's rule unit-test files: the YAML model, its strict parsing (with line numbers, in
// yaml.v2's wording) and the pure text helpers that render failures byte for byte like promtool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/result.h"
#include "rules/store/labels.h"

namespace opsagent::rules {

/// A label list as written in a test file. Unlike Labels it keeps empty values and duplicate
/// names, because promtool compares them as written.
using LabelList = std::vector<Label>;

struct InputSeries {
  std::string series;  ///< `up{job="x"}`
  std::string values;  ///< expanding notation: `1+2x10 _ stale`
  int line = 0;
};

struct ExpAlert {
  LabelList labels;  ///< sorted; alertname is added by the runner
  LabelList annotations;
};

struct AlertTestCase {
  std::int64_t eval_time_ms = 0;
  std::string alertname;
  std::vector<ExpAlert> exp_alerts;
  int line = 0;
};

struct ExpSample {
  std::string labels;  ///< metric notation, parsed by the runner (its errors are test failures)
  double value = 0;
};

struct PromqlTestCase {
  std::string expr;
  std::int64_t eval_time_ms = 0;
  std::vector<ExpSample> exp_samples;
  int line = 0;
};

struct TestGroup {
  /// Spacing of input samples. promtool 2.42 has no default: 0 puts every sample at t=0.
  std::int64_t interval_ms = 0;
  std::vector<InputSeries> input_series;
  std::vector<AlertTestCase> alert_rule_test;
  std::vector<PromqlTestCase> promql_expr_test;
  LabelList external_labels;
  std::string external_url;
  std::string name;
  int line = 0;
};

struct UnitTestFile {
  std::vector<std::string> rule_files;
  std::int64_t evaluation_interval_ms = 0;  ///< 0: unset (the runner uses 1m)
  std::vector<std::string> group_eval_order;
  std::vector<TestGroup> tests;
};

/// One problem found while decoding, at a 1-based line (0 when none applies).
struct TestFileProblem {
  int line = 0;
  std::string message;
};

/// What decoding found. yaml.v2 (promtool's UnmarshalStrict) collects type errors and unknown
/// fields and reports them together, but stops at once on a syntax error or a bad duration.
struct UnitTestFileParse {
  UnitTestFile file;
  std::vector<TestFileProblem> problems;  ///< collected, in document order
  std::optional<TestFileProblem> fatal;   ///< the decoding-stopping error, if any
  bool ok() const { return problems.empty() && !fatal; }
};

/// Decodes a test file's text as promtool 2.42 does (strict keys, Prometheus durations).
UnitTestFileParse ParseUnitTestFile(std::string_view text);

/// The error text promtool prints for a failed decode: the fatal error's message, else
/// "yaml: unmarshal errors:\n  line N: ..." with one line per problem.
std::string FormatParseProblems(const UnitTestFileParse& parse);

/// `FILE:LINE: message` for every problem (for logs and tests that want positions).
std::vector<std::string> DescribeParseProblems(std::string_view file,
                                               const UnitTestFileParse& parse);

/// Parses metric notation (`up{job="a"}`, `{}`, ``) into labels as promql's ParseMetric does:
/// `__name__` first from the name, empty values dropped, duplicates kept. Errors read like
/// `1:4: parse error: unexpected "}" in label set, expected "="`.
Result<LabelList> ParseMetricLabels(std::string_view text);

/// Labels.String(): `{a="1", b="2"}`.
std::string FormatLabelList(const LabelList& labels);
/// Sorted by name then value, the order labels.Compare gives.
LabelList SortedLabels(LabelList labels);

/// strconv.FormatFloat(v, 'E', -1, 64): `1E+00`, `2.5E-01`, `NaN`, `+Inf`.
std::string FormatFloatE(double v);
/// Go's time.Duration.String() for whole milliseconds: `0s`, `5m0s`, `1h0m0s`, `1.5s`, `250ms`.
std::string FormatGoDuration(std::int64_t ms);
/// Prefixes every line but the first with `indent` (promtool's indentLines).
std::string IndentLines(std::string_view lines, std::string_view indent);

/// One firing alert as the test compares it.
struct AlertSnapshot {
  LabelList labels;
  LabelList annotations;
  auto operator<=>(const AlertSnapshot&) const = default;
};
/// promtool's labelsAndAnnotations.String(): `[]` or `[\n0:\n  Labels:{...}\n
/// Annotations:{...}\n]`.
std::string FormatAlertList(const std::vector<AlertSnapshot>& alerts);

struct SampleSnapshot {
  LabelList labels;
  double value = 0;
};
/// promtool's parsedSamplesString: `nil` or `{a="1"} 1E+00, {b="2"} 2E+00`.
std::string FormatSampleList(const std::vector<SampleSnapshot>& samples);

/// The failure texts of one test group, exactly as promtool prints them (without trailing
/// newline). Times are the test's eval_time in Prometheus notation.
std::string AlertMismatchMessage(std::string_view group_name, std::string_view alertname,
                                 std::int64_t eval_time_ms, const std::vector<AlertSnapshot>& exp,
                                 const std::vector<AlertSnapshot>& got);
std::string ExprMismatchMessage(std::string_view expr, std::int64_t eval_time_ms,
                                const std::vector<SampleSnapshot>& exp,
                                const std::vector<SampleSnapshot>& got);
std::string ExprErrorMessage(std::string_view expr, std::int64_t eval_time_ms,
                             std::string_view error);
/// `    rule: NAME, time: 5m0s, err: ...`: a rule failed while the test group was evaluated.
std::string RuleErrorMessage(std::string_view rule, std::int64_t t_ms, std::string_view error);

}  // namespace opsagent::rules
