#!/usr/bin/env bash
# The operations-overhead benchmark in one command: builds an optimized assetd and runs
# bench/ops_overhead.py (GET /v2/health, an authenticated read and the import rate, each with
# metrics, request ids and rate limits on beside them off). Arguments go to ops_overhead.py
# (e.g. --rounds 5). Quote the medians it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh bench
ASSETD_TARGETS=assetd scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release
exec /usr/bin/python3 bench/ops_overhead.py --build build-release "$@"
