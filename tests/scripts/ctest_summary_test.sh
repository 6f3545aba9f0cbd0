#!/usr/bin/env bash
# scripts/ctest_summary.sh on the output of a real ctest run with one test of each outcome: a
# pass, a failure, a skip by return code, a skip by output (the marker tests/support/skip.hpp
# prints) and a failure that printed the skip marker (a failure must never count as a skip).
# usage: ctest_summary_test.sh REPO
set -euo pipefail
repo=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(outcomes NONE)
enable_testing()
add_test(NAME "passes" COMMAND sh -c "echo '[doctest] Status: SUCCESS!'")
add_test(NAME "fails" COMMAND sh -c "exit 1")
add_test(NAME "skips by return code" COMMAND sh -c "exit 77")
add_test(NAME "skips by marker" COMMAND sh -c "echo 'SKIPPED (not run here): no such CPU'; echo '[doctest] Status: SUCCESS!'")
add_test(NAME "fails after the marker" COMMAND sh -c "echo 'SKIPPED (not run here): x'; echo '[doctest] Status: FAILURE!'; exit 1")
set_tests_properties("skips by return code" PROPERTIES SKIP_RETURN_CODE 77)
CMAKE
# The skip pattern the project's doctest cases get (tests/CMakeLists.txt).
pattern=$(sed -nE 's/.*set\(tinydigit_skip_pattern "(.*)"\).*/\1/p' "$repo/tests/CMakeLists.txt")
[ -n "$pattern" ] || { echo "no tinydigit_skip_pattern in tests/CMakeLists.txt" >&2; exit 1; }
echo "set_tests_properties(\"skips by marker\" \"fails after the marker\" PROPERTIES SKIP_REGULAR_EXPRESSION \"$pattern\")" \
    >>"$work/CMakeLists.txt"
cmake -S "$work" -B "$work/build" >/dev/null
ctest --test-dir "$work/build" >"$work/ctest.log" 2>&1 || true
expected=$'1 2 2\nskips by return code\nskips by marker'
actual=$("$repo/scripts/ctest_summary.sh" "$work/ctest.log")
if [ "$actual" != "$expected" ]; then
    printf 'expected:\n%s\ngot:\n%s\nctest output:\n' "$expected" "$actual" >&2
    cat "$work/ctest.log" >&2
    exit 1
fi
echo "1 passed, 2 failed, 2 skipped, skipped tests named"
