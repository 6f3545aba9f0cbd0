#!/usr/bin/env bash
# Training speed of the seed network: our oneDNN trainer (f32, and bf16 where the CPU has
# AVX-512 BF16) vs PyTorch fp32 (Debian python3-torch, 2 threads, channels_last, OpenBLAS),
# alternating in one run so all see the same machine.
#
# usage: benchmarks/train_speed/run.sh [--isa avx2] [STEPS_AT_32] [STEPS_AT_128] [ROUNDS]
#   defaults 300 / 100 steps, 2 rounds. Build first: cmake --build --preset host-release
#   --target train_speed fma_peak. PyTorch: scripts/bootstrap.sh --bench.
#   --isa avx2: what an AVX2-only CPU (no AVX-512) runs, on any x86 CPU: both oneDNNs (ours and
#   PyTorch's) capped with ONEDNN_MAX_CPU_ISA=AVX2, PyTorch's own kernels with
#   ATEN_CPU_CAPABILITY=avx2, OpenBLAS with OPENBLAS_CORETYPE=Haswell, the FMA peak at 256 bits;
#   bf16 is not measured (oneDNN 2.6 has no bf16 training kernels below AVX-512).
#
# Ours runs real training steps (background batch preparation with augmentation, forward,
# backward, Adam); PyTorch trains on random tensors without data loading or augmentation.
# FLOP count: 525 MFLOP per training image (forward + backward data + backward weights,
# counting kernel taps on zero padding as the issue does; oneDNN executes about 456).
# The FP32 peak is measured by fma_peak at the start of the run with the widest FMA the CPU
# has: on the Zen4 machines here AVX-512 reaches about 400 GFLOP/s on 2 cores, twice AVX2.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ours=${TRAIN_SPEED_EXE:-$root/build/host-release/bin/train_speed}
peak_exe=$(dirname "$ours")/fma_peak
peak_args=()
avx2=0
if [ "${1:-}" = --isa ]; then
    [ "${2:-}" = avx2 ] || { echo "run.sh: --isa: only avx2 can be chosen (the default is the CPU's own)" >&2; exit 2; }
    avx2=1
    export ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell
    peak_args=(--avx2)
    shift 2
fi
steps32=${1:-300}
steps128=${2:-100}
rounds=${3:-2}
threads=2
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
# Debian's interpreter: python3-torch installs there (a pyenv python3 on PATH would miss it).
python=${PYTHON:-/usr/bin/python3}

for exe in "$ours" "$peak_exe"; do
    [ -x "$exe" ] || { echo "run.sh: $exe missing; build the train_speed and fma_peak targets first" >&2; exit 1; }
done
$python -c "import torch" 2>/dev/null || { echo "run.sh: PyTorch missing; run scripts/bootstrap.sh --bench" >&2; exit 1; }
[ -d "$openblas" ] || echo "run.sh: warning: $openblas missing; PyTorch falls back to the reference BLAS" >&2

torch_speed() { LD_LIBRARY_PATH=$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} $python "$here/torch_train.py" --batch "$1" --steps "$2" --threads $threads; }
our_speed() { OMP_NUM_THREADS=$threads "$ours" "$1" "$2" --precision "$3"; }

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared machines make these figures noisy)"
cpu_isa=$(grep -o -w -E 'avx512f|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')
echo "CPU: ${cpu_isa:-no AVX2}; oneDNN runs $("$ours" --isa) kernels here${ONEDNN_MAX_CPU_ISA:+ (ONEDNN_MAX_CPU_ISA=$ONEDNN_MAX_CPU_ISA, also for PyTorch)}"
read -r peak isa < <("$peak_exe" $threads "${peak_args[@]}")
echo "FP32 peak on $threads threads: $peak GFLOP/s ($isa FMA, measured now)"
# Our bf16 mode (--precision bf16) runs where oneDNN has AVX-512 BF16 kernels.
contestants="pytorch f32"
if [ $avx2 -eq 0 ] && grep -qw avx512_bf16 /proc/cpuinfo; then contestants="$contestants bf16"; else echo "no AVX-512 BF16 in use: bf16 not measured"; fi
declare -A sum
for round in $(seq 1 "$rounds"); do
    for batch in 32 128; do
        steps=$steps32; [ "$batch" = 128 ] && steps=$steps128
        line=$(printf 'round %d  batch %3d' "$round" "$batch")
        for who in $contestants; do
            if [ "$who" = pytorch ]; then v=$(torch_speed "$batch" "$steps"); else v=$(our_speed "$batch" "$steps" "$who"); fi
            sum[$who,$batch]=$(python3 -c "print(${sum[$who,$batch]:-0} + $v)")
            line="$line  $who $(printf '%7.1f' "$v") img/s"
        done
        echo "$line"
    done
done

echo
echo "means of $rounds alternating rounds; GFLOP/s at 525 MFLOP per image, % of the peak"
echo "(bf16 against twice the FP32 peak: vdpbf16ps does two multiply-adds per FP32 lane;"
echo " ours f32 runs the 3x3 convs as Winograd (oneDNN's or its own) and executes fewer multiplies than"
echo " counted, so its figure is direct-convolution-equivalent and can pass 100 %)"
for batch in 32 128; do
    args=()
    for who in $contestants; do args+=("$who" "${sum[$who,$batch]}"); done
    python3 - "$batch" "$rounds" "$peak" "${args[@]}" <<'PY'
import sys
batch, rounds, peak = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
speeds = {w: float(v) / rounds for w, v in zip(sys.argv[4::2], sys.argv[5::2])}
base = speeds["pytorch"]
for who, v in speeds.items():
    g = v * 525.0 / 1e3
    name = "pytorch fp32" if who == "pytorch" else f"ours {who}"
    top = 2 * peak if who == "bf16" else peak
    print(f"batch {batch:<4d} {name:<13s} {v:7.1f} img/s  {v / base:5.2f}x pytorch  {g:6.1f} GFLOP/s ({100 * g / top:4.1f} % of peak)")
PY
done
if [ $avx2 -eq 1 ]; then
    echo "targets (AVX2): ours f32 >= 1.4x PyTorch at batch 32, >= 1.2x at batch 128"
else
    echo "targets (AVX-512, issue #12): ours f32 >= 2x PyTorch, bf16 >= 3.7x"
fi
