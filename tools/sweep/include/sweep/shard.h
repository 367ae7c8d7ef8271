// Which points a process runs: shard I of N takes the grid points k with k % N == I (0-based,
// round robin, so neighbouring points of different cost spread over the shards).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sweep {

struct Shard {
  size_t index = 0, count = 1;
  std::string source;  // "--shard" or "SLURM_ARRAY_TASK_ID" (for messages)
};

// `arg`: the --shard text ("I/N", "" when not given). Without it, SLURM_ARRAY_TASK_ID and
// SLURM_ARRAY_TASK_COUNT (minus SLURM_ARRAY_TASK_MIN, so arrays may start at 1) when set.
// Throws isa::InputError for a malformed or out-of-range shard.
std::optional<Shard> shard_from(const std::string& arg);

std::vector<size_t> shard_points(size_t points, const std::optional<Shard>& shard);

}  // namespace sweep
