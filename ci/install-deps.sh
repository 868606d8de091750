#!/usr/bin/env bash
# Installs llmbench's build dependencies (with --test: the tests' too) from Debian packages. Idempotent: when every
# package is already installed it touches nothing (no apt-get update, no network).
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config ccache
  libtomlplusplus-dev libcurl4-openssl-dev libre2-dev libfmt-dev
  libboost-test-dev libboost-dev libboost-system-dev
  nlohmann-json3-dev libsimdjson-dev libcli11-dev
  libxml2-utils libsqlite3-dev
)
# --test: also what only the tests need: the HTML report's headless browser, and Clang for the
# fuzz targets (libFuzzer, ASan, UBSan).
test=false
[ "${1:-}" = "--test" ] && test=true
$test && packages+=(chromium clang)

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
updated=false
ensure() {  # installs those of "$@" that are missing
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! $updated; then
    $sudo apt-get update -qq
    updated=true
  fi
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
ensure "${packages[@]}"
if $test; then
  # libFuzzer's runtime is only a recommendation of Clang's: the one matching the installed Clang.
  major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
  ensure "libclang-rt-${major}-dev"
fi
echo "install-deps: all packages present"
