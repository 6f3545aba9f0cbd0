#!/usr/bin/env bash
# The README's main job: set-up, MNIST, build, a short training run, quantization, float vs
# int8 evaluation on the MNIST test set, the firmware demo on the emulated Cortex-M4, and a
# summary table. A step whose program is not built yet is reported as such, never faked.
#
# usage: scripts/demo.sh [--epochs N] [--arch seed|compact] [--out DIR] [--limit N] [--check]
#   --out DIR   where the run goes (default out/demo)
#   --limit N   train on the first N training images only (a quick smoke run of the whole chain)
#   --check     exit 1 unless every step ran and the firmware matched the host on every digit
#               (scripts/test.sh runs the demo this way)
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
epochs=""
arch=seed
out=out/demo
limit=""
check=0
while [ $# -gt 0 ]; do
    case "$1" in
        --epochs) epochs=$2; shift 2 ;;
        --arch) arch=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --limit) limit=$2; shift 2 ;;
        --check) check=1; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "demo: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

scripts/bootstrap.sh || exit 1
scripts/fetch_mnist.sh || exit 1

bin=build/host-release/bin
rows=()
row() { rows+=("$(printf '%-34s %s' "$1" "$2")"); }
incomplete=0
missing() { echo "demo: not built yet: $1"; row "$2" "not built yet"; incomplete=1; }

# The CPU decides the speed: oneDNN's training kernels (train names them below) and the
# engine's kernel set differ between AVX2-only and AVX-512 machines.
cpu_class=$(grep -o -w -E 'avx512f|avx512_vnni|avx512_bf16|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')
echo "=== CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs; ${cpu_class:-no AVX2}${ONEDNN_MAX_CPU_ISA:+(oneDNN capped by ONEDNN_MAX_CPU_ISA=$ONEDNN_MAX_CPU_ISA)}"
row "CPU features" "${cpu_class:-no AVX2}${ONEDNN_MAX_CPU_ISA:+(oneDNN capped at $ONEDNN_MAX_CPU_ISA)}"

echo "=== build (host-release: train, quantize, evaluate)"
cmake --preset host-release >/dev/null && cmake --build --preset host-release --target train quantize evaluate || exit 1
mkdir -p "$out"
out=$(cd "$out" && pwd)  # absolute: the firmware build below runs CMake with it

echo "=== train ($arch)"
ckpt="$out/best.ckpt"
if [ -x "$bin/train" ]; then
    start=$(date +%s)
    # stderr is also kept for the summary; through the pipe train prints full progress lines
    # (each tenth of an epoch, at least every 20 s) instead of redrawing one.
    # (fd 3 carries train's stdout past the pipe; pipefail makes train's failure the pipe's).
    { "$bin/train" --arch "$arch" --out "$out" --overwrite ${epochs:+--epochs "$epochs"} ${limit:+--limit "$limit"} 2>&1 1>&3 3>&- |
          tee "$out/train.log" >&2 3>&-; } 3>&1 || exit 1
    row "train ($arch) wall time" "$(( $(date +%s) - start )) s"
    row "oneDNN training kernels" "$(grep -m1 -o -E "on oneDNN's [a-z0-9_]+ kernels" "$out/train.log" | cut -d' ' -f3)"
else
    missing "the trainer (trainer/, issue 3)" "train"
fi

echo "=== quantize"
model="$out/model.fb"
if [ -x "$bin/quantize" ] && [ -f "$ckpt" ]; then
    "$bin/quantize" "$ckpt" "$model" --golden "$out/golden" || exit 1
else
    missing "the quantizer (tools/, issue 4), or no checkpoint to quantize" "quantize"
fi

echo "=== evaluate on the MNIST test set (10,000 images)"
json_field() { sed -E "s/.*\"$2\": *([0-9.eE+-]+).*/\1/" <<<"$1"; }
if [ -x "$bin/evaluate" ] && [ -f "$ckpt" ] && [ -f "$model" ]; then
    f=$("$bin/evaluate" "$ckpt" --json | tail -n 1) || exit 1
    q_text=$("$bin/evaluate" "$model" --json) || exit 1
    q=$(tail -n 1 <<<"$q_text")
    kernels=$(grep -m1 -o -E 'engine kernels [a-z0-9]+' <<<"$q_text" | cut -d' ' -f3)  # from "model: … (int8, engine kernels X)"
    row "int8 engine kernel set" "${kernels:-not reported by evaluate}"
    row "float test accuracy" "$(awk -v a="$(json_field "$f" accuracy)" 'BEGIN{printf "%.2f %%", 100*a}')"
    row "int8 test accuracy" "$(awk -v a="$(json_field "$q" accuracy)" 'BEGIN{printf "%.2f %%", 100*a}')"
    row "int8 engine throughput" "$(json_field "$q" images_per_second) images/s"
else
    missing "evaluate (tools/, issue 4), or nothing to evaluate" "evaluate"
fi

echo "=== firmware demo (Cortex-M4, QEMU mps2-an386)"
if [ -f firmware_demo/CMakeLists.txt ] && [ -f "$model" ]; then
    # Its own build tree, so the test presets' trees never pick up this model.
    fw_build=build/demo-cortex-m4
    fw_log="$out/firmware.log"
    cmake --preset cortex-m4 -B "$fw_build" -DTINYDIGIT_FIRMWARE_MODEL="$model" \
        -DTINYDIGIT_FIRMWARE_GOLDEN="$out/golden" >/dev/null || exit 1
    cmake --build "$fw_build" --target run_firmware_demo 2>&1 | tee "$fw_log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
    row "firmware (M4) accuracy" "$(grep -m1 -E '^accuracy ' "$fw_log" | cut -d' ' -f2-)"
    row "firmware (M4) equal to the host" "$(grep -m1 -E '^checksums equal' "$fw_log" | awk '{print $NF}')"
    row "firmware (M4) instructions/image" "$(grep -m1 -E '^instructions per inference' "$fw_log" | awk '{print $NF}')"
    row "firmware (M4) instructions/MAC" "$(grep -m1 -E '^instructions per MAC' "$fw_log" | awk '{print $4}')"
else
    missing "the firmware demo (firmware_demo/, issue 6), or no model" "firmware demo"
fi

echo
echo "=== Summary ($out)"
printf '%s\n' "${rows[@]}"

if [ "$check" -eq 1 ]; then
    equal=$(grep -m1 -E '^checksums equal' "${fw_log:-/dev/null}" | awk '{print $NF}')
    if [ "$incomplete" -ne 0 ] || [ -z "$equal" ] || [ "${equal%%/*}" != "${equal##*/}" ]; then
        echo "demo: check failed: a step did not run, or the firmware differed from the host (${equal:-no firmware result})" >&2
        exit 1
    fi
    echo "demo: check passed (every step ran; firmware equal to the host on $equal digits)"
fi
