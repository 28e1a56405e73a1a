#!/usr/bin/env python3
"""Re-checks the expectations in tests/rules/template_test.cc against promtool.

Usage: template_promtool_check.py [tests/rules/template_test.cc] [--promtool /usr/bin/promtool]

Every TemplateCase {value, text, want} becomes an annotation of its own alert in one rule file,
evaluated by `promtool test rules` with the labels template_test.cc's Data() uses; promtool
prints the expanded annotation on mismatch (the test expects no alerts), which is compared
with `want`. Every ParseCase {text, want_error} is checked with `promtool check rules`.
Exits 1 on any difference. Needs promtool 2.42 (Debian 12's `prometheus` package).
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile

C_ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', "'": "'", 'a': '\a', 'b': '\b',
             'f': '\f', 'v': '\v'}
GO_ESCAPES = {'a': 7, 'b': 8, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11, '\\': 92, '"': 34,
              "'": 39}


def c_string(body):
    """Decodes the inside of a C++ string literal (the escapes the generator emits)."""
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != '\\':
            out += c.encode()
            i += 1
        elif body[i + 1] in '01234567':
            out.append(int(body[i + 1:i + 4], 8))
            i += 4
        else:
            out += C_ESCAPES[body[i + 1]].encode()
            i += 2
    return out.decode('utf-8', 'surrogateescape')


def go_unquote(quoted):
    """strconv.Unquote for the %q-quoted annotation values promtool prints."""
    body, out, i = quoted[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i]
        if c != '\\':
            out += c.encode()
            i += 1
            continue
        n = body[i + 1]
        if n in GO_ESCAPES:
            out.append(GO_ESCAPES[n])
            i += 2
        elif n == 'x':
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        else:
            width = 4 if n == 'u' else 8
            out += chr(int(body[i + 2:i + 2 + width], 16)).encode()
            i += 2 + width
    return out.decode('utf-8', 'surrogateescape')


STRING = r'"((?:[^"\\]|\\.)*)"'


def read_cases(source):
    """Returns ([(value_expr, text, want)], [(text, want_error)]) from the test's tables."""
    joined = re.sub(r'"\s*\n\s*"', '', source)  # Undo clang-format's literal splitting.
    def tables(kind):
        return ''.join(re.findall(r'const ' + kind + r' k\w+\[\] = \{(.*?)\n\};', joined, re.S))
    template_cases = [(m.group(1), c_string(m.group(2)), c_string(m.group(3)))
                      for m in re.finditer(r'\{(-?kInf|kNaN|-?[0-9][0-9.e+-]*),\s*' + STRING +
                                           r',\s*' + STRING + r'\}', tables('TemplateCase'))]
    parse_cases = [(c_string(m.group(1)), c_string(m.group(2)))
                   for m in re.finditer(r'\{' + STRING + r',\s*' + STRING + r'\}',
                                        tables('ParseCase'))]
    return template_cases, parse_cases


def promql_value(expr):
    return {'kInf': '1/0', '-kInf': '-1/0', 'kNaN': 'NaN'}.get(expr, expr)


def check_expansions(promtool, cases):
    tmp = tempfile.mkdtemp()
    rules = ['groups:', '- name: g', '  rules:']
    tests = ['rule_files: [r.yml]', 'evaluation_interval: 1m', 'tests:', '- interval: 1m',
             '  external_labels: {cluster: prod, region: eu}', '  input_series:',
             '  - series: \'m{instance="host:9100",job="node",severity="critical"}\'',
             "    values: '1'", '  alert_rule_test:']
    for i, (value, text, _) in enumerate(cases):
        rules += [f'  - alert: T{i}', f'    expr: m * 0 + ({promql_value(value)})',
                  '    annotations:', f'      t: {json.dumps(text)}']
        tests += ['  - eval_time: 0', f'    alertname: T{i}', '    exp_alerts: []']
    with open(os.path.join(tmp, 'r.yml'), 'w') as f:
        f.write('\n'.join(rules) + '\n')
    with open(os.path.join(tmp, 't.yml'), 'w') as f:
        f.write('\n'.join(tests) + '\n')
    run = subprocess.run([promtool, 'test', 'rules', 't.yml'], cwd=tmp, capture_output=True,
                         text=True)
    got = {int(m.group(1)): go_unquote(m.group(2)) for m in re.finditer(
        r'alertname: T(\d+),.*?Annotations:\{t=("(?:[^"\\]|\\.)*")\}', run.stdout + run.stderr,
        re.S)}
    bad = 0
    for i, (value, text, want) in enumerate(cases):
        actual = re.sub(r'__alert_T\d+', '__alert_T', got.get(i, '<no output>'))
        if actual != want:
            bad += 1
            print(f'MISMATCH value={value} text={text!r}\n  promtool: {actual!r}\n  test:     {want!r}')
    return bad


def check_parses(promtool, cases):
    tmp = tempfile.mkdtemp()
    bad = 0
    for text, want in cases:
        with open(os.path.join(tmp, 'c.yml'), 'w') as f:
            f.write('groups:\n- name: g\n  rules:\n  - alert: T\n    expr: up\n    annotations:\n'
                    f'      t: {json.dumps(text)}\n')
        run = subprocess.run([promtool, 'check', 'rules', 'c.yml'], cwd=tmp, capture_output=True,
                             text=True)
        m = re.search(r'annotation "t": (.*)', run.stdout + run.stderr)
        actual = m.group(1) if m else ''
        if actual != want:
            bad += 1
            print(f'MISMATCH parse text={text!r}\n  promtool: {actual!r}\n  test:     {want!r}')
    return bad


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('test_file', nargs='?',
                        default=os.path.join(os.path.dirname(__file__), 'template_test.cc'))
    parser.add_argument('--promtool', default='promtool')
    args = parser.parse_args()
    with open(args.test_file) as f:
        template_cases, parse_cases = read_cases(f.read())
    bad = check_expansions(args.promtool, template_cases)
    bad += check_parses(args.promtool, parse_cases)
    total = len(template_cases) + len(parse_cases)
    print(f'{total - bad}/{total} expectations match promtool')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
