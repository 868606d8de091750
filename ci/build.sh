#!/usr/bin/env bash
# Configures and builds llmbench (Ninja, ccache if present).
#   ci/build.sh                          build/: RelWithDebInfo, everything
#   ci/build.sh --sanitize [TARGET]      build-san/: Clang, AddressSanitizer + UndefinedBehaviorSanitizer,
#                                        assertions on, the libFuzzer targets (ci/sanitize.sh, ci/fuzz.sh)
#   ci/build.sh DIR [TARGET] -- FLAGS…   DIR/ with these CMake flags, only TARGET when given
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  # -O2 as the release build (the e2e tests' timing bounds hold, and the fuzzers run fast); no
  # NDEBUG, so library assertions (nlohmann's on a const operator[] of a missing key) fire;
  # line tables only: stack traces with file and line, at a fraction of full debug info's
  # compile time.
  set -- build-san ${2:+"$2"} -- -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_COMPILER=clang++ \
    "-DCMAKE_CXX_FLAGS=-O2 -gline-tables-only" -DLLMBENCH_FUZZ=ON \
    -DLLMBENCH_FUZZ_SECONDS="${LLMBENCH_FUZZ_SECONDS:-15}"
fi
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
