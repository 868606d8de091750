#!/usr/bin/env bash
# Fresh machine → all tests: installs dependencies, builds, runs every ctest test.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh --test
ci/build.sh
ctest --test-dir build --output-on-failure -j 2 "$@"
# The same tests again under ASan + UBSan (Clang, build-san/), with the fuzz targets' smoke run.
ci/sanitize.sh
