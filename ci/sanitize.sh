#!/usr/bin/env bash
# The suite under AddressSanitizer + UndefinedBehaviorSanitizer (Clang, build-san/; see ci/build.sh):
# every unit and e2e test, the benchmark's smoke run and the fuzz targets' smoke run (every seed and
# regression input, then LLMBENCH_FUZZ_SECONDS, default 15, of fuzzing each). Leak checks on; any
# sanitizer report fails its test (UBSan does not recover, ASan aborts). The bundled scenarios
# (label llmbench) are left out: they take the e2e tests' path, with minutes of simulated load.
#   ci/sanitize.sh [CTEST ARGS…]    e.g. -L fuzz, -R unit/e2e
set -euo pipefail
cd "$(dirname "$0")/.."
ci/build.sh --sanitize
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
exec ctest --test-dir build-san --output-on-failure -j 2 -LE llmbench "$@"
