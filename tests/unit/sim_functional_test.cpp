// Spike-exactness of the simulator: small hand-built images in every AU mode, neuron model and
// schedule produce the spikes a direct reference loop computes (tests/unit/sim_test_net.h),
// under several chip configurations.
#include <catch2/catch.hpp>

#include "sim_test_net.h"
#include "simmodel/run.h"

using namespace simtest;

namespace {

// Runs the net on `a` and checks every layer's spikes at every step and the output counts.
sim::RunResult check(const Net& n, const std::vector<isa::SpikeFrame>& in, uint32_t T,
                     const arch::ArchConfig& a) {
  const isa::ProgramImage img = build_image(n, a.mesh.x, a.mesh.y);
  const Reference ref = reference(n, in, T, {uint8_t(a.core.v_bits), uint8_t(a.core.u_bits)});
  sim::RunOptions opt;
  opt.timesteps = T;
  opt.record_layer_spikes = true;
  arch::ArchConfig arch = a;
  arch.semantics = n.semantics;
  const sim::RunResult r = sim::run_model(img, arch, {in}, opt);
  REQUIRE(r.layer_spikes.size() == 1);
  REQUIRE(r.layer_spikes[0].size() == T);
  uint64_t spikes = 0;
  for (uint32_t t = 0; t < T; ++t)
    for (size_t l = 1; l < n.layers.size(); ++l) {
      INFO("step " << t << " layer " << l);
      CHECK(r.layer_spikes[0][t][l].index == ref.spikes[t][l].index);
      CHECK(r.layer_spikes[0][t][l].payload == ref.spikes[t][l].payload);
      spikes += ref.spikes[t][l].index.size();
    }
  CHECK(r.samples[0].output_counts == ref.outputs);
  CHECK(spikes > 0);  // the case exercises firing
  return r;
}

Net fc_net(Lcg& rng, uint32_t n_in, uint32_t n_out) {
  Net n;
  n.layers = {layer(n_in), layer(n_out)};
  n.layers[1].params.threshold = 6;
  n.layers[1].output = true;
  Edge e;
  for (uint32_t k = 0; k < n_in * n_out; ++k) e.weights.push_back(rng.weight(4));
  n.edges = {e};
  return n;
}

}  // namespace

TEST_CASE("sim: FC layer is spike-exact", "[sim]") {
  Lcg rng{1};
  const Net n = fc_net(rng, 16, 12);
  check(n, random_input(rng, 16, 10, 30), 10, test_arch());
}

TEST_CASE("sim: conv split over two cores is spike-exact", "[sim]") {
  Lcg rng{2};
  Net n;
  n.layers = {layer(2 * 5 * 5), layer(4 * 5 * 5)};
  n.layers[1].params.threshold = 3;
  n.layers[1].core = 0;
  n.layers[1].parts = 2;
  n.layers[1].output = true;
  Edge e;
  e.au = isa::Opcode::au_conv;
  e.geom = {2, 5, 5, 4, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1};
  for (int k = 0; k < 4 * 2 * 9; ++k) e.weights.push_back(rng.weight(3));
  n.edges = {e};
  check(n, random_input(rng, 50, 8, 25), 8, test_arch(2, 1));
}

TEST_CASE("sim: strided, dilated, grouped conv is spike-exact", "[sim]") {
  Lcg rng{3};
  Net n;
  n.layers = {layer(4 * 7 * 7), layer(4 * 3 * 3)};
  n.layers[1].params.threshold = 2;
  Edge e;
  e.au = isa::Opcode::au_conv;
  // in 4x7x7, out 4x3x3, k3, stride 2, pad 1, dilation 2, groups 2
  e.geom = {4, 7, 7, 4, 3, 3, 3, 3, 2, 2, 1, 1, 2, 2, 2};
  for (int k = 0; k < 4 * 2 * 9; ++k) e.weights.push_back(rng.weight(3));
  n.edges = {e};
  check(n, random_input(rng, 4 * 49, 6, 30), 6, test_arch());
}

TEST_CASE("sim: sum pooling is spike-exact", "[sim]") {
  Lcg rng{4};
  Net n;
  n.layers = {layer(2 * 4 * 4), layer(2 * 2 * 2)};
  n.layers[1].params.threshold = 1;
  n.layers[1].output = true;
  Edge e;
  e.au = isa::Opcode::au_pool;
  e.geom = {2, 4, 4, 2, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1, 1};
  e.weights = {3};  // the pool's shared weight register
  n.edges = {e};
  check(n, random_input(rng, 32, 6, 40), 6, test_arch());
}

TEST_CASE("sim: residual (elementwise) and three levels are spike-exact", "[sim]") {
  Lcg rng{5};
  Net n;
  n.layers = {layer(10), layer(10), layer(10)};
  n.layers[1].params.threshold = 2;
  n.layers[2].params.threshold = 3;
  n.layers[2].core = 1;
  n.layers[2].output = true;
  Edge a, b, c;
  for (int k = 0; k < 100; ++k) a.weights.push_back(rng.weight(3));
  b.src = 1;
  b.dst = 2;
  for (int k = 0; k < 100; ++k) b.weights.push_back(rng.weight(3));
  c.src = 0;
  c.dst = 2;
  c.au = isa::Opcode::au_elt;
  for (int k = 0; k < 10; ++k) c.weights.push_back(rng.weight(4));
  n.edges = {a, b, c};
  const auto r = check(n, random_input(rng, 10, 8, 40), 8, test_arch(2, 2));
  CHECK(build_image(n, 2, 2).phases_per_step == 3);
  CHECK(r.samples[0].step_cycles.size() == 8);
}

TEST_CASE("sim: recurrent delay-1 edge, LIF with leak, reset by subtraction", "[sim]") {
  Lcg rng{6};
  Net n = fc_net(rng, 12, 10);
  n.layers[1].upd = isa::Opcode::upd_lif;
  n.layers[1].params.decay_v = 600;
  n.layers[1].params.bias = 1;
  n.layers[1].reset = 1;
  n.layers[1].cmp = 1;
  Edge rec;
  rec.src = 1;
  rec.dst = 1;
  rec.delay = 1;
  for (int k = 0; k < 100; ++k) rec.weights.push_back(rng.weight(3));
  n.edges.push_back(rec);
  check(n, random_input(rng, 12, 12, 30), 12, test_arch());
}

TEST_CASE("sim: CUBA neurons and a leaky-integrator readout", "[sim]") {
  Lcg rng{7};
  Net n;
  n.layers = {layer(8), layer(8), layer(4)};
  n.layers[1].upd = isa::Opcode::upd_cuba;
  n.layers[1].params = {5, 0, 0, 1, 300, 1000};
  n.layers[2].upd = isa::Opcode::upd_li;
  n.layers[2].params.decay_v = 200;
  n.layers[2].output = true;
  Edge a, b;
  for (int k = 0; k < 64; ++k) a.weights.push_back(rng.weight(4));
  b.src = 1;
  b.dst = 2;
  for (int k = 0; k < 32; ++k) b.weights.push_back(rng.weight(5));
  n.edges = {a, b};
  const auto r = check(n, random_input(rng, 8, 10, 40), 10, test_arch());
  bool nonzero = false;
  for (int64_t v : r.samples[0].output_counts[0]) nonzero |= v != 0;
  CHECK(nonzero);
}

TEST_CASE("sim: graded input and graded spikes (shift-add) are spike-exact", "[sim]") {
  Lcg rng{8};
  Net n = fc_net(rng, 10, 8);
  n.layers[1].spike_bits = 3;
  n.layers[1].reset = 1;
  n.layers.push_back(layer(6));
  n.layers[2].params.threshold = 4;
  n.layers[2].output = true;
  n.layers[1].output = false;
  Edge b;
  b.src = 1;
  b.dst = 2;
  for (int k = 0; k < 48; ++k) b.weights.push_back(rng.weight(3));
  n.edges.push_back(b);
  const auto r = check(n, random_input(rng, 10, 8, 50, 7), 8, test_arch());
  bool graded = false;
  for (const auto& step : r.layer_spikes[0])
    for (uint32_t p : step[1].payload) graded |= p > 1;
  CHECK(graded);
}

TEST_CASE("sim: pipelined schedule is spike-exact", "[sim]") {
  Lcg rng{9};
  Net n;
  n.semantics = isa::Semantics::pipelined;
  n.layers = {layer(10), layer(10), layer(6)};
  n.layers[1].params.threshold = 2;
  n.layers[2].params.threshold = 2;
  n.layers[2].core = 1;
  n.layers[2].output = true;
  Edge a, b;
  a.delay = 1;
  for (int k = 0; k < 100; ++k) a.weights.push_back(rng.weight(3));
  b.src = 1;
  b.dst = 2;
  b.delay = 1;
  for (int k = 0; k < 60; ++k) b.weights.push_back(rng.weight(3));
  n.edges = {a, b};
  CHECK(build_image(n, 2, 1).phases_per_step == 1);
  check(n, random_input(rng, 10, 10, 40), 10, test_arch(2, 1));
}

TEST_CASE("sim: spikes do not depend on the chip configuration", "[sim]") {
  Lcg rng{10};
  Net n;
  n.layers = {layer(24), layer(20), layer(16), layer(8)};
  n.layers[1].params.threshold = 3;
  n.layers[1].parts = 3;
  n.layers[1].core = 0;
  n.layers[2].params.threshold = 3;
  n.layers[2].core = 3;
  n.layers[2].parts = 2;
  n.layers[3].params.threshold = 2;
  n.layers[3].core = 2;
  n.layers[3].output = true;
  Edge a, b, c, rec;
  for (int k = 0; k < 24 * 20; ++k) a.weights.push_back(rng.weight(3));
  b.src = 1;
  b.dst = 2;
  for (int k = 0; k < 20 * 16; ++k) b.weights.push_back(rng.weight(3));
  c.src = 2;
  c.dst = 3;
  for (int k = 0; k < 16 * 8; ++k) c.weights.push_back(rng.weight(3));
  rec.src = 2;
  rec.dst = 1;
  rec.delay = 1;
  for (int k = 0; k < 16 * 20; ++k) rec.weights.push_back(rng.weight(2));
  n.edges = {a, b, c, rec};
  const auto in = random_input(rng, 24, 10, 35);
  std::vector<uint64_t> cycles;
  for (int variant = 0; variant < 6; ++variant) {
    arch::ArchConfig a3 = test_arch(3, 2);
    switch (variant) {
      case 1:
        a3.noc.fidelity = arch::NocFidelity::flit;
        break;
      case 2:
        a3.noc.multicast = false;
        break;
      case 3:
        a3.core.update_policy = arch::NeuronUpdatePolicy::active_only;
        break;
      case 4:
        a3.noc.fidelity = arch::NocFidelity::flit;
        a3.noc.buffer_flits = 1;
        a3.core.input_queue_depth = 1;
        a3.noc.packet_bits = 64;
        break;
      case 5:
        a3.core.n_pe = 3;
        a3.core.membrane_banks = 3;
        a3.core.au_lanes = 1;
        break;
      default:
        break;
    }
    INFO("variant " << variant);
    cycles.push_back(check(n, in, 10, a3).total_cycles);
  }
  CHECK(cycles[0] != cycles[5]);  // the configurations do change the timing
}

TEST_CASE("sim: two runs are identical, samples are independent", "[sim]") {
  Lcg rng{11};
  const Net n = fc_net(rng, 16, 12);
  const isa::ProgramImage img = build_image(n);
  const auto in = random_input(rng, 16, 6, 40);
  sim::RunOptions opt;
  opt.timesteps = 6;
  opt.record_layer_spikes = true;
  const arch::ArchConfig a = test_arch();
  const sim::RunResult r1 = sim::run_model(img, a, {in, in}, opt);
  const sim::RunResult r2 = sim::run_model(img, a, {in, in}, opt);
  CHECK(r1.total_cycles == r2.total_cycles);
  CHECK(r1.cores == r2.cores);
  CHECK(r1.noc == r2.noc);
  REQUIRE(r1.layer_spikes.size() == r2.layer_spikes.size());
  for (size_t k = 0; k < r1.layer_spikes.size(); ++k)
    CHECK(same(r1.layer_spikes[k], r2.layer_spikes[k]));
  // State resets between samples: the same input gives the same spikes and timing.
  REQUIRE(r1.samples.size() == 2);
  CHECK(same(r1.layer_spikes[0], r1.layer_spikes[1]));
  CHECK(r1.samples[0].output_counts == r1.samples[1].output_counts);
  CHECK(r1.samples[0].cycles == r1.samples[1].cycles);
}

TEST_CASE("sim: the step observer can stop the run", "[sim]") {
  Lcg rng{12};
  const Net n = fc_net(rng, 8, 8);
  const isa::ProgramImage img = build_image(n);
  sim::RunOptions opt;
  opt.timesteps = 5;
  int calls = 0;
  const auto r = sim::run_model(img, test_arch(), {random_input(rng, 8, 5, 50)}, opt,
                                [&](uint32_t s, uint32_t t, const auto& layers) {
                                  CHECK(s == 0);
                                  CHECK(layers.size() == 2);
                                  ++calls;
                                  return t < 2;
                                });
  CHECK(calls == 3);
  CHECK(r.stopped_early);
}
