// Micro-benchmarks of the rule engine: the embedded default pack over this host's live series, and
// 1,000 synthetic rules over 10,000 synthetic series. Run with
// build-bench/bench/rules_bench --benchmark_counters_tabular=true.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/core/series_bridge.h"
#include "collectors/collector.h"
#include "collectors/host_paths.h"
#include "collectors/options.h"
#include "collectors/registry.h"
#include "rules/manager.h"
#include "rules/pack.h"
#include "rules/rule_file.h"
#include "rules/store/memory_store.h"

namespace {

using opsagent::core::LabeledSamples;
using opsagent::rules::GroupDef;
using opsagent::rules::Labels;
using opsagent::rules::Manager;
using opsagent::rules::ManagerOptions;
using opsagent::rules::MemoryStore;
using opsagent::rules::RuleFileLoad;
using opsagent::rules::StoreOptions;

constexpr std::int64_t kStartMs = 1'700'000'000'000;

// The rule engine of one agent: a store and a manager over it, fed one batch per cycle.
struct Engine {
  std::unique_ptr<MemoryStore> store;
  std::unique_ptr<Manager> manager;
  std::int64_t interval_ms = 0;
  std::int64_t now_ms = kStartMs;
  std::size_t rules = 0;
};

std::unique_ptr<Engine> MakeEngine(std::vector<GroupDef> groups, std::int64_t interval_ms,
                                   std::size_t max_series_history) {
  auto engine = std::make_unique<Engine>();
  StoreOptions store_options;
  store_options.max_series_history = max_series_history;
  engine->store = std::make_unique<MemoryStore>(store_options);
  ManagerOptions options;
  options.evaluation_interval_ms = interval_ms;
  engine->manager = std::make_unique<Manager>(engine->store.get(), options);
  for (const GroupDef& group : groups) engine->rules += group.rules.size();
  engine->manager->SetGroups(std::move(groups), kStartMs);
  engine->interval_ms = interval_ms;
  return engine;
}

// Counters over every rule of every group: a failing rule would make the timing meaningless.
void ReportStatus(benchmark::State& state, const Engine& engine) {
  double failures = 0;
  double errored_rules = 0;
  double alerts = 0;
  for (const auto& group : engine.manager->Status()) {
    failures += static_cast<double>(group.failures);
    for (const auto& rule : group.rules) {
      if (rule.health == opsagent::rules::RuleHealth::kError) {
        ++errored_rules;
        if (errored_rules == 1) {
          std::fprintf(stderr, "rules_bench: %s: %s\n", rule.def.name.c_str(),
                       rule.last_error.c_str());
        }
      }
      alerts += static_cast<double>(rule.alerts.size());
    }
  }
  const opsagent::rules::StoreStats stats = engine.store->Stats();
  state.counters["rules"] = static_cast<double>(engine.rules);
  state.counters["store_series"] = static_cast<double>(stats.series);
  state.counters["history_series"] = static_cast<double>(stats.history_series);
  state.counters["outputs"] = static_cast<double>(engine.manager->Output().size());
  state.counters["alerts"] = alerts;
  state.counters["errored_rules"] = errored_rules;
  if (errored_rules > 0) state.SkipWithError("some rules failed to evaluate");
}

// ---- the default pack on live data -----------------------------------------------------------

// One collection of every built-in collector on this host, flattened as the agent feeds the store.
LabeledSamples CollectLiveOnce() {
  opsagent::collectors::Families families;
  const opsagent::collectors::HostPaths paths;
  for (const auto& entry : opsagent::collectors::BuiltinCollectors().entries()) {
    auto collector = entry.make(opsagent::collectors::CollectorOptions{});
    auto result = collector->Collect(paths);
    if (!result) continue;  // e.g. no conntrack in this VM: the rules see what the agent would
    for (auto& family : *result) families.push_back(std::move(family));
  }
  return opsagent::core::FamiliesToSamples(families);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Monotonic series by Prometheus's naming conventions; they move each cycle so rate() is non-zero.
bool IsCounterName(std::string_view name) {
  return EndsWith(name, "_total") || EndsWith(name, "_count") || EndsWith(name, "_sum") ||
         EndsWith(name, "_bucket");
}

struct LiveWorkload {
  LabeledSamples samples = CollectLiveOnce();
  std::vector<bool> counter;

  LiveWorkload() {
    for (const auto& [labels, value] : samples)
      counter.push_back(IsCounterName(labels.MetricName()));
  }

  void Advance(int cycle) {
    for (std::size_t i = 0; i < samples.size(); ++i) {
      if (counter[i]) samples[i].second += static_cast<double>(1 + (i + cycle) % 7);
    }
  }
};

constexpr std::int64_t kLiveIntervalMs = 10'000;
constexpr int kLiveHistoryCycles = 360;  // one hour at the agent's default 10 s interval

std::vector<GroupDef> DefaultPack() {
  std::vector<std::pair<std::string, std::string>> embedded;
  for (const auto& file : opsagent::rules::EmbeddedRulePack()) {
    embedded.emplace_back(std::string(file.name), std::string(file.text));
  }
  RuleFileLoad load = opsagent::rules::LoadRuleFiles({}, embedded);
  for (const std::string& problem : load.problems) {
    std::fprintf(stderr, "rules_bench: %s\n", problem.c_str());
  }
  return std::move(load.groups);
}

// What the agent's cycle does after collection (RuleEngine::OnCycle without the state database).
void LiveCycle(Engine& engine, const LabeledSamples& samples) {
  engine.store->AppendBatch("collect", engine.now_ms, samples);
  engine.manager->EvaluateAll(engine.now_ms);
  engine.store->Collect(engine.now_ms);
}

std::unique_ptr<Engine> LiveEngine(LiveWorkload& workload) {
  auto engine = MakeEngine(DefaultPack(), kLiveIntervalMs, 10'000);
  for (int cycle = 0; cycle < kLiveHistoryCycles; ++cycle) {
    engine->now_ms = kStartMs + cycle * kLiveIntervalMs;
    LiveCycle(*engine, workload.samples);
    workload.Advance(cycle);
  }
  return engine;
}

enum class LivePart { kCycle, kIngest, kEvaluate };

// One cycle after an hour of history; `part` says which of its steps the timer sees.
void RunLive(benchmark::State& state, LivePart part) {
  LiveWorkload workload;
  auto engine = LiveEngine(workload);
  int cycle = kLiveHistoryCycles;
  for (auto _ : state) {
    state.PauseTiming();
    workload.Advance(cycle);
    engine->now_ms = kStartMs + cycle * kLiveIntervalMs;
    ++cycle;
    if (part == LivePart::kCycle) {
      state.ResumeTiming();
      LiveCycle(*engine, workload.samples);
      continue;
    }
    if (part == LivePart::kIngest) state.ResumeTiming();
    engine->store->AppendBatch("collect", engine->now_ms, workload.samples);
    if (part == LivePart::kIngest) state.PauseTiming();
    if (part == LivePart::kEvaluate) state.ResumeTiming();
    engine->manager->EvaluateAll(engine->now_ms);
    if (part == LivePart::kEvaluate) state.PauseTiming();
    engine->store->Collect(engine->now_ms);
    state.ResumeTiming();
  }
  state.counters["series"] = static_cast<double>(workload.samples.size());
  ReportStatus(state, *engine);
}

// AppendBatch + EvaluateAll + Collect: the rule engine's whole share of a collection cycle.
void BM_DefaultPackLive(benchmark::State& state) { RunLive(state, LivePart::kCycle); }
void BM_DefaultPackLiveIngest(benchmark::State& state) { RunLive(state, LivePart::kIngest); }
void BM_DefaultPackLiveEvaluate(benchmark::State& state) { RunLive(state, LivePart::kEvaluate); }
BENCHMARK(BM_DefaultPackLive)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DefaultPackLiveIngest)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DefaultPackLiveEvaluate)->Unit(benchmark::kMicrosecond);

// ---- 1,000 synthetic rules over 10,000 synthetic series ---------------------------------------

// 100 metrics x 100 series: metrics 0-49 counters, 50-89 gauges, 90-99 histograms (10
// instances x 10 buckets each). Every series carries instance and job (10 jobs).
constexpr int kMetrics = 100;
constexpr int kSeriesPerMetric = 100;
constexpr int kCounterMetrics = 50;
constexpr int kGaugeMetrics = 40;
constexpr int kRulesPerMetric = 10;  // 1,000 rules, ten over each metric's 100 series
constexpr int kRulesPerGroup = 100;
constexpr std::int64_t kSyntheticIntervalMs = 15'000;
// predict_linear(x[30m]) needs 30 minutes of its gauges; the rest only need up to 10 minutes.
constexpr int kSyntheticHistoryCycles = 120;
constexpr int kSyntheticWarmEvaluations = 8;  // alert `for:` state and recorded series exist
constexpr const char* kBuckets[] = {"0.005", "0.01", "0.025", "0.05", "0.1",
                                    "0.25",  "0.5",  "1",     "2.5",  "+Inf"};

std::string CounterName(int m) { return "bench_requests_" + std::to_string(m) + "_total"; }
std::string GaugeName(int m) { return "bench_usage_" + std::to_string(m) + "_ratio"; }
std::string HistogramName(int m) { return "bench_latency_" + std::to_string(m) + "_seconds"; }
std::string Instance(int i) { return "host-" + std::to_string(i) + ":9100"; }
std::string Job(int i) { return "job-" + std::to_string(i % 10); }

struct SyntheticWorkload {
  LabeledSamples samples;
  std::vector<int> metric;  // per sample
  std::vector<int> index;   // instance (counters, gauges) or instance*10+bucket (histograms)

  SyntheticWorkload() {
    for (int m = 0; m < kMetrics; ++m) {
      for (int i = 0; i < kSeriesPerMetric; ++i) {
        Labels labels;
        if (m < kCounterMetrics + kGaugeMetrics) {
          labels =
              Labels::FromPairs({{"__name__", m < kCounterMetrics ? CounterName(m) : GaugeName(m)},
                                 {"instance", Instance(i)},
                                 {"job", Job(i)}});
        } else {
          labels = Labels::FromPairs({{"__name__", HistogramName(m) + "_bucket"},
                                      {"instance", Instance(i / 10)},
                                      {"job", Job(i / 10)},
                                      {"le", kBuckets[i % 10]}});
        }
        samples.emplace_back(std::move(labels), 0.0);
        metric.push_back(m);
        index.push_back(i);
      }
    }
  }

  // Deterministic values: counters grow at a per-series rate, gauges drift slowly with a
  // per-series wobble, histogram buckets grow cumulatively.
  void Set(int cycle) {
    for (std::size_t s = 0; s < samples.size(); ++s) {
      const int m = metric[s];
      const int i = index[s];
      double& v = samples[s].second;
      if (m < kCounterMetrics) {
        v = cycle * 15.0 * (1 + (i * 7 + m) % 50);
      } else if (m < kCounterMetrics + kGaugeMetrics) {
        v = 0.3 + 0.005 * ((i + m) % 100) + 0.0005 * cycle + 0.02 * std::sin(cycle * 0.3 + i);
      } else {
        v = cycle * (5.0 + 10.0 * (i % 10) + i / 10);  // cumulative: grows with the bucket
      }
    }
  }
};

// Rule `variant` (0-9) over metric `m`: the shapes real rule files use most.
std::string CounterRule(int m, int variant) {
  const std::string c = CounterName(m);
  const std::string other = CounterName((m + 1) % kCounterMetrics);
  const std::string gauge = GaugeName(kCounterMetrics + m % kGaugeMetrics);
  switch (variant) {
    case 0:
      return "alert: HighRate" + std::to_string(m) + "\n    expr: rate(" + c +
             "[5m]) > 49\n    for: 2m\n    labels: {severity: warning}\n    annotations:\n"
             "      summary: 'rate {{ $value | humanize }} on {{ $labels.instance }}'";
    case 1:
      return "record: job:" + c + ":rate5m\n    expr: sum by (job) (rate(" + c + "[5m]))";
    case 2:
      return "alert: JobRateHigh" + std::to_string(m) + "\n    expr: sum by (job) (rate(" + c +
             "[5m])) > 450\n    for: 5m";
    case 3:
      return "record: instance:" + c + ":increase1m\n    expr: increase(" + c + "[1m])";
    case 4:
      return "alert: RateRatio" + std::to_string(m) + "\n    expr: rate(" + c +
             "[5m]) / on(instance, job) rate(" + other + "[5m]) > 2";
    case 5:
      return "alert: Absent" + std::to_string(m) + "\n    expr: absent(" + c +
             "{instance=\"host-0:9100\", job=\"job-0\"})\n    for: 1m";
    case 6:
      return "record: job:" + c + ":top3\n    expr: topk by (job) (3, rate(" + c + "[5m]))";
    case 7:
      return "alert: RateOverGauge" + std::to_string(m) + "\n    expr: rate(" + c +
             "[5m]) > on(instance, job) (" + gauge + " * 150)";
    case 8:
      return "alert: IrateHigh" + std::to_string(m) + "\n    expr: irate(" + c + "[1m]) > 49.5";
    default:
      return "alert: FewActive" + std::to_string(m) + "\n    expr: count by (job) (rate(" + c +
             "[5m]) > 0) < 5";
  }
}

std::string GaugeRule(int m, int variant) {
  const std::string g = GaugeName(m);
  const std::string other = GaugeName(kCounterMetrics + (m + 1 - kCounterMetrics) % kGaugeMetrics);
  switch (variant) {
    case 0:
      return "alert: UsageHigh" + std::to_string(m) + "\n    expr: avg_over_time(" + g +
             "[5m]) > 0.85\n    for: 5m\n    labels: {severity: critical}";
    case 1:
      return "alert: WillFill" + std::to_string(m) + "\n    expr: predict_linear(" + g +
             "[30m], 3600) > 0.95";
    case 2:
      return "record: job:" + g + ":max10m\n    expr: max by (job) (max_over_time(" + g + "[10m]))";
    case 3:
      return "alert: UsageRatio" + std::to_string(m) + "\n    expr: " + g +
             " / on(instance, job) " + other + " > 1.2";
    case 4:
      return "alert: Absent" + std::to_string(m) + "\n    expr: absent(" + g + ")";
    case 5:
      return "record: job:" + g + ":avg\n    expr: avg by (job) (" + g + ")";
    case 6:
      return "alert: Growing" + std::to_string(m) + "\n    expr: deriv(" + g + "[10m]) > 0.001";
    case 7:
      return "alert: BothHigh" + std::to_string(m) + "\n    expr: " + g +
             " > 0.8 and on(instance) " + other + " > 0.8";
    case 8:
      return "record: instance:" + g + ":quantile90_5m\n    expr: quantile_over_time(0.9, " + g +
             "[5m])";
    default:
      return "alert: Flapping" + std::to_string(m) + "\n    expr: changes(" + g + "[10m]) > 50";
  }
}

std::string HistogramRule(int m, int variant) {
  const std::string b = HistogramName(m) + "_bucket";
  const double q = variant < 5 ? 0.5 + 0.1 * variant : 0.9 + 0.02 * (variant - 5);
  char quantile[16];
  std::snprintf(quantile, sizeof(quantile), "%.2f", q);
  if (variant % 2 == 0) {
    return "record: job:" + HistogramName(m) + ":p" + std::to_string(variant) +
           "\n    expr: histogram_quantile(" + quantile + ", sum by (job, le) (rate(" + b +
           "[5m])))";
  }
  return "alert: SlowRequests" + std::to_string(m) + "_" + std::to_string(variant) +
         "\n    expr: histogram_quantile(" + quantile + ", rate(" + b +
         "[5m])) > 2.45\n    for: 1m";
}

std::string SyntheticRuleFile() {
  std::string yaml = "groups:\n";
  int rule = 0;
  for (int variant = 0; variant < kRulesPerMetric; ++variant) {
    for (int m = 0; m < kMetrics; ++m, ++rule) {
      if (rule % kRulesPerGroup == 0) {
        yaml += "- name: synthetic-" + std::to_string(rule / kRulesPerGroup) + "\n  rules:\n";
      }
      std::string text = m < kCounterMetrics                   ? CounterRule(m, variant)
                         : m < kCounterMetrics + kGaugeMetrics ? GaugeRule(m, variant)
                                                               : HistogramRule(m, variant);
      yaml += "  - " + text + "\n";
    }
  }
  return yaml;
}

std::unique_ptr<Engine> SyntheticEngine(SyntheticWorkload& workload) {
  RuleFileLoad load = opsagent::rules::ParseRuleFile("synthetic.yml", SyntheticRuleFile());
  for (const std::string& problem : load.problems) {
    std::fprintf(stderr, "rules_bench: %s\n", problem.c_str());
  }
  // Every synthetic series plus the recorded ones keeps history: above the agent's default bound.
  auto engine = MakeEngine(std::move(load.groups), kSyntheticIntervalMs, 20'000);
  for (int cycle = 0; cycle < kSyntheticHistoryCycles; ++cycle) {
    engine->now_ms = kStartMs + cycle * kSyntheticIntervalMs;
    workload.Set(cycle);
    engine->store->AppendBatch("collect", engine->now_ms, workload.samples);
    if (cycle >= kSyntheticHistoryCycles - kSyntheticWarmEvaluations) {
      engine->manager->EvaluateAll(engine->now_ms);
    }
    engine->store->Collect(engine->now_ms);
  }
  return engine;
}

// One EvaluateAll of the 1,000 rules per iteration, each at a new cycle with fresh samples.
void BM_Synthetic1000Rules10kSeries(benchmark::State& state) {
  SyntheticWorkload workload;
  auto engine = SyntheticEngine(workload);
  int cycle = kSyntheticHistoryCycles;
  for (auto _ : state) {
    state.PauseTiming();
    engine->now_ms = kStartMs + cycle * kSyntheticIntervalMs;
    workload.Set(cycle++);
    engine->store->AppendBatch("collect", engine->now_ms, workload.samples);
    engine->store->Collect(engine->now_ms);
    state.ResumeTiming();
    engine->manager->EvaluateAll(engine->now_ms);
  }
  state.counters["series"] = static_cast<double>(workload.samples.size());
  ReportStatus(state, *engine);
}
BENCHMARK(BM_Synthetic1000Rules10kSeries)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
