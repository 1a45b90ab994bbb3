#!/usr/bin/env bash
# The asset API benchmark in one command: builds an optimized assetd and runs
# bench/import_list.py (import rate against raw SQLite inserts, list latency of deep pages).
# Arguments go to import_list.py; run it several times and quote the median.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh bench
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release
exec /usr/bin/python3 bench/import_list.py --build build-release "$@"
