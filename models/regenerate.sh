#!/usr/bin/env bash
# Regenerates the committed int8 artifacts of one architecture from its committed checkpoint:
#   models/ARCH/model.fb, models/ARCH/report.txt, models/ARCH/inspect.txt, tests/golden/ARCH/
# With --check it writes them to a temporary folder instead and fails, naming each file, if
# any would change by a byte (CTest runs this).
#
# usage: models/regenerate.sh ARCH [--check] [--bin DIR]
#   ARCH   seed or compact (reads models/ARCH/best.ckpt)
#   --bin  folder holding quantize and inspect (default build/host-release/bin)
# MNIST comes from TINYDIGIT_DATA_DIR or the build's data/mnist, as for quantize itself.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
arch=""
check=0
bin=$repo/build/host-release/bin
while [ $# -gt 0 ]; do
    case "$1" in
        --check) check=1; shift ;;
        --bin) [ $# -ge 2 ] || { echo "regenerate: --bin needs a folder" >&2; exit 2; }; bin=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        -*) echo "regenerate: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) [ -z "$arch" ] || { echo "regenerate: one ARCH only" >&2; exit 2; }; arch=$1; shift ;;
    esac
done
case "$arch" in
    seed|compact) ;;
    *) echo "regenerate: ARCH must be seed or compact (see --help)" >&2; exit 2 ;;
esac

# Paths below are relative to the repository root.
cd "$repo"
ckpt=models/$arch/best.ckpt
[ -f "$ckpt" ] || { echo "regenerate: $ckpt is missing" >&2; exit 1; }
for tool in quantize inspect; do
    [ -x "$bin/$tool" ] || { echo "regenerate: $bin/$tool not built (cmake --build --preset host-release)" >&2; exit 1; }
done

if [ $check -eq 1 ]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/tinydigit-regenerate-XXXXXX")
    trap 'rm -rf "$out"' EXIT
    golden=$out/golden
else
    out=models/$arch
    golden=tests/golden/$arch
fi

# The exact commands (models/ARCH/README.md repeats them):
"$bin/quantize" "$ckpt" "$out/model.fb" --calibration-count 1000 --report "$out/report.txt" --golden "$golden"
"$bin/inspect" "$out/model.fb" > "$out/inspect.txt.tmp"
mv "$out/inspect.txt.tmp" "$out/inspect.txt"

[ $check -eq 1 ] || exit 0
changed=0
for f in model.fb report.txt inspect.txt; do
    if ! cmp -s "$out/$f" "models/$arch/$f"; then echo "regenerate: models/$arch/$f would change" >&2; changed=1; fi
done
for f in "$golden"/*; do
    name=$(basename "$f")
    if ! cmp -s "$f" "tests/golden/$arch/$name"; then echo "regenerate: tests/golden/$arch/$name would change" >&2; changed=1; fi
done
for f in tests/golden/"$arch"/*; do
    [ -e "$golden/$(basename "$f")" ] || { echo "regenerate: tests/golden/$arch/$(basename "$f") is no longer produced" >&2; changed=1; }
done
[ $changed -eq 0 ] && echo "regenerate: $arch artifacts are byte-identical to a fresh run"
exit $changed
