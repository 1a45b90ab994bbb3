#!/usr/bin/env bash
# Configures and builds assetd. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# The server lands at BUILD_DIR/assetd (default build/assetd). ASSETD_TARGETS names the targets
# to build (default: all of them, unit tests and benchmark tools included; "assetd" builds the
# server alone).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
# The reference viewer that GET /docs serves (compiled in), exactly as web/docs/package-lock.json
# pins it; reinstalled only when the lock file changed since the last install.
if [ ! web/docs/node_modules/.package-lock.json -nt web/docs/package-lock.json ]; then
  npm ci --prefix web/docs --omit=peer --ignore-scripts --no-audit --no-fund --loglevel=error
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
targets=()
for t in ${ASSETD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$dir" -j "$(nproc)" "${targets[@]}"
