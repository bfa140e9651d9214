#!/usr/bin/env bash
# Runs every test: installs the dependencies, starts a Docker engine (unless
# one answers) and a registry on loopback with the base images (in the
# background while it builds; stopped by PID at the end), builds, runs the
# unit and end-to-end tests (ctest), then builds again with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit tests under them, and runs
# each libFuzzer target for a short while.
#   scripts/test.sh            everything
#   SKIP_SANITIZERS=1 SKIP_FUZZ=1 scripts/test.sh   only the normal build
#   FUZZ_SECONDS=600 scripts/test.sh                  fuzz longer (default 10 s each)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# The dashboard's browser tests drive Debian's Chromium with playwright-core (pinned in its lock file).
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

# The container tests' engine and registry, made ready while Slipway compiles. The state
# directory is kept between runs: the registry's data and the base images then need no rebuild.
services=build/test-services
mkdir -p "$services"
scripts/test-services.sh stop "$services" >/dev/null 2>&1 || true
scripts/test-services.sh start "$services" >"$services/start.log" 2>&1 &
services_pid=$!
trap 'scripts/test-services.sh stop "$services" || true' EXIT

jobs=$(nproc)
echo "== build (RelWithDebInfo)"
# -g1 (line tables: backtraces name files and lines) compiles about a third faster than -g.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
cmake --build build -j "$jobs"

echo "== Docker engine, registry and base images"
if ! wait "$services_pid"; then
  cat "$services/start.log"
  echo "test.sh: the Docker engine or the registry did not start" >&2
  exit 1
fi
tail -n 8 "$services/start.log"
# SLIPWAY_TEST_DOCKER=1: the container tests fail (not skip) without an engine.
. "$services/env"

echo "== ctest: unit and end-to-end tests"
status=0
passed=0
failed=0
# Adds a ctest log's "N% tests passed, F tests failed out of T" to the totals.
count() {
  local line total bad
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -n1)
  total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
  bad=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')
  if [ -n "$line" ]; then passed=$((passed + total - bad)); failed=$((failed + bad)); else failed=$((failed + 1)); fi
}
(cd build && ctest --output-on-failure -j "$jobs" --timeout 300) 2>&1 | tee build/ctest.log || status=1
count build/ctest.log

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build with ASan+UBSan"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g1" -DSLIPWAY_SANITIZE=ON >/dev/null
  cmake --build build-asan -j "$jobs" --target slipway_unit_tests
  echo "== unit tests under ASan+UBSan"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure -j "$jobs" -L unit --timeout 300) 2>&1 | tee build-asan/ctest.log || status=1
  count build-asan/ctest.log
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  echo "== fuzz targets (clang, libFuzzer): ${FUZZ_SECONDS:=10} s each"
  # -O1 -g1: the fuzzers' build is on the critical path of a test run; coverage feedback needs no more.
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DSLIPWAY_FUZZ=ON -DSLIPWAY_TESTS=OFF -DSLIPWAY_BENCH=OFF >/dev/null
  cmake --build build-fuzz -j "$jobs" --target pipeline_fuzzer procfile_fuzzer forge_webhook_fuzzer
  for fuzzer in pipeline procfile forge_webhook; do
    corpus=$(mktemp -d)
    cp fuzz/corpus/"$fuzzer"/* "$corpus"/
    if build-fuzz/fuzz/${fuzzer}_fuzzer -max_total_time="$FUZZ_SECONDS" -print_final_stats=0 \
         -artifact_prefix=build-fuzz/ "$corpus" >build-fuzz/$fuzzer.log 2>&1; then
      echo "fuzz $fuzzer: no crash ($(grep -o 'Done [0-9]* runs in [0-9]* second' build-fuzz/$fuzzer.log)s)"
      passed=$((passed + 1))
    else
      echo "fuzz $fuzzer: FAILED"; tail -n 40 build-fuzz/$fuzzer.log; status=1
      failed=$((failed + 1))
    fi
    rm -rf "$corpus"
  done
fi

echo "== summary (ctest runs and fuzz targets)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] || status=1
exit $status
