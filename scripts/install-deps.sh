#!/usr/bin/env bash
# Installs what assetd needs from Debian 12's packages. Idempotent: installs only what is
# missing, and refreshes the package lists only when something is.
# Usage: scripts/install-deps.sh [build|test|bench]...   (default: build)
set -euo pipefail

build=(g++ cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libssl-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev libpq-dev)
test=(python3 python3-pytest python3-requests python3-jsonschema python3-prometheus-client curl clang-format procps
  python3-swift memcached python3-boto3 awscli s3cmd openssl postgresql nginx
  clang-14 libclang-rt-14-dev)
bench=(wrk sqlite3 python3 python3-requests procps)

wanted=()
[ $# -eq 0 ] && set -- build
for group in "$@"; do
  case "$group" in
    build) wanted+=("${build[@]}") ;;
    test) wanted+=("${build[@]}" "${test[@]}") ;;
    bench) wanted+=("${build[@]}" "${bench[@]}") ;;
    *) echo "unknown group: $group" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# npm installs the reference viewer that the build compiles in (web/docs), and Node.js runs the
# S3 client tests (tests/node) and azurite (tests/services/azurite), packages from npm. A machine
# that has them already, from whatever source, keeps its own; otherwise Debian's are installed.
if ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
