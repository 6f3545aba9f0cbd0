#!/usr/bin/env bash
# Crash safety at the two moments of a checkpoint write that matter, deterministically: the
# trainer kills itself (SIGKILL) through the test hook in common/src/atomic_file.cpp
# (TINYDIGIT_TEST_KILL_AT) while writing last.ckpt,
#   before-rename: the new file is complete in its temporary file, last.ckpt not yet replaced:
#                  last.ckpt must still be the previous epoch's file, byte for byte;
#   after-rename:  last.ckpt replaced, its folder not yet synced: last.ckpt must be the
#                  complete new file.
# After both, `--resume` must finish with the checkpoints of an uninterrupted run, bit for bit.
# usage: kill_at_rename.sh TRAIN   (needs the MNIST cache: TINYDIGIT_DATA_DIR)
set -euo pipefail
train=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One thread: only then are two runs of the same seed identical bit for bit.
common=(--arch compact --limit 320 --batch 16 --seed 5 --threads 1 --epochs 3 --skip-test)

"$train" "${common[@]}" --out "$work/straight" >/dev/null 2>&1
"$train" "${common[@]}" --stop-after 2 --out "$work/epoch2" >/dev/null 2>&1
run=$work/run
"$train" "${common[@]}" --stop-after 1 --out "$run" >/dev/null 2>&1
cp "$run/last.ckpt" "$work/last.epoch1"

resume_killed_at() {  # POINT: resume with the hook armed for last.ckpt; it must die by SIGKILL
    local status=0
    TINYDIGIT_TEST_KILL_AT="$1:last.ckpt" "$train" "${common[@]}" --resume --out "$run" >/dev/null 2>&1 || status=$?
    [ "$status" = 137 ] || { echo "$1: the trainer exited with status $status, not by SIGKILL (137)" >&2; exit 1; }
}

resume_killed_at before-rename
cmp "$run/last.ckpt" "$work/last.epoch1"
temporaries=("$run"/.last.ckpt.tmp.*)
[ -f "${temporaries[0]}" ] || { echo "before-rename: no temporary last.ckpt was left: the kill came too early" >&2; exit 1; }
cmp "${temporaries[0]}" "$work/epoch2/last.ckpt"
echo "killed before the rename: last.ckpt is the epoch-1 file byte for byte; the complete epoch-2 file was still temporary"

resume_killed_at after-rename
cmp "$run/last.ckpt" "$work/epoch2/last.ckpt"
echo "killed after the rename: last.ckpt is the complete epoch-2 file"

"$train" "${common[@]}" --resume --out "$run" >/dev/null 2>&1
cmp "$run/last.ckpt" "$work/straight/last.ckpt"
cmp "$run/best.ckpt" "$work/straight/best.ckpt"
leftovers=$(find "$run" -name '.*.tmp.*' | wc -l)
[ "$leftovers" = 0 ] || { echo "$leftovers temporary files left in $run" >&2; exit 1; }
echo "resumed run equals the uninterrupted one bit for bit; no temporary files left"
