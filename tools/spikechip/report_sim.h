// The simulator's parts of report.json: latency, energy, and per-layer counts from counters.
#pragma once
#include "report.h"
#include "simmodel/run.h"

namespace cli {

Json sim_latency(const isa::ProgramImage& image, const sim::RunResult& r, double clock_hz);
Json sim_energy(const isa::ProgramImage& image, const sim::RunResult& r);
// The simulator's counters in the golden executor's per-layer form (layer_counts, sparsity).
compiler::ExecStats exec_stats_of(const isa::ProgramImage& image, const sim::RunResult& r,
                                  const std::vector<std::vector<isa::SpikeFrame>>& inputs);

}  // namespace cli
