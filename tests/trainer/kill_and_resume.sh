#!/usr/bin/env bash
# Crash safety of a training run: `kill -9` at random moments, several times. After every kill
# best.ckpt and last.ckpt are each byte for byte a version that a complete run writes (never a
# mix, never half a file); `--resume` then finishes with the weights of an uninterrupted run,
# bit for bit, and no temporary file is left behind.
# usage: kill_and_resume.sh TRAIN   (needs the MNIST cache: TINYDIGIT_DATA_DIR)
set -euo pipefail
train=$1
kills=${KILLS:-8}
epochs=12
work=$(mktemp -d)
pid=""
trap '[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# One thread: only then are two runs of the same seed identical bit for bit.
common=(--arch compact --limit 600 --batch 16 --seed 7 --threads 1 --epochs "$epochs" --skip-test)
log=$work/train.log
trap 'echo "last trainer output:" >&2; tail -n 5 "$log" >&2' ERR

# Every version of the two files that a complete run writes, one epoch per invocation.
versions=$work/versions
mkdir -p "$versions"
for ((k = 1; k <= epochs; k++)); do
    resume=()
    ((k > 1)) && resume=(--resume)
    "$train" "${common[@]}" --stop-after "$k" "${resume[@]}" --out "$work/steps" >"$log" 2>&1
    cp "$work/steps/last.ckpt" "$versions/last.$k"
    cp "$work/steps/best.ckpt" "$versions/best.$k"
done

started=$(date +%s%N)
"$train" "${common[@]}" --out "$work/straight" >"$log" 2>&1
run_ms=$((($(date +%s%N) - started) / 1000000))
cmp "$work/straight/last.ckpt" "$versions/last.$epochs"
cmp "$work/straight/best.ckpt" "$work/steps/best.ckpt"
echo "uninterrupted run: ${run_ms} ms; it equals the run made one epoch per invocation"

version_of() {  # FILE KIND: prints the epoch whose complete version FILE is, or fails
    for v in "$versions/$2".*; do cmp -s "$1" "$v" && { echo "${v##*.}"; return 0; }; done
    return 1
}

run=$work/run
continue_flag() {  # what a user does after a kill: resume, or start over if nothing to resume
    if [ -f "$run/last.ckpt" ]; then echo --resume; elif [ -f "$run/best.ckpt" ]; then echo --overwrite; fi
}
interrupted=0
for ((i = 1; i <= kills; i++)); do
    flag=$(continue_flag)
    "$train" "${common[@]}" $flag --out "$run" >"$log" 2>&1 &
    pid=$!
    # Each kill lands in the first third of a whole run's time, so the run takes several kills
    # to finish (resumed runs have less left to do).
    delay_ms=$((50 + RANDOM * run_ms / 3 / 32768))
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    state="kill $i after ${delay_ms} ms (${flag:-new run}):"
    if kill -9 "$pid" 2>/dev/null; then interrupted=$((interrupted + 1)); else state+=" (it had finished)"; fi
    wait "$pid" 2>/dev/null || true
    pid=""
    for kind in best last; do
        if [ -f "$run/$kind.ckpt" ]; then
            epoch=$(version_of "$run/$kind.ckpt" "$kind") || { echo "$state $kind.ckpt is no complete version" >&2; exit 1; }
            state+=" $kind.ckpt = the complete epoch-$epoch file;"
        else
            state+=" no $kind.ckpt yet;"
        fi
    done
    echo "$state"
done
echo "$interrupted of $kills kills interrupted the trainer"
[ "$interrupted" -ge $((kills / 2)) ] || { echo "too few kills hit a running trainer" >&2; exit 1; }

"$train" "${common[@]}" $(continue_flag) --out "$run" >"$log" 2>&1
cmp "$run/last.ckpt" "$work/straight/last.ckpt"
cmp "$run/best.ckpt" "$work/straight/best.ckpt"
leftovers=$(find "$run" -name '.*.tmp.*' | wc -l)
[ "$leftovers" = 0 ] || { echo "$leftovers temporary files left in $run" >&2; exit 1; }
echo "resumed run equals the uninterrupted one bit for bit; no temporary files left"
