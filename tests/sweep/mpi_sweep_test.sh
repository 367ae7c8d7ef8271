#!/usr/bin/env bash
# spikechip sweep --mpi under OpenMPI's mpirun (3 ranks: rank 0 hands out, 2 run) gives the
# same results.csv as a local sweep, byte for byte (--deterministic).
#   tests/sweep/mpi_sweep_test.sh SPIKECHIP SOURCE_DIR
set -euo pipefail
spikechip=$1
src=$2
. "$src/tests/sweep/sweep_spec.sh"
work=$(mktemp -d /tmp/spikechip-mpi-sweep.XXXXXX)
trap 'rm -rf "$work"' EXIT
write_spec "$src" "$work/spec.yaml"

timeout 300 "$spikechip" sweep "$work/spec.yaml" --out "$work/local" --deterministic -j 2 \
  > "$work/local.out" 2> "$work/local.err" || { cat "$work/local.err"; exit 1; }

# Under the sanitizer build, LeakSanitizer reports OpenMPI's own allocations that outlive
# MPI_Finalize (not ours): leak checking is off for the MPI ranks only.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
rc=0
timeout 300 mpirun --allow-run-as-root --oversubscribe -np 3 \
  "$spikechip" sweep "$work/spec.yaml" --out "$work/mpi" --deterministic --mpi \
  > "$work/mpi.out" 2> "$work/mpi.err" || rc=$?
if [ "$rc" != 0 ]; then
  echo "mpirun sweep failed (exit $rc):"; cat "$work/mpi.err"; exit 1
fi
grep -q "2 MPI worker ranks" "$work/mpi.err" || { echo "not run by 2 MPI workers:"; cat "$work/mpi.err"; exit 1; }
grep -q "8 ok, 0 failed, 0 missing" "$work/mpi.err" || { cat "$work/mpi.err"; exit 1; }
cmp "$work/local/results.csv" "$work/mpi/results.csv" || {
  echo "results.csv differs between the local and the MPI sweep"
  diff "$work/local/results.csv" "$work/mpi/results.csv" || true
  exit 1
}
cmp "$work/local.out" "$work/mpi.out" || { echo "Pareto tables differ"; exit 1; }
# Resume under MPI: remove two points, rerun: only they run, same results.
ls "$work/mpi/points" | head -2 | while read -r p; do rm -rf "$work/mpi/points/$p"; done
timeout 300 mpirun --allow-run-as-root --oversubscribe -np 3 \
  "$spikechip" sweep "$work/spec.yaml" --out "$work/mpi" --deterministic --mpi \
  > /dev/null 2> "$work/mpi2.err" || { cat "$work/mpi2.err"; exit 1; }
grep -q "8 points, 2 to run" "$work/mpi2.err" || { cat "$work/mpi2.err"; exit 1; }
cmp "$work/local/results.csv" "$work/mpi/results.csv"

# kill -9 of mpirun part-way (after the first finished point), then the same command resumes.
mpirun --allow-run-as-root --oversubscribe -np 3 \
  "$spikechip" sweep "$work/spec.yaml" --out "$work/killed" --deterministic --mpi \
  > /dev/null 2> "$work/killed.err" &
mpirun_pid=$!
for i in $(seq 1 6000); do
  n=$( (find "$work/killed/points" -name status.json 2> /dev/null || true) | wc -l)
  [ "$n" -ge 1 ] && break
  sleep 0.01
done
kill -9 "$mpirun_pid"
wait "$mpirun_pid" 2> /dev/null || true
sleep 1  # the ranks lose their launcher and end
done_before=$(find "$work/killed/points" -name status.json | wc -l)
if [ "$done_before" -lt 1 ] || [ "$done_before" -ge 8 ]; then
  echo "kill -9 not part-way ($done_before of 8 points done)"; cat "$work/killed.err"; exit 1
fi
timeout 300 mpirun --allow-run-as-root --oversubscribe -np 3 \
  "$spikechip" sweep "$work/spec.yaml" --out "$work/killed" --deterministic --mpi \
  > /dev/null 2> "$work/resumed.err" || { cat "$work/resumed.err"; exit 1; }
grep -q "8 points, $((8 - done_before)) to run" "$work/resumed.err" || { cat "$work/resumed.err"; exit 1; }
cmp "$work/local/results.csv" "$work/killed/results.csv"
[ -z "$(find "$work/killed/points" -maxdepth 1 -name '.tmp-*')" ] || { echo "temporaries left"; exit 1; }
echo "mpi sweep: results.csv identical to the local sweep (also after kill -9 of mpirun)"
