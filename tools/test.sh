#!/usr/bin/env bash
# Installs the dependencies, builds (with -Wall -Wextra -Werror) and runs the test suite: the
# README's test command.
#   tools/test.sh [--build-dir DIR] [--no-werror] [--sanitize] [--build-only]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPIKECHIP_WERROR=ON)
run_tests=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build="$2"; shift ;;
    --no-werror) cmake_args+=(-DSPIKECHIP_WERROR=OFF) ;;
    --sanitize) cmake_args+=(-DSPIKECHIP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
    --build-only) run_tests=0 ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
tools/install-deps.sh
cmake -S . -B "$build" -G Ninja "${cmake_args[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"
if [ "$run_tests" = 1 ]; then
  export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
fi
