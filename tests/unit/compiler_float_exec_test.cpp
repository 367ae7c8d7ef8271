// The float executor against the golden executor where both are exact (integer IF networks),
// against the exact LIF solution of the NIR paper, on unquantised graded input, and the spike
// agreement metric on a hand-computed case.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "compiler/float_exec.h"
#include "compiler/golden.h"
#include "compiler/nir_build.h"
#include "compiler_test_util.h"
#include "isa/error.h"

using namespace compiler;
namespace b = compiler::nir::build;

namespace {

// Input 2x6x6 -> Conv2d 3x2x3x3 (pad 1) -> IF -> SumPool2d 2x2 -> Flatten -> Affine 4x27
// (+ bias) -> IF -> Output, plus a recurrent integer Linear on the second IF layer: every
// value is an integer (or a half), so quantisation is exact and both executors must agree.
nir::Graph int_if_network(uint64_t seed) {
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::uniform_int_distribution<int> w(-3, 5);
  std::vector<double> conv_w(3 * 2 * 3 * 3), fc_w(4 * 27), rec_w(4 * 4);
  for (auto* v : {&conv_w, &fc_w, &rec_w})
    for (auto& x : *v) x = w(rng);
  b::Conv2dParams cp;
  cp.padding = {1, 1};
  cp.input_shape = {6, 6};
  nir::Graph g;
  g.nodes = {b::input("in", {2, 6, 6}),
             b::conv2d("conv", {3, 2, 3, 3}, conv_w, {0, 0, 0}, cp),
             b::if_neuron("if1", {3, 6, 6}, 1.0, 4.0),
             b::sum_pool2d("pool", {2, 2}, {2, 2}),
             b::flatten_node("flat", {3, 3, 3}),
             b::affine("fc", 4, 27, fc_w, {0.5, 0, -1, 0}),
             b::if_neuron("if2", {4}, 1.0, 6.0),
             b::linear("rec", 4, 4, rec_w),
             b::output("out", {4})};
  b::chain(g, {"in", "conv", "if1", "pool", "flat", "fc", "if2", "out"});
  b::chain(g, {"if2", "rec", "if2"});
  return g;
}

std::vector<FloatFrame> to_float(const std::vector<isa::SpikeFrame>& frames) {
  std::vector<FloatFrame> out;
  for (const auto& f : frames) {
    FloatFrame ff;
    ff.index = f.index;
    for (uint32_t p : f.payload) ff.value.push_back(p);
    out.push_back(ff);
  }
  return out;
}

}  // namespace

TEST_CASE("float executor equals the golden executor on integer IF networks") {
  for (const auto mode : {ConvMode::dense, ConvMode::sparse})
    for (const bool pipelined : {false, true}) {
      for (uint64_t seed = 1; seed <= 4; ++seed) {
        CAPTURE(mode == ConvMode::sparse, pipelined, seed);
        const auto a =
            arch::load_arch("", {pipelined ? "semantics=pipelined" : "semantics=layer_sequential"});
        CompileOptions opt;
        opt.dt = 1;
        opt.conv_mode = mode;  // sparse: submanifold conv, active sites gate the fan-out
        const auto r = testutil::compile_graph(int_if_network(seed), "float_int", a, opt);
        const auto frames = testutil::random_frames(72, 40, 0.3, seed);
        GoldenExecutor g(r.net, a.config.semantics, precision_of(a.config));
        std::vector<std::vector<isa::LayerSpikes>> want;
        const auto go = g.run_sample(0, frames, [&](uint32_t, uint32_t, const auto& layers) {
          want.push_back(layers);
          return true;
        });
        FloatExecutor f(r.float_net, a.config.semantics);
        uint64_t steps = 0;
        const auto fo =
            f.run_sample(0, to_float(frames), [&](uint32_t, uint32_t t, const auto& layers) {
              REQUIRE(t < want.size());
              REQUIRE(layers.size() == want[t].size());
              for (size_t l = 0; l < layers.size(); ++l) {
                CAPTURE(t, l);
                REQUIRE(layers[l] == want[t][l]);
              }
              ++steps;
              return true;
            });
        CHECK(steps == want.size());
        CHECK(f.stats().spikes == g.stats().spikes);
        CHECK(f.stats().spike_packets == g.stats().spike_packets);
        CHECK(f.stats().synaptic_events == g.stats().synaptic_events);
        CHECK(f.stats().dense_ops == g.stats().dense_ops);
        CHECK(f.stats().neuron_updates == g.stats().neuron_updates);
        CHECK(f.stats().skipped_ops == g.stats().skipped_ops);
        CHECK(f.stats().site_activations == g.stats().site_activations);
        if (mode == ConvMode::sparse) CHECK(g.stats().skipped_ops[1] > 0);
        REQUIRE(fo.counts.size() == go.counts.size());
        for (size_t k = 0; k < go.counts[0].size(); ++k)
          CHECK(fo.counts[0][k] == double(go.counts[0][k]));
        CHECK(fo.predicted == go.predicted);
        uint64_t hidden = 0;
        for (size_t l = 1; l < g.stats().spikes.size(); ++l) hidden += g.stats().spikes[l];
        CHECK(hidden > 50);  // real activity in the spiking layers
      }
    }
}

TEST_CASE("float executor gives the exact LIF spikes on lif_norse.nir (dt = 0.1 ms)") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  std::ifstream csv(testutil::shared("nir/lif_crossplatform/lif_exact.csv"));
  REQUIRE(csv.good());
  std::vector<FloatFrame> frames;
  std::string line;
  while (std::getline(csv, line)) {
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream ss(line);
    double x = 0;
    ss >> x;
    FloatFrame f;
    if (x != 0) f.index = {0}, f.value = {x};
    frames.push_back(f);
  }
  REQUIRE(frames.size() == 1000);
  const auto a = arch::load_arch("", {});
  CompileOptions opt;
  opt.dt = 1e-4;
  const auto r = compile_nir(testutil::shared("nir/lif_norse.nir"), a.config, a.hash, opt);
  FloatExecutor f(r.float_net, a.config.semantics);
  std::vector<uint32_t> spikes;
  f.run_sample(0, frames, [&](uint32_t, uint32_t t, const std::vector<isa::LayerSpikes>& layers) {
    for (size_t l = 1; l < layers.size(); ++l)
      if (!layers[l].index.empty()) spikes.push_back(t);
    return true;
  });
  CHECK(spikes == std::vector<uint32_t>{460, 510, 710, 760});
}

TEST_CASE("float executor feeds graded input unquantised") {
  // Input(1) -> Linear 1 -> IF (threshold 1): x = 0.3 per step. The host quantises 0.3 to
  // payload 0 (no input frac bits) so the chip never fires; the float reference crosses 1 at
  // the fourth step (1.2 > 1), resets, and fires every fourth step.
  nir::Graph g;
  g.nodes = {b::input("in", {1}), b::linear("w", 1, 1, {1.0}), b::if_neuron("n", {1}, 1.0, 1.0),
             b::output("out", {1})};
  b::chain(g, {"in", "w", "n", "out"});
  const auto a = arch::load_arch("", {});
  CompileOptions opt;
  opt.dt = 1;
  const auto r = testutil::compile_graph(g, "graded", a, opt);
  const std::vector<float> x{0.3f};
  std::vector<FloatFrame> steps(12, float_frame(x));
  REQUIRE(steps[0].value.size() == 1);
  FloatExecutor f(r.float_net, a.config.semantics);
  std::vector<uint32_t> fired;
  f.run_sample(0, steps, [&](uint32_t, uint32_t t, const std::vector<isa::LayerSpikes>& layers) {
    if (!layers[1].index.empty()) fired.push_back(t);
    return true;
  });
  CHECK(fired == std::vector<uint32_t>{3, 7, 11});
  std::vector<isa::SpikeFrame> q(12, quantise_frame(x, r.net.input_frac_bits, 8));
  GoldenExecutor gx(r.net, a.config.semantics, precision_of(a.config));
  gx.run_sample(0, q);
  CHECK(gx.stats().spikes[1] == 0);
  CHECK_THROWS_AS(float_frame(std::vector<float>{-1.0f}), isa::InputError);
}

TEST_CASE("spike agreement counts (step, neuron) decisions and the first divergence") {
  Network net;
  net.layers.resize(4);
  net.layers[0] = Layer{.name = "in", .size = 3, .kind = NeuronKind::input};
  net.layers[1] = Layer{.name = "a", .size = 4, .kind = NeuronKind::lif};
  net.layers[2] = Layer{.name = "b", .size = 2, .kind = NeuronKind::if_};
  net.layers[3] = Layer{.name = "readout", .size = 2, .kind = NeuronKind::li};
  SpikeAgreement s(net);
  REQUIRE(s.layers().size() == 2);  // the input and the non-spiking readout are not compared
  const auto sp = [](std::vector<uint32_t> i, std::vector<uint32_t> p) {
    return isa::LayerSpikes{std::move(i), std::move(p)};
  };
  using Step = std::vector<isa::LayerSpikes>;
  // Sample 0: layer a differs at step 0 (neuron 3 only in the reference) and at step 2 (graded
  // payload 2 vs 1); layer b agrees.
  s.add_step(0, 0, Step{sp({0}, {1}), sp({1, 3}, {1, 1}), sp({}, {}), {}},
             Step{sp({0}, {1}), sp({1}, {1}), sp({}, {}), {}});
  s.add_step(0, 1, Step{{}, sp({0}, {1}), sp({1}, {1}), {}},
             Step{{}, sp({0}, {1}), sp({1}, {1}), {}});
  s.add_step(0, 2, Step{{}, sp({2}, {2}), sp({}, {}), {}}, Step{{}, sp({2}, {1}), sp({}, {}), {}});
  // Sample 1: layer b differs at step 1 (neuron 0 only in the compared run).
  s.add_step(1, 0, Step{{}, {}, {}, {}}, Step{{}, {}, {}, {}});
  s.add_step(1, 1, Step{{}, {}, sp({1}, {1}), {}}, Step{{}, {}, sp({0, 1}, {1, 1}), {}});
  const auto& la = s.layers()[0];
  CHECK(la.layer == "a");
  CHECK(la.decisions == 5 * 4);
  CHECK(la.disagreements == 2);
  CHECK(la.agreement() == Approx(18.0 / 20.0));
  CHECK(la.reference_spikes == 1 + 1 + 1 + 2);
  CHECK(la.compared_spikes == 1 + 1 + 1);
  CHECK(la.first_divergence_sample == 0);
  CHECK(la.first_divergence_step == 0);
  const auto& lb = s.layers()[1];
  CHECK(lb.decisions == 5 * 2);
  CHECK(lb.disagreements == 1);
  CHECK(lb.first_divergence_sample == 1);
  CHECK(lb.first_divergence_step == 1);
  const auto t = s.total();
  CHECK(t.decisions == 30);
  CHECK(t.disagreements == 3);
  CHECK(t.agreement() == Approx(27.0 / 30.0));
  CHECK(t.first_divergence_sample == 0);
  CHECK(t.first_divergence_step == 0);
}
