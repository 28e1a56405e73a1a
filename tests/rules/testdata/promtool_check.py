#!/usr/bin/env python3
"""Checks the expectations of PromQL script files against the real Prometheus (promtool 2.42).

Each block between `clear` commands becomes one promtool unit test: its `load` lines become
input_series (one interval per block), its `eval`/`eval_ordered` commands promql_expr_test
entries. `eval_fail` commands are each run alone and must make promtool fail. promtool compares
with Go's reflect.DeepEqual, so a NaN never equals itself, and Prometheus reads series in an
order that varies between runs, which moves the last bits of order-dependent sums: mismatches
of only those kinds count as matches. Usage:
  tests/rules/testdata/promtool_check.py tests/rules/testdata/*.test
With --fill, evals without expected lines get promtool's results written in (ground truth for
new scripts; review them before committing).
"""
import json
import math
import re
import subprocess
import sys
import tempfile


def split_series(line):
    line = line.strip()
    if "{" in line.split(" ")[0] or line.startswith("{"):
        end = line.index("}") + 1
        # A label value may contain "}": find the brace that closes the quoted values.
        depth_quote = None
        for i, c in enumerate(line):
            if depth_quote:
                if c == "\\":
                    continue
                if c == depth_quote and line[i - 1] != "\\":
                    depth_quote = None
            elif c in "\"'`":
                depth_quote = c
            elif c == "}":
                end = i + 1
                break
        return line[:end], line[end:].strip()
    parts = line.split(None, 1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def parse(path):
    groups, group = [], {"interval": None, "series": [], "evals": [], "fails": []}
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line or line.startswith("#"):
            continue
        block = []
        while i < len(lines) and lines[i].strip() and lines[i][0] in " \t":
            if not lines[i].strip().startswith("#"):
                block.append(lines[i].strip())
            i += 1
        if line == "clear":
            groups.append(group)
            group = {"interval": None, "series": [], "evals": [], "fails": []}
        elif line.startswith("load "):
            interval = line[5:].strip()
            if group["interval"] not in (None, interval):
                sys.exit(f"{path}:{i}: one load interval per block for promtool")
            group["interval"] = interval
            group["series"] += [split_series(b) for b in block]
        else:
            m = re.match(r"(eval|eval_ordered|eval_fail) instant at (\S+) (.*)", line)
            if not m:
                sys.exit(f"{path}:{i}: cannot convert {line}")
            kind, at, expr = m.groups()
            if kind == "eval_fail":
                group["fails"].append((i, at, expr))
                continue
            samples = []
            for b in block:
                if re.fullmatch(r"[-+]?([0-9.e+-]+|Inf|NaN|inf|nan)", b):
                    samples.append(("{}", b))
                else:
                    samples.append(split_series(b))
            group["evals"].append((i, at, expr, samples))
            group.setdefault("empty", []).append((i, not block))
    groups.append(group)
    return groups


def value(v):
    return {"NaN": ".nan", "Inf": ".inf", "+Inf": ".inf", "-Inf": "-.inf", "-0": "-0.0"}.get(v, v)


def millis(duration):
    units = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000, "d": 86400000, "w": 604800000,
             "y": 31536000000}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)(ms|s|m|h|d|w|y)", duration))


def yaml_test(group, evals):
    # promtool loads input samples only up to its last rule-evaluation step, so an eval_time
    # between steps misses later samples: step on every eval time and load interval (>= 1 s).
    step = millis(group["interval"] or "1m")
    for _, at, _, _ in evals:
        step = math.gcd(step, millis(at))
    step = max(step, 1000)
    out = ["rule_files: []", f"evaluation_interval: {step}ms", "tests:"]
    out.append(f"  - interval: {group['interval'] or '1m'}")
    out.append("    input_series:" + ("" if group["series"] else " []"))
    for labels, values in group["series"]:
        out.append(f"      - series: {json.dumps(labels)}")
        out.append(f"        values: {json.dumps(values)}")
    out.append("    promql_expr_test:")
    for _, at, expr, samples in evals:
        out.append(f"      - expr: {json.dumps(expr)}")
        out.append(f"        eval_time: {at}")
        out.append("        exp_samples:" + ("" if samples else " []"))
        for labels, v in samples:
            out.append(f"          - labels: {json.dumps(labels)}")
            out.append(f"            value: {value(v)}")
    return "\n".join(out) + "\n"


def promtool(text):
    with tempfile.NamedTemporaryFile("w", suffix=".yml") as f:
        f.write(text)
        f.flush()
        r = subprocess.run(["promtool", "test", "rules", f.name], capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr


def parse_samples(text):
    if text == "nil":
        return []
    out = []
    for sample in split_top(text):
        labels, v = sample.rsplit(" ", 1)
        out.append((labels, float(v.replace("+Inf", "inf").replace("-Inf", "-inf"))))
    return out


def close(a, b):
    if math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    return abs(a - b) <= 1e-12 * (abs(a) + abs(b))


def equivalent(out):
    """True when every reported failure differs only by NaN != NaN (Go's reflect.DeepEqual) or
    by rounding from the order Prometheus happened to read series in (it is not fixed)."""
    exps = re.findall(r"^\s+exp: (.*)$", out, re.M)
    gots = re.findall(r"^\s+got: (.*)$", out, re.M)
    if not exps or len(exps) != len(gots) or "err:" in out or "parse error" in out:
        return False
    for exp, got in zip(exps, gots):
        e, g = parse_samples(exp), parse_samples(got)
        if len(e) != len(g):
            return False
        for (el, ev), (gl, gv) in zip(e, g):
            if el != gl or not close(ev, gv):
                return False
    return True


def split_top(text):
    parts, depth, quote, cur = [], 0, None, ""
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            cur += c
            if c == "\\":
                cur += text[i + 1]
                i += 1
            elif c == quote:
                quote = None
        elif c == '"':
            quote = c
            cur += c
        elif c == "{":
            depth += 1
            cur += c
        elif c == "}":
            depth -= 1
            cur += c
        elif c == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    if cur.strip():
        parts.append(cur.strip())
    return parts


def short(v):
    if v in ("NaN", "+Inf", "-Inf"):
        return v
    f = float(v)
    if f == 0 and v.startswith("-"):
        return "-0"
    return str(int(f)) if f == int(f) and abs(f) < 1e15 else repr(f)


def fill(path):
    lines = open(path).read().split("\n")
    inserts = {}
    for group in parse(path):
        for (line, at, expr, _), (_, empty) in zip(group["evals"], group.get("empty", [])):
            if not empty:
                continue
            code, out = promtool(yaml_test(group, [(line, at, expr, [])]))
            m = re.search(r"^\s+got: (.*)$", out, re.M)
            if code != 0 and not m:
                print(f"{path}:{line}: {out}")
                continue
            if m and m.group(1) != "nil":
                got = []
                for sample in split_top(m.group(1)):
                    labels, v = sample.rsplit(" ", 1)
                    got.append(f"  {labels} {short(v)}")
                inserts[line] = got
    out = []
    for i, l in enumerate(lines, 1):
        out.append(l)
        out += inserts.get(i, [])
    open(path, "w").write("\n".join(out))


def main():
    ok = True
    if sys.argv[1] == "--fill":
        for path in sys.argv[2:]:
            fill(path)
        return 0
    for path in sys.argv[1:]:
        for group in parse(path):
            if group["evals"]:
                code, out = promtool(yaml_test(group, group["evals"]))
                if code != 0 and not equivalent(out):
                    ok = False
                    print(f"== {path}\n{out}")
            for line, at, expr in group["fails"]:
                code, out = promtool(yaml_test(group, [(line, at, expr, [])]))
                if code == 0 or "FAILED" not in out or "got:" in out:
                    ok = False
                    print(f"== {path}:{line}: eval_fail {expr} did not fail in promtool\n{out}")
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
