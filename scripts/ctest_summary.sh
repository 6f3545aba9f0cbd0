#!/usr/bin/env bash
# Counts one ctest run from its output (a log file): prints "PASSED FAILED SKIPPED" on the first
# line, then the name of every skipped test, one per line. ctest's closing line counts a
# skipped test as neither passed nor failed ("N tests failed out of TOTAL", TOTAL including
# the skipped ones); the skipped ones are listed under "The following tests did not run:".
# Prints "0 0 0" when the log has no ctest summary (nothing ran).
# usage: ctest_summary.sh LOG
set -euo pipefail
awk '
    match($0, /[0-9]+ tests? failed out of [0-9]+/) {
        split(substr($0, RSTART, RLENGTH), w, " ")
        failed = w[1]; total = w[6]
    }
    /^The following tests did not run:/ { listing = 1; next }
    listing && /^[[:space:]]+[0-9]+ - .* \((Skipped|Not Run|Disabled)\)$/ {
        name = $0
        sub(/^[[:space:]]+[0-9]+ - /, "", name)
        sub(/ \([A-Za-z ]+\)$/, "", name)
        skipped[++n] = name
        next
    }
    { listing = 0 }
    END {
        printf "%d %d %d\n", total - failed - n, failed, n
        for (i = 1; i <= n; i++) print skipped[i]
    }' "$1"
