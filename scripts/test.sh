#!/usr/bin/env bash
# Runs every test: installs the dependencies, builds, runs the unit and
# end-to-end tests (ctest), then builds again with AddressSanitizer and
# UndefinedBehaviorSanitizer and runs the unit tests under them.
#   scripts/test.sh            everything
#   SKIP_SANITIZERS=1 scripts/test.sh   only the normal build
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc)
echo "== build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"

echo "== ctest: unit and end-to-end tests"
status=0
(cd build && ctest --output-on-failure -j "$jobs" --timeout 300) || status=$?

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== build with ASan+UBSan"
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSLIPWAY_SANITIZE=ON >/dev/null
  cmake --build build-asan -j "$jobs" --target slipway_unit_tests
  echo "== unit tests under ASan+UBSan"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure -j "$jobs" -L unit --timeout 300) || status=$?
fi

exit $status
