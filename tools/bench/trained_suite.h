// The trained suite: every network of workloads/trained/ as its user runs it (its own options,
// labels, samples and timesteps; docs/performance.md).
#pragma once
#include <string>
#include <vector>

#include "workload.h"

namespace bench {

// One workload per NAME.json of `dir` that has NAME.nir, NAME_input.npy and NAME_labels.npy,
// in name order, each run and golden with --threads 1 (the ratio per thread). Throws
// std::runtime_error naming the file when a NAME.json holds conventions the suite cannot pass
// on (anything but those of --profile spikingjelly).
std::vector<Workload> trained_suite(const std::string& dir);

}  // namespace bench
