// core.quantisation = lava_loihi: the NIR repository's Lava script's fixed point for Loihi
// (truncations, weights << 6, Loihi's ds_offset on the current decay), and the report's notes.
#include <catch2/catch.hpp>

#include "arch/loader.h"
#include "compiler/nir_build.h"
#include "compiler_test_util.h"

namespace b = compiler::nir::build;

namespace {

compiler::nir::Graph one_neuron(compiler::nir::Node neuron, double w) {
  compiler::nir::Graph g;
  g.nodes.push_back(b::input("in", {2}));
  g.nodes.push_back(b::affine("fc", 1, 2, {w, -w}, {0.0}));
  neuron.name = "n";
  g.nodes.push_back(neuron);
  g.nodes.push_back(b::output("out", {1}));
  b::chain(g, {"in", "fc", "n", "out"});
  return g;
}

compiler::CompileResult compile_on(const compiler::nir::Graph& g, const std::string& preset) {
  const auto a = arch::load_arch(preset, {});
  compiler::CompileOptions opt;
  opt.dt = 1e-4;
  return testutil::compile_graph(g, "lava-" + preset, a, opt);
}

}  // namespace

TEST_CASE("lava_loihi: the loihi preset maps a LIF as the Lava script does", "[compiler][quant]") {
  CHECK(arch::load_arch("loihi", {}).config.core.quantisation ==
        arch::QuantisationMode::lava_loihi);
  CHECK(arch::load_arch("", {}).config.core.quantisation == arch::QuantisationMode::power_of_two);
  // lif_norse.nir's neuron: tau = 2.5 ms, R = 1, threshold 0.1; dt = 0.1 ms gives a = 0.04.
  const auto r = compile_on(one_neuron(b::lif("n", {1}, 0.0025, 1.0, 0.0, 0.1), 1.0), "loihi");
  const compiler::Layer& l = r.net.layers.at(1);
  REQUIRE(l.inputs.size() == 1);
  CHECK(l.inputs[0].qweight == std::vector<int16_t>{10, -10});  // trunc(+-0.04 x 256)
  CHECK(l.inputs[0].weight_shift == 6);
  REQUIRE(l.qparams.size() == 1);
  CHECK(l.qparams[0].threshold == 1600);  // (trunc(0.1 x 131071) >> 9) << 6 = 25 << 6
  CHECK(l.qparams[0].v_reset == 0);
  CHECK(l.qparams[0].decay_v == 163);   // trunc(0.04 x 4095), not round(0.04 x 4096) = 164
  CHECK(l.qparams[0].decay_u == 4096);  // LIF: Lava's du = 4095 + ds_offset 1, u = input
  CHECK(l.scale == 16384);
  REQUIRE(r.quant.size() == 1);
  CHECK_THAT(r.quant[0].notes, Catch::Contains("decay_v 0.04 -> 163/4096 (x4095, truncated)"));
  CHECK_THAT(r.quant[0].notes, Catch::Contains("0.04 -> 10 << 6"));
  CHECK_THAT(r.quant[0].notes, Catch::Contains("threshold 0.1 -> 25 << 6 = 1600"));

  // The default chip keeps its own mapping (round to nearest, power-of-two scale) and no notes.
  const auto d = compile_on(one_neuron(b::lif("n", {1}, 0.0025, 1.0, 0.0, 0.1), 1.0), "default");
  CHECK(d.net.layers.at(1).qparams[0].decay_v == 164);
  CHECK(d.quant.at(0).notes.empty());
}

TEST_CASE("lava_loihi: CubaLIF adds Loihi's ds_offset to the current decay; IF has no leak",
          "[compiler][quant]") {
  // tau_syn = 5 ms -> a_s = 0.02; r = tau_mem/dt = 25 (the script's requirement), w_in = 1:
  // the weight is a_m r a_s w_in W = 0.02 W.
  const auto r = compile_on(
      one_neuron(b::cuba_lif("n", {1}, 0.005, 0.0025, 25.0, 0.0, 0.5, 1.0), 2.0), "loihi");
  const compiler::Layer& l = r.net.layers.at(1);
  CHECK(l.inputs[0].qweight == std::vector<int16_t>{10, -10});
  CHECK(l.qparams[0].decay_v == 163);
  CHECK(l.qparams[0].decay_u == 82);          // trunc(0.02 x 4095) = 81, + 1
  CHECK(l.qparams[0].threshold == 127 << 6);  // trunc(0.5 x 131071) = 65535, >> 9 = 127
  CHECK_THAT(r.quant.at(0).notes, Catch::Contains("decay_u 0.02 -> 82/4096"));

  const auto i = compile_on(one_neuron(b::if_neuron("n", {1}, 1e4, 1.0), 0.5), "loihi");
  CHECK(i.net.layers.at(1).qparams[0].decay_v == 0);
  CHECK(i.net.layers.at(1).inputs[0].qweight == std::vector<int16_t>{128, -128});  // dt R W = .5
  CHECK(i.net.layers.at(1).qparams[0].threshold == 255 << 6);

  // Weights beyond the mantissa raise the projection's weight exponent (Loihi's weight_exp):
  // dt R W = 3 -> x256 = 768 > 255, so e = 2: trunc(3 x 64) = 192 << (6 + 2), exact.
  const auto big = compile_on(one_neuron(b::if_neuron("n", {1}, 1e4, 1.0), 3.0), "loihi");
  CHECK(big.net.layers.at(1).inputs[0].qweight == std::vector<int16_t>{192, -192});
  CHECK(big.net.layers.at(1).inputs[0].weight_shift == 8);
  CHECK(big.quant.at(0).saturated == 0);
  CHECK_THAT(big.quant.at(0).notes, Catch::Contains("weight exponent 2"));
  // Past the largest exponent (7: x2) the rest clip to +-(2^(weight_bits-1) - 1), counted.
  const auto huge = compile_on(one_neuron(b::if_neuron("n", {1}, 1e4, 1.0), 400.0), "loihi");
  CHECK(huge.net.layers.at(1).inputs[0].qweight == std::vector<int16_t>{255, -255});
  CHECK(huge.net.layers.at(1).inputs[0].weight_shift == 13);
  CHECK(huge.quant.at(0).saturated == 2);
}
