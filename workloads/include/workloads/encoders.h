// Encoders turn static tensors (Frames with one timestep per sample) or sequences into spike
// trains over T timesteps, and point clouds into spike voxels. All are deterministic: random
// encoders draw from std::mt19937_64 seeded by the caller, in the order sample, step, element,
// and turn draws into numbers without library distributions (same result on every platform).
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "workloads/frames.h"

namespace workloads {

// Rate coding. Bernoulli: a spike (1) with probability clamp(v * gain, 0, 1) at each step.
// Poisson: a spike count drawn from Poisson(max(v * gain, 0)) at each step (graded spikes).
enum class RateMode { kBernoulli, kPoisson };
Frames encode_rate(const Frames& input, uint32_t timesteps, uint64_t seed, float gain = 1.0f,
                   RateMode mode = RateMode::kBernoulli);

// Direct / graded coding: the values themselves at every step.
Frames encode_direct(const Frames& input, uint32_t timesteps);

// Latency (time to first spike), linear: v is clamped to [0, 1] and spikes once at step
// round((1 - v) * (T - 1)), so larger values spike earlier; values below `threshold` never spike.
Frames encode_latency(const Frames& input, uint32_t timesteps, float threshold = 0.01f);

// Delta (temporal difference) coding of a sequence: d_t = x_t - x_{t-1}, with x_{-1} = 0 when
// first_from_zero (else step 0 emits nothing). With on_off the output gains a leading channel
// dimension of 2: channel 1 (ON) spikes where d_t >= threshold, channel 0 (OFF) where
// d_t <= -threshold. Without on_off the output keeps the input shape with values +1 / -1 / 0.
Frames encode_delta(const Frames& input, float threshold, bool on_off = true,
                    bool first_from_zero = true);

// Spike voxel coding of a point cloud (E-3DSNN): points (N x 3 floats, x y z) are put into a
// grid of grid[0] x grid[1] x grid[2] voxels over [lo, hi] per axis (hi exclusive for the last
// voxel edge: points at hi go to the last voxel); a voxel spikes (1) when at least one point
// falls in it. Bounds default to the cloud's own min/max. Points outside given bounds are
// dropped. The result is sparse: the occupied voxels, sorted and unique.
struct VoxelOptions {
  std::array<uint32_t, 3> grid = {32, 32, 32};
  bool fixed_bounds = false;  // use lo/hi instead of the cloud's min/max
  std::array<float, 3> lo = {0, 0, 0}, hi = {1, 1, 1};
};
struct SpikeVoxels {
  std::array<uint32_t, 3> grid{};
  std::vector<std::array<uint32_t, 3>> voxels;  // occupied (i, j, k), sorted, unique
  uint64_t points_dropped = 0;
};
SpikeVoxels voxelize_points(std::span<const float> xyz, const VoxelOptions& options);
// Dense occupancy frames [1, grid0, grid1, grid2], the same at each of `timesteps` steps.
Frames voxels_to_frames(const SpikeVoxels& voxels, uint32_t timesteps);

}  // namespace workloads
