// The statistics of `run` and `golden` as registries (stats_registry.h): the simulator's
// counters (simmodel/counters.h) or the golden executor's (compiler::ExecStats, named below),
// and the NeuroBench metrics of both (docs/reports.md).
#pragma once
#include <optional>

#include "compiler/golden.h"
#include "isa/program.h"
#include "model_options.h"
#include "simmodel/run.h"
#include "stats_registry.h"

namespace cli {

// The golden executor's per-layer counters under their report names, once:
// X(report name, ExecStats member, description, unit). `spikes` means the same in `run` and
// `golden`: neurons that fired, a graded spike counting once; `spike_payload` weights each
// spike by its value.
#define CLI_EXEC_STATS_FIELDS(X)                                                                  \
  X(spikes, spike_packets, "spikes generated: neurons that fired (a graded spike counts once)",   \
    "events")                                                                                     \
  X(spike_payload, spikes,                                                                        \
    "sum of the payloads of the spikes generated (a graded spike counts its value; equals "       \
    "spikes for binary spikes)",                                                                  \
    "events")                                                                                     \
  X(synaptic_events, synaptic_events,                                                             \
    "pairs with a non-zero weight reached by the layer's input spikes (effective ACs)", "events") \
  X(dense_ops, dense_ops,                                                                         \
    "fan-out pairs reached by the layer's input spikes, zero weights "                            \
    "included",                                                                                   \
    "events")                                                                                     \
  X(neuron_updates, neuron_updates, "neuron updates of neurons with non-zero state or input",     \
    "events")                                                                                     \
  X(membrane_changes, membrane_changes,                                                           \
    "neuron updates that changed the stored membrane v, a sample's first step excluded "          \
    "(NeuroBench membrane updates)",                                                              \
    "events")                                                                                     \
  X(skipped_ops, skipped_ops,                                                                     \
    "fan-out pairs not generated: target site inactive (sparse convolution)", "events")           \
  X(site_activations, site_activations,                                                           \
    "site-activation messages sent (sparse convolution; layer 0: by the host)", "events")

// What the network is, read from the image: per target layer, the synapses it stores and the
// dense connections (every input-weight pair, zeros included, padding taps excluded).
struct NetFacts {
  std::vector<uint64_t> weights, zero_weights, dense_connections;  // [layer]
  std::vector<std::vector<uint32_t>> sources;                      // [layer]: source layers
  uint64_t weight_bytes = 0, state_bytes = 0;
};
NetFacts net_facts(const isa::ProgramImage& image, const arch::ArchConfig& arch);

struct StatsContext {
  const LoadedModel& model;
  uint64_t samples = 0, timesteps = 0;
  std::optional<double> accuracy;
  double wall_seconds = 0;  // 0 with --deterministic
};

StatRegistry run_stats(const StatsContext& c, const sim::RunResult& r,
                       const std::vector<std::vector<isa::SpikeFrame>>& inputs);
// per_step: [sample][step][layer] the step's counts (empty: no steps table).
StatRegistry golden_stats(const StatsContext& c, const compiler::ExecStats& s,
                          const std::vector<std::vector<compiler::ExecStats>>& per_step);

// report.json's "neurobench" object: the registry's "neurobench.*" statistics, prefix dropped.
nlohmann::ordered_json neurobench_json(const StatRegistry& reg);
// The registry's statistics named "<prefix>a.b" as {"a": {"b": v}}.
nlohmann::ordered_json prefixed_json(const StatRegistry& reg, const std::string& prefix);

// ExecStats difference a - b, layer by layer (per-step counts from cumulative snapshots).
compiler::ExecStats exec_stats_delta(const compiler::ExecStats& a, const compiler::ExecStats& b);

}  // namespace cli

namespace cli {
class OutputDir;
// report.json gets the registry's statistics: "counters" (chip-wide, by full name),
// "neurobench", "real_time" (when the registry has realtime.*), layers[i].counters,
// latency.per_core[i].counters (when present) and "noc_links" (one object per router port:
// router, x, y, port, then its statistics; when the registry has links).
void attach_stats(nlohmann::ordered_json& report, const StatRegistry& reg);
// stats.txt, stats.json, layers.csv, cores.csv (when the registry has cores), steps.csv
// (when it has steps) and links.csv (when it has links).
void write_stats_files(OutputDir& dir, const StatRegistry& reg);
}  // namespace cli
