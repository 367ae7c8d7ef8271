#!/usr/bin/env bash
# Installs the Debian packages spikechip builds and tests with. Idempotent: packages already
# present are left alone, and apt is not touched at all when nothing is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  libsystemc-dev libboost-dev libboost-program-options-dev libyaml-cpp-dev libfmt-dev catch2
  libhdf5-dev zlib1g-dev liblz4-dev libzstd-dev nlohmann-json3-dev
  clang-format
  openmpi-bin libopenmpi-dev slurm-wlm munge
  chromium fonts-liberation   # the HTML reports' browser test (tests/e2e/report_browser.cpp)
  gtkwave                     # vcd2fst: the VCD timeline test (tests/e2e/trace_cli.cpp)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
