#!/usr/bin/env bash
# Builds the web page (wasm preset: the engine as WebAssembly, the page, the committed models)
# and serves it on this machine only, offline: python3's static server bound to 127.0.0.1.
#
# usage: scripts/web.sh [--port N] [--build-only]      (default port 8016)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
port=8016 serve=1
while [ $# -gt 0 ]; do
    case "$1" in
        --port) port=${2:?--port needs a number}; shift 2 ;;
        --build-only) serve=0; shift ;;
        -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "web.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$port" in ''|*[!0-9]*) echo "web.sh: --port needs a number, got '$port'" >&2; exit 2 ;; esac

[ -f build/wasm/CMakeCache.txt ] || cmake --preset wasm >/dev/null
cmake --build --preset wasm --target web_scalar web_simd128 web_site
site=build/wasm/site
[ "$serve" -eq 1 ] || { echo "web.sh: built $site"; exit 0; }
echo "web.sh: open http://127.0.0.1:$port/  (Ctrl-C stops the server)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site"
