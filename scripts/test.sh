#!/usr/bin/env bash
# The README's test command: installs what is missing, fetches MNIST, then configures, builds
# and tests every preset (host-release, host-debug, host-sanitize, host-fuzz, and the Cortex-M
# targets cortex-m4, cortex-m3, cortex-m7, cortex-m33, cortex-m55, cortex-m0, and wasm) with
# `cmake --workflow`. Runs every preset even after a failure and ends with one summary line:
# tests: N passed, N failed, N skipped. The cross presets share one host build of model_to_c
# (build/host-tools/).
#
# After cortex-m4, "demo" runs the README's main job as a smoke test of the whole chain (one
# short epoch on 2,000 images, quantize, evaluate, the M4 firmware bit for bit against the host):
# one test, passed or failed.
#
# usage: scripts/test.sh [PRESET...]      (default: all eleven and the demo)
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(host-release host-debug host-sanitize host-fuzz cortex-m4 demo cortex-m3 cortex-m7 cortex-m33 cortex-m55 cortex-m0 wasm)

scripts/bootstrap.sh || exit 1
scripts/fetch_mnist.sh || exit 1

logs=build/test-logs
mkdir -p "$logs"
total_pass=0 total_fail=0 total_skip=0 failed_presets=() skipped_names=()
summary=()
for preset in "${presets[@]}"; do
    echo
    echo "=== $preset: configure, build, test"
    start=$(date +%s)
    if [ "$preset" = demo ]; then
        scripts/demo.sh --epochs 1 --limit 2000 --out build/demo-smoke --check 2>&1 | tee "$logs/$preset.log"
        status=${PIPESTATUS[0]}
        counts=$([ "$status" -eq 0 ] && echo "1 0 0" || echo "0 1 0")
    else
        cmake --workflow --preset "$preset" 2>&1 | tee "$logs/$preset.log"
        status=${PIPESTATUS[0]}
        # Passed, failed and skipped (a test that could not run here is not a pass), then the
        # names of the skipped tests.
        counts=$(scripts/ctest_summary.sh "$logs/$preset.log")
    fi
    seconds=$(( $(date +%s) - start ))
    read -r passed failed skipped <<<"$(head -n 1 <<<"$counts")"
    ran=$(( passed + failed + skipped ))
    while IFS= read -r name; do
        [ -n "$name" ] && skipped_names+=("$preset: $name")
    done < <(tail -n +2 <<<"$counts")
    total_pass=$(( total_pass + passed )); total_fail=$(( total_fail + failed )); total_skip=$(( total_skip + skipped ))
    if [ "$status" -ne 0 ] || [ "$ran" -eq 0 ]; then
        failed_presets+=("$preset")
        result="FAILED"
    else
        result="ok"
    fi
    summary+=("$(printf '%-14s %-7s %5d passed %4d failed %4d skipped %6ds' "$preset" "$result" "$passed" "$failed" \
                "$skipped" "$seconds")")
done

echo
echo "=== Summary (logs in $logs/)"
printf '%s\n' "${summary[@]}"
if [ ${#skipped_names[@]} -gt 0 ]; then
    echo "skipped (could not run on this machine):"
    printf '  %s\n' "${skipped_names[@]}"
fi
if [ ${#failed_presets[@]} -gt 0 ]; then
    echo "failed presets: ${failed_presets[*]}"
    # A preset that failed to build counts as a failure even if no test ran.
    [ "$total_fail" -gt 0 ] || total_fail=${#failed_presets[@]}
fi
echo "tests: $total_pass passed, $total_fail failed, $total_skip skipped"
[ ${#failed_presets[@]} -eq 0 ]
