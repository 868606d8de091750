#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets (Clang, ASan + UBSan) into build-fuzz/ and runs them.
#   ci/fuzz.sh              every target for LLMBENCH_FUZZ_SECONDS (default 15) from its seed corpus:
#                           the smoke run the test command makes
#   ci/fuzz.sh --long 600   every target for 600 s, one after another (the figures of a closing note)
# A crash leaves its input in build-fuzz/crashes/; once fixed, add it to harness/fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
long=""
if [ "${1:-}" = "--long" ]; then long=${2:?--long SECONDS}; fi
ci/build.sh build-fuzz llmbench_fuzz -- -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DLLMBENCH_FUZZ=ON -DLLMBENCH_FUZZ_SECONDS="${LLMBENCH_FUZZ_SECONDS:-15}"
if [ -z "$long" ]; then
  exec ctest --test-dir build-fuzz -L fuzz -j 2 --output-on-failure
fi
status=0
for target in build-fuzz/harness/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  echo "== $name, ${long} s"
  harness/fuzz/run_fuzz.sh "$target" "harness/fuzz/corpus/$name" "$long" || status=1
done
exit $status
