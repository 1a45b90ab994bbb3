#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang 14, ASan+UBSan, in build-fuzz), replays every
# committed regression input, then runs each target for SECONDS (default 600) from its seed
# corpus, two at a time (ASSETD_FUZZ_JOBS). New corpus entries go to build-fuzz/fuzz/corpus/,
# crashes to build-fuzz/fuzz/artifacts/, logs to build-fuzz/fuzz/logs/; nothing is written into
# tests/fuzz. Prints each target's final execution count (#N). Exits non-zero if a target
# crashed, leaked, hit a sanitizer report, timed out or failed on a regression input.
# ASSETD_FUZZ_RUNS=N also stops each target after N executions (a long run: e.g. 10000000 with
# a generous SECONDS).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
dir=build-fuzz
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DASSETD_FUZZ=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target fuzzers

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi
out="$dir/fuzz"
mkdir -p "$out/logs" "$out/artifacts"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# run TARGET: the regression inputs, then SECONDS of fuzzing; one summary line.
run() {
  local t=$1 bin="$dir/tests/fuzz/$1" log="$out/logs/$1.log" corpus="$out/corpus/$1"
  mkdir -p "$corpus"
  local regressions=()
  [ -d "tests/fuzz/regressions/$t" ] && regressions=(tests/fuzz/regressions/"$t"/*)
  if [ ${#regressions[@]} -gt 0 ] && ! "$bin" "${regressions[@]}" >"$log.regressions" 2>&1; then
    echo "$t: FAILED on a regression input (see $log.regressions)"
    return 1
  fi
  if ! "$bin" -max_total_time="$seconds" -runs="${ASSETD_FUZZ_RUNS:--1}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$t-" "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    echo "$t: FAILED (see $log; inputs in $out/artifacts/)"
    return 1
  fi
  local execs rate
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  local took
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
  echo "$t: #$execs in ${took:-$seconds} s ($rate exec/s; ${#regressions[@]} regression inputs passed)"
}
export -f run
export dir out seconds

printf '%s\n' "${targets[@]}" | xargs -P "${ASSETD_FUZZ_JOBS:-2}" -I{} bash -c 'run {}'
