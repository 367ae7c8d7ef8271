// The SystemC kernel on a 2x2 mesh: sim::simulate (modules, events, kernel time) must return
// exactly what the kernel-free driver sim::run_model computes (spikes, cycles, counters), and
// both must match the reference loop; both record the same timeline (flit NoC). One elaboration
// per process: one simulate() call.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <stdexcept>

#include "sim_test_net.h"
#include "simmodel/timeline.h"
#include "simsysc/simulate.h"

using namespace simtest;

TEST_CASE("sysc: a 2x2 chip under the kernel equals the plain model and the reference",
          "[sim][sysc]") {
  Lcg rng{42};
  Net n;
  n.layers = {layer(20), layer(16), layer(12), layer(6)};
  n.layers[1].params.threshold = 3;
  n.layers[1].parts = 2;
  n.layers[1].core = 0;
  n.layers[2].params.threshold = 2;
  n.layers[2].core = 2;
  n.layers[2].upd = isa::Opcode::upd_lif;
  n.layers[2].params.decay_v = 500;
  n.layers[3].params.threshold = 2;
  n.layers[3].core = 3;
  n.layers[3].output = true;
  Edge a, b, c, rec;
  for (int k = 0; k < 20 * 16; ++k) a.weights.push_back(rng.weight(3));
  b.src = 1;
  b.dst = 2;
  for (int k = 0; k < 16 * 12; ++k) b.weights.push_back(rng.weight(3));
  c.src = 2;
  c.dst = 3;
  for (int k = 0; k < 12 * 6; ++k) c.weights.push_back(rng.weight(3));
  rec.src = 3;
  rec.dst = 2;
  rec.delay = 1;
  for (int k = 0; k < 6 * 12; ++k) rec.weights.push_back(rng.weight(2));
  n.edges = {a, b, c, rec};
  const uint32_t T = 8;
  const std::vector<std::vector<isa::SpikeFrame>> inputs = {random_input(rng, 20, T, 35),
                                                            random_input(rng, 20, T, 20)};
  arch::ArchConfig arch = test_arch(2, 2);
  arch.noc.fidelity = arch::NocFidelity::flit;
  const isa::ProgramImage img = build_image(n, 2, 2);
  sim::RunOptions opt;
  opt.timesteps = T;
  opt.record_layer_spikes = true;
  uint32_t observed = 0;
  sim::Timeline kt(img, arch, {}), mt(img, arch, {});
  opt.trace = &kt;
  const sim::RunResult k =
      sim::simulate(img, arch, inputs, opt, [&](uint32_t, uint32_t, const auto&) {
        ++observed;
        return true;
      });
  opt.trace = &mt;
  const sim::RunResult m = sim::run_model(img, arch, inputs, opt);
  opt.trace = nullptr;
  CHECK(kt.events() == mt.events());
  CHECK(kt.ports().size() > 0);  // the flit NoC reports its ports held
  CHECK(kt.perfetto_json() == mt.perfetto_json());
  CHECK(kt.vcd() == mt.vcd());
  CHECK(observed == 2 * T);
  CHECK(k.total_cycles == m.total_cycles);
  REQUIRE(k.samples.size() == 2);
  for (size_t s = 0; s < 2; ++s) {
    CHECK(k.samples[s].step_cycles == m.samples[s].step_cycles);
    CHECK(k.samples[s].output_counts == m.samples[s].output_counts);
    CHECK(same(k.layer_spikes[s], m.layer_spikes[s]));
    const Reference ref = reference(n, inputs[s], T);
    for (uint32_t t = 0; t < T; ++t)
      for (size_t l = 1; l < n.layers.size(); ++l) {
        INFO("sample " << s << " step " << t << " layer " << l);
        CHECK(k.layer_spikes[s][t][l].index == ref.spikes[t][l].index);
        CHECK(k.layer_spikes[s][t][l].payload == ref.spikes[t][l].payload);
      }
  }
  CHECK(k.cores == m.cores);
  CHECK(k.noc == m.noc);
  CHECK(k.synaptic_events > 0);
  CHECK(k.energy.total_pj == Approx(m.energy.total_pj));
  // One elaboration per process.
  CHECK_THROWS_AS(sim::simulate(img, arch, inputs, opt), std::logic_error);
}
