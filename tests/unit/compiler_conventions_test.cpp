// The input fixed point chosen from the inputs and its error, the framework profiles, the
// smallest mesh --fit grows to, and neuron parameters broadcast per channel.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "compiler/conventions.h"
#include "compiler/input_fixed_point.h"
#include "compiler/mapping.h"
#include "compiler/nir.h"
#include "compiler/nir_build.h"
#include "isa/error.h"

using namespace compiler;

TEST_CASE("input fixed point: spikes and counts need no fraction bits", "[input]") {
  const std::vector<float> spikes{0, 1, 1, 0, 1};
  CHECK(choose_input_frac_bits(spikes, 8) == 0);
  const std::vector<float> counts{0, 3, 17, 255};
  CHECK(choose_input_frac_bits(counts, 8) == 0);
  CHECK(measure_input_quantisation(counts, 0, 8).max_abs_error == 0);
  CHECK(choose_input_frac_bits(std::vector<float>{0, 0}, 8) == 0);  // no input at all
}

TEST_CASE("input fixed point: the fewest bits that are exact, when they fit", "[input]") {
  std::vector<float> sixteenths;  // sklearn digits / 16: 0, 1/16 .. 1
  for (int p = 0; p <= 16; ++p) sixteenths.push_back(static_cast<float>(p) / 16.0f);
  CHECK(choose_input_frac_bits(sixteenths, 8) == 4);
  const InputQuantReport r = measure_input_quantisation(sixteenths, 4, 8);
  CHECK(r.max_abs_error == 0);
  CHECK(r.range == 1.0);
  CHECK(r.values == 16);
  // At 0 bits, as before the choice: x < 0.5 vanishes, the error is half the range.
  const InputQuantReport coarse = measure_input_quantisation(sixteenths, 0, 8);
  CHECK(coarse.max_abs_error == Approx(0.5));
  CHECK(coarse.dropped == 8);  // 1/16 .. 8/16 round to 0 (half to even)
  CHECK(coarse.relative_error() > kInputWarnRelativeError);
}

TEST_CASE("input fixed point: the finest resolution that keeps the largest value", "[input]") {
  std::vector<float> x;  // pixel / 255: not exact at any small number of bits
  for (int p = 0; p <= 255; ++p) x.push_back(static_cast<float>(p) / 255.0f);
  // 8-bit payloads: 1.0 * 2^7 = 128 fits 255, 2^8 = 256 does not.
  CHECK(choose_input_frac_bits(x, 8) == 7);
  CHECK(choose_input_frac_bits(x, 12) == 11);
  const InputQuantReport r = measure_input_quantisation(x, 7, 8);
  CHECK(r.saturated == 0);
  CHECK(r.max_abs_error <= std::ldexp(1.0, -8) + 1e-9);  // half a step of 2^-7
  CHECK(r.relative_error() < kInputWarnRelativeError);
}

TEST_CASE("input fixed point: values beyond the payload saturate and say so", "[input]") {
  const std::vector<float> x{100, 300, 1000};
  CHECK(choose_input_frac_bits(x, 8) == 0);
  const InputQuantReport r = measure_input_quantisation(x, 0, 8);
  CHECK(r.saturated == 2);
  CHECK(r.max_abs_error == Approx(745));
  CHECK(describe(r).find("2 of 3 values saturated") != std::string::npos);
}

TEST_CASE("input fixed point: tiny values get many bits, never more than 31", "[input]") {
  const std::vector<float> x{1e-6f, 3e-7f};
  const uint32_t f = choose_input_frac_bits(x, 8);
  CHECK(f <= 31);
  CHECK(std::nearbyint(1e-6 * std::ldexp(1.0, static_cast<int>(f))) <= 255);
  CHECK(measure_input_quantisation(x, f, 8).relative_error() < kInputWarnRelativeError);
}

TEST_CASE("profiles: every framework named in the issue, with NIR.md's conventions", "[profile]") {
  for (const char* name :
       {"snntorch", "norse", "sinabs", "spikingjelly", "lava-dl", "rockpool", "spyx", "nengo"})
    CHECK(find_profile(name) != nullptr);
  CHECK(find_profile("torch") == nullptr);
  const FrameworkProfile& snn = *find_profile("snntorch");
  CHECK(snn.dt == 1e-4);
  CHECK(snn.discretisation == Discretisation::euler);
  CHECK(snn.reset == isa::ResetMode::to_value);
  CHECK(snn.compare == isa::Compare::gt);
  const FrameworkProfile& sinabs = *find_profile("sinabs");
  CHECK(sinabs.dt == 1);
  CHECK(sinabs.discretisation == Discretisation::exact_unscaled);
  CHECK(sinabs.reset == isa::ResetMode::subtract);
  CHECK(sinabs.compare == isa::Compare::ge);
  CHECK(find_profile("spikingjelly")->compare == isa::Compare::ge);
  CHECK(find_profile("norse")->dt == 1e-3);
}

TEST_CASE("conventions: names round-trip, unknown names are refused", "[profile]") {
  for (auto d : {Discretisation::euler, Discretisation::exact, Discretisation::exact_unscaled})
    CHECK(parse_discretisation(name_of(d)) == d);
  for (auto r : {isa::ResetMode::to_value, isa::ResetMode::subtract})
    CHECK(parse_reset(name_of(r)) == r);
  for (auto c : {isa::Compare::gt, isa::Compare::ge}) CHECK(parse_compare(name_of(c)) == c);
  CHECK_FALSE(parse_reset("zero").has_value());
  CHECK_FALSE(parse_discretisation("Euler").has_value());
}

TEST_CASE("smallest mesh: near-square, never smaller than the chosen one", "[fit]") {
  const auto mesh = [](uint32_t cores, uint32_t x, uint32_t y) {
    const arch::MeshConfig m = smallest_mesh(cores, {x, y});
    return std::pair(m.x, m.y);
  };
  CHECK(mesh(29, 4, 4) == std::pair(6u, 5u));
  CHECK(mesh(16, 4, 4) == std::pair(4u, 4u));
  CHECK(mesh(17, 4, 4) == std::pair(5u, 4u));
  CHECK(mesh(3, 1, 1) == std::pair(2u, 2u));  // 3x1 would be a line
  CHECK(mesh(221, 1, 1) == std::pair(17u, 13u));
  CHECK(mesh(10, 8, 1) == std::pair(8u, 2u));  // a long mesh may stay long
  CHECK(mesh(2000, 1024, 1) == std::pair(1024u, 2u));
}

TEST_CASE("neuron parameters broadcast as NumPy does: per channel (C, 1, 1)", "[broadcast]") {
  namespace build = nir::build;
  // input 2x2x2 -> conv 3x2x1x1 -> LIF 3x2x2 with tau per channel (3, 1, 1) and r per column.
  nir::Graph g;
  g.nodes = {build::input("in", {2, 2, 2}),
             build::conv2d("conv", {3, 2, 1, 1}, std::vector<double>(6, 1.0), {0, 0, 0}),
             build::lif("lif", {3, 2, 2}, 1e-3, 1.0, 0.0, 1.0), build::output("out", {3, 2, 2})};
  build::chain(g, {"in", "conv", "lif", "out"});
  for (auto& n : g.nodes) {
    if (n.name != "lif") continue;
    n.arrays["tau"] = nir::Array{{3, 1, 1}, {1.0, 2.0, 3.0}};
    n.arrays["r"] = nir::Array{{2}, {10.0, 20.0}};
  }
  std::sort(g.nodes.begin(), g.nodes.end(),
            [](const nir::Node& a, const nir::Node& b) { return a.name < b.name; });
  const Network net = import_nir(g, "bc.nir", CompileOptions{});
  const Layer& l = net.layers.at(1);
  CHECK(l.nir.tau == std::vector<double>{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
  CHECK(l.nir.r == std::vector<double>{10, 20, 10, 20, 10, 20, 10, 20, 10, 20, 10, 20});
  // A shape that does not broadcast is refused, naming both shapes.
  for (auto& n : g.nodes)
    if (n.name == "lif") n.arrays["tau"] = nir::Array{{2, 1, 1}, {1.0, 2.0}};
  try {
    (void)import_nir(g, "bc.nir", CompileOptions{});
    FAIL("a (2, 1, 1) tau on a 3x2x2 layer was accepted");
  } catch (const isa::InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("'tau' has shape"));
    CHECK_THAT(e.what(), Catch::Contains("does not broadcast to the layer's"));
  }
}
