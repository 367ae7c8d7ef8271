#include "workloads/encoders.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include <fmt/core.h>

namespace workloads {
namespace {

// A uniform double in [0, 1) from the top 53 bits of one draw.
double uniform(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Knuth's multiplication method; exact in distribution, fine for the small rates of inputs.
uint32_t poisson(std::mt19937_64& rng, double lambda) {
  if (lambda <= 0) return 0;
  if (lambda > 30) {  // normal approximation keeps the loop short for large values
    const double u1 = std::max(uniform(rng), 1e-300), u2 = uniform(rng);
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
    return static_cast<uint32_t>(std::max(0.0, std::round(lambda + std::sqrt(lambda) * z)));
  }
  const double limit = std::exp(-lambda);
  double p = 1;
  uint32_t k = 0;
  while ((p *= uniform(rng)) > limit) ++k;
  return k;
}

void require_static(const Frames& in, const char* who) {
  if (in.timesteps != 1)
    throw std::invalid_argument(fmt::format(
        "{}: expected one timestep per sample (a static tensor), got {}", who, in.timesteps));
}

}  // namespace

Frames encode_rate(const Frames& in, uint32_t T, uint64_t seed, float gain, RateMode mode) {
  require_static(in, "encode_rate");
  Frames out = Frames::zeros(in.samples, T, in.frame_shape);
  std::mt19937_64 rng(seed);
  for (uint32_t s = 0; s < in.samples; ++s) {
    auto src = in.frame(s, 0);
    for (uint32_t t = 0; t < T; ++t) {
      auto dst = out.frame(s, t);
      for (size_t i = 0; i < src.size(); ++i) {
        const double r = static_cast<double>(src[i]) * gain;
        if (mode == RateMode::kBernoulli)
          dst[i] = uniform(rng) < std::clamp(r, 0.0, 1.0) ? 1.0f : 0.0f;
        else
          dst[i] = static_cast<float>(poisson(rng, r));
      }
    }
  }
  return out;
}

Frames encode_direct(const Frames& in, uint32_t T) {
  require_static(in, "encode_direct");
  Frames out = Frames::zeros(in.samples, T, in.frame_shape);
  for (uint32_t s = 0; s < in.samples; ++s)
    for (uint32_t t = 0; t < T; ++t) std::ranges::copy(in.frame(s, 0), out.frame(s, t).begin());
  return out;
}

Frames encode_latency(const Frames& in, uint32_t T, float threshold) {
  require_static(in, "encode_latency");
  Frames out = Frames::zeros(in.samples, T, in.frame_shape);
  if (T == 0) return out;
  for (uint32_t s = 0; s < in.samples; ++s) {
    auto src = in.frame(s, 0);
    for (size_t i = 0; i < src.size(); ++i) {
      const float v = std::clamp(src[i], 0.0f, 1.0f);
      if (!(v >= threshold) || v <= 0) continue;
      const auto t = static_cast<uint32_t>(std::lround((1.0f - v) * static_cast<float>(T - 1)));
      out.frame(s, t)[i] = 1.0f;
    }
  }
  return out;
}

Frames encode_delta(const Frames& in, float threshold, bool on_off, bool first_from_zero) {
  std::vector<uint32_t> shape = in.frame_shape;
  if (on_off) shape.insert(shape.begin(), 2);
  Frames out = Frames::zeros(in.samples, in.timesteps, shape);
  const size_t n = in.frame_size();
  for (uint32_t s = 0; s < in.samples; ++s) {
    for (uint32_t t = 0; t < in.timesteps; ++t) {
      if (t == 0 && !first_from_zero) continue;
      auto cur = in.frame(s, t);
      auto dst = out.frame(s, t);
      for (size_t i = 0; i < n; ++i) {
        const float d = cur[i] - (t ? in.frame(s, t - 1)[i] : 0.0f);
        const bool up = d >= threshold, down = d <= -threshold;
        if (on_off) {
          if (up) dst[n + i] = 1.0f;
          if (down) dst[i] = 1.0f;
        } else {
          dst[i] = up ? 1.0f : down ? -1.0f : 0.0f;
        }
      }
    }
  }
  return out;
}

SpikeVoxels voxelize_points(std::span<const float> xyz, const VoxelOptions& o) {
  if (xyz.size() % 3) throw std::invalid_argument("voxelize_points: expected N x 3 floats");
  for (uint32_t g : o.grid)
    if (g == 0) throw std::invalid_argument("voxelize_points: grid dimensions must be > 0");
  SpikeVoxels v;
  v.grid = o.grid;
  const size_t n = xyz.size() / 3;
  std::array<float, 3> lo = o.lo, hi = o.hi;
  if (!o.fixed_bounds && n > 0) {
    for (int a = 0; a < 3; ++a) {
      lo[a] = hi[a] = xyz[a];
      for (size_t i = 0; i < n; ++i) {
        lo[a] = std::min(lo[a], xyz[3 * i + a]);
        hi[a] = std::max(hi[a], xyz[3 * i + a]);
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    std::array<uint32_t, 3> idx{};
    bool inside = true;
    for (int a = 0; a < 3; ++a) {
      const float p = xyz[3 * i + a];
      if (!(p >= lo[a] && p <= hi[a])) {
        inside = false;
        break;
      }
      const float span = hi[a] - lo[a];
      const double rel = span > 0 ? (p - lo[a]) / span : 0.0;
      idx[a] = std::min(o.grid[a] - 1, static_cast<uint32_t>(rel * o.grid[a]));
    }
    if (!inside) {
      ++v.points_dropped;
      continue;
    }
    v.voxels.push_back(idx);
  }
  std::sort(v.voxels.begin(), v.voxels.end());
  v.voxels.erase(std::unique(v.voxels.begin(), v.voxels.end()), v.voxels.end());
  return v;
}

Frames voxels_to_frames(const SpikeVoxels& v, uint32_t T) {
  Frames out = Frames::zeros(1, T, {1, v.grid[0], v.grid[1], v.grid[2]});
  for (uint32_t t = 0; t < T; ++t) {
    auto f = out.frame(0, t);
    for (const auto& [i, j, k] : v.voxels)
      f[(static_cast<size_t>(i) * v.grid[1] + j) * v.grid[2] + k] = 1.0f;
  }
  return out;
}

}  // namespace workloads
