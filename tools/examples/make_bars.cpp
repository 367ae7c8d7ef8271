// Generates the bundled "bars" workload (workloads/examples/): a small hand-designed
// convolutional SNN that tells horizontal from vertical moving bars, and an event-camera-like
// trace of such bars with labels. Deterministic (fixed seed); rerun to regenerate:
//   build/make_bars workloads/examples
#include <fmt/core.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "compiler/nir.h"
#include "compiler/nir_build.h"
#include "workloads/npy.h"

namespace b = compiler::nir::build;

int main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: make_bars OUTPUT_FOLDER\n");
    return 2;
  }
  const std::string dir = argv[1];
  constexpr int C = 2, H = 16, W = 16, T = 24, N = 16;

  // Conv 2x2x3x3 line detectors on the ON events (the leading edge): channel 0 responds to
  // horizontal lines, channel 1 to vertical ones; OFF events are ignored (weight 0).
  std::vector<double> k(2 * 2 * 3 * 3, 0.0);
  for (int ky = 0; ky < 3; ++ky)
    for (int kx = 0; kx < 3; ++kx) {
      k[((0 * 2 + 0) * 3 + ky) * 3 + kx] = ky == 1 ? 1.0 : -0.5;  // horizontal
      k[((1 * 2 + 0) * 3 + ky) * 3 + kx] = kx == 1 ? 1.0 : -0.5;  // vertical
    }
  b::Conv2dParams cp;
  cp.padding = {1, 1};
  cp.input_shape = {H, W};
  // Readout: class c sums its detector channel over the pooled 4x4 map.
  std::vector<double> fc(2 * 32, 0.0);
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 16; ++i) fc[c * 32 + c * 16 + i] = 1.0;
  // snnTorch-style LIF at dt = 1 ms: tau = 4 ms, r = tau/dt (a unit input raises v by 1).
  const double dt = 1e-3, tau = 4e-3;
  compiler::nir::Graph g;
  g.version = compiler::nir::kWriterVersion;
  g.nodes = {b::input("events", {C, H, W}),
             b::conv2d("lines", {2, 2, 3, 3}, k, {0, 0}, cp),
             b::lif("lines.lif", {2, H, W}, tau, tau / dt, 0.0, 1.5),
             b::sum_pool2d("pool", {4, 4}, {4, 4}),
             b::flatten_node("flatten", {2, 4, 4}),
             b::linear("readout", 2, 32, fc),
             b::lif("class.lif", {2}, tau, tau / dt, 0.0, 2.0),
             b::output("class", {2})};
  b::chain(g, {"events", "lines", "lines.lif", "pool", "flatten", "readout", "class.lif", "class"});
  compiler::nir::write_file(g, dir + "/bars.nir");

  // Events: a bar of length 8 sweeps across the sensor, one pixel every 2 steps; ON events at
  // its leading edge, OFF at its trailing edge, plus 1 % noise.
  std::mt19937 rng(2026);
  std::bernoulli_distribution noise(0.01);
  std::vector<float> x(size_t{N} * T * C * H * W, 0.0f);
  std::vector<int64_t> labels(N);
  for (int s = 0; s < N; ++s) {
    const int label = s % 2;  // 0 horizontal, 1 vertical
    labels[s] = label;
    const int start = std::uniform_int_distribution<int>(2, 8)(rng);
    const int pos0 = std::uniform_int_distribution<int>(1, 5)(rng);
    for (int t = 0; t < T; ++t) {
      float* f = &x[(size_t{static_cast<size_t>(s)} * T + t) * C * H * W];
      const int pos = pos0 + t / 2;
      for (int i = 0; i < 8 && t % 2 == 0 && pos < H; ++i) {
        const int a = start + i;  // along the bar
        const int on_y = label == 0 ? pos : a, on_x = label == 0 ? a : pos;
        f[(0 * H + on_y) * W + on_x] = 1.0f;
        if (pos >= 1) {
          const int off_y = label == 0 ? pos - 1 : a, off_x = label == 0 ? a : pos - 1;
          f[(1 * H + off_y) * W + off_x] = 1.0f;
        }
      }
      for (int i = 0; i < C * H * W; ++i)
        if (noise(rng)) f[i] = 1.0f;
    }
  }
  workloads::write_npy(dir + "/bars_events.npy", x,
                       {size_t{N}, size_t{T}, size_t{C}, size_t{H}, size_t{W}});
  workloads::write_npy(dir + "/bars_labels.npy", labels, {size_t{N}});
  fmt::print("wrote {}/bars.nir, bars_events.npy [{}, {}, {}, {}, {}], bars_labels.npy [{}]\n", dir,
             N, T, C, H, W, N);
  return 0;
}
