#!/usr/bin/env bash
# The object-storage benchmark in one command: builds an optimized assetd, starts OpenStack
# Swift's s3api on 127.0.0.1 for the comparison, runs bench/objects.py and stops Swift.
# Arguments go to objects.py (e.g. --size-mib 1024, --only objects). Quote medians.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh bench test
scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release
# --only (presign or objects) measures one part, without Swift.
if [[ " $* " == *" --only "* || " $* " == *" --only="* ]]; then
  exec /usr/bin/python3 bench/objects.py --build build-release "$@"
fi
swift_dir="$PWD/build-release/swift-bench"
port=${ASSETD_BENCH_SWIFT_PORT:-18580}
tests/services/swift-s3.sh stop "$swift_dir" "$port" >/dev/null 2>&1 || true
trap 'tests/services/swift-s3.sh stop "$swift_dir" "$port" >/dev/null 2>&1' EXIT
eval "$(tests/services/swift-s3.sh start "$swift_dir" "$port")"
/usr/bin/python3 bench/objects.py --build build-release --swift-endpoint "$S3_ENDPOINT" "$@"
