#!/usr/bin/env bash
# Fresh machine → bundled scenarios against the built-in simulator: installs dependencies, builds,
# runs scenarios/quickstart.toml and writes reports/quickstart/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
ci/build.sh
build/harness/llmbench run scenarios/quickstart.toml --out reports/quickstart "$@"
