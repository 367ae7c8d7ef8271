// Property: random networks on random chip configurations (mesh sizes, PE, bank, port, lane and
// queue counts, both NoC fidelities, multicast on/off, update policies, both timestep
// semantics) give exactly the spikes of the reference loop. Also: bad images are rejected.
#include <catch2/catch.hpp>

#include "isa/error.h"
#include "sim_test_net.h"
#include "simmodel/run.h"

using namespace simtest;

namespace {

template <class T>
T pick(Lcg& rng, std::initializer_list<T> xs) {
  return *(xs.begin() + rng.next() % xs.size());
}

arch::ArchConfig random_arch(Lcg& rng) {
  arch::ArchConfig a = test_arch(1 + rng.next() % 3, 1 + rng.next() % 3);
  a.core.n_pe = pick(rng, {1u, 3u, 8u});
  a.core.membrane_banks = pick(rng, {1u, 3u, 8u});
  a.core.membrane_ports = pick(rng, {1u, 2u});
  a.core.au_lanes = pick(rng, {1u, 4u});
  a.core.synapse_banks = pick(rng, {1u, 4u});
  a.core.input_queue_depth = pick(rng, {1u, 4u, 64u});
  a.core.neuron_updates_per_cycle = pick(rng, {1u, 4u});
  a.core.v_bits = pick(rng, {12u, 24u});
  a.core.update_policy = rng.next() % 2 ? arch::NeuronUpdatePolicy::active_only
                                        : arch::NeuronUpdatePolicy::dense_sweep;
  a.noc.fidelity = rng.next() % 2 ? arch::NocFidelity::flit : arch::NocFidelity::reservation;
  a.noc.multicast = rng.next() % 2;
  a.noc.buffer_flits = pick(rng, {1u, 2u, 4u});
  a.noc.packet_bits = pick(rng, {32u, 64u});
  a.noc.router_latency_cycles = pick(rng, {1u, 2u});
  return a;
}

Net random_net(Lcg& rng, uint32_t cores, bool pipelined) {
  Net n;
  n.semantics = pipelined ? isa::Semantics::pipelined : isa::Semantics::layer_sequential;
  const uint32_t depth = 2 + rng.next() % 3;
  n.layers.push_back(layer(4 + rng.next() % 20));
  for (uint32_t l = 1; l <= depth; ++l) {
    Layer L = layer(4 + rng.next() % 24);
    L.params.threshold = 2 + rng.next() % 5;
    L.upd = pick(rng, {isa::Opcode::upd_if, isa::Opcode::upd_lif, isa::Opcode::upd_cuba});
    if (L.upd != isa::Opcode::upd_if) L.params.decay_v = rng.next() % 1000;
    if (L.upd == isa::Opcode::upd_cuba) L.params.decay_u = 500 + rng.next() % 3000;
    L.reset = rng.next() % 2;
    L.cmp = rng.next() % 2;
    L.spike_bits = L.reset ? 1 + rng.next() % 2 : 1;
    L.parts = 1 + rng.next() % std::min(3u, cores);
    L.core = rng.next() % (cores - L.parts + 1);
    L.output = l == depth;
    n.layers.push_back(L);
  }
  const auto fc = [&](uint32_t s, uint32_t d, uint32_t delay) {
    Edge e;
    e.src = s;
    e.dst = d;
    e.delay = delay;
    for (uint32_t k = 0; k < n.layers[s].size * n.layers[d].size; ++k)
      e.weights.push_back(rng.next() % 3 ? rng.weight(4) : 0);
    return e;
  };
  for (uint32_t l = 1; l <= depth; ++l) n.edges.push_back(fc(l - 1, l, pipelined ? 1 : 0));
  if (depth >= 2 && rng.next() % 2) n.edges.push_back(fc(0, depth, pipelined ? 1 : 0));  // skip
  if (rng.next() % 2) {
    const uint32_t s = 1 + rng.next() % depth;
    n.edges.push_back(fc(s, 1 + rng.next() % s, 1));  // recurrent, previous step
  }
  if (rng.next() % 2) {  // residual shortcut with its own gain
    Edge e;
    e.src = depth - 1;
    e.dst = depth;
    e.delay = pipelined ? 1 : 0;
    e.au = isa::Opcode::au_elt;
    for (uint32_t k = 0; k < n.layers[depth].size; ++k) e.weights.push_back(rng.weight(5));
    n.edges.push_back(e);
  }
  return n;
}

}  // namespace

TEST_CASE("sim: random networks on random chips are spike-exact", "[sim][property]") {
  Lcg rng{2024};
  for (int trial = 0; trial < 40; ++trial) {
    arch::ArchConfig a = random_arch(rng);
    const bool pipelined = rng.next() % 2;
    a.semantics = pipelined ? isa::Semantics::pipelined : isa::Semantics::layer_sequential;
    const Net n = random_net(rng, a.mesh.x * a.mesh.y, pipelined);
    const uint32_t T = 4 + rng.next() % 6;
    const std::vector<isa::SpikeFrame> in =
        random_input(rng, n.layers[0].size, T, 20 + rng.next() % 40, rng.next() % 2 ? 1 : 5);
    const isa::ProgramImage img = build_image(n, a.mesh.x, a.mesh.y);
    const Reference ref = reference(n, in, T, {uint8_t(a.core.v_bits), uint8_t(a.core.u_bits)});
    sim::RunOptions opt;
    opt.timesteps = T;
    opt.record_layer_spikes = true;
    INFO("trial " << trial << " mesh " << a.mesh.x << "x" << a.mesh.y << " flit "
                  << (a.noc.fidelity == arch::NocFidelity::flit) << " multicast " << a.noc.multicast
                  << " buffer " << a.noc.buffer_flits << " packet bits " << a.noc.packet_bits
                  << " queue " << a.core.input_queue_depth);
    const sim::RunResult r = sim::run_model(img, a, {in}, opt);
    bool ok = true;
    for (uint32_t t = 0; t < T; ++t)
      for (size_t l = 1; l < n.layers.size(); ++l)
        ok &= r.layer_spikes[0][t][l].index == ref.spikes[t][l].index &&
              r.layer_spikes[0][t][l].payload == ref.spikes[t][l].payload;
    CHECK(ok);
    CHECK(r.samples[0].output_counts == ref.outputs);
  }
}

TEST_CASE("sim: bad images are rejected with the place and what was expected", "[sim]") {
  Net n;
  n.layers = {layer(4), layer(4)};
  Edge e;
  e.weights.assign(16, 1);
  n.edges = {e};
  const arch::ArchConfig a = test_arch(2, 1);
  sim::RunOptions opt;
  opt.timesteps = 2;
  const auto fails = [&](isa::ProgramImage img, const std::string& text) {
    try {
      sim::run_model(img, a, {{}}, opt);
    } catch (const isa::InputError& err) {
      INFO(err.what());
      CHECK(std::string(err.what()).find(text) != std::string::npos);
      return;
    }
    FAIL("no InputError for: " << text);
  };
  isa::ProgramImage img = build_image(n, 2, 1);
  REQUIRE_NOTHROW(sim::run_model(img, a, {{}}, opt));
  isa::ProgramImage bad = img;
  bad.host_input.dest_cores = {1};
  fails(bad, "sends to core 1, which has no program");
  bad = img;
  bad.cores[0].code[0].op = isa::Opcode::au_ssc;
  fails(bad, "projection 0: malformed convolution geometry");  // AU.SSC on an FC descriptor
  bad = img;
  bad.cores[0].code.erase(bad.cores[0].code.begin());
  fails(bad, "projection 0 is never armed");
  bad = img;
  bad.cores[0].projections[0].weight_base = 10;
  fails(bad, "weights [10, 26) exceed the 16 stored weights");
  bad = img;
  bad.phases_per_step = 3;
  fails(bad, "BARs per step differ from phases_per_step");
  bad = img;
  bad.mesh_x = 1;
  fails(bad, "compiled for a 1x1 mesh");
  isa::SpikeFrame f;
  f.index = {9};
  f.payload = {1};
  try {
    sim::run_model(img, a, {{f}}, opt);
    FAIL("no error for an input element outside the input layer");
  } catch (const isa::InputError& e) {
    CHECK(std::string(e.what()) == "input, step 0: element 9 outside the input layer of 4 neurons");
  }
  f.index = {1};
  f.payload = {256};
  CHECK_THROWS_WITH(sim::run_model(img, a, {{f}}, opt),
                    "input, step 0: element 1 has payload 256, expected 1..255 (input_bits)");
}
