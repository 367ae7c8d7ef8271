#!/usr/bin/env bash
# The Slurm path against a real Slurm: starts munged, slurmctld and slurmd on this machine
# (a private config, sockets, ports and state in a temporary folder), submits
# tools/slurm/sweep.sbatch as a 3-task job array, waits, merges the shard folders and compares
# results.csv with a local sweep byte for byte (--deterministic). Stops the daemons on any exit.
# Needs root (slurmd runs jobs as their user) and Debian's slurm-wlm + munge
# (tools/install-deps.sh). Exit 77 (skipped) when not root.
#   tests/sweep/slurm_sweep_test.sh SPIKECHIP SOURCE_DIR
set -euo pipefail
spikechip=$1
src=$2
if [ "$(id -u)" != 0 ]; then
  echo "slurm sweep test: needs root (slurmd); skipped"
  exit 77
fi
for b in munged slurmctld slurmd sbatch squeue scontrol; do
  command -v "$b" > /dev/null || PATH=$PATH:/usr/sbin
  command -v "$b" > /dev/null || { echo "slurm sweep test: $b not found (tools/install-deps.sh)"; exit 1; }
done
. "$src/tests/sweep/sweep_spec.sh"

work=$(mktemp -d /tmp/spikechip-slurm-sweep.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local rc=$?
  # Cancel what is left, then stop the daemons we started (by pid), then remove the folder.
  if [ -f "$work/slurm.conf" ]; then
    SLURM_CONF="$work/slurm.conf" timeout 10 scancel --quiet --user=root 2> /dev/null || true
  fi
  for f in slurmd slurmctld; do
    [ -f "$work/$f.pid" ] && kill "$(cat "$work/$f.pid")" 2> /dev/null || true
  done
  [ -f "$work/munge/munged.pid" ] && kill "$(cat "$work/munge/munged.pid")" 2> /dev/null || true
  sleep 1
  for f in slurmd slurmctld; do
    [ -f "$work/$f.pid" ] && kill -9 "$(cat "$work/$f.pid")" 2> /dev/null || true
  done
  if [ $rc != 0 ]; then
    for log in slurmctld.log slurmd.log munge/munged.log; do
      [ -f "$work/$log" ] && { echo "== $log (tail)"; tail -n 30 "$work/$log"; }
    done
    for f in "$work"/out/*.out; do [ -f "$f" ] && { echo "== $f"; cat "$f"; }; done
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

# munge: our own key and socket (no system daemon needed, none disturbed).
mkdir -p "$work/munge"
chmod 755 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 2> /dev/null
chmod 600 "$work/munge/munge.key"
munged --force --socket="$work/munge/munge.socket" --key-file="$work/munge/munge.key" \
  --log-file="$work/munge/munged.log" --pid-file="$work/munge/munged.pid" \
  --seed-file="$work/munge/munged.seed"

host=$(hostname -s)
port=$((20000 + RANDOM % 20000))
mkdir -p "$work/state" "$work/spool" "$work/out"
cat > "$work/slurm.conf" <<CONF
ClusterName=spikechip-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF" -i
slurmd -f "$SLURM_CONF" -N localhost

# Wait (bounded) for the node to be idle.
for i in $(seq 1 60); do
  state=$(timeout 5 sinfo -h -n localhost -o %T 2> /dev/null || true)
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || { echo "slurm node not idle after 60 s (state '$state')"; exit 1; }

write_spec "$src" "$work/spec.yaml"
timeout 300 "$spikechip" sweep "$work/spec.yaml" --out "$work/local" --deterministic -j 2 \
  > /dev/null 2> "$work/local.err" || { cat "$work/local.err"; exit 1; }

# The job array: 3 shards; --wait returns when every task has ended (bounded by timeout).
cd "$work/out"
SPIKECHIP="$spikechip" timeout 600 sbatch --wait --array=0-2 --time=10 \
  --export=ALL,SPIKECHIP="$spikechip" \
  "$src/tools/slurm/sweep.sbatch" "$work/spec.yaml" "$work/out" --deterministic
ls -d "$work"/out/shard-0 "$work"/out/shard-1 "$work"/out/shard-2 > /dev/null
grep -q "shard 1/3 from SLURM_ARRAY_TASK_ID" "$work"/out/*.out

"$spikechip" sweep "$work/spec.yaml" --out "$work/merged" --deterministic \
  --merge "$work"/out/shard-* > /dev/null 2> "$work/merge.err" || { cat "$work/merge.err"; exit 1; }
cmp "$work/local/results.csv" "$work/merged/results.csv" || {
  echo "results.csv differs between the local sweep and the merged Slurm array"
  diff "$work/local/results.csv" "$work/merged/results.csv" || true
  exit 1
}
echo "slurm sweep: 3-task array merged = local sweep"
