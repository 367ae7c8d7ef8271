// Probes: the simulator's per-step neuron state (sim::RunOptions::probes) equals the golden
// executor's (GoldenExecutor::state read in its step observer), for every neuron of every layer,
// on random LIF / CubaLIF / IF networks in both quantisations and both timestep semantics.
#include <catch2/catch.hpp>

#include "arch/loader.h"
#include "compiler/golden.h"
#include "compiler/nir_build.h"
#include "compiler_test_util.h"
#include "isa/error.h"
#include "simmodel/run.h"

namespace b = compiler::nir::build;

namespace {

bool same(const std::vector<isa::NeuronState>& x, const std::vector<isa::NeuronState>& y) {
  if (x.size() != y.size()) return false;
  for (size_t k = 0; k < x.size(); ++k)
    if (x[k].v != y[k].v || x[k].u != y[k].u) return false;
  return true;
}

}  // namespace

TEST_CASE("sim: probed v and u equal the golden executor's at every step", "[sim][probe]") {
  for (const char* preset : {"default", "loihi"}) {
    for (const char* neuron : {"LIF", "CubaLIF", "IF"}) {
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        INFO(preset << " " << neuron << " seed " << seed);
        b::RandomNetworkSpec spec;
        spec.input_shape = {12};
        spec.conv_layers = 0;
        spec.pool = false;
        spec.neuron = neuron;
        spec.max_width = 10;
        const auto a = arch::load_arch(preset, {"mesh.x=2", "mesh.y=2", "core.neurons=8"});
        compiler::CompileOptions opt;
        opt.dt = 1e-4;
        const auto r = testutil::compile_graph(b::random_network(seed, spec), "probe", a, opt);
        const auto frames = testutil::random_frames(r.net.layers[0].size, 30, 0.3, seed);
        const size_t L = r.net.layers.size();

        // Golden: the state of every neuron of every non-input layer after each step.
        std::vector<std::vector<std::vector<isa::NeuronState>>> want(L);  // [layer][step]
        compiler::GoldenExecutor g(r.net, a.config.semantics, compiler::precision_of(a.config));
        g.run_sample(0, frames, [&](uint32_t, uint32_t, const std::vector<isa::LayerSpikes>&) {
          for (size_t l = 1; l < L; ++l) want[l].push_back(g.state(l));
          return true;
        });

        sim::RunOptions ro;
        ro.timesteps = static_cast<uint32_t>(frames.size());
        for (uint32_t l = 1; l < L; ++l) ro.probes.push_back({l, {}});
        const uint32_t last = r.net.layers[1].size - 1;
        ro.probes.push_back({1, {last, 0}});  // a chosen subset, in the order given
        const sim::RunResult res = sim::run_model(r.code.image, a.config, {frames}, ro);
        REQUIRE(res.probes.size() == L);
        bool moved = false;  // the test can fail: some v must leave 0
        for (uint32_t l = 1; l < L; ++l) {
          const sim::ProbeTrace& t = res.probes[l - 1];
          REQUIRE(t.probe.neurons.size() == r.net.layers[l].size);
          REQUIRE(t.values.size() == 1);
          REQUIRE(t.values[0].size() == frames.size());
          for (size_t s = 0; s < frames.size(); ++s) {
            INFO("layer " << l << " step " << s);
            REQUIRE(same(t.values[0][s], want[l][s]));
            for (const isa::NeuronState& x : want[l][s]) moved |= x.v != 0;
          }
        }
        CHECK(moved);
        const sim::ProbeTrace& sub = res.probes.back();
        for (size_t s = 0; s < frames.size(); ++s)
          CHECK(same(sub.values[0][s], {want[1][s].at(last), want[1][s].at(0)}));
      }
    }
  }
}

TEST_CASE("sim: probes of the input layer or of a missing neuron are refused", "[sim][probe]") {
  b::RandomNetworkSpec spec;
  spec.input_shape = {4};
  spec.conv_layers = 0;
  spec.pool = false;
  spec.fc_layers = 1;
  spec.recurrent = false;
  const auto a = arch::load_arch("", {});
  compiler::CompileOptions opt;
  opt.dt = 1e-4;
  const auto r = testutil::compile_graph(b::random_network(5, spec), "probe-bad", a, opt);
  sim::RunOptions ro;
  ro.timesteps = 2;
  ro.probes = {{0, {}}};
  CHECK_THROWS_AS(sim::run_model(r.code.image, a.config, {{}}, ro), isa::InputError);
  ro.probes = {{1, {r.net.layers[1].size}}};
  CHECK_THROWS_WITH(sim::run_model(r.code.image, a.config, {{}}, ro), Catch::Contains("no neuron"));
  ro.probes = {{9, {}}};
  CHECK_THROWS_WITH(sim::run_model(r.code.image, a.config, {{}}, ro),
                    Catch::Contains("does not exist"));
}
