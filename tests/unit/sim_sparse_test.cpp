// Sparse convolution in the simulator (docs/execution-model.md, "Sparse convolution"): the
// plan the chip works out from an image, the active_since cascade in both semantics, and the
// gating of pairs and neuron updates by AU.SSC / AU.SSCS.
#include <catch2/catch.hpp>

#include "isa/error.h"
#include "sim_test_net.h"
#include "simmodel/run.h"
#include "simmodel/sparse_sites.h"

using namespace simtest;

namespace {

// input 1x4x4 -> AU.SSC (3x3, same) -> L1 1x4x4 -> AU.SSCS (3x3, stride 2, pad 1) -> L2 1x2x2.
Net chain(isa::Semantics sem, int32_t bias) {
  Net n;
  n.semantics = sem;
  n.layers = {layer(16), layer(16), layer(4)};
  n.layers[1].params.threshold = 0;  // fires on any positive v
  n.layers[1].params.bias = bias;
  n.layers[2].params.threshold = 0;
  n.layers[2].output = true;
  Edge a;
  a.src = 0, a.dst = 1, a.delay = sem == isa::Semantics::pipelined;
  a.au = isa::Opcode::au_ssc;
  a.geom = {1, 4, 4, 1, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1};
  a.weights.assign(9, 1);
  Edge c;
  c.src = 1, c.dst = 2, c.delay = a.delay;
  c.au = isa::Opcode::au_sscs;
  c.geom = {1, 4, 4, 1, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1};
  c.weights.assign(9, 1);
  n.edges = {a, c};
  return n;
}

isa::ProgramImage image_of(const Net& n) {
  isa::ProgramImage img = build_image(n);
  img.layers[0].shape = {1, 4, 4};
  img.layers[1].shape = {1, 4, 4};
  img.layers[2].shape = {1, 2, 2};
  return img;
}

isa::SpikeFrame frame(std::vector<uint32_t> idx) {
  isa::SpikeFrame f;
  f.index = idx;
  f.payload.assign(idx.size(), 1);
  return f;
}

}  // namespace

TEST_CASE("sim sparse: the plan comes from the image's shapes and AU opcodes", "[sim][sparse]") {
  const isa::ProgramImage img = image_of(chain(isa::Semantics::layer_sequential, 0));
  sim::SparseSites s(img);
  CHECK(s.any());
  CHECK(s.tracked(0));
  CHECK(s.tracked(1));
  CHECK(s.tracked(2));
  CHECK_FALSE(s.gated(0));
  CHECK(s.gated(1));
  CHECK(s.gated(2));
  CHECK(s.sites(2) == 4);
  // The same network with vanilla convs keeps no set.
  Net dense = chain(isa::Semantics::layer_sequential, 0);
  for (Edge& e : dense.edges) e.au = isa::Opcode::au_conv;
  CHECK_FALSE(sim::SparseSites(image_of(dense)).any());
  // A sparse conv fed by a layer that is not a CHW grid is refused.
  isa::ProgramImage flat = img;
  flat.layers[1].shape = {16};
  CHECK_THROWS_AS(sim::SparseSites{flat}, isa::InputError);
}

TEST_CASE("sim sparse: active_since follows the delays (layer_sequential vs pipelined)",
          "[sim][sparse]") {
  for (auto sem : {isa::Semantics::layer_sequential, isa::Semantics::pipelined}) {
    const uint32_t d = sem == isa::Semantics::pipelined;
    const isa::ProgramImage img = image_of(chain(sem, 0));  // SparseSites keeps pointers into it
    sim::SparseSites s(img);
    s.reset();
    std::vector<sim::SparseSites::Message> msgs;
    s.activate_input(frame({5}), 0, 2, msgs);  // site (1, 1) first occupied at step 2
    // host: (0, 5); L1: identity -> (1, 5); L2: (1, 1) lies in the windows of output (0, 0) only
    // (oy*2 - 1 + ky = 1 -> oy = 0 (ky = 2) or oy = 1 (ky = 0): both) -> 4 sites.
    REQUIRE(msgs.size() == 1 + 1 + 4);
    CHECK(msgs[0].layer == 0);
    CHECK(msgs[1].layer == 1);
    CHECK(msgs[1].since == 2 + d);
    CHECK(msgs[2].since == 2 + 2 * d);
    const uint32_t T = 10;
    CHECK_FALSE(s.active(1, 5, 1 + d, T));
    CHECK(s.active(1, 5, 2 + d, T));
    CHECK_FALSE(s.active(1, 6, 9, T));  // a neighbour: never
    CHECK(s.active(2, 3, 2 + 2 * d, T));
    CHECK_FALSE(s.active(2, 3, 1 + 2 * d, T));
    // The same site again: nothing new, no messages.
    msgs.clear();
    s.activate_input(frame({5}), 0, 3, msgs);
    CHECK(msgs.empty());
    // After the last step only one delayed hop arrives (golden's deliver_delayed).
    if (d) {
      s.reset();
      msgs.clear();
      s.activate_input(frame({0}), 0, T - 1, msgs);
      CHECK(s.active(1, 0, T, T));        // input -> L1, one hop
      CHECK_FALSE(s.active(2, 0, T, T));  // L1 -> L2 would be the step after
    }
  }
}

TEST_CASE("sim sparse: gating: inactive sites never update, pairs there are skipped",
          "[sim][sparse]") {
  for (auto sem : {isa::Semantics::layer_sequential, isa::Semantics::pipelined}) {
    CAPTURE(static_cast<int>(sem));
    const Net n = chain(sem, 1);  // a bias: every updated neuron of L1 fires every step
    const isa::ProgramImage img = image_of(n);
    arch::ArchConfig a = test_arch();
    a.semantics = sem;
    sim::RunOptions opt;
    opt.timesteps = 6;
    opt.record_layer_spikes = true;
    std::vector<isa::SpikeFrame> in(6);
    in[1] = frame({5});  // one site, at step 1
    const sim::RunResult r = sim::run_model(img, a, {in}, opt);
    const uint32_t d = sem == isa::Semantics::pipelined;
    for (uint32_t t = 0; t < 6; ++t) {
      const auto& l1 = r.layer_spikes[0][t][1];
      INFO("step " << t);
      if (t < 1 + d) {
        CHECK(l1.index.empty());  // no site active yet: the bias is not applied either
      } else {
        CHECK(l1.index == std::vector<uint32_t>{5});  // only the active site updates and fires
      }
    }
    const sim::Counters& c = r.layers[1];
    CHECK(c.skipped_pairs == 8);  // the input spike's 9 taps: 8 at inactive neighbours
    CHECK(c.synaptic_events == 1);
    CHECK(r.layers[2].skipped_pairs == 0);  // L2's four sites are active when L1's spikes land
    uint64_t msgs = 0;
    for (const sim::Counters& k : r.cores) msgs += k.site_messages;
    CHECK(msgs == 2);  // host -> core (layer 0), core -> core (layer 1); L2's sites feed nothing
  }
}

TEST_CASE("sim sparse: every site occupied at step 0 gives vanilla conv's spikes",
          "[sim][sparse]") {
  Lcg rng{41};
  Net sparse = chain(isa::Semantics::layer_sequential, 0);
  for (Edge& e : sparse.edges)
    for (auto& w : e.weights) w = rng.weight(3);
  Net dense = sparse;
  for (Edge& e : dense.edges) e.au = isa::Opcode::au_conv;
  std::vector<isa::SpikeFrame> in = random_input(rng, 16, 8, 40);
  std::vector<uint32_t> all(16);
  for (uint32_t i = 0; i < 16; ++i) all[i] = i;
  in[0] = frame(all);
  arch::ArchConfig a = test_arch();
  sim::RunOptions opt;
  opt.timesteps = 8;
  opt.record_layer_spikes = true;
  const auto rs = sim::run_model(image_of(sparse), a, {in}, opt);
  const auto rd = sim::run_model(image_of(dense), a, {in}, opt);
  CHECK(same(rs.layer_spikes[0], rd.layer_spikes[0]));
  CHECK(rs.layers[1].skipped_pairs + rs.layers[2].skipped_pairs == 0);
  CHECK(rs.layers[1].synaptic_events == rd.layers[1].synaptic_events);
}

TEST_CASE("sim sparse: a gated layer's update visits exactly the neurons at active sites",
          "[sim][sparse]") {
  // Bias 1: rest is not a fixed point, every visited neuron is stepped; bias 0: neurons at
  // rest are skipped and counted idle. Either way a dense sweep visits the active sites only.
  for (auto sem : {isa::Semantics::layer_sequential, isa::Semantics::pipelined})
    for (int32_t bias : {0, 1}) {
      CAPTURE(static_cast<int>(sem), bias);
      const Net n = chain(sem, bias);
      arch::ArchConfig a = test_arch();
      a.semantics = sem;
      sim::RunOptions opt;
      opt.timesteps = 6;
      std::vector<isa::SpikeFrame> in(6);
      in[1] = frame({5});   // site 5 from step 1
      in[3] = frame({15});  // site 15 from step 3
      const sim::RunResult r = sim::run_model(image_of(n), a, {in}, opt);
      const uint32_t d = sem == isa::Semantics::pipelined;
      const sim::Counters& c = r.layers[1];
      const uint64_t visited = (6 - (1 + d)) + (6 - (3 + d));
      CHECK(c.neuron_updates_active + c.neuron_updates_idle == visited);
      CHECK(c.neuron_updates_active == (bias ? visited : 2));  // bias 0: the two input steps
      CHECK(c.spikes == (bias ? visited : 2));
    }
}
