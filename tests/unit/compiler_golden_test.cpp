// The golden executor against references computed independently: a direct float simulation of
// an integer IF network (exact by construction), the NIR paper's LIF trace, and SANA-FE's own
// counts on conv_s1.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "compiler/golden.h"
#include "compiler/nir_build.h"
#include "compiler_test_util.h"
#include "workloads/npy.h"

using namespace compiler;
namespace b = compiler::nir::build;

namespace {

// Input 2x6x6 -> Conv2d 3x2x3x3 (stride 1, pad 1) -> IF -> Flatten -> Affine 4x108 -> IF.
struct IntNet {
  std::vector<double> conv_w, fc_w;
  nir::Graph graph;
};

IntNet make_int_net(uint64_t seed) {
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::uniform_int_distribution<int> w(-3, 5);
  IntNet n;
  n.conv_w.resize(3 * 2 * 3 * 3);
  for (auto& v : n.conv_w) v = w(rng);
  n.fc_w.resize(4 * 108);
  for (auto& v : n.fc_w) v = w(rng);
  b::Conv2dParams cp;
  cp.padding = {1, 1};
  cp.input_shape = {6, 6};
  auto& g = n.graph;
  g.nodes = {b::input("in", {2, 6, 6}),
             b::conv2d("conv", {3, 2, 3, 3}, n.conv_w, {0, 0, 0}, cp),
             b::if_neuron("if1", {3, 6, 6}, 1.0, 4.0),
             b::flatten_node("flat", {3, 6, 6}),
             b::affine("fc", 4, 108, n.fc_w, {0.5, 0, -1, 0}),
             b::if_neuron("if2", {4}, 1.0, 6.0),
             b::output("out", {4})};
  b::chain(g, {"in", "conv", "if1", "flat", "fc", "if2", "out"});
  return n;
}

// The same network in doubles, straight from NIR's definitions (dt = 1, r = 1: v += W s + b).
std::vector<std::vector<std::vector<uint32_t>>> reference(const IntNet& n,
                                                          const std::vector<isa::SpikeFrame>& in,
                                                          bool pipelined) {
  std::vector<double> v1(108, 0), v2(4, 0);
  std::vector<double> prev_in(72, 0), prev_s1(108, 0);
  std::vector<std::vector<std::vector<uint32_t>>> out;  // [t][layer][neurons]
  for (const auto& f : in) {
    std::vector<double> x(72, 0);
    for (uint32_t i : f.index) x[i] = 1;
    const auto& x1 = pipelined ? prev_in : x;
    std::vector<double> s1(108, 0), s2(4, 0);
    for (int oc = 0; oc < 3; ++oc)
      for (int oy = 0; oy < 6; ++oy)
        for (int ox = 0; ox < 6; ++ox) {
          double a = 0;
          for (int ic = 0; ic < 2; ++ic)
            for (int ky = 0; ky < 3; ++ky)
              for (int kx = 0; kx < 3; ++kx) {
                const int y = oy - 1 + ky, xx = ox - 1 + kx;
                if (y < 0 || y >= 6 || xx < 0 || xx >= 6) continue;
                a += n.conv_w[((oc * 2 + ic) * 3 + ky) * 3 + kx] * x1[(ic * 6 + y) * 6 + xx];
              }
          double& v = v1[(oc * 6 + oy) * 6 + ox];
          v += a;
          if (v > 4) s1[(oc * 6 + oy) * 6 + ox] = 1, v = 0;
        }
    const auto& x2 = pipelined ? prev_s1 : s1;
    const double bias[4] = {0.5, 0, -1, 0};
    for (int j = 0; j < 4; ++j) {
      double a = bias[j];
      for (int i = 0; i < 108; ++i) a += n.fc_w[j * 108 + i] * x2[i];
      v2[j] += a;
      if (v2[j] > 6) s2[j] = 1, v2[j] = 0;
    }
    std::vector<std::vector<uint32_t>> step(3);
    for (uint32_t i : f.index) step[0].push_back(i);
    for (uint32_t i = 0; i < 108; ++i)
      if (s1[i]) step[1].push_back(i);
    for (uint32_t i = 0; i < 4; ++i)
      if (s2[i]) step[2].push_back(i);
    out.push_back(step);
    prev_in = x;
    prev_s1 = s1;
  }
  return out;
}

}  // namespace

TEST_CASE("golden executor equals a direct float simulation of an integer IF network") {
  for (const bool pipelined : {false, true}) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      CAPTURE(pipelined, seed);
      const IntNet n = make_int_net(seed);
      const auto a =
          arch::load_arch("", {pipelined ? "semantics=pipelined" : "semantics=layer_sequential"});
      CompileOptions opt;
      opt.dt = 1;
      const auto r = testutil::compile_graph(n.graph, "intnet", a, opt);
      const auto frames = testutil::random_frames(72, 30, 0.3, seed);
      const auto want = reference(n, frames, pipelined);
      GoldenExecutor g(r.net, a.config.semantics, precision_of(a.config));
      uint64_t total = 0;
      g.run_sample(0, frames,
                   [&](uint32_t, uint32_t t, const std::vector<isa::LayerSpikes>& layers) {
                     REQUIRE(layers.size() == 3);
                     for (size_t l = 0; l < 3; ++l) {
                       CAPTURE(t, l);
                       REQUIRE(layers[l].index == want[t][l]);
                       total += layers[l].index.size();
                     }
                     return true;
                   });
      CHECK(total > 100);  // the test exercises real activity
    }
  }
}

TEST_CASE("golden executor reproduces the NIR paper's LIF spikes (lif_norse.nir, dt = 0.1 ms)") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  std::ifstream csv(testutil::shared("nir/lif_crossplatform/lif_exact.csv"));
  std::vector<isa::SpikeFrame> frames;
  std::vector<uint32_t> exact_spikes;
  std::string line;
  for (uint32_t t = 0; std::getline(csv, line); ++t) {
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream ss(line);
    double x, v, s;
    ss >> x >> v >> s;
    isa::SpikeFrame f;
    if (x > 0) f.index = {0}, f.payload = {1};
    frames.push_back(f);
    if (s > 0) exact_spikes.push_back(t);
  }
  REQUIRE(frames.size() == 1000);
  REQUIRE(exact_spikes == std::vector<uint32_t>{460, 510, 710, 760});
  const auto a = arch::load_arch("", {});
  CompileOptions opt;
  opt.dt = 1e-4;
  const auto r = compile_nir(testutil::shared("nir/lif_norse.nir"), a.config, a.hash, opt);
  GoldenExecutor g(r.net, a.config.semantics, precision_of(a.config));
  std::vector<uint32_t> spikes;
  g.run_sample(0, frames, [&](uint32_t, uint32_t t, const std::vector<isa::LayerSpikes>& layers) {
    if (!layers[1].index.empty()) spikes.push_back(t);
    return true;
  });
  REQUIRE(spikes.size() == exact_spikes.size());
  for (size_t i = 0; i < spikes.size(); ++i)
    CHECK(std::abs(int(spikes[i]) - int(exact_spikes[i])) <= 1);
}

TEST_CASE("golden executor matches SANA-FE's counts on conv_s1 in both semantics") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  const auto arr = workloads::read_npy(testutil::shared("sanafe/conv_s1_input.npy"));
  const auto values = workloads::to_float(arr);
  REQUIRE(values.size() == 100u * 2312u);
  std::vector<isa::SpikeFrame> frames;
  for (uint32_t t = 0; t < 100; ++t)
    frames.push_back(quantise_frame(std::span(values).subspan(size_t{t} * 2312, 2312), 0, 8));
  struct Case {
    const char* semantics;
    std::vector<uint64_t> spikes;
    uint64_t synaptic_events;
  };
  for (const Case& c : {Case{"pipelined", {23011, 12484, 33955, 226}, 4576131},
                        Case{"layer_sequential", {23011, 12595, 34571, 233}, 4600666}}) {
    CAPTURE(c.semantics);
    // The 5408-input Linear needs more fan-in than the default core's 4096 axons.
    const auto a =
        arch::load_arch("", {std::string("semantics=") + c.semantics, "core.fan_in=8192"});
    CompileOptions opt;
    opt.dt = 1;
    const auto r = compile_nir(testutil::shared("sanafe/conv_s1.nir"), a.config, a.hash, opt);
    GoldenExecutor g(r.net, a.config.semantics, precision_of(a.config));
    g.run_sample(0, frames);
    CHECK(g.stats().spikes == c.spikes);
    CHECK(g.stats().total_synaptic_events() == c.synaptic_events);
  }
}

TEST_CASE("golden executor is deterministic and resets state between samples") {
  b::RandomNetworkSpec spec;
  const auto graph = b::random_network(11, spec);
  const auto a = arch::load_arch("", {});
  CompileOptions opt;
  opt.dt = 1e-4;
  const auto r = testutil::compile_graph(graph, "rand", a, opt);
  const auto frames = testutil::random_frames(r.net.layers[0].size, 20, 0.2, 3);
  GoldenExecutor g1(r.net, a.config.semantics, precision_of(a.config));
  const auto o1 = g1.run_sample(0, frames);
  const auto o2 = g1.run_sample(1, frames);
  GoldenExecutor g2(r.net, a.config.semantics, precision_of(a.config));
  const auto o3 = g2.run_sample(0, frames);
  CHECK(o1.counts == o2.counts);
  CHECK(o1.counts == o3.counts);
}
