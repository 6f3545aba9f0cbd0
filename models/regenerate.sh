#!/usr/bin/env bash
# Regenerates the committed int8 artifacts of one architecture from its committed checkpoint:
#   models/ARCH/model.fb, models/ARCH/report.txt, models/ARCH/inspect.txt, tests/golden/ARCH/
# With --check it writes them to a temporary folder instead and fails, naming each file, if
# any would change (CTest runs this): model.fb, inspect.txt and the goldens by a byte;
# report.txt's float figures (oneDNN's float sums differ in the last bits between AVX2 and
# AVX-512 CPUs) by more than one unit in their last printed digit; its other text and integer
# counts exactly. docs/format.md says which artifacts are bit-reproducible across CPUs.
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
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
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
# Same words line by line; a number with a decimal point (an optional % after it) may differ
# by one unit in its last digit plus 1e-4 of its size: summation order, not a changed model.
same_report() {
    awk 'function decimals(w) { return index(w, ".") ? length(w) - index(w, ".") : -1 }
         function tolerance(w) { return 10 ^ -decimals(w) + 1e-4 * (w < 0 ? -w : w) }
         FNR == NR { line[FNR] = $0; lines = FNR; next }
         {
             if (FNR > lines) exit 1
             n = split(line[FNR], want, " ")
             if (n != NF) exit 1
             for (i = 1; i <= NF; i++) {
                 if ($i == want[i]) continue
                 a = $i; b = want[i]; sub(/%$/, "", a); sub(/%$/, "", b)
                 number = "^-?[0-9]+[.][0-9]+$"
                 if (a !~ number || b !~ number || decimals(a) != decimals(b)) exit 1
                 d = a - b
                 if ((d < 0 ? -d : d) > tolerance(b)) exit 1
             }
         }
         END { if (FNR != lines) exit 1 }' "$1" "$2"
}

changed=0
for f in model.fb inspect.txt; do
    if ! cmp -s "$out/$f" "models/$arch/$f"; then echo "regenerate: models/$arch/$f would change" >&2; changed=1; fi
done
if ! same_report "models/$arch/report.txt" "$out/report.txt"; then
    echo "regenerate: models/$arch/report.txt would change (beyond the last digit of its float figures):" >&2
    diff "models/$arch/report.txt" "$out/report.txt" >&2 || true
    changed=1
fi
for f in "$golden"/*; do
    name=$(basename "$f")
    if ! cmp -s "$f" "tests/golden/$arch/$name"; then echo "regenerate: tests/golden/$arch/$name would change" >&2; changed=1; fi
done
for f in tests/golden/"$arch"/*; do
    [ -e "$golden/$(basename "$f")" ] || { echo "regenerate: tests/golden/$arch/$(basename "$f") is no longer produced" >&2; changed=1; }
done
[ $changed -eq 0 ] && echo "regenerate: $arch artifacts match a fresh run (report.txt's float figures to their last digit)"
exit $changed
