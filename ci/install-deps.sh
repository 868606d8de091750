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
# --test: also what only the tests need (the HTML report's headless-browser test).
[ "${1:-}" = "--test" ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
