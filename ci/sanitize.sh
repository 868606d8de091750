#!/usr/bin/env bash
# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer: builds into build-asan/
# (GCC, -O1 -g1: stack traces with lines; at RelWithDebInfo it compiled more than twice as slowly)
# and runs every ctest test except the bundled scenarios and their prepare/report fixture (label
# llmbench: the e2e tests take the same run path, without minutes of simulated load). Any
# sanitizer report fails its test: UBSan does not recover, ASan aborts.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/build.sh build-asan -- -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" -DLLMBENCH_SANITIZE=ON
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
exec ctest --test-dir build-asan --output-on-failure -j 2 -LE llmbench "$@"
