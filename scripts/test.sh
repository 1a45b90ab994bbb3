#!/usr/bin/env bash
# One command from a fresh machine to every test: formatting, the unit tests and the
# black-box API suite, first on the normal build (warnings as errors), then again on an
# ASan+UBSan build, then the fuzz targets (30 s each, after their regression inputs). Exits
# non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test

passed=0
failed=0
step() {  # step NAME COMMAND...: runs one suite and counts it
  local name=$1
  shift
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "=== FAILED: $name"
  fi
}

step "clang-format" bash -c 'git ls-files "*.cpp" "*.hpp" | xargs clang-format --dry-run -Werror'

scripts/build.sh build -DASSETD_WERROR=ON

# An S3 service that verifies signatures, for the tests of an external object store: OpenStack
# Swift's s3api on 127.0.0.1, for the whole run. The unit tests' S3ServiceTest uses it through
# ASSETD_TEST_S3_*, the black-box suite with ASSETD_TEST_BLOB=swift.
swift_dir="$PWD/build/swift-s3"
swift_port=${ASSETD_TEST_SWIFT_PORT:-18480}
tests/services/swift-s3.sh stop "$swift_dir" "$swift_port" # what an interrupted run left
rm -rf "$swift_dir"                                         # and its objects: start empty
trap 'tests/services/swift-s3.sh stop "$swift_dir" "$swift_port"' EXIT
swift_env=$(tests/services/swift-s3.sh start "$swift_dir" "$swift_port")
eval "$swift_env"
export ASSETD_TEST_S3_ENDPOINT=$S3_ENDPOINT ASSETD_TEST_S3_REGION=$S3_REGION \
  ASSETD_TEST_S3_ACCESS_KEY=$S3_ACCESS_KEY ASSETD_TEST_S3_SECRET_KEY=$S3_SECRET_KEY

# A PostgreSQL cluster (Debian's server, on 127.0.0.1 only) for the whole run: the store's unit
# tests run each test once more on it (ASSETD_TEST_POSTGRES_URL) and the black-box suite runs
# whole once more on it (ASSETD_TEST_BACKEND=postgres, with ASSETD_TEST_BLOB=swift), each server
# on a database of its own.
pg_dir="$PWD/build/postgres"
pg_port=${ASSETD_TEST_POSTGRES_PORT:-18490}
tests/services/postgres.sh stop "$pg_dir" "$pg_port" # what an interrupted run left
rm -rf "$pg_dir"
trap 'tests/services/swift-s3.sh stop "$swift_dir" "$swift_port"; tests/services/postgres.sh stop "$pg_dir" "$pg_port"' EXIT
ASSETD_TEST_POSTGRES_URL=$(tests/services/postgres.sh start "$pg_dir" "$pg_port")
export ASSETD_TEST_POSTGRES_URL

# The npm packages of the S3 client tests (tests/node), exactly as package-lock.json pins them.
step "npm ci (tests/node)" npm ci --prefix tests/node --no-audit --no-fund --loglevel=error

step "unit tests" ctest --test-dir build --output-on-failure -j 2
step "api tests (sqlite)" env ASSETD_BIN="$PWD/build/assetd" /usr/bin/python3 -m pytest -q tests/api
# The whole suite again on the scale-out stack: records in PostgreSQL, objects in a Swift bucket
# (the tests of the built-in S3 endpoint get servers that keep their objects in it; see
# tests/api/conftest.py). Nothing is left out or skipped on either pass.
step "api tests (postgres, objects on swift)" env ASSETD_BIN="$PWD/build/assetd" \
  ASSETD_TEST_BACKEND=postgres ASSETD_TEST_BLOB=swift /usr/bin/python3 -m pytest -q tests/api
# Three nodes on one PostgreSQL database and one Swift bucket, behind nginx (tests/cluster).
step "multi-node tests (postgres, swift, nginx)" env ASSETD_BIN="$PWD/build/assetd" \
  /usr/bin/python3 -m pytest -q tests/cluster

if [ "${ASSETD_SKIP_SANITIZERS:-0}" != 1 ]; then
  scripts/build.sh build-asan -DASSETD_WERROR=ON -DASSETD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
  step "unit tests (asan+ubsan)" ctest --test-dir build-asan --output-on-failure -j 2
  step "api tests (sqlite, asan+ubsan)" env ASSETD_BIN="$PWD/build-asan/assetd" /usr/bin/python3 -m pytest -q tests/api
fi

# Every libFuzzer target (tests/fuzz): its committed regression inputs, then 30 s from its seed
# corpus, two targets at a time.
step "fuzz" scripts/fuzz.sh 30

echo
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
