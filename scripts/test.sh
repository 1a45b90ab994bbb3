#!/usr/bin/env bash
# One command from a fresh machine to every test: formatting, the unit tests and the
# black-box API suite, first on the normal build (warnings as errors), then again on an
# ASan+UBSan build. Exits non-zero if anything fails.
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
step "unit tests" ctest --test-dir build --output-on-failure -j 2
step "api tests (sqlite)" env ASSETD_BIN="$PWD/build/assetd" /usr/bin/python3 -m pytest -q tests/api

if [ "${ASSETD_SKIP_SANITIZERS:-0}" != 1 ]; then
  scripts/build.sh build-asan -DASSETD_WERROR=ON -DASSETD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
  step "unit tests (asan+ubsan)" ctest --test-dir build-asan --output-on-failure -j 2
  step "api tests (sqlite, asan+ubsan)" env ASSETD_BIN="$PWD/build-asan/assetd" /usr/bin/python3 -m pytest -q tests/api
fi

echo
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
