#!/bin/sh
# The app's test suite; FAIL_TESTS=1 makes a test fail, for failure reports.
set -eu
echo "running 3 tests"
grep -q "<h1>" src/index.html && echo "ok 1 - index has a heading"
[ -f src/start.sh ] && echo "ok 2 - start script exists"
if [ "${FAIL_TESTS:-0}" = 1 ]; then
  echo "not ok 3 - checkout total matches cart" >&2
  echo "expected 42.00, got 41.99" >&2
  exit 3
fi
echo "ok 3 - checkout total matches cart"
