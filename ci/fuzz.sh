#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets (Clang, ASan + UBSan, build-san/; see ci/build.sh) and runs
# each for SECONDS, one after another (the figures of a closing note). The test command runs the
# short smoke run of each instead, with the rest of the sanitized suite (ci/sanitize.sh).
#   ci/fuzz.sh --long 600
# A crash leaves its input in build-san/crashes/; once fixed, add it to harness/fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--long" ] || { echo "usage: ci/fuzz.sh --long SECONDS" >&2; exit 2; }
long=${2:?--long SECONDS}
ci/build.sh --sanitize llmbench_fuzz
status=0
for target in build-san/harness/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  echo "== $name, ${long} s"
  harness/fuzz/run_fuzz.sh "$target" "harness/fuzz/corpus/$name" "$long" || status=1
done
exit $status
