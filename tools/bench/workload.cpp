#include "workload.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "compiler/nir.h"
#include "compiler/nir_build.h"
#include "workloads/npy.h"

namespace b = compiler::nir::build;
namespace fs = std::filesystem;

namespace bench {
namespace {

// Integer weights uniform in -7..7 without zero, each kept with probability `density`
// (SANA-FE's generated networks). Returns the count of non-zeros in `nonzero`.
std::vector<double> weights(std::mt19937_64& rng, size_t n, double density, int64_t& nonzero) {
  std::uniform_int_distribution<int> mag(1, 7);
  std::bernoulli_distribution keep(density), negative(0.5);
  std::vector<double> w(n, 0.0);
  for (auto& x : w)
    if (density >= 1.0 || keep(rng)) {
      x = negative(rng) ? -mag(rng) : mag(rng);
      ++nonzero;
    }
  return w;
}

std::string network_key(const Workload& w) {
  std::string k = w.kind == Kind::conv ? "conv" : w.kind == Kind::recurrent ? "rec" : "fc";
  for (auto s : w.sizes) k += fmt::format("-{}", s);
  return k + fmt::format("-d{}-th{}-s{}", w.density, w.threshold, w.seed);
}

compiler::nir::Graph fc_graph(const Workload& w, std::mt19937_64& rng, int64_t& synapses) {
  compiler::nir::Graph g;
  g.version = compiler::nir::kWriterVersion;
  g.nodes.push_back(b::input("input", {w.sizes[0]}));
  std::string last = "input";
  for (size_t l = 1; l < w.sizes.size(); ++l) {
    const int64_t in = w.sizes[l - 1], out = w.sizes[l];
    const std::string fc = fmt::format("fc{}", l), n = fc + ".n";
    g.nodes.push_back(b::linear(fc, out, in, weights(rng, size_t(out * in), w.density, synapses)));
    g.nodes.push_back(b::if_neuron(n, {out}, 1.0, w.threshold));
    g.edges.emplace_back(last, fc);
    g.edges.emplace_back(fc, n);
    if (w.kind == Kind::recurrent && l == 1) {  // the first hidden layer feeds itself
      g.nodes.push_back(
          b::linear("rec1", out, out, weights(rng, size_t(out * out), w.density, synapses)));
      g.edges.emplace_back(n, "rec1");
      g.edges.emplace_back("rec1", n);
    }
    last = n;
  }
  g.nodes.push_back(b::output("output", {w.sizes.back()}));
  g.edges.emplace_back(last, "output");
  return g;
}

compiler::nir::Graph conv_graph(const Workload& w, std::mt19937_64& rng, int64_t& synapses) {
  compiler::nir::Graph g;
  g.version = compiler::nir::kWriterVersion;
  const int64_t H = w.sizes[1], W = w.sizes[2];
  g.nodes.push_back(b::input("input", {w.sizes[0], H, W}));
  std::string last = "input";
  // 3x3, stride 1, padding 1: the map keeps its size; (3H-2)(3W-2) valid (output, tap) pairs.
  const int64_t taps = (3 * H - 2) * (3 * W - 2);
  for (size_t l = 3; l < w.sizes.size(); ++l) {
    const int64_t cin = l == 3 ? w.sizes[0] : w.sizes[l - 1], cout = w.sizes[l];
    const std::string conv = fmt::format("conv{}", l - 2), n = conv + ".n";
    int64_t stored = 0;
    b::Conv2dParams p;
    p.padding = {1, 1};
    p.input_shape = {H, W};
    g.nodes.push_back(b::conv2d(conv, {cout, cin, 3, 3},
                                weights(rng, size_t(cout * cin * 9), 1.0, stored),
                                std::vector<double>(size_t(cout), 0.0), p));
    g.nodes.push_back(b::if_neuron(n, {cout, H, W}, 1.0, w.threshold));
    g.edges.emplace_back(last, conv);
    g.edges.emplace_back(conv, n);
    synapses += cout * cin * taps;
    last = n;
  }
  g.nodes.push_back(b::output("output", {w.sizes.back(), H, W}));
  g.edges.emplace_back(last, "output");
  return g;
}

int64_t count_neurons(const Workload& w) {
  if (w.kind != Kind::conv) {
    int64_t n = 0;
    for (auto s : w.sizes) n += s;
    return n;
  }
  int64_t n = w.sizes[0];
  for (size_t l = 3; l < w.sizes.size(); ++l) n += w.sizes[l];
  return n * w.sizes[1] * w.sizes[2];
}

}  // namespace

void generate(Workload& w, const std::string& dir) {
  fs::create_directories(dir);
  if (w.kind == Kind::file || w.kind == Kind::trained) return;  // paths and counts given
  w.neurons = count_neurons(w);
  const std::string key = network_key(w);
  w.model_path = (fs::path(dir) / (key + ".nir")).string();
  const fs::path meta = fs::path(dir) / (key + ".synapses");
  if (fs::exists(w.model_path) && fs::exists(meta)) {
    std::ifstream(meta) >> w.synapses;
  } else {
    std::mt19937_64 rng(w.seed);
    int64_t synapses = 0;
    auto g = w.kind == Kind::conv ? conv_graph(w, rng, synapses) : fc_graph(w, rng, synapses);
    std::sort(g.nodes.begin(), g.nodes.end(),
              [](const auto& a, const auto& c) { return a.name < c.name; });
    compiler::nir::write_file(g, w.model_path);
    std::ofstream(meta) << synapses << "\n";  // written after the model: both or a rerun
    w.synapses = synapses;
  }

  std::vector<size_t> shape{size_t(w.timesteps)};
  size_t per_step = 1;
  const size_t dims = w.kind == Kind::conv ? 3 : 1;
  for (size_t i = 0; i < dims; ++i) {
    shape.push_back(size_t(w.sizes[i]));
    per_step *= size_t(w.sizes[i]);
  }
  w.input_path =
      (fs::path(dir) / fmt::format("{}-T{}-p{}.npy", key, w.timesteps, w.input_rate)).string();
  if (fs::exists(w.input_path)) return;
  std::mt19937_64 rng(w.seed * 7919 + 17);
  std::bernoulli_distribution on(w.input_rate);
  std::vector<uint8_t> spikes(per_step * size_t(w.timesteps));
  for (auto& s : spikes) s = on(rng) ? 1 : 0;
  workloads::write_npy(w.input_path, std::span<const uint8_t>(spikes), shape);
}

}  // namespace bench
