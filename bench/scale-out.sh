#!/usr/bin/env bash
# The scale-out benchmark in one command: builds an optimized assetd and runs
# bench/scale_out.py, which starts its own temporary PostgreSQL cluster and stops everything it
# started. Arguments go to scale_out.py (e.g. --assets 100000 for a quick run). A full run
# (1,000,000 assets on PostgreSQL and on SQLite) takes minutes; quote the median of several.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh bench test
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release
exec /usr/bin/python3 bench/scale_out.py --build build-release "$@"
