#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for SECONDS (default 60):
#   tools/fuzz.sh [SECONDS] [TARGET...]
# Corpora live in build-fuzz/corpus/<target> (plus the committed seeds in tests/fuzz/corpus/<target>,
# read only); crashes are written to the current folder.
# fuzz_nir also exercises libhdf5 itself, whose 1.10 parser has known crashes on corrupt
# variable-length strings (they are HDF5's, not ours; see docs/nir-import.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_asm fuzz_scb fuzz_arch fuzz_events fuzz_nir fuzz_nir_import)
tools/install-deps.sh
dpkg-query -W -f='${Status}' clang libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed" ||
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DSPIKECHIP_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "== $t for ${seconds}s"
  seeds=()  # committed seed corpus, read but never written
  [ -d "tests/fuzz/corpus/$t" ] && seeds=("tests/fuzz/corpus/$t")
  "build-fuzz/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 "build-fuzz/corpus/$t" \
    "${seeds[@]}"
done
