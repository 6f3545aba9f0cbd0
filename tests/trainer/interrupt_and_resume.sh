#!/usr/bin/env bash
# Ctrl-C during training (issue 14): the trainer stops at the next batch, writes nothing of the
# epoch under way (last.ckpt is byte for byte the file of the last finished epoch, history.csv
# has that many rows, no temporary file is left), exits 130, names the epoch last.ckpt holds
# and prints the exact command that continues the run; that command then resumes bit for bit.
# usage: interrupt_and_resume.sh TRAIN   (needs the MNIST cache: TINYDIGIT_DATA_DIR)
set -euo pipefail
set -m  # job control: a background job of a script otherwise starts with SIGINT ignored
train=$1
work=$(mktemp -d)
pid=""
trap '[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# One thread: only then are two runs of the same seed identical bit for bit.
common=(--arch compact --limit 320 --batch 16 --seed 5 --threads 1 --epochs 40 --skip-test)
run=$work/run

"$train" "${common[@]}" --out "$run" >"$work/out.txt" 2>"$work/err.txt" &
pid=$!
for ((i = 0; i < 1200; i++)); do [ -f "$run/last.ckpt" ] && break; sleep 0.1; done
[ -f "$run/last.ckpt" ] || { echo "no epoch finished within 120 s" >&2; exit 1; }
sleep 0.3  # into a later epoch
kill -INT "$pid"
status=0
wait "$pid" || status=$?
pid=""
echo "after SIGINT: exit $status; stderr ends with:"
tail -n 2 "$work/err.txt"
[ "$status" = 130 ] || { echo "expected exit status 130" >&2; exit 1; }

epoch=$(($(wc -l <"$run/history.csv") - 1))
expected_command="$train ${common[*]} --out $run --resume"
[ "$(tail -n 2 "$work/err.txt" | head -n 1)" = \
  "train: interrupted; the epoch under way was dropped, $run/last.ckpt holds epoch $epoch of 40. Continue with:" ] ||
    { echo "the message does not name epoch $epoch and last.ckpt" >&2; exit 1; }
[ "$(tail -n 1 "$work/err.txt")" = "  $expected_command" ] || { echo "the resume command differs" >&2; exit 1; }

# Nothing half-done: last.ckpt is the complete file an uninterrupted run writes after $epoch epochs.
"$train" "${common[@]}" --stop-after "$epoch" --out "$work/ref" >/dev/null 2>&1
cmp "$run/last.ckpt" "$work/ref/last.ckpt"
cmp "$run/best.ckpt" "$work/ref/best.ckpt"
leftovers=$(find "$run" -name '.*.tmp.*' | wc -l)
[ "$leftovers" = 0 ] || { echo "$leftovers temporary files left in $run" >&2; exit 1; }

# The printed command continues the run (cut short here one epoch later) bit for bit.
eval "$(tail -n 1 "$work/err.txt") --stop-after $((epoch + 1))" >/dev/null 2>&1
"$train" "${common[@]}" --stop-after $((epoch + 1)) --resume --out "$work/ref" >/dev/null 2>&1
cmp "$run/last.ckpt" "$work/ref/last.ckpt"
echo "interrupted at epoch $epoch + a part; last.ckpt was that epoch's file; the printed command resumed bit for bit"
