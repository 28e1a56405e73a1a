#!/bin/sh
# Runs `TOOL test rules FILE` and checks the outcome: `pass` wants exit 0 and "SUCCESS"; `fail`
# wants exit 1 and "FAILED:" (a crash or a usage error is not the expected failure).
# Usage: run-unit-test.sh pass|fail TOOL FILE
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
