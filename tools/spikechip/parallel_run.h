// `run --threads N`: samples are independent, so N worker processes (fork) each run a shard of
// consecutive samples on a SystemC elaboration of their own (SystemC elaborates once per
// process, and its kernel is not thread-safe), and the shards' results are joined into exactly
// the result of one run (sim/model run_shards.h). The report is byte-identical for any N.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "arch/config.h"
#include "compiler/ir.h"
#include "isa/program.h"
#include "progress.h"
#include "simmodel/run.h"

namespace cli {

struct ParallelRun {
  sim::RunResult result;                  // samples up to the first divergence, if any
  std::optional<std::string> divergence;  // --check-golden: the first, in sample order
  uint64_t steps_checked = 0;
};

// `golden`: the quantised network to check every step against (nullptr: no check). Errors of a
// worker are rethrown here: isa::InputError for bad input, std::runtime_error otherwise.
ParallelRun run_samples(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                        const std::vector<std::vector<isa::SpikeFrame>>& inputs,
                        const sim::RunOptions& options, const compiler::Network* golden,
                        uint32_t workers, Progress& progress);

// --threads: the default is the machine's cores, never more than the samples.
uint32_t worker_count(std::optional<uint32_t> requested, uint32_t samples);

}  // namespace cli
