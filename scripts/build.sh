#!/usr/bin/env bash
# Configures and builds assetd. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# The server lands at BUILD_DIR/assetd (default build/assetd).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
