#!/usr/bin/env bash
# Configures and builds llmbench into build/ (Release with debug info, Ninja, ccache if present).
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Paths relative to the checkout in ccache's hashes, so that a fresh clone elsewhere (CI's
# clean clone) hits what earlier builds cached instead of compiling everything again.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build build -j "${LLMBENCH_JOBS:-2}"
