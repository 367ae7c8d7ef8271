#!/bin/sh
# Runs every network in workloads/trained/ through spikechip (golden --compare-float, then
# run --check-golden) and the NumPy reference, and prints one accuracy row per network.
# Usage: tools/train/check_all.sh [BUILD_DIR] (default build); outputs under /tmp/trained_check.
set -e
B=${1:-build}
W=workloads/trained
O=/tmp/trained_check
mkdir -p $O
common="--profile spikingjelly"  # dt 1e-4, Euler, reset to 0, spike on >=
for n in digits_mlp digits_conv recurrent sparse_conv; do
  case $n in
    sparse_conv) opts="$common --conv-mode sparse"; ref="--sparse" ;;
    *) opts="$common"; ref="" ;;  # the input fixed point is chosen from the inputs
  esac
  io="--input $W/${n}_input.npy --labels $W/${n}_labels.npy"
  rm -rf $O/g_$n $O/r_$n
  $B/spikechip golden --model $W/$n.nir $opts $io --out $O/g_$n --compare-float --deterministic >/dev/null
  $B/spikechip run --model $W/$n.nir $opts $io --out $O/r_$n --check-golden --deterministic >/dev/null
  /usr/bin/python3 - "$W/$n.json" "$O/g_$n/report.json" "$O/r_$n/report.json" <<'PY'
import json, sys
m, g, r = (json.load(open(p)) for p in sys.argv[1:])
fc = g["float_compare"]
print(f"{sys.argv[1].split('/')[-1][:-5]:12s} torch {m['accuracy_torch']:.4f}  float {fc['accuracy_float']:.4f}"
      f"  golden {fc['accuracy_quantised']:.4f}  run {r['accuracy']:.4f}"
      f"  golden_check {'passed' if r['golden_check']['passed'] else 'FAILED'}"
      f"  spike_agreement {fc['total']['spike_agreement']:.4f}"
      f"  prediction_agreement {fc['prediction_agreement']:.4f}")
PY
  /usr/bin/python3 tools/train/nir_ref.py $W/$n.nir $ref --report $O/g_$n/report.json
done
