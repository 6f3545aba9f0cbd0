#!/usr/bin/env bash
# The trainer on a full disk and on a read-only output folder: a one-line error naming the file
# and the reason, exit code 1, and the previous checkpoints byte for byte as they were.
# A small tmpfs and a read-only bind mount stand in for the faults; they are mounted in a private
# user + mount namespace (`unshare -rm`), so no root is needed and nothing outside changes.
# usage: output_faults.sh TRAIN   (needs the MNIST cache: TINYDIGIT_DATA_DIR)
set -euo pipefail
train=$1

if [ "${2:-}" != --inside ]; then
    probe=$(mktemp -d)
    if ! unshare -rm sh -c "mount -t tmpfs none '$probe'" 2>/dev/null; then
        rmdir "$probe"
        echo "SKIPPED: no private mounts here (unshare -rm with a tmpfs mount is not allowed)" >&2
        exit 77
    fi
    rmdir "$probe"
    exec unshare -rm bash "$0" "$train" --inside
fi

work=$(mktemp -d)
trap 'umount -R "$work/disk" 2>/dev/null || true; rm -rf "$work"' EXIT
common=(--arch compact --limit 320 --batch 16 --seed 3 --threads 1)
mkdir -p "$work/disk"
mount -t tmpfs -o size=8m tinydigit-test "$work/disk"
run=$work/disk/run
"$train" "${common[@]}" --epochs 1 --out "$run" >/dev/null 2>&1
cp "$run/best.ckpt" "$run/last.ckpt" "$work/"

expect_refusal() {  # WHAT EXPECTED-REASON
    local status=0
    "$train" "${common[@]}" --epochs 2 --resume --out "$run" >"$work/out.txt" 2>"$work/err.txt" || status=$?
    local error
    error=$(tail -n 1 "$work/err.txt")  # progress lines may come before it
    echo "$1: exit $status: $error"
    [ "$status" = 1 ] || { echo "$1: expected exit code 1" >&2; exit 1; }
    [ "$(grep -c '^train: ' "$work/err.txt")" = 1 ] || { echo "$1: expected one error line" >&2; exit 1; }
    [[ $error == "train: $run"*": $2" ]] || { echo "$1: expected the path and the reason '$2'" >&2; exit 1; }
    cmp "$run/best.ckpt" "$work/best.ckpt"
    cmp "$run/last.ckpt" "$work/last.ckpt"
    [ -z "$(find "$run" -name '.*.tmp.*')" ] || { echo "$1: temporary files left behind" >&2; exit 1; }
}

# Disk full: the next epoch trains, then its checkpoint cannot be written.
dd if=/dev/zero of="$work/disk/filler" bs=64k 2>/dev/null || true
expect_refusal "disk full" "No space left on device (earlier checkpoints are intact; --resume continues from last.ckpt)"
rm "$work/disk/filler"

# Read-only output folder: refused before any training.
mount --bind "$run" "$run"
mount -o remount,ro,bind "$run"
expect_refusal "read-only folder" "cannot write into this folder: Read-only file system"
umount "$run"

# With the space back, the same command resumes and finishes.
"$train" "${common[@]}" --epochs 2 --resume --out "$run" >/dev/null 2>&1
if cmp -s "$run/last.ckpt" "$work/last.ckpt"; then echo "epoch 2 was not saved" >&2; exit 1; fi
echo "after the faults, --resume finished epoch 2"
