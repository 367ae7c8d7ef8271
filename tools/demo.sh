#!/usr/bin/env bash
# The main job on a fresh machine: install the dependencies, build, and run the bundled "bars"
# workload (a NIR network and an event trace, workloads/examples/) on the embedded default chip,
# checked spike for spike against the golden executor. The report lands in out/bars/.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target spikechip
build/spikechip run --model workloads/examples/bars.nir --dt 1e-3 \
  --input workloads/examples/bars_events.npy --labels workloads/examples/bars_labels.npy \
  --out out/bars --check-golden
