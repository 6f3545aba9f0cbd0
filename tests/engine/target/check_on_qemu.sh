#!/bin/sh
# The engine's own check on emulated Cortex-M (a developer tool; the product's target tests
# live in tests/firmware): builds tests/engine/target for a board with the engine sources,
# runs it under QEMU with -icount shift=0 and prints kernel equivalence, logits agreement with
# the host reference, instructions per operator / per MAC and the stack high-water mark.
#   tests/engine/target/check_on_qemu.sh [cortex-m4|cortex-m3] [seed|compact]
# Needs build/host-release configured and built (for the model builder).
set -eu
cpu=${1:-cortex-m4}
net=${2:-seed}
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=$root/build/engine-target-$cpu-$net
mkdir -p "$out"
case $cpu in
  cortex-m4) flags="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"; board=mps2-an386 ;;
  cortex-m3) flags="-mcpu=cortex-m3 -mthumb -mfloat-abi=soft"; board=mps2-an385 ;;
  *) echo "check_on_qemu: unknown cpu '$cpu' (cortex-m4 or cortex-m3)" >&2; exit 2 ;;
esac
host=$root/build/host-release
[ -f "$host/lib/libtinydigit_engine.a" ] || { echo "check_on_qemu: build host-release first" >&2; exit 2; }
g++ -std=c++20 -O2 -I"$root/tests/engine" -I"$host/tests/engine/generated" -I"$root/engine/include" \
    -isystem "$host/third_party/include" "$root/tests/engine/target/make_seed_header.cpp" \
    "$host/lib/libtinydigit_engine_test_models.a" "$host/lib/libtinydigit_engine.a" -o "$out/make_seed_header"
"$out/make_seed_header" "$net" "$out/model_header.h"
arm-none-eabi-g++ $flags -std=c++20 -O2 -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti \
    -fno-threadsafe-statics -DNDEBUG -Wall -Wextra -Wno-array-bounds \
    -I"$root/engine/include" -I"$root/tests/engine" -I"$out" -isystem "$root/build/$cpu/generated" \
    -isystem "$root/build/$cpu/third_party/include" \
    "$root/tests/engine/target/main.cpp" "$root/tests/engine/target/startup.cpp" \
    "$root/build/$cpu/lib/libtinydigit_engine.a" \
    -nostartfiles -T "$root/tests/engine/target/target.ld" -Wl,--gc-sections -Wl,-Map="$out/check.map" -lc -lgcc -o "$out/check.elf"
arm-none-eabi-g++ $flags -std=c++20 -O2 -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti \
    -fno-threadsafe-statics -DNDEBUG -I"$root/engine/include" \
    "$root/tests/engine/target/size_probe.cpp" "$root/tests/engine/target/startup.cpp" \
    "$root/build/$cpu/lib/libtinydigit_engine.a" \
    -nostartfiles -T "$root/tests/engine/target/target.ld" -Wl,--gc-sections -Wl,-Map="$out/size_probe.map" \
    -lc -lgcc -o "$out/size_probe.elf"
python3 "$root/tests/engine/target/engine_text_from_map.py" "$out/size_probe.map"
timeout 600 qemu-system-arm -M "$board" -nographic -monitor none -serial none -icount shift=0 \
    -semihosting-config enable=on,target=native -kernel "$out/check.elf"
