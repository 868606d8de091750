#!/usr/bin/env bash
# run_fuzz.sh TARGET SEED_CORPUS SECONDS [libFuzzer options...]: runs a libFuzzer target from its
# seed corpus (every seed first: crash inputs kept there are regression tests), new inputs into a
# scratch corpus. Exit 0 when nothing crashed, leaked, hung (10 s an input) or overran 2 GiB;
# otherwise libFuzzer's report, and the input that did it, kept in build-san/crashes/.
set -euo pipefail
target=$1 seeds=$2 seconds=$3
shift 3
name=$(basename "$target")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/llmbench-fuzz-$name.XXXXXX")
crashes="$(dirname "$target")/../../crashes"
mkdir -p "$crashes"
trap 'rm -rf "$scratch"' EXIT
set +e
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$crashes/$name-" "$@" "$scratch" "$seeds" 2>"$scratch.log"
code=$?
set -e
# The figures (executions, new coverage, peak memory), and the report when it failed.
grep -E "^stat::|^(==|SUMMARY|INFO: (Running|Seed|Loaded)|Done|#[0-9]+ *DONE)" "$scratch.log" | tail -20 || true
if [ "$code" -ne 0 ]; then
  tail -60 "$scratch.log"
  echo "FAILED: $name (exit $code); the input is in $crashes/ (add it to $seeds/ once fixed)"
fi
rm -f "$scratch.log"
exit "$code"
