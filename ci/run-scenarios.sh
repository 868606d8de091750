#!/usr/bin/env bash
# Fresh machine → the bundled scenarios against the built-in simulator, as the regression gate:
# installs dependencies, builds, runs `ctest -L llmbench` (every scenario × engine × class
# compared with baselines/), and writes reports/summary.md, reports/junit.xml and
# reports/latest/cases/<scenario>/<engine>/<class>/results.json (reports/latest: this run's folder
# under reports/runs/; earlier runs are kept).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
ci/build.sh
status=0
ctest --test-dir build -L llmbench --output-on-failure "$@" || status=$?
echo
echo "reports: reports/summary.md, reports/junit.xml, reports/latest/cases/ (this run: $(readlink reports/latest))"
exit $status
