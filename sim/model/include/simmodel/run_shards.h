// Samples are independent: a run can be cut into shards of consecutive samples, each run on its
// own chip (a process or thread of its own), and the shards' results joined into exactly the
// result of one run over every sample. This holds the join and the bytes a shard's result
// travels in between processes.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "arch/config.h"
#include "simmodel/run.h"

namespace sim {

// [begin, end) of samples for shard k of n: consecutive, sizes differing by at most one.
struct SampleRange {
  uint32_t begin = 0, end = 0;
};
SampleRange shard_range(uint32_t samples, uint32_t shard, uint32_t shards);

// A shard's result as bytes (a private format: written and read by the same binary) and back.
// Throws std::runtime_error on bytes that are not a whole result.
std::string serialise(const RunResult& r);
RunResult deserialise(std::string_view bytes);

// The result of one run over the shards' samples in order. Samples start where the previous
// one ended (as one chip runs them back to back); counters add up; energy is computed again
// from the joined counters. `wall_seconds` is the caller's (the whole, not a sum).
RunResult join_shards(std::vector<RunResult> shards, const arch::ArchConfig& arch,
                      double wall_seconds);

}  // namespace sim
