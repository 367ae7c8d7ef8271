// Measures one workload: `spikechip run` and `spikechip golden` on the same files, repeated.
#pragma once
#include <string>

#include "workload.h"

namespace bench {

struct Measurement {
  // Medians over the repeats. "total": the whole process (load + compile + simulate);
  // "sim": the simulate phase as report.json's sim.wall_seconds gives it.
  double run_total_s = 0, run_sim_s = 0, golden_total_s = 0, golden_sim_s = 0;
  double run_rss_bytes = 0, golden_rss_bytes = 0;  // peak over the repeats
  double synaptic_events = 0;                      // sim.synaptic_events (run == golden)
  double cycles = 0;                               // latency.total_cycles of the run
  double accuracy = -1;  // the run's accuracy against the labels (-1: no labels)
  int repeats = 0;
};

// Runs run and golden alternately `repeat` times under `work_dir`. Throws std::runtime_error
// (with the child's stderr) when a child fails or the two disagree on synaptic events.
Measurement measure(const Workload& w, const std::string& spikechip, const std::string& work_dir,
                    int repeat);

}  // namespace bench
