#!/usr/bin/env bash
# Fresh machine → all tests: installs dependencies, builds, runs every ctest test.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh --test
ci/build.sh
ctest --test-dir build --output-on-failure -j 2 "$@"
# The fuzz targets' smoke run (Clang, ASan + UBSan, build-fuzz/): every seed and regression input,
# then LLMBENCH_FUZZ_SECONDS (15) of fuzzing each.
ci/fuzz.sh
