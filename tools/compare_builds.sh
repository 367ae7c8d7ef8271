#!/bin/bash
# compare_builds.sh BASE NEW OUTDIR W: an optimisation must not change what the compiler and
# simulator produce. Compiles (.scb) and runs (run --deterministic --check-golden: report.json)
# every network with two spikechip binaries and prints "same"/"DIFF" per file and the exit codes.
B=$1; N=$2; O=$3; W=$4   # W: build/bench --work folder (the SANA-FE FC networks)
ROOT=$(cd "$(dirname "$0")/.." && pwd); S=$ROOT/../shared/data
mkdir -p $O
BIG="--set mesh.x=8 --set mesh.y=8 --set core.neurons=1024 --set core.synapse_memory=1MiB --set core.fan_in=8192"
cases=(
 "fc256|$W/fc-256-1024-1024-256-d0.25-th16-s1.nir|$W/fc-256-1024-1024-256-d0.25-th16-s1-T100-p0.1.npy|--dt 1 --set semantics=pipelined"
 "fc256-lava|$W/fc-256-1024-1024-256-d0.25-th16-s1.nir|$W/fc-256-1024-1024-256-d0.25-th16-s1-T100-p0.1.npy|--dt 1 --arch loihi"
 "fc4096-16|$W/fc-1024-4096-4096-1024-d0.25-th16-s1.nir|$W/fc-1024-4096-4096-1024-d0.25-th16-s1-T100-p0.1.npy|--dt 1 --set semantics=pipelined $BIG"
 "fc4096-32|$W/fc-1024-4096-4096-1024-d0.25-th32-s1.nir|$W/fc-1024-4096-4096-1024-d0.25-th32-s1-T100-p0.1.npy|--dt 1 --set semantics=pipelined $BIG"
 "conv_s1|$S/sanafe/conv_s1.nir|$S/sanafe/conv_s1_input.npy|--dt 1 --set semantics=pipelined"
 "conv_s1-loihi|$S/sanafe/conv_s1.nir|$S/sanafe/conv_s1_input.npy|--dt 1 --arch loihi"
 "bars|$ROOT/workloads/examples/bars.nir|$ROOT/workloads/examples/bars_events.npy|--dt 1e-4"
)
for f in braille_noDelay_bias_zero braille_noDelay_noBias_subtract cnn_sinabs lif_norse lif_rockpool two_lif_neurons; do
  cases+=("$f|$S/nir/$f.nir||--dt 1e-4")
done
for c in "${cases[@]}"; do
  IFS='|' read -r name model input opts <<< "$c"
  for who in base new; do
    bin=$B; [ $who = new ] && bin=$N
    $bin compile $model $opts -o $O/$name.$who.scb > $O/$name.$who.compile.log 2>&1
    echo "compile rc=$?" >> $O/$name.$who.compile.log
    if [ -n "$input" ]; then
      $bin run --model $model --input $input $opts --deterministic --check-golden --out $O/$name.$who.run > $O/$name.$who.run.log 2>&1
      echo "run rc=$?" >> $O/$name.$who.run.log
    fi
  done
  r="scb:"; cmp -s $O/$name.base.scb $O/$name.new.scb && r+=same || r+=DIFF
  if [ -n "$input" ]; then
    r+=" report:"; cmp -s $O/$name.base.run/report.json $O/$name.new.run/report.json && r+=same || r+=DIFF
  fi
  echo "$name $r | $(tail -1 $O/$name.new.compile.log) $( [ -n "$input" ] && tail -1 $O/$name.new.run.log)"
done
