# Shared by the MPI and Slurm sweep tests: writes an 8-point sweep of the bundled workload.
#   write_spec SOURCE_DIR FILE
write_spec() {
  local ex="$1/workloads/examples"
  cat > "$2" <<YAML
sweep: scale-out
base:
  model: $ex/bars.nir
  input: $ex/bars_events.npy
  labels: $ex/bars_labels.npy
  options: {dt: 1e-3}
axes:
  mesh.x: [2, 4]
  mesh.y: [2, 4]
  core.n_pe: [1, 8]
  noc.fidelity: [reservation, flit]
zip: [[mesh.x, mesh.y]]
objectives: {energy.per_inference_pj: min, latency.seconds_per_step: min}
YAML
}
