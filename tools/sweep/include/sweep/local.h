// Runs tasks as up to `jobs` child processes at once (the local -j pool and the --shard path).
#pragma once
#include <vector>

#include "sweep/engine.h"
#include "sweep/progress.h"

namespace sweep {

void run_local(Engine& engine, const std::vector<Task>& tasks, size_t jobs, Progress& progress);

// Reports one finished task to `progress` (shared with the MPI coordinator).
void report(const Engine& engine, const Task& t, Outcome o, double seconds, Progress& progress);

}  // namespace sweep
