// Micro-benchmarks of the rule store: an hour and six hours (the retention target) of node-like
// samples (density in bytes/sample) and selection with an equality matcher. Run with
// build-bench/bench/store_bench --benchmark_counters_tabular=true.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "rules/store/memory_store.h"

namespace {

using opsagent::rules::HistoryNeed;
using opsagent::rules::LabelMatcher;
using opsagent::rules::Labels;
using opsagent::rules::MatchType;
using opsagent::rules::MemoryStore;
using opsagent::rules::StoreOptions;
using opsagent::rules::StoreStats;

constexpr int kSeries = 10'000;
constexpr int kSeriesPerMetric = 10;
constexpr std::int64_t kIntervalMs = 15'000;
constexpr int kCycles = 240;            // one hour at 15 s
constexpr int kCycles6h = 6 * kCycles;  // 1,440 samples per series
constexpr std::int64_t kStartMs = 1'700'000'000'000;

// Kinds of series and their shares, taken from the proportions in tests/fixtures/e2e-output.txt
// (142 counters, 215 gauges, 47 untyped netstat counters on a small host).
enum class Kind {
  kCpuSeconds,     // counter in 1/100 s ticks: fractional, every sample changes
  kFastCounter,    // bytes, packets, interrupts: integer, irregular increments every sample
  kSlowCounter,    // errors, drops, carrier changes: mostly flat, an occasional +1
  kConstantGauge,  // info, mtu, sizes: never change
  kFewValues,      // up, link state, connection counts: a handful of values
  kPageGauge,      // memory in bytes: multiples of 4096 that move every sample
  kDuration,       // self-metric durations: arbitrary fractions every sample
};

Kind KindOf(int metric) {
  int bucket = metric % 100;
  if (bucket < 5) return Kind::kCpuSeconds;
  if (bucket < 15) return Kind::kFastCounter;
  if (bucket < 50) return Kind::kSlowCounter;
  if (bucket < 80) return Kind::kConstantGauge;
  if (bucket < 90) return Kind::kFewValues;
  if (bucket < 95) return Kind::kPageGauge;
  return Kind::kDuration;
}

std::string MetricName(int metric) { return "node_metric_" + std::to_string(metric) + "_total"; }

struct Workload {
  std::vector<std::pair<Labels, double>> batch;
  std::vector<Kind> kinds;
  std::mt19937_64 rng{42};

  Workload() {
    for (int i = 0; i < kSeries; ++i) {
      int metric = i / kSeriesPerMetric;
      std::string device = "dev" + std::to_string(i % kSeriesPerMetric);
      batch.emplace_back(Labels::FromPairs({{"__name__", MetricName(metric)},
                                            {"device", device},
                                            {"instance", "node-17.example:9100"},
                                            {"job", "node"}}),
                         0.0);
      kinds.push_back(KindOf(metric));
      batch.back().second = Initial(kinds.back());
    }
  }

  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng); }

  double Initial(Kind kind) {
    switch (kind) {
      case Kind::kCpuSeconds:
        return std::round(Uniform() * 1e7) / 100;
      case Kind::kFastCounter:
        return std::round(Uniform() * 1e11);
      case Kind::kSlowCounter:
        return std::round(Uniform() * 20);
      case Kind::kConstantGauge:
        return std::round(Uniform() * 1e12);
      case Kind::kFewValues:
        return std::round(Uniform() * 3);
      case Kind::kPageGauge:
        return 4096 * std::round(Uniform() * 4e6);
      case Kind::kDuration:
        return Uniform() * 0.01;
    }
    return 0;
  }

  double Next(Kind kind, double v) {
    switch (kind) {
      case Kind::kCpuSeconds:  // ticks of 10 ms, a busy-ish core
        return v + std::round(Uniform() * 1500) / 100;
      case Kind::kFastCounter:
        return v + std::round(std::exp(Uniform() * 12));  // from a few to ~160k per interval
      case Kind::kSlowCounter:
        return Uniform() < 0.02 ? v + 1 : v;
      case Kind::kConstantGauge:
        return v;
      case Kind::kFewValues:
        return Uniform() < 0.05 ? std::round(Uniform() * 3) : v;
      case Kind::kPageGauge:
        return v + 4096 * std::round((Uniform() - 0.5) * 2000);
      case Kind::kDuration:
        return Uniform() * 0.01;
    }
    return v;
  }

  void Advance() {
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].second = Next(kinds[i], batch[i].second);
  }
};

StoreOptions HourOptions() {
  StoreOptions options;
  options.max_series_history = kSeries;
  return options;
}

// Every series wanted for `cycles` intervals, as a rule with rate(x[1h]) (or [6h]) over
// everything would.
std::vector<HistoryNeed> NeedFor(int cycles) {
  return {HistoryNeed{.matchers = {}, .retention_ms = cycles * kIntervalMs}};
}
std::vector<HistoryNeed> HourNeed() { return NeedFor(kCycles); }

void Fill(MemoryStore& store, Workload& workload, int cycles) {
  for (int cycle = 0; cycle < cycles; ++cycle) {
    std::int64_t t = kStartMs + cycle * kIntervalMs;
    store.AppendBatch("collect", t, workload.batch);
    workload.Advance();
  }
  store.Collect(kStartMs + (cycles - 1) * kIntervalMs);
}
void FillHour(MemoryStore& store, Workload& workload) { Fill(store, workload, kCycles); }

// Fills a fresh store with state.range(0) cycles of all 10,000 series and reports its density.
void BM_StoreAppend(benchmark::State& state) {
  const int cycles = static_cast<int>(state.range(0));
  StoreStats stats;
  for (auto _ : state) {
    state.PauseTiming();
    Workload workload;
    auto store = std::make_unique<MemoryStore>(HourOptions());
    store->SetHistoryNeeds(NeedFor(cycles));
    state.ResumeTiming();
    Fill(*store, workload, cycles);
    state.PauseTiming();
    stats = store->Stats();
    store.reset();
    state.ResumeTiming();
  }
  double samples = static_cast<double>(stats.samples);
  state.counters["series"] = static_cast<double>(stats.series);
  state.counters["samples"] = samples;
  state.counters["bytes_per_sample"] = static_cast<double>(stats.bytes) / samples;
  state.counters["memory_bytes_per_sample"] = static_cast<double>(stats.memory_bytes) / samples;
  state.counters["samples_per_series"] = samples / static_cast<double>(stats.series);
  state.counters["appends_per_second"] = benchmark::Counter(
      static_cast<double>(kSeries) * cycles, benchmark::Counter::kIsIterationInvariantRate);
}
// One hour, and the 6 h retention of the density target (1,440 samples per series at 15 s).
BENCHMARK(BM_StoreAppend)
    ->ArgName("cycles")
    ->Arg(kCycles)
    ->Arg(kCycles6h)
    ->Unit(benchmark::kMillisecond);

// 1,000 Selects of one metric name (10 series) each, over the lookback (instant selector) or
// the whole hour (range selector), against a store holding the hour above.
void BM_StoreSelectEquality(benchmark::State& state) {
  static MemoryStore* store = [] {
    auto* s = new MemoryStore(HourOptions());
    s->SetHistoryNeeds(HourNeed());
    Workload workload;
    FillHour(*s, workload);
    return s;
  }();
  std::int64_t maxt = kStartMs + (kCycles - 1) * kIntervalMs;
  std::int64_t mint = maxt - state.range(0);
  std::vector<std::vector<LabelMatcher>> selectors;
  for (int i = 0; i < 1000; ++i) {
    std::string name = MetricName((i * 7) % (kSeries / kSeriesPerMetric));
    selectors.push_back({*LabelMatcher::Make(MatchType::kEqual, "__name__", name)});
  }
  std::size_t points = 0;
  for (auto _ : state) {
    for (const auto& matchers : selectors) {
      auto series = store->Select(matchers, mint, maxt);
      for (const auto& s : series) points += s.points.size();
      benchmark::DoNotOptimize(series);
    }
  }
  state.counters["selects_per_second"] =
      benchmark::Counter(1000, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["points_per_select"] =
      static_cast<double>(points) / (1000.0 * static_cast<double>(state.iterations()));
}
BENCHMARK(BM_StoreSelectEquality)
    ->Arg(opsagent::rules::kLookbackDeltaMs)
    ->Arg(3'600'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
