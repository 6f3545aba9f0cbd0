#!/usr/bin/env bash
# Training speed of the seed network: our oneDNN trainer vs PyTorch (Debian python3-torch,
# 2 threads, channels_last, OpenBLAS), alternating in one run so both see the same machine.
#
# usage: benchmarks/train_speed/run.sh [STEPS_AT_32] [STEPS_AT_128] [ROUNDS]
#   defaults 300 / 100 steps, 2 rounds. Build first: cmake --build --preset host-release
#   --target train_speed. PyTorch: scripts/bootstrap.sh --bench.
#
# Ours runs real training steps (background batch preparation with augmentation, forward,
# backward, Adam); PyTorch trains on random tensors without data loading or augmentation.
# FLOP count: 525 MFLOP per training image (forward + backward data + backward weights);
# the FP32 peak of the 2 cores is about 234 GFLOP/s (AVX2/AVX-512 FMA at 3.65 GHz).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours=${TRAIN_SPEED_EXE:-$root/build/host-release/bin/train_speed}
steps32=${1:-300}
steps128=${2:-100}
rounds=${3:-2}
threads=2
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
# Debian's interpreter: python3-torch installs there (a pyenv python3 on PATH would miss it).
python=${PYTHON:-/usr/bin/python3}

[ -x "$ours" ] || { echo "run.sh: $ours missing; build the train_speed target first" >&2; exit 1; }
$python -c "import torch" 2>/dev/null || { echo "run.sh: PyTorch missing; run scripts/bootstrap.sh --bench" >&2; exit 1; }
[ -d "$openblas" ] || echo "run.sh: warning: $openblas missing; PyTorch falls back to the reference BLAS" >&2

torch_speed() { LD_LIBRARY_PATH=$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} $python "$here/torch_train.py" --batch "$1" --steps "$2" --threads $threads; }
our_speed() { OMP_NUM_THREADS=$threads "$ours" "$1" "$2"; }

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machines make these figures noisy)"
declare -A torch_sum ours_sum
for batch in 32 128; do torch_sum[$batch]=0; ours_sum[$batch]=0; done
for round in $(seq 1 "$rounds"); do
    for batch in 32 128; do
        steps=$steps32; [ "$batch" = 128 ] && steps=$steps128
        t=$(torch_speed "$batch" "$steps")
        o=$(our_speed "$batch" "$steps")
        printf 'round %d  batch %3d  pytorch %7.1f img/s  ours %7.1f img/s\n' "$round" "$batch" "$t" "$o"
        torch_sum[$batch]=$(python3 -c "print(${torch_sum[$batch]} + $t)")
        ours_sum[$batch]=$(python3 -c "print(${ours_sum[$batch]} + $o)")
    done
done

echo
printf '%-6s %12s %12s %7s %22s %22s\n' batch "pytorch" "ours" ratio "pytorch GFLOP/s (peak)" "ours GFLOP/s (peak)"
for batch in 32 128; do
    python3 - "$batch" "${torch_sum[$batch]}" "${ours_sum[$batch]}" "$rounds" <<'PY'
import sys
batch, t, o, rounds = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
t, o = t / rounds, o / rounds
mflop, peak = 525.0, 234.0
tg, og = t * mflop / 1e3, o * mflop / 1e3
print(f"{batch:<6d} {t:8.1f} img/s {o:8.1f} img/s {o / t:6.2f}x {tg:12.1f} ({100 * tg / peak:4.1f} %) {og:12.1f} ({100 * og / peak:4.1f} %)")
PY
done
target32=1.25; target128=1.1
echo "targets: ours >= ${target32}x PyTorch at batch 32, >= ${target128}x at batch 128 (means of $rounds alternating rounds)"
