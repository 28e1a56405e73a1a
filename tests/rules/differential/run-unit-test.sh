#!/bin/sh
# Runs `TOOL test rules FILE` and checks the outcome: `pass` wants exit 0 and "SUCCESS"; `fail`
# wants exit 1 and "FAILED:" (a crash or a usage error is not the expected failure).
# `same` runs both tools and wants the same exit status and byte-identical stdout and stderr.
# Usage: run-unit-test.sh pass|fail TOOL FILE
#        run-unit-test.sh same PROMTOOL OPSAGENT FILE
if [ "$1" = same ]; then
  dir=$(mktemp -d) || exit 2
  trap 'rm -rf "$dir"' EXIT
  "$2" test rules "$4" >"$dir/promtool.out" 2>"$dir/promtool.err"
  echo "exit $?" >>"$dir/promtool.out"
  "$3" test rules "$4" >"$dir/opsagent.out" 2>"$dir/opsagent.err"
  echo "exit $?" >>"$dir/opsagent.out"
  status=0
  diff -u "$dir/promtool.out" "$dir/opsagent.out" || status=1
  diff -u "$dir/promtool.err" "$dir/opsagent.err" || status=1
  [ "$status" -eq 0 ] && echo "same output as promtool for $4"
  exit "$status"
fi
expect=$1
tool=$2
file=$3
output=$("$tool" test rules "$file" 2>&1)
status=$?
printf '%s\n' "$output"
case $expect in
  pass)
    [ "$status" -eq 0 ] && printf '%s\n' "$output" | grep -q '^  SUCCESS$' && exit 0
    echo "expected $tool to pass $file (exit $status)" >&2
    exit 1 ;;
  fail)
    [ "$status" -eq 1 ] && printf '%s\n' "$output" | grep -q '^  FAILED:$' && exit 0
    echo "expected $tool to fail $file with exit 1 and FAILED: (exit $status)" >&2
    exit 1 ;;
esac
echo "usage: run-unit-test.sh pass|fail TOOL FILE" >&2
exit 2
