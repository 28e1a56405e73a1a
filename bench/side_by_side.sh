#!/usr/bin/env bash
# Side-by-side benchmark of opsagent against prometheus-node-exporter on loopback: series count,
# scrape latency, wrk throughput, RSS and CPU, printed as a markdown table (also to $BENCH_OUT).
#
# Usage: bench/side_by_side.sh AGENT_BINARY
#   BENCH_OUT      where to write the table (default: <build dir of AGENT_BINARY>/bench-table.md)
#   NODE_EXPORTER  node_exporter binary (default: prometheus-node-exporter)
#   IDLE_SECONDS   idle window for RSS and per-cycle CPU (default 60; shorten only to debug)
#   SCRAPES        sequential scrapes for the latency percentiles (default 500)
#   WRK_SECONDS    wrk duration per target (default 10)
#   SPACED_SCRAPES, SPACED_INTERVAL  node_exporter scrapes a few seconds apart, for its cold-cache
#                  CPU per scrape (default 10 scrapes, 3 s apart)
# Runs in about 2.5-3 minutes; both processes are stopped by PID on exit.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 AGENT_BINARY" >&2
  exit 2
fi
AGENT=$(realpath "$1")
NODE_EXPORTER=${NODE_EXPORTER:-prometheus-node-exporter}
IDLE_SECONDS=${IDLE_SECONDS:-60}
SCRAPES=${SCRAPES:-500}
WRK_SECONDS=${WRK_SECONDS:-10}
SPACED_SCRAPES=${SPACED_SCRAPES:-10}
SPACED_INTERVAL=${SPACED_INTERVAL:-3}
BENCH_OUT=${BENCH_OUT:-$(dirname "$(dirname "$AGENT")")/bench-table.md}

for tool in "$NODE_EXPORTER" wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found (scripts/install-deps)" >&2; exit 2; }
done
[[ -x $AGENT ]] || { echo "$0: $AGENT is not executable" >&2; exit 2; }

WORK=$(mktemp -d /tmp/opsagent-bench.XXXXXX)
OA_PID=""
OA2_PID=""
NE_PID=""
cleanup() {
  # Only the processes this script started, by PID.
  for pid in $OA_PID $OA2_PID $NE_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $OA_PID $OA2_PID $NE_PID; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The measuring helpers: one small Python program, so both targets are measured identically.
cat >"$WORK/measure.py" <<'PY'
import math, os, socket, statistics, sys, time

def free_port(start):
    for port in range(start, start + 200):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            pass
        finally:
            s.close()
    sys.exit("no free port")

def cpu(pid):
    """utime+stime in clock ticks, and the summed on-CPU ns of every live thread (schedstat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    ns = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                ns += int(f.read().split()[0])
        except OSError:
            pass  # thread exited between listdir and open
    return ticks, ns

def rss_kib(pid):
    """VmRSS and RssAnon in KiB: file-backed pages (shared libraries, the binary) are the rest."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon"):
                values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("RssAnon", 0)

def host_jiffies():
    """Busy and total jiffies of the whole host, from the aggregate line of /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    total = sum(ticks[:8])  # guest time is already inside user/nice
    return total - ticks[3] - ticks[4], total

def scrape(port):
    """One scrape on a fresh connection, like curl; returns (seconds, body bytes)."""
    request = (f"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               "User-Agent: opsagent-bench\r\nConnection: close\r\n\r\n").encode()
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(request)
        chunks = []
        while True:
            b = s.recv(262144)
            if not b:
                break
            chunks.append(b)
    elapsed = time.perf_counter() - start
    data = b"".join(chunks)
    if not data.startswith(b"HTTP/1.1 200"):
        sys.exit(f"scrape of :{port} failed: {data[:80]!r}")
    return elapsed, len(data)

def latency(port, pid, n):
    for _ in range(10):  # warm-up, not counted
        scrape(port)
    t0, ns0 = cpu(pid)
    times = sorted(scrape(port)[0] for _ in range(n))
    t1, ns1 = cpu(pid)
    p50 = statistics.median(times)
    p99 = times[max(0, math.ceil(0.99 * n) - 1)]
    print(f"{p50*1e3:.4f} {p99*1e3:.4f} {t1-t0} {ns1-ns0} {n}")

def table(path):
    e = os.environ
    f = lambda k: float(e[k])
    clk, idle, n = f("CLK_TCK"), f("IDLE_SECONDS"), int(e["SCRAPES"])
    mib = lambda k: f(k) / 1024

    def cycles(k0, k1):
        c = f(k1) - f(k0) if e.get(k0) and e.get(k1) else 0
        return c if c > 0 else idle / 10

    oa_cycles, oa2_cycles = cycles("CYCLES_0", "CYCLES_1"), cycles("CYCLES2_0", "CYCLES2_1")
    oa_idle_ns, oa2_idle_ns = f("OA_NS1") - f("OA_NS0"), f("OA2_NS1") - f("OA2_NS0")
    oa_idle_ticks = f("OA_T1") - f("OA_T0")
    ne_idle_ns = f("NE_NS1") - f("NE_NS0")
    oa_cycle_ms = oa_idle_ns / 1e6 / oa_cycles
    oa_cycle_ticks_ms = oa_idle_ticks / clk * 1e3 / oa_cycles
    oa2_cycle_ms = oa2_idle_ns / 1e6 / oa2_cycles
    ne_scrape_ms = f("NE_SCRAPE_NS") / 1e6 / n
    ne_scrape_ticks_ms = f("NE_SCRAPE_TICKS") / clk * 1e3 / n
    spaced_n = f("SPACED_SCRAPES")
    ne_spaced_ms = f("NE_SPACED_NS") / 1e6 / spaced_n
    ne_spaced_ticks_ms = f("NE_SPACED_TICKS") / clk * 1e3 / spaced_n
    oa_scrape_ms = f("OA_SCRAPE_NS") / 1e6 / n
    oa_p50, oa_p99, ne_p50, ne_p99 = f("OA_P50"), f("OA_P99"), f("NE_P50"), f("NE_P99")
    oa_rps, ne_rps = f("OA_RPS"), f("NE_RPS")
    oa_idle, ne_idle = mib("OA_RSS_IDLE"), mib("NE_RSS_IDLE")
    oa_load, ne_load = mib("OA_RSS_LOAD"), mib("NE_RSS_LOAD")
    anon = lambda k: f"{mib(k):.1f}"
    busy = lambda b0, t0, b1, t1: 100 * (f(b1) - f(b0)) / max(1, f(t1) - f(t0))
    verdict = lambda ok: "**met**" if ok else "**missed**"

    rows = [
        ("series (non-comment lines of one scrape)", e["OA_SERIES"], e["NE_SERIES"],
         f"{f('OA_SERIES') / f('NE_SERIES'):.2f}x", "—"),
        ("body size, uncompressed", f"{f('OA_BYTES') / 1024:.1f} KiB", f"{f('NE_BYTES') / 1024:.1f} KiB",
         f"{f('OA_BYTES') / f('NE_BYTES'):.2f}x", "—"),
        (f"scrape latency p50 ({n} sequential scrapes, new connection each)", f"{oa_p50:.3f} ms",
         f"{ne_p50:.2f} ms", f"{ne_p50 / oa_p50:.1f}x lower",
         f">= 10x lower: {verdict(ne_p50 / oa_p50 >= 10)}"),
        ("scrape latency p99", f"{oa_p99:.3f} ms", f"{ne_p99:.2f} ms", f"{ne_p99 / oa_p99:.1f}x lower", "—"),
        (f"throughput, wrk -t2 -c8 -d{e['WRK_SECONDS']}s", f"{oa_rps:,.0f} req/s", f"{ne_rps:,.1f} req/s",
         f"{oa_rps / ne_rps:.0f}x higher", f">= 50x higher: {verdict(oa_rps >= 50 * ne_rps)}"),
        (f"RSS after {idle:.0f} s idle (anon part)", f"{oa_idle:.1f} MiB ({anon('OA_ANON_IDLE')})",
         f"{ne_idle:.1f} MiB ({anon('NE_ANON_IDLE')})", f"{ne_idle / oa_idle:.2f}x lower",
         f"<= 1/2 of node_exporter: {verdict(oa_idle <= ne_idle / 2)}"),
        ("RSS right after the wrk load (anon part)", f"{oa_load:.1f} MiB ({anon('OA_ANON_LOAD')})",
         f"{ne_load:.1f} MiB ({anon('NE_ANON_LOAD')})", f"{ne_load / oa_load:.2f}x lower",
         f"flat, <= 1.25x own idle (is {oa_load / oa_idle:.2f}x): {verdict(oa_load <= 1.25 * oa_idle)}"),
        (f"CPU per minute, no scrapes, 10 s interval", f"{oa_idle_ns / 1e9 * 60 / idle:.3f} s "
         f"({oa_idle_ticks / clk * 60 / idle:.2f} s)", f"{ne_idle_ns / 1e9 * 60 / idle:.3f} s (idle)", "—", "—"),
        (f"CPU per collection cycle (opsagent, {oa_cycles:.0f} cycles) vs per scrape (node_exporter)",
         f"{oa_cycle_ms:.2f} ms ({oa_cycle_ticks_ms:.1f} ms)", f"{ne_scrape_ms:.2f} ms ({ne_scrape_ticks_ms:.1f} ms)",
         f"{ne_scrape_ms / oa_cycle_ms:.2f}x lower", f"<= 1/3: {verdict(oa_cycle_ms <= ne_scrape_ms / 3)}"),
        ("… same, opsagent without tcpstat and process (off by default in node_exporter 1.5)",
         f"{oa2_cycle_ms:.2f} ms", f"{ne_scrape_ms:.2f} ms", f"{ne_scrape_ms / oa2_cycle_ms:.2f}x lower",
         f"<= 1/3: {verdict(oa2_cycle_ms <= ne_scrape_ms / 3)}"),
        (f"… node_exporter per scrape with scrapes {e['SPACED_INTERVAL']} s apart ({spaced_n:.0f} scrapes; cold caches)",
         f"{oa_cycle_ms:.2f} ms", f"{ne_spaced_ms:.2f} ms ({ne_spaced_ticks_ms:.1f} ms)",
         f"{ne_spaced_ms / oa_cycle_ms:.2f}x lower", f"<= 1/3: {verdict(oa_cycle_ms <= ne_spaced_ms / 3)}"),
        ("CPU per scrape (serving cached bytes vs collecting)", f"{oa_scrape_ms:.3f} ms", f"{ne_scrape_ms:.2f} ms",
         f"{ne_scrape_ms / oa_scrape_ms:.0f}x lower", "—"),
    ]
    out = ["| metric | opsagent | node_exporter | ratio | target |", "|---|---|---|---|---|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    out += [
        "",
        "- CPU: on-CPU time summed over every thread from /proc/PID/task/*/schedstat (ns resolution); in",
        "  parentheses utime+stime from /proc/PID/stat (10 ms ticks: coarse over a 60 s idle window).",
        "  opsagent's per-cycle figure divides the idle-window CPU by the cycles counted by opsagent_cycles_total;",
        f"  node_exporter's per-scrape figure is its CPU over the {n} back-to-back latency scrapes divided by {n}",
        "  (the target's definition; warm caches), and in the spaced row over scrapes a few seconds apart.",
        "- Ratios: node_exporter/opsagent for lower-is-better rows, opsagent/node_exporter for throughput.",
        f"- Host busy (all CPUs, from /proc/stat): {busy('HOST_B0', 'HOST_T0', 'HOST_B1', 'HOST_T1'):.1f}% during the idle "
        f"window, {busy('HOST_B1', 'HOST_T1', 'HOST_B2', 'HOST_T2'):.1f}% during latency and wrk; load average "
        f"{e['LOAD_START']} at start, {e['LOAD_END']} at end.",
    ]
    for who in ("OA", "NE"):
        if e.get(f"{who}_WRK_ERRORS"):
            out.append(f"- wrk against {'opsagent' if who == 'OA' else 'node_exporter'}: {e[who + '_WRK_ERRORS']}")
    text = "\n".join(out) + "\n"
    print(text, end="")
    with open(path, "w") as fh:
        fh.write(text)

def spaced(port, pid, n, interval):
    """CPU per scrape when scrapes are `interval` seconds apart (cold caches, as under Prometheus)."""
    t0, ns0 = cpu(pid)
    for _ in range(n):
        time.sleep(interval)
        scrape(port)
    t1, ns1 = cpu(pid)
    print(t1 - t0, ns1 - ns0, n)

cmd = sys.argv[1]
if cmd == "free_port":
    print(free_port(int(sys.argv[2])))
elif cmd == "cpu":
    print(*cpu(int(sys.argv[2])))
elif cmd == "rss":
    print(*rss_kib(int(sys.argv[2])))
elif cmd == "host":
    print(*host_jiffies())
elif cmd == "latency":
    latency(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
elif cmd == "spaced":
    spaced(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
elif cmd == "table":
    table(sys.argv[2])
PY
measure() { python3 "$WORK/measure.py" "$@"; }

CLK_TCK=$(getconf CLK_TCK)
OA_PORT=$(measure free_port 19900)
OA2_PORT=$(measure free_port $((OA_PORT + 1)))
NE_PORT=$(measure free_port $((OA2_PORT + 1)))

cat >"$WORK/opsagent.yml" <<'YAML'
global:
  collect_interval: 10s
log:
  level: warn
YAML
# Like for like: node_exporter 1.5 runs neither tcpstat nor a process collector by default.
cat >"$WORK/opsagent-nodefaults.yml" <<'YAML'
global:
  collect_interval: 10s
log:
  level: warn
collectors:
  tcpstat: {enabled: false}
  process: {enabled: false}
YAML

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# The second agent starts 5 s ahead so the two agents' cycles do not coincide.
"$AGENT" run --config "$WORK/opsagent-nodefaults.yml" --web.listen-address "127.0.0.1:$OA2_PORT" \
  >"$WORK/opsagent2.log" 2>&1 &
OA2_PID=$!
sleep 5
"$AGENT" run --config "$WORK/opsagent.yml" --web.listen-address "127.0.0.1:$OA_PORT" \
  >"$WORK/opsagent.log" 2>&1 &
OA_PID=$!
"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$NE_PORT" --log.level=warn \
  >"$WORK/node_exporter.log" 2>&1 &
NE_PID=$!

wait_ready() {  # port name pid log
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$1/metrics" 2>/dev/null; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then
      echo "$0: $2 exited at startup:" >&2
      cat "$4" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$0: $2 did not serve /metrics within 10 s" >&2
  exit 1
}
wait_ready "$OA_PORT" opsagent "$OA_PID" "$WORK/opsagent.log"
wait_ready "$OA2_PORT" "opsagent (like for like)" "$OA2_PID" "$WORK/opsagent2.log"
wait_ready "$NE_PORT" node_exporter "$NE_PID" "$WORK/node_exporter.log"
echo "opsagent pid $OA_PID on :$OA_PORT (like-for-like pid $OA2_PID on :$OA2_PORT)," \
  "node_exporter pid $NE_PID on :$NE_PORT" >&2

# Series: non-comment, non-blank lines of one scrape.
curl -fsS "http://127.0.0.1:$OA_PORT/metrics" >"$WORK/oa.txt"
curl -fsS "http://127.0.0.1:$NE_PORT/metrics" >"$WORK/ne.txt"
export OA_SERIES NE_SERIES OA_BYTES NE_BYTES
OA_SERIES=$(grep -cv -e '^#' -e '^$' "$WORK/oa.txt")
NE_SERIES=$(grep -cv -e '^#' -e '^$' "$WORK/ne.txt")
OA_BYTES=$(wc -c <"$WORK/oa.txt")
NE_BYTES=$(wc -c <"$WORK/ne.txt")
# The cycle counter, read just outside the idle window, so CPU is divided by the cycles that ran.
cycles() { curl -fsS "http://127.0.0.1:$1/metrics" | awk '$1 == "opsagent_cycles_total" {print $2}'; }

echo "idle window: ${IDLE_SECONDS}s without scrapes" >&2
export CYCLES_0 CYCLES_1 CYCLES2_0 CYCLES2_1 OA_T0 OA_NS0 OA_T1 OA_NS1 OA2_NS0 OA2_NS1 NE_NS0 NE_NS1
export HOST_B0 HOST_T0 HOST_B1 HOST_T1 HOST_B2 HOST_T2
CYCLES_0=$(cycles "$OA_PORT")
CYCLES2_0=$(cycles "$OA2_PORT")
read -r OA_T0 OA_NS0 < <(measure cpu "$OA_PID")
read -r _ OA2_NS0 < <(measure cpu "$OA2_PID")
read -r _ NE_NS0 < <(measure cpu "$NE_PID")
read -r HOST_B0 HOST_T0 < <(measure host)
sleep "$IDLE_SECONDS"
read -r OA_T1 OA_NS1 < <(measure cpu "$OA_PID")
read -r _ OA2_NS1 < <(measure cpu "$OA2_PID")
read -r _ NE_NS1 < <(measure cpu "$NE_PID")
read -r HOST_B1 HOST_T1 < <(measure host)
export OA_RSS_IDLE OA_ANON_IDLE NE_RSS_IDLE NE_ANON_IDLE
read -r OA_RSS_IDLE OA_ANON_IDLE < <(measure rss "$OA_PID")
read -r NE_RSS_IDLE NE_ANON_IDLE < <(measure rss "$NE_PID")
CYCLES_1=$(cycles "$OA_PORT")
CYCLES2_1=$(cycles "$OA2_PORT")
# The like-for-like agent has done its job; stop it so it does not compete with the load tests.
kill "$OA2_PID" && wait "$OA2_PID" || true
OA2_PID=""

echo "latency: $SCRAPES sequential scrapes each" >&2
export OA_P50 OA_P99 OA_SCRAPE_TICKS OA_SCRAPE_NS NE_P50 NE_P99 NE_SCRAPE_TICKS NE_SCRAPE_NS
read -r OA_P50 OA_P99 OA_SCRAPE_TICKS OA_SCRAPE_NS _ < <(measure latency "$OA_PORT" "$OA_PID" "$SCRAPES")
read -r NE_P50 NE_P99 NE_SCRAPE_TICKS NE_SCRAPE_NS _ < <(measure latency "$NE_PORT" "$NE_PID" "$SCRAPES")

echo "spaced: $SPACED_SCRAPES node_exporter scrapes, ${SPACED_INTERVAL}s apart" >&2
export NE_SPACED_TICKS NE_SPACED_NS
read -r NE_SPACED_TICKS NE_SPACED_NS _ < <(measure spaced "$NE_PORT" "$NE_PID" "$SPACED_SCRAPES" "$SPACED_INTERVAL")

rps() { wrk -t2 -c8 -d"${WRK_SECONDS}s" "http://127.0.0.1:$1/metrics" | tee "$WORK/wrk-$1.txt" |
  awk '/^Requests\/sec:/ {print $2}'; }
wrk_errors() { grep -E 'Non-2xx|Socket errors' "$WORK/wrk-$1.txt" | tr -s ' ' | paste -sd';' || true; }
echo "wrk -t2 -c8 -d${WRK_SECONDS}s against each, one after the other" >&2
export OA_RPS NE_RPS OA_RSS_LOAD OA_ANON_LOAD NE_RSS_LOAD NE_ANON_LOAD OA_WRK_ERRORS NE_WRK_ERRORS
OA_RPS=$(rps "$OA_PORT")
read -r OA_RSS_LOAD OA_ANON_LOAD < <(measure rss "$OA_PID")
NE_RPS=$(rps "$NE_PORT")
read -r NE_RSS_LOAD NE_ANON_LOAD < <(measure rss "$NE_PID")
OA_WRK_ERRORS=$(wrk_errors "$OA_PORT")
NE_WRK_ERRORS=$(wrk_errors "$NE_PORT")
read -r HOST_B2 HOST_T2 < <(measure host)
export LOAD_END
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

for pid in $OA_PID $NE_PID; do
  kill -0 "$pid" 2>/dev/null || { echo "$0: a target died during the run" >&2; exit 1; }
done

export CLK_TCK IDLE_SECONDS SCRAPES WRK_SECONDS LOAD_START SPACED_SCRAPES SPACED_INTERVAL
mkdir -p "$(dirname "$BENCH_OUT")"
measure table "$BENCH_OUT"
echo "table written to $BENCH_OUT" >&2
