#!/usr/bin/env bash
# The int8 model against the float checkpoint it was quantized from, over the whole MNIST test
# set, each through its own code path: `evaluate MODEL.fb` runs the engine's int8 kernels,
# `evaluate BEST.ckpt` the trainer's float forward pass (oneDNN). Gates: int8 accuracy within
# 0.2 percentage points of float, and the two agree on the predicted digit for >= 99.5 % of images.
# usage: int8_agrees_with_float.sh EVALUATE MODEL.fb BEST.ckpt   (needs TINYDIGIT_DATA_DIR)
set -euo pipefail
evaluate=$1 model=$2 checkpoint=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$evaluate" "$checkpoint" --logits "$work/float.csv" >/dev/null
"$evaluate" "$model" --logits "$work/int8.csv" >/dev/null
# Rows: label,predicted,logits... in test-set order. Integer arithmetic only.
paste -d, <(cut -d, -f1,2 "$work/float.csv") <(cut -d, -f1,2 "$work/int8.csv") | awk -F, '
    $1 != $3 { print "row " NR ": the two runs saw different labels" > "/dev/stderr"; exit 2 }
    { n++; float_ok += $1 == $2; int8_ok += $3 == $4; agree += $2 == $4 }
    END {
        if (n != 10000) { print "expected 10000 test images, got " n > "/dev/stderr"; exit 2 }
        diff = int8_ok - float_ok
        printf "float %d correct, int8 %d correct (%+.2f pp; gate: within 0.20), agreement %.2f %% (gate: >= 99.50)\n",
               float_ok, int8_ok, 100 * diff / n, 100 * agree / n
        within = (diff < 0 ? -diff : diff) * 500 <= n   # |diff| / n <= 0.002
        agrees = agree * 1000 >= 995 * n
        exit (within && agrees) ? 0 : 1
    }'
