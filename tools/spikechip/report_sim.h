// The simulator's parts of report.json: latency, energy, and per-layer counts from counters.
#pragma once
#include "report.h"
#include "simmodel/run.h"

namespace cli {

Json sim_latency(const isa::ProgramImage& image, const sim::RunResult& r, double clock_hz);
// energy.per_layer[] carries each layer's dynamic and static share (static_energy_by_layer).
Json sim_energy(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                const sim::RunResult& r);
// Static energy attributed to layers, [layer] in pJ (docs/reports.md): a core's static energy
// and its router's go to the layers mapped on the core in proportion to the neurons each
// occupies there; the static energy of cores that hold no neurons and of the chip-wide blocks
// goes to every layer in proportion to its neurons on the whole chip. The input layer (host)
// gets none. Sums to energy.static_total_pj (up to floating-point rounding).
std::vector<double> static_energy_by_layer(const isa::ProgramImage& image,
                                           const arch::ArchConfig& arch,
                                           const sim::EnergyBreakdown& e);
// The simulator's counters in the golden executor's per-layer form (layer_counts, sparsity).
compiler::ExecStats exec_stats_of(const isa::ProgramImage& image, const sim::RunResult& r,
                                  const std::vector<std::vector<isa::SpikeFrame>>& inputs);

}  // namespace cli
