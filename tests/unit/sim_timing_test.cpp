// Hand-computed timing of the simulator's blocks and of whole phases. Unless a test says
// otherwise the arch is the default (arch/config.h): router latency L = 2, 32-bit flits,
// packets and links (C = 1 cycle per flit, F = 1 cycle per packet), host latency 10, barrier 50,
// AU 4 lanes x 4 addresses, 8-bit weights in 64-bit words (8 per word) over 4 banks, 8 PEs,
// 8 membrane banks with 1 port, 4 neuron updates per cycle, v and u 24 bits in 32-bit words
// (2 words per neuron), pipeline fill 3 cycles.
#include <catch2/catch.hpp>

#include <set>

#include "sim_test_net.h"
#include "simmodel/flit_noc.h"
#include "simmodel/input_queue.h"
#include "simmodel/membrane_memory.h"
#include "simmodel/pipeline_blocks.h"
#include "simmodel/run.h"

using namespace simtest;

namespace {

sim::RunResult run(const Net& n, const arch::ArchConfig& a, const std::vector<isa::SpikeFrame>& in,
                   uint32_t T) {
  sim::RunOptions opt;
  opt.timesteps = T;
  return sim::run_model(build_image(n, a.mesh.x, a.mesh.y), a, {in}, opt);
}

isa::SpikeFrame frame(std::vector<uint32_t> idx) {
  isa::SpikeFrame f;
  f.index = idx;
  f.payload.assign(idx.size(), 1);
  return f;
}

// A 1 -> n FC net with all weights `w`, never firing.
Net fc_one(uint32_t n_in, uint32_t n_out, std::vector<int16_t> w) {
  Net n;
  n.layers = {layer(n_in), layer(n_out)};
  n.layers[1].params.threshold = 1 << 20;
  Edge e;
  e.weights = std::move(w);
  n.edges = {e};
  return n;
}

// Records deliveries of a NoC.
struct Sink : sim::DeliverySink {
  std::vector<std::pair<uint32_t, uint64_t>> got;  // (injection, cycle)
  bool can_accept(uint32_t, uint64_t) override { return true; }
  void deliver(uint32_t, uint64_t cycle, uint32_t injection, uint64_t) override {
    got.emplace_back(injection, cycle);
  }
  uint64_t at(uint32_t injection) const {
    for (auto [k, c] : got)
      if (k == injection) return c;
    return UINT64_MAX;
  }
};

}  // namespace

TEST_CASE("sim blocks: input queue back-pressure", "[sim][timing]") {
  sim::InputQueue q(2);
  // Four packets arrive at cycle 0, each needing 10 service cycles. Packet 0 starts at once;
  // packets 1 and 2 fill the two slots; packet 3 finds a slot when packet 1 starts (10), and
  // packet 4 when packet 2 starts (20).
  CHECK(q.accept_cycle(0) == 0);
  CHECK(q.push(0, 10) == 0);
  CHECK(q.push(q.accept_cycle(0), 10) == 10);
  CHECK(q.accept_cycle(0) == 0);
  CHECK(q.push(0, 10) == 20);
  CHECK(q.accept_cycle(0) == 10);
  CHECK_FALSE(q.can_accept(9));
  CHECK(q.can_accept(10));
  CHECK(q.push(10, 10) == 30);
  CHECK(q.accept_cycle(0) == 20);
  CHECK(q.pipeline_free() == 40);
}

TEST_CASE("sim blocks: membrane bank conflicts per issue group", "[sim][timing]") {
  arch::CoreConfig c;  // 8 banks, 1 port, 8 PEs
  sim::MembraneMemory m(c);
  m.begin();
  for (uint32_t a = 0; a < 16; ++a) m.access(a);  // two groups, one address per bank: 2 cycles
  CHECK(m.end() == 2);
  m.begin();
  for (uint32_t a = 0; a < 64; a += 8) m.access(a);  // one group, all in bank 0: 8 cycles
  CHECK(m.end() == 8);
  m.begin();
  for (uint32_t a : {0u, 8u, 1u, 9u, 17u, 2u}) m.access(a);  // bank 0 x2, bank 1 x3: 3 cycles
  CHECK(m.end() == 3);
  c.membrane_ports = 2;
  sim::MembraneMemory m2(c);
  m2.begin();
  for (uint32_t a = 0; a < 64; a += 8) m2.access(a);  // 8 in one bank, 2 ports: 4 cycles
  CHECK(m2.end() == 4);
  c.membrane_banks = 3;  // not a power of two: address mod 3
  sim::MembraneMemory m3(c);
  CHECK(m3.bank(7) == 1);
}

TEST_CASE("sim blocks: weight words, AU, PE and neuron-unit throughput", "[sim][timing]") {
  arch::CoreConfig c;
  sim::WeightMemory w(c);
  CHECK(w.weights_per_word() == 8);
  CHECK(w.words(0, 16) == 2);
  CHECK(w.words(7, 2) == 2);  // weights 7 and 8 straddle a word boundary
  CHECK(w.words(9, 5) == 1);
  CHECK(w.cycles(5) == 2);                        // 4 banks
  CHECK(sim::AddressingUnit(c).cycles(17) == 2);  // 16 per cycle
  CHECK(sim::PeArray(c).cycles(9) == 2);
  CHECK(sim::NeuronUnit(c).cycles(16) == 4);
  CHECK(sim::NeuronUnit(c).cycles(0) == 1);  // an instruction takes at least its issue cycle
}

TEST_CASE("sim timing: a single spike through one FC core", "[sim][timing]") {
  // Input neuron 0 spikes at step 0 into a 16-neuron FC layer (weights 1). Two phases.
  // Phase 0 (starts 0): the core runs AU.FC (6 descriptor words: 6 cycles) and BAR (1): at the
  //   barrier at 7. The host injects at 0 + 10 = 10; router 0 forwards to its core port at
  //   10 + L = 12, the packet is in the core at 12 + F = 13. Service: 16 addresses / 16 per
  //   cycle = 1; 2 weight words / 4 banks = 1; 16 adds / 8 PEs = 2; membrane: two groups of 8
  //   consecutive addresses, no conflict = 2. Service 2, done 13 + 2 + 3 = 18.
  //   Release = max(7, 18) + 50 = 68.
  // Phase 1 (starts 68): SPKBITS (1) + UPD.IF of 16 neurons (16 / 4 = 4) + BAR (1): at 74.
  //   Release 74 + 50 = 124.
  // Then LOOPT (not taken, 1) and HALT (1): the sample ends at 126.
  const Net n = fc_one(1, 16, std::vector<int16_t>(16, 1));
  const sim::RunResult r = run(n, test_arch(), {frame({0})}, 1);
  REQUIRE(r.samples.size() == 1);
  CHECK(r.samples[0].step_cycles == std::vector<uint64_t>{124});
  CHECK(r.samples[0].cycles == 126);
  CHECK(r.total_cycles == 126);
  CHECK(r.seconds == Approx(126e-9));
  const sim::Counters& c = r.cores[0];
  CHECK(c.au_addresses == 16);
  CHECK(c.weight_word_reads == 2);
  CHECK(c.pe_adds == 16);
  CHECK(c.synaptic_events == 16);
  CHECK(r.synaptic_events == 16);
  CHECK(c.integration_busy_cycles == 2);
  CHECK(c.membrane_reads == 16 + 16 * 3);  // accumulate RMWs + (2 state words + acc) per update
  CHECK(c.neuron_updates_active == 16);
  CHECK(c.instructions == 7);
  CHECK(c.barrier_syncs == 2);
  CHECK(c.stalls.barrier_wait == (68 - 7) + (124 - 74));
  CHECK(c.stalls.noc == 0);
  CHECK(c.stalls.bank_conflict == 0);
  CHECK(r.noc.host_packets == 1);  // one packet in through the host interface
  CHECK(r.noc.deliveries == 1);
  // Energy: 1 pJ per event, no static power: the sum of the counted events.
  const double events =
      c.au_addresses + c.weight_word_reads + c.membrane_reads + c.membrane_writes + c.pe_adds +
      c.neuron_updates_active + c.neuron_updates_idle + c.spikes + c.packets_sent + c.instructions +
      c.barrier_syncs + r.noc.flit_hops + r.noc.link_traversals + r.noc.host_packets;
  CHECK(r.energy.dynamic_pj == Approx(events));
  CHECK(r.energy.total_pj == Approx(events));
}

TEST_CASE("sim timing: a conv spike with known fan-out and bank conflicts", "[sim][timing]") {
  // Input 1x5x5, output 2x5x5, 3x3 kernel, pad 1. A spike at the centre (2, 2) touches
  // 9 taps x 2 channels = 18 outputs. Weight rows: channel 0 = weights 0..8 (words 0-1),
  // channel 1 = 9..17 (words 1-2): 4 word reads. Issue order (channel, ky, kx) gives
  // addresses 18 17 16 13 12 11 8 7 | 6 43 42 41 38 37 36 33 | 32 31; banks (mod 8)
  // 2 1 0 5 4 3 0 7 (bank 0 twice: 2 cycles) | 6 3 2 1 6 5 4 1 (2 cycles) | 0 7 (1): 5 cycles.
  // Other stages: 18 / 16 = 2 AU cycles, 4 / 4 = 1 weight cycle, 18 / 8 = 3 PE cycles, so
  // service = 5, 2 of them bank-conflict stalls. A corner spike (0, 0) touches taps
  // {0, 1, 3, 4} x 2 channels = 8 outputs and one word per channel.
  Net n;
  n.layers = {layer(25), layer(50)};
  n.layers[1].params.threshold = 1 << 20;
  Edge e;
  e.au = isa::Opcode::au_conv;
  e.geom = {1, 5, 5, 2, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1};
  e.weights.assign(18, 1);
  n.edges = {e};
  sim::RunResult r = run(n, test_arch(), {frame({12})}, 1);
  CHECK(r.cores[0].au_addresses == 18);
  CHECK(r.cores[0].weight_word_reads == 4);
  CHECK(r.cores[0].integration_busy_cycles == 5);
  CHECK(r.cores[0].stalls.bank_conflict == 2);
  // Done at 13 + 5 + 3 = 21, but AU.CONV loads 21 descriptor words: BAR at 22, release 72;
  // then SPKBITS (1) + UPD (50 / 4 -> 13) + BAR (1): 87, release 137.
  CHECK(r.samples[0].step_cycles == std::vector<uint64_t>{137});
  r = run(n, test_arch(), {frame({0})}, 1);
  CHECK(r.cores[0].au_addresses == 8);
  CHECK(r.cores[0].weight_word_reads == 2);
  CHECK(r.cores[0].synaptic_events == 8);
}

TEST_CASE("sim timing: a bank-conflict pattern in an FC row", "[sim][timing]") {
  // 64 neurons, non-zero weights only at j % 8 == 0: 8 accumulates, all in bank 0, one issue
  // group -> 8 membrane cycles. AU 64 / 16 = 4, weights 8 words / 4 banks = 2, PEs 8 / 8 = 1:
  // service 8 of which 4 are conflict stalls. With 2 ports per bank: 4 cycles, no stall.
  std::vector<int16_t> w(64, 0);
  for (int j = 0; j < 64; j += 8) w[j] = 3;
  const Net n = fc_one(1, 64, w);
  arch::ArchConfig a = test_arch();
  sim::RunResult r = run(n, a, {frame({0})}, 1);
  CHECK(r.cores[0].integration_busy_cycles == 8);
  CHECK(r.cores[0].stalls.bank_conflict == 4);
  CHECK(r.cores[0].zero_weight_reads == 56);
  CHECK(r.cores[0].synaptic_events == 8);
  a.core.membrane_ports = 2;
  r = run(n, a, {frame({0})}, 1);
  CHECK(r.cores[0].integration_busy_cycles == 4);
  CHECK(r.cores[0].stalls.bank_conflict == 0);
}

TEST_CASE("sim timing: a packet across k hops, both NoC fidelities", "[sim][timing][noc]") {
  // Host (router 0) to core 3 of a 4x1 mesh: h = 3 hops. Zero-load arrival =
  // inject + (h + 1) L + h C + F = 10 + 8 + 3 + 1 = 22. With 64-bit packets (2 flits, F = 2): 23.
  for (uint32_t bits : {32u, 64u}) {
    for (auto fid : {arch::NocFidelity::reservation, arch::NocFidelity::flit}) {
      arch::ArchConfig a = test_arch(4, 1);
      a.noc.packet_bits = bits;
      a.noc.fidelity = fid;
      auto noc = sim::make_noc(a);
      const std::vector<uint32_t> pool = {3};
      const std::vector<sim::NocInjection> in = {{10, noc->host_endpoint(), 0, 1}};
      Sink s;
      noc->route(in, pool, s);
      INFO("packet bits " << bits << " flit fidelity " << (fid == arch::NocFidelity::flit));
      CHECK(s.at(0) == (bits == 32 ? 22u : 23u));
      CHECK(noc->zero_load_arrival(noc->host_endpoint(), 3, 10) == s.at(0));
      CHECK(noc->counters.link_traversals == 3 * bits / 32);
      CHECK(noc->counters.flit_hops == 4 * bits / 32);
    }
  }
}

TEST_CASE("sim timing: multicast tree duplicates at the branch router", "[sim][timing][noc]") {
  // Core 0 of a 3x2 mesh multicasts to cores 2 (x=2, y=0) and 4 (x=1, y=1). The tree shares
  // router 0's east port, branches at router 1 (east to 2, north to 4): 3 links, not 4.
  // Core 4 (2 hops): 0 + 3*2 + 2 + 1 = 9; core 2 (2 hops): 9.
  for (auto fid : {arch::NocFidelity::reservation, arch::NocFidelity::flit}) {
    arch::ArchConfig a = test_arch(3, 2);
    a.noc.fidelity = fid;
    auto noc = sim::make_noc(a);
    const std::vector<uint32_t> pool = {2, 4};
    Sink s;
    noc->route(std::vector<sim::NocInjection>{{0, 0, 0, 2}}, pool, s);
    REQUIRE(s.got.size() == 2);
    CHECK(s.got[0].second == 9);
    CHECK(s.got[1].second == 9);
    CHECK(noc->counters.link_traversals == 3);
  }
}

TEST_CASE("sim timing: contention, reservation vs flit", "[sim][timing][noc]") {
  // 3x1 mesh. A: core 0 -> core 2 at 0; B: core 1 -> core 2 at 0.
  // B leaves router 1 east at 2 (A's head reaches router 1 only at 3), reaches router 2 at 3,
  // its core at 3 + 2 + 1 = 6. A: router 0 east at 2, router 1 east at 5, router 2 local at 8,
  // delivered 9. Both fidelities serve ports first come first served: the same cycles.
  for (auto fid : {arch::NocFidelity::reservation, arch::NocFidelity::flit}) {
    arch::ArchConfig a = test_arch(3, 1);
    a.noc.fidelity = fid;
    auto noc = sim::make_noc(a);
    const std::vector<uint32_t> pool = {2};
    Sink s;
    noc->route(std::vector<sim::NocInjection>{{0, 0, 0, 1}, {0, 1, 0, 1}}, pool, s);
    CHECK(s.at(0) == 9);
    CHECK(s.at(1) == 6);
  }
  // Full buffers: 8-flit packets (F = 8), buffers of one packet. P1: core 1 -> core 2 at 0
  // holds router 1's east port for cycles 2..9 and is delivered at 0 + 2*2 + 1 + 8 = 13 in
  // both models. P2: core 0 -> core 2 at 0 leaves router 0 east at 2 (head at router 1 at 3,
  // ready 5) and waits for router 1's east port. P3: core 0 -> core 1 at 4.
  //   reservation (unbounded buffers): P2 leaves router 1 east at 10, router 2 local at 13
  //   (free again after P1's 5..12), delivered 21. P3: core 0's injection port is free at 8,
  //   router 0 east at max(8 + 2, 10) = 10, router 1 local at 13, delivered 21.
  //   flit (virtual cut-through): P2's head may enter router 2 only when P1 has left its buffer
  //   entirely (tail popped at 12, credit at 13): leaves router 1 at 13, router 2 local at 16,
  //   delivered 24. P3 enters core 0's router only after P2 has left it (10), then waits
  //   behind P2 for router 1's west buffer (P2's tail leaves it at 20, credit 21): router 0
  //   east at 21, router 1 local at 24, delivered 32 (head-of-line blocking; its own output
  //   port was free from 13). docs/simulator.md records the case.
  for (auto fid : {arch::NocFidelity::reservation, arch::NocFidelity::flit}) {
    arch::ArchConfig a = test_arch(3, 1);
    a.noc.fidelity = fid;
    a.noc.packet_bits = 256;
    a.noc.buffer_flits = 8;
    auto noc = sim::make_noc(a);
    const std::vector<uint32_t> pool = {2, 1};
    Sink s;
    noc->route(std::vector<sim::NocInjection>{{0, 1, 0, 1}, {0, 0, 0, 1}, {4, 0, 1, 1}}, pool, s);
    REQUIRE(s.got.size() == 3);
    const bool flit = fid == arch::NocFidelity::flit;
    CHECK(s.at(0) == 13);
    CHECK(s.at(1) == (flit ? 24u : 21u));
    CHECK(s.at(2) == (flit ? 32u : 21u));
  }
}

TEST_CASE("sim timing: queue back-pressure delays acceptance, not completion", "[sim][timing]") {
  // 8 input spikes into a 16-neuron FC layer: the host injects at 10..17, the packets arrive at
  // 13..20, each needs 2 service cycles: packet k starts at 13 + 2k. With a queue of depth 1
  // packet k enters when packet k-1 starts (13 + 2k - 2), waiting (13 + 2k - 2) - (13 + k) =
  // k - 2 cycles for k >= 3: 1 + 2 + 3 + 4 + 5 = 15 cycles. The last packet is integrated at
  // 13 + 14 + 2 + 3 = 32 with either depth.
  const Net n = fc_one(8, 16, std::vector<int16_t>(128, 1));
  arch::ArchConfig a = test_arch();
  a.core.input_queue_depth = 1;
  const std::vector<isa::SpikeFrame> in = {frame({0, 1, 2, 3, 4, 5, 6, 7})};
  sim::RunResult r = run(n, a, in, 1);
  CHECK(r.cores[0].stalls.queue_full == 15);
  // Phase 0 release = 32 + 50 = 82; phase 1: 82 + 1 + 4 + 1 = 88 -> 138.
  CHECK(r.samples[0].step_cycles == std::vector<uint64_t>{138});
  a.core.input_queue_depth = 64;
  r = run(n, a, in, 1);
  CHECK(r.cores[0].stalls.queue_full == 0);
  CHECK(r.samples[0].step_cycles == std::vector<uint64_t>{138});
  // The flit NoC holds a packet in the router until the queue has a slot: the same 15 cycles
  // show up as NoC stalls (arrival after the zero-load latency), the timing is unchanged.
  a.core.input_queue_depth = 1;
  a.noc.fidelity = arch::NocFidelity::flit;
  r = run(n, a, in, 1);
  CHECK(r.cores[0].stalls.queue_full == 0);
  CHECK(r.cores[0].stalls.noc == 15);
  CHECK(r.samples[0].step_cycles == std::vector<uint64_t>{138});
}

TEST_CASE("sim timing: barrier waits for the slowest core", "[sim][timing]") {
  // Two cores: core 0 holds a 16-neuron layer, core 1 a 64-neuron one, both fed by the input.
  // Phase 1: core 0 reaches BAR at start + 1 + 4 + 1, core 1 at start + 1 + 16 + 1; the
  // release is the later arrival + 50, so step 0 lasts phase 0 + 18 + 50.
  Net n;
  n.layers = {layer(1), layer(16), layer(64)};
  n.layers[1].params.threshold = 1 << 20;
  n.layers[2].params.threshold = 1 << 20;
  n.layers[2].core = 1;
  Edge a, b;
  a.weights.assign(16, 0);
  b.dst = 2;
  b.weights.assign(64, 0);
  n.edges = {a, b};
  const sim::RunResult r = run(n, test_arch(2, 1), {isa::SpikeFrame{}}, 1);
  // Phase 0: both cores run AU.FC (6) + BAR (1) = 7, no input: release 57.
  CHECK(r.samples[0].step_cycles == std::vector<uint64_t>{57 + 18 + 50});
  CHECK(r.cores[0].stalls.barrier_wait == 50 + (12 + 50));
  CHECK(r.cores[1].stalls.barrier_wait == 50 + 50);
}

TEST_CASE("sim energy: static power scales with time and instances", "[sim][energy]") {
  const Net n = fc_one(1, 16, std::vector<int16_t>(16, 1));
  arch::ArchConfig a = test_arch(2, 2);
  a.energy.static_mw["core"] = 1.0;
  a.energy.static_mw["router"] = 0.5;
  a.energy.static_mw["chip"] = 2.0;
  const sim::RunResult r = run(n, a, {frame({0})}, 1);
  // 4 cores x 1 mW + 4 routers x 0.5 mW + 2 mW = 8 mW over r.seconds; 1 mW x 1 s = 1e9 pJ.
  CHECK(r.energy.static_total_pj == Approx(8.0 * r.seconds * 1e9));
  CHECK(r.energy.total_pj == Approx(r.energy.dynamic_pj + r.energy.static_total_pj));
  double layers = 0;
  for (double e : r.energy.layer_dynamic_pj) layers += e;
  double cores = 0;
  for (double e : r.energy.core_dynamic_pj) cores += e;
  CHECK(layers <= cores);  // per-layer energy holds the layer's work, not the BARs and LOOPTs
}

TEST_CASE("sim stats: the counters a report's registry reads", "[sim][stats]") {
  // The registry itself (every counter, once, in every output) is checked end to end in
  // tests/e2e/report_cli.cpp; here the values it reads.
  const Net n = fc_one(1, 16, std::vector<int16_t>(16, 1));
  const arch::ArchConfig a = test_arch();
  const isa::ProgramImage img = build_image(n);
  sim::RunOptions opt;
  opt.timesteps = 1;
  opt.per_step_stats = true;
  const sim::RunResult r = sim::run_model(img, a, {{frame({0})}}, opt);
  REQUIRE(r.cores.size() == 1);
  CHECK(r.cores[0].pe_adds == 16);
  CHECK(r.cores[0].stalls.barrier_wait == (68 - 7) + (124 - 74));
  REQUIRE(r.layers.size() == 2);
  CHECK(r.total_cycles == 126);
  CHECK(r.energy.event_pj[static_cast<size_t>(arch::EnergyEvent::pe_add)] == 16);  // 1 pJ/add
  // Per step: the step's own counts, adding up to the run's; the input layer holds the
  // host's injection.
  REQUIRE(r.step_layers.size() == 1);
  REQUIRE(r.step_layers[0].size() == 1);
  CHECK(r.step_layers[0][0].at(0).spikes == 1);
  CHECK(r.step_layers[0][0].at(1).pe_adds == r.layers.at(1).pe_adds);
  CHECK(r.step_layers[0][0].at(1).synaptic_events == r.layers.at(1).synaptic_events);
}
