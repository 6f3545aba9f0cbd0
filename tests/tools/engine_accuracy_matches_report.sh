#!/usr/bin/env bash
# The engine, run by `evaluate` over the whole MNIST test set, classifies exactly as many digits
# correctly as the quantizer's report says the int8 model does.
# usage: engine_accuracy_matches_report.sh EVALUATE MODEL.fb REPORT.txt
set -euo pipefail
evaluate=$1 model=$2 report=$3

reported=$(sed -nE 's/^int8 accuracy: +[0-9.]+ % \(([0-9]+) correct\)$/\1/p' "$report")
[ -n "$reported" ] || { echo "no 'int8 accuracy' line in $report" >&2; exit 1; }
json=$("$evaluate" "$model" --json | tail -n 1)
count=$(sed -E 's/.*"count": *([0-9]+).*/\1/' <<<"$json")
accuracy=$(sed -E 's/.*"accuracy": *([0-9.]+).*/\1/' <<<"$json")
measured=$(awk -v c="$count" -v a="$accuracy" 'BEGIN { printf "%d", c * a + 0.5 }')
echo "engine: $measured of $count correct; report: $reported correct"
[ "$count" = 10000 ] && [ "$measured" = "$reported" ]
