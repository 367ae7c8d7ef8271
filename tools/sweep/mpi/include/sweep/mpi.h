// `spikechip sweep ... --mpi` under mpirun (OpenMPI): every rank plans the sweep; rank 0 hands
// tasks (compiles first, then points) to the other ranks one at a time as they ask, and writes
// the results. The folder must be on a file system all ranks share.
#pragma once
#include <string>

#include "sweep/driver.h"

namespace sweep {

int run_sweep_mpi(const SweepArgs& args, const RunOptionRules& rules, const std::string& version);

}  // namespace sweep
