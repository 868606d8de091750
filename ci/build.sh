#!/usr/bin/env bash
# Configures and builds llmbench (Ninja, ccache if present).
#   ci/build.sh                          build/: RelWithDebInfo, everything
#   ci/build.sh DIR [TARGET] -- FLAGS…   DIR/ with these CMake flags (the fuzz and sanitizer
#                                        builds), only TARGET when given
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
target=()
if [ $# -gt 1 ] && [ "$2" != "--" ]; then target=(--target "$2"); fi
flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ $# -gt 0 ]; then
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
  if [ $# -gt 0 ]; then shift; flags=("$@"); fi
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Paths relative to the checkout in ccache's hashes, so that a fresh clone elsewhere (CI's
# clean clone) hits what earlier builds cached instead of compiling everything again.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
cmake -S . -B "$dir" -G Ninja "${flags[@]}" "${launcher[@]}" >/dev/null
cmake --build "$dir" -j "${LLMBENCH_JOBS:-2}" "${target[@]}"
