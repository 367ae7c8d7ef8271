// `spikechip sweep`: plan, run what is missing (local -j pool, one shard), or merge shard
// folders, then write results.csv / results.json and print the Pareto front.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "sweep/plan.h"
#include "sweep/spec.h"
#include "sweep/store.h"

namespace sweep {

// Exit codes besides the CLI's 0 (all ok), 1 (internal), 2 (bad input):
inline constexpr int kExitPointsFailed = 4;  // every point ran; some failed (see results.csv)
inline constexpr int kExitIncomplete = 5;    // some points are missing (stopped, or not merged)

struct SweepArgs {
  std::string spec, out;
  size_t jobs = 0;  // 0 = the machine's cores
  std::string shard;
  std::vector<std::string> merge;
  bool mpi = false, retry_failed = false, deterministic = false, dry_run = false;
};

int run_sweep(const SweepArgs& args, const RunOptionRules& rules, const std::string& version);

// Shared with the MPI driver.
Plan load_plan(const SweepArgs& args, const RunOptionRules& rules, const std::string& version);
void prepare(const Plan& plan, Store& store);  // sweep.yaml, stale temporaries
// Writes results for `mine`, prints the summary and the Pareto front; returns the exit code.
int finish_sweep(const Plan& plan, const Store& store, const std::vector<size_t>& mine,
                 const std::string& counters_line);

}  // namespace sweep
