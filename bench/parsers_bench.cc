// Micro-benchmarks: /proc parsers on recorded and synthetic text, Collect() on a fixture tree and
// on the live host, and exposition rendering. Run with `make bench` or
// build-bench/bench/parsers_bench --benchmark_min_time=0.2.
#include <benchmark/benchmark.h>
#include <stdlib.h>  // mkdtemp

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "agent/core/exposition.h"
#include "collectors/collector.h"
#include "collectors/cpu.h"
#include "collectors/host_paths.h"
#include "collectors/loadavg.h"
#include "collectors/meminfo.h"
#include "collectors/netdev.h"
#include "collectors/netstat.h"
#include "collectors/options.h"
#include "collectors/process.h"
#include "collectors/registry.h"
#include "collectors/tcpstat.h"

namespace {

using opsagent::collectors::Collector;
using opsagent::collectors::CollectorOptions;
using opsagent::collectors::Families;
using opsagent::collectors::HostPaths;

constexpr char kFixture[] = OPSAGENT_FIXTURES_DIR "/basic";

// The recorded fixture files, read once at startup so the benchmarks measure parsing only.
std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "parsers_bench: cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

std::string Fixture(const char* relative) {
  return ReadFileOrDie(std::string(kFixture) + "/proc/" + relative);
}

HostPaths FixturePaths() {
  std::string base = kFixture;
  return HostPaths(base + "/proc", base + "/sys", base + "/root");
}

// ---- synthetic large inputs ------------------------------------------------------------------

// /proc/stat of a `cpus`-way machine (10 columns per CPU, like a current kernel).
std::string SyntheticProcStat(int cpus) {
  std::string out = "cpu  3411 0 2996 48376 389 0 162 0 0 0\n";
  char line[160];
  for (int i = 0; i < cpus; ++i) {
    std::snprintf(line, sizeof(line), "cpu%d %d 12 %d %d 389 7 162 0 0 0\n", i, 120000 + i * 7,
                  99000 + i * 3, 48376123 + i * 11);
    out += line;
  }
  out +=
      "intr 123456 0 0\nctxt 987654321\nbtime 1700000000\nprocesses 12345\nprocs_running 2\n"
      "procs_blocked 0\nsoftirq 1 2 3 4 5 6 7 8 9 10 11\n";
  return out;
}

// /proc/net/dev with `interfaces` rows (containers and veths make hundreds realistic).
std::string SyntheticNetDev(int interfaces) {
  std::string out =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n";
  char line[256];
  for (int i = 0; i < interfaces; ++i) {
    std::snprintf(line, sizeof(line), "veth%05d: %llu %d 0 0 0 0 0 0 %llu %d 0 0 0 0 0 0\n", i,
                  1234567890ULL + i, 98765 + i, 987654321ULL + i, 54321 + i);
    out += line;
  }
  return out;
}

// /proc/net/tcp with `sockets` lines in a realistic mix of states and non-empty queues.
std::string SyntheticTcp(int sockets) {
  std::string out =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
      "timeout inode\n";
  static const char* kStates[] = {"01", "01", "01", "06", "08", "0A", "01", "02"};
  char line[200];
  for (int i = 0; i < sockets; ++i) {
    std::snprintf(line, sizeof(line),
                  "%4d: 0100007F:%04X 0A00020F:%04X %s %08X:%08X 00:00000000 00000000  1000"
                  "        0 %d 1 0000000000000000 20 4 30 10 -1\n",
                  i, 1024 + (i % 60000), 443, kStates[i % 8], i % 4 == 0 ? 0x1c8 : 0,
                  i % 16 == 0 ? 0x40 : 0, 100000 + i);
    out += line;
  }
  return out;
}

// A realistic /proc/PID/stat line; comm with a space and a ')' exercises the last-')' rule.
constexpr char kPidStat[] =
    "12345 (tmux: server) S 1 12345 12345 0 -1 4194560 20134 0 12 0 1532 845 0 0 20 0 1 0 "
    "5123456 26034176 1422 18446744073709551615 94731412819968 94731413331461 140732660383840 0 "
    "0 0 0 3674112 134433283 0 0 0 17 1 0 0 0 0 0 94731413495632 94731413520592 94731430113280 "
    "140732660387545 140732660387560 140732660387560 140732660387811 0\n";

// ---- parsers on fixture text -----------------------------------------------------------------

void BM_ParseLoadavg(benchmark::State& state) {
  const std::string text = Fixture("loadavg");
  for (auto _ : state) {
    auto result = opsagent::collectors::ParseLoadavg(text);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseLoadavg);

void RunProcStatCpus(benchmark::State& state, const std::string& text) {
  std::vector<opsagent::collectors::CpuTimes> cpus;
  for (auto _ : state) {
    auto status = opsagent::collectors::ParseProcStatCpus(text, cpus);
    if (!status) state.SkipWithError(status.message().c_str());
    benchmark::DoNotOptimize(cpus.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["cpus"] = static_cast<double>(cpus.size());
}

void BM_ParseProcStatCpus_Fixture(benchmark::State& state) {
  RunProcStatCpus(state, Fixture("stat"));
}
BENCHMARK(BM_ParseProcStatCpus_Fixture);

void BM_ParseProcStatCpus_Synthetic(benchmark::State& state) {
  RunProcStatCpus(state, SyntheticProcStat(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_ParseProcStatCpus_Synthetic)->Arg(64)->Arg(256);

void BM_ParseMeminfo(benchmark::State& state) {
  const std::string text = Fixture("meminfo");
  std::vector<opsagent::collectors::MeminfoField> fields;
  for (auto _ : state) {
    auto status = opsagent::collectors::ParseMeminfo(text, fields);
    if (!status) state.SkipWithError(status.message().c_str());
    benchmark::DoNotOptimize(fields.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseMeminfo);

void RunNetDev(benchmark::State& state, const std::string& text) {
  opsagent::collectors::NetDevTable table;
  for (auto _ : state) {
    auto status = opsagent::collectors::ParseNetDev(text, table);
    if (!status) state.SkipWithError(status.message().c_str());
    benchmark::DoNotOptimize(table.rows.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["rows"] = static_cast<double>(table.rows.size());
}

void BM_ParseNetDev_Fixture(benchmark::State& state) { RunNetDev(state, Fixture("net/dev")); }
BENCHMARK(BM_ParseNetDev_Fixture);

void BM_ParseNetDev_Synthetic(benchmark::State& state) {
  RunNetDev(state, SyntheticNetDev(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_ParseNetDev_Synthetic)->Arg(1000);

void BM_ParseNetstat(benchmark::State& state) {
  const std::string netstat = Fixture("net/netstat");
  const std::string snmp = Fixture("net/snmp");
  const std::string snmp6 = Fixture("net/snmp6");
  std::vector<opsagent::collectors::NetstatEntry> entries;
  for (auto _ : state) {
    entries.clear();
    auto a = opsagent::collectors::ParseNetstatPairs(netstat, entries);
    auto b = opsagent::collectors::ParseNetstatPairs(snmp, entries);
    auto c = opsagent::collectors::ParseSnmp6(snmp6, entries);
    if (!a || !b || !c) state.SkipWithError("netstat parse failed");
    benchmark::DoNotOptimize(entries.data());
  }
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * (netstat.size() + snmp.size() + snmp6.size())));
  state.counters["counters"] = static_cast<double>(entries.size());
}
BENCHMARK(BM_ParseNetstat);

void RunTcpTable(benchmark::State& state, const std::string& text) {
  opsagent::collectors::TcpStats stats;
  for (auto _ : state) {
    stats = {};
    auto status = opsagent::collectors::ParseTcpTable(text, stats);
    if (!status) state.SkipWithError(status.message().c_str());
    benchmark::DoNotOptimize(stats);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_ParseTcpTable_Fixture(benchmark::State& state) { RunTcpTable(state, Fixture("net/tcp")); }
BENCHMARK(BM_ParseTcpTable_Fixture);

void BM_ParseTcpTable_Synthetic(benchmark::State& state) {
  const int sockets = static_cast<int>(state.range(0));
  RunTcpTable(state, SyntheticTcp(sockets));
  state.counters["sockets/s"] = benchmark::Counter(static_cast<double>(sockets),
                                                   benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ParseTcpTable_Synthetic)->Arg(10000);

void BM_ParsePidStat(benchmark::State& state) {
  const std::string_view text = kPidStat;
  for (auto _ : state) {
    auto result = opsagent::collectors::ParsePidStat(text);
    if (!result) state.SkipWithError(result.error().message.c_str());
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParsePidStat);

// ---- whole Collect() -------------------------------------------------------------------------

// Collects repeatedly with one warm instance, as the scheduler does every cycle.
void RunCollect(benchmark::State& state, Collector& collector, const HostPaths& paths) {
  std::size_t series = 0;
  for (auto _ : state) {
    auto result = collector.Collect(paths);
    if (!result) {
      state.SkipWithError(result.error().message.c_str());
      break;
    }
    series = 0;
    for (const auto& family : *result) series += family.metric.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["series"] = static_cast<double>(series);
}

// Which root the Collect() benchmarks read: 0 the fixture tree, 1 the live host.
HostPaths PathsFor(const benchmark::State& state) {
  return state.range(0) == 0 ? FixturePaths() : HostPaths();
}

void BM_Collect_Loadavg(benchmark::State& state) {
  opsagent::collectors::LoadavgCollector collector;
  RunCollect(state, collector, PathsFor(state));
}
void BM_Collect_Cpu(benchmark::State& state) {
  opsagent::collectors::CpuCollector collector(100);
  RunCollect(state, collector, PathsFor(state));
}
void BM_Collect_Meminfo(benchmark::State& state) {
  opsagent::collectors::MeminfoCollector collector;
  RunCollect(state, collector, PathsFor(state));
}
void BM_Collect_Netdev(benchmark::State& state) {
  opsagent::collectors::NetdevCollector collector{CollectorOptions{}};
  RunCollect(state, collector, PathsFor(state));
}
void BM_Collect_Netstat(benchmark::State& state) {
  opsagent::collectors::NetstatCollector collector;
  RunCollect(state, collector, PathsFor(state));
}
void BM_Collect_Tcpstat(benchmark::State& state) {
  opsagent::collectors::TcpstatCollector collector;
  RunCollect(state, collector, PathsFor(state));
}
void BM_Collect_Process(benchmark::State& state) {
  opsagent::collectors::ProcessCollector collector{CollectorOptions{}};
  RunCollect(state, collector, PathsFor(state));
}
// Arg 0: fixture tree (tests/fixtures/basic); arg 1: the live /proc and /sys.
BENCHMARK(BM_Collect_Loadavg)->ArgName("live")->Arg(0)->Arg(1);
BENCHMARK(BM_Collect_Cpu)->ArgName("live")->Arg(0)->Arg(1);
BENCHMARK(BM_Collect_Meminfo)->ArgName("live")->Arg(0)->Arg(1);
BENCHMARK(BM_Collect_Netdev)->ArgName("live")->Arg(0)->Arg(1);
BENCHMARK(BM_Collect_Netstat)->ArgName("live")->Arg(0)->Arg(1);
BENCHMARK(BM_Collect_Tcpstat)->ArgName("live")->Arg(0)->Arg(1);
// The fixture has no pid directories, so only the live host says anything about process cost.
BENCHMARK(BM_Collect_Process)->ArgName("live")->Arg(1);

// Every built-in collector, sequentially, with default options: the CPU one collection cycle
// costs, minus scheduling and the self-metrics.
std::vector<std::unique_ptr<Collector>> AllCollectors() {
  std::vector<std::unique_ptr<Collector>> all;
  CollectorOptions options;
  for (const auto& entry : opsagent::collectors::BuiltinCollectors().entries()) {
    all.push_back(entry.make(options));
  }
  return all;
}

Families CollectAll(std::vector<std::unique_ptr<Collector>>& all, const HostPaths& paths) {
  Families families;
  for (auto& collector : all) {
    auto result = collector->Collect(paths);
    if (!result) continue;  // e.g. conntrack absent in a container: not this benchmark's concern
    for (auto& family : *result) families.push_back(std::move(family));
  }
  return families;
}

void BM_Collect_AllBuiltin(benchmark::State& state) {
  auto all = AllCollectors();
  const HostPaths paths = PathsFor(state);
  std::size_t series = 0;
  for (auto _ : state) {
    Families families = CollectAll(all, paths);
    series = 0;
    for (const auto& family : families) series += family.metric.size();
    benchmark::DoNotOptimize(families);
  }
  state.counters["series"] = static_cast<double>(series);
}
BENCHMARK(BM_Collect_AllBuiltin)->ArgName("live")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// ---- rendering -------------------------------------------------------------------------------

// Render (text + gzip) of what every built-in collector reports on this host: the per-cycle
// serialization cost the agent pays once so that scrapes do not.
void BM_Render_LiveFamilies(benchmark::State& state) {
  auto all = AllCollectors();
  const Families families = CollectAll(all, HostPaths());
  std::size_t bytes = 0;
  for (auto _ : state) {
    opsagent::core::Exposition exposition = opsagent::core::Render(families);
    bytes = exposition.text.size();
    benchmark::DoNotOptimize(exposition);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  std::size_t series = 0;
  for (const auto& family : families) series += family.metric.size();
  state.counters["series"] = static_cast<double>(series);
  state.counters["text_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Render_LiveFamilies)->Unit(benchmark::kMicrosecond);

// Render of the cpu collector's output for a synthetic `cpus`-way machine (8 modes + 2 guest
// modes per CPU) plus netdev for 1000 interfaces: a large host's exposition.
void BM_Render_LargeHost(benchmark::State& state) {
  const std::string proc_stat = SyntheticProcStat(static_cast<int>(state.range(0)));
  const std::string net_dev = SyntheticNetDev(1000);
  // The collectors read files, so the synthetic text goes through a throwaway procfs tree.
  char dir_template[] = "/tmp/opsagent-bench-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  const std::filesystem::path root = dir_template;
  std::filesystem::create_directories(root / "net");
  std::ofstream(root / "stat") << proc_stat;
  std::ofstream(root / "net" / "dev") << net_dev;
  opsagent::collectors::CpuCollector cpu(100);
  opsagent::collectors::NetdevCollector netdev{CollectorOptions{}};
  Families families;
  const HostPaths paths(root.string());
  for (Collector* collector : {static_cast<Collector*>(&cpu), static_cast<Collector*>(&netdev)}) {
    auto result = collector->Collect(paths);
    if (!result) {
      state.SkipWithError(result.error().message.c_str());
      break;
    }
    for (auto& family : *result) families.push_back(std::move(family));
  }
  std::error_code ignored;
  std::filesystem::remove_all(root, ignored);
  if (state.error_occurred()) return;
  std::size_t bytes = 0;
  for (auto _ : state) {
    opsagent::core::Exposition exposition = opsagent::core::Render(families);
    bytes = exposition.text.size();
    benchmark::DoNotOptimize(exposition);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  std::size_t series = 0;
  for (const auto& family : families) series += family.metric.size();
  state.counters["series"] = static_cast<double>(series);
}
BENCHMARK(BM_Render_LargeHost)->Arg(256)->Unit(benchmark::kMillisecond);

// One benchmark per registered collector on the live host, so a new collector shows up here
// without an edit: "BM_CollectLive/<name>".
void RegisterPerCollectorBenchmarks() {
  for (const auto& entry : opsagent::collectors::BuiltinCollectors().entries()) {
    const std::string name = "BM_CollectLive/" + std::string(entry.info->name);
    benchmark::RegisterBenchmark(name.c_str(), [&entry](benchmark::State& state) {
      std::unique_ptr<Collector> collector = entry.make(CollectorOptions{});
      RunCollect(state, *collector, HostPaths());
    })->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RegisterPerCollectorBenchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
