// The simulator's entry point: runs a program image on the chip with the SystemC kernel.
// RunOptions, StepObserver, RunResult and the counters are defined in simmodel/run.h (the same
// types the kernel-free driver sim::run_model returns).
#pragma once
#include <vector>

#include "arch/config.h"
#include "isa/program.h"
#include "simmodel/run.h"

namespace sim {

// Runs every sample of `inputs` ([sample][step]) for options.timesteps steps in one SystemC
// elaboration. SystemC elaborates once per process: call simulate() at most once per process
// (a second call throws std::logic_error). One SystemC time unit (1 ns) is one clock cycle;
// RunResult::seconds uses arch.clock_hz. Throws isa::InputError for a bad image or input
// (before or during the run); `observer` returning false stops the run (stopped_early).
RunResult simulate(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                   const std::vector<std::vector<isa::SpikeFrame>>& inputs,
                   const RunOptions& options, const StepObserver& observer = {});

}  // namespace sim
