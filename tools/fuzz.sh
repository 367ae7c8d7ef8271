#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for SECONDS (default 60):
#   tools/fuzz.sh [SECONDS] [TARGET...]
# Corpora live in build-fuzz/corpus/<target> (plus the committed seeds in tests/fuzz/corpus/<target>,
# read only); crashes are written to build-fuzz/crashes/. Any crash, leak, sanitizer report or
# timeout fails the script (CI runs it briefly: .ci/run).
# fuzz_nir also exercises libhdf5 itself, whose 1.10 parser has known crashes on corrupt
# variable-length strings; the CLI reads NIR files in a child process first so that those end
# in exit 2 (docs/hostile-input.md), but the fuzz target calls the reader directly.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
  targets=(fuzz_asm fuzz_scb fuzz_arch fuzz_events fuzz_npy fuzz_binning fuzz_nir fuzz_nir_import)
tools/install-deps.sh
dpkg-query -W -f='${Status}' clang libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed" ||
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev
# -O1 and line tables only: the build is part of CI, and findings still name file and line.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=None \
  "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS=-O1 -gline-tables-only" \
  -DSPIKECHIP_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"
mkdir -p build-fuzz/crashes
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "== $t for ${seconds}s"
  seeds=()  # committed seed corpus, read but never written
  [ -d "tests/fuzz/corpus/$t" ] && seeds=("tests/fuzz/corpus/$t")
  "build-fuzz/tests/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="build-fuzz/crashes/$t-" -print_final_stats=1 "build-fuzz/corpus/$t" \
    "${seeds[@]}" 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|SUMMARY|Test unit written|^==" || true
  # libFuzzer exits non-zero and writes an artifact on any finding.
  if compgen -G "build-fuzz/crashes/$t-*" >/dev/null; then
    echo "fuzz.sh: $t found a crash: $(ls build-fuzz/crashes/$t-*)" >&2
    exit 1
  fi
done
