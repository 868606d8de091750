#!/usr/bin/env bash
# Measures how often the gate falsely fails an unchanged re-run: runs SCENARIO N times against
# the committed baselines and counts failed cases. A figure, not a test.
#   ci/false-alarm-rate.sh [N=20] [SCENARIO=scenarios/quickstart.toml] [BASELINES=baselines]
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
scenario=${2:-scenarios/quickstart.toml}
baselines=${3:-baselines}
out=$(mktemp -d)
cases=0 failed=0 regressions=0
for i in $(seq "$n"); do
  build/harness/llmbench run "$scenario" --baselines "$baselines" --out "$out/$i" >"$out/$i.log" 2>&1
  read -r c f r < <(python3 - "$out/$i/verdicts.json" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
bad = [x for x in v if x["outcome"] != "passed"]
regressed = sum(1 for x in v for c in x["comparisons"] if c["verdict"] == "regressed")
print(len(v), len(bad), regressed)
for x in bad:
    print("  run failed:", x["case"], "; ".join(x["reasons"]), file=sys.stderr)
PY
)
  cases=$((cases + c)); failed=$((failed + f)); regressions=$((regressions + r))
  echo "run $i/$n: $f of $c cases failed"
done
echo "false alarms: $failed of $cases unchanged case runs failed ($(python3 -c "print(f'{100*$failed/$cases:.1f}')")%), $regressions regressed comparisons, over $n runs of $scenario"
rm -rf "$out"
