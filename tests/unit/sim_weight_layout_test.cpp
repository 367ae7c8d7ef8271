// Hand-computed timing of the weight layouts (arch/weight_layout.h, docs/simulator.md "Weight
// layouts"): the weight memory's row reads, then one spike through an FC core under each layout.
// Default arch (arch/config.h): 1,024 neurons per core (10 index bits), 8-bit weights, 64-bit
// words over 4 banks, AU 16 addresses per cycle, 8 PEs, 8 membrane banks; 2:4 for N:M.
#include <catch2/catch.hpp>

#include "arch/weight_layout.h"
#include "sim_test_net.h"
#include "simmodel/pipeline_blocks.h"
#include "simmodel/run.h"

using namespace simtest;

TEST_CASE("weight layouts: entry widths and row reads by hand", "[sim][timing][layout]") {
  arch::CoreConfig c;
  // compressed: 8 weight + ceil(log2 1024) = 10 index bits = 18: 3 per 64-bit word.
  CHECK(arch::entry_bits(arch::WeightLayout::compressed, c) == 18);
  CHECK(arch::entries_per_word(arch::WeightLayout::compressed, c) == 3);
  // nm 2:4: 8 weight + ceil(log2 4) = 2 slot bits = 10: 6 per word.
  CHECK(arch::entry_bits(arch::WeightLayout::nm, c) == 10);
  CHECK(arch::entries_per_word(arch::WeightLayout::nm, c) == 6);
  CHECK(arch::nm_groups(0, 16, 4) == 4);
  CHECK(arch::nm_groups(2, 16, 4) == 5);  // targets 2..17 touch groups 0..4
  CHECK(arch::nm_groups(5, 0, 4) == 0);

  const sim::WeightMemory w(c);
  // Dense: every position, packed 8 per word: 16 positions from weight 4 span words 0..2.
  const sim::RowRead d = w.row_read(arch::WeightLayout::dense, 4, 0, 16, 5);
  CHECK(d.entries == 16);
  CHECK(d.words == 3);
  // Compressed: one entry per non-zero weight, whole words: 5 entries = 2 words, 7 = 3.
  const sim::RowRead z = w.row_read(arch::WeightLayout::compressed, 4, 0, 16, 5);
  CHECK(z.entries == 5);
  CHECK(z.words == 2);
  CHECK(w.row_read(arch::WeightLayout::compressed, 0, 0, 16, 7).words == 3);
  CHECK(w.row_read(arch::WeightLayout::compressed, 0, 0, 16, 0).words == 0);
  // N:M: N entries per group spanned: 16 targets from 0 = 4 groups = 8 entries = 2 words;
  // from 2, 5 groups = 10 entries = 2 words.
  const sim::RowRead nm = w.row_read(arch::WeightLayout::nm, 0, 0, 16, 3);
  CHECK(nm.entries == 8);
  CHECK(nm.words == 2);
  CHECK(w.row_read(arch::WeightLayout::nm, 0, 2, 16, 3).entries == 10);
  c.nm_n = 1;
  c.nm_m = 8;  // 1:8: 8 + 3 bits = 11, 5 per word; 64 targets = 8 entries = 2 words
  const sim::WeightMemory w18(c);
  CHECK(w18.row_read(arch::WeightLayout::nm, 0, 0, 64, 8).entries == 8);
  CHECK(w18.row_read(arch::WeightLayout::nm, 0, 0, 64, 8).words == 2);
}

namespace {

// Input neuron 0 spikes at step 0 into a 64-neuron FC layer (never firing) whose row holds
// weight 1 at targets {0, 1, 4, 5, 8, 9, 12, 13}: 8 non-zero weights, 2 in each of the first
// four groups of 4 (2:4 sparse).
sim::RunResult one_spike(isa::Opcode au) {
  Net n;
  n.layers = {layer(1), layer(64)};
  n.layers[1].params.threshold = 1 << 20;
  Edge e;
  e.au = au;
  e.weights.assign(64, 0);
  for (uint32_t j : {0u, 1u, 4u, 5u, 8u, 9u, 12u, 13u}) e.weights[j] = 1;
  n.edges = {e};
  isa::SpikeFrame f;
  f.index = {0};
  f.payload = {1};
  sim::RunOptions opt;
  opt.timesteps = 1;
  const arch::ArchConfig a = test_arch();
  return sim::run_model(build_image(n), a, {{f}}, opt);
}

}  // namespace

TEST_CASE("weight layouts: one FC spike under each layout, by hand", "[sim][timing][layout]") {
  // Common to all three (as "a single spike through one FC core"): phase 0 runs AU.* (6
  // descriptor words) + BAR (1) = 7; the packet is in the core at 13; the burst's 8 adds take
  // 8 / 8 = 1 PE cycle; its 8 membrane accesses {0,1,4,5,8,9,12,13} in one issue group hit
  // banks 0, 1, 4, 5 twice each = 2 cycles. Phase 1: SPKBITS (1) + UPD.IF of 64 neurons
  // (64 / 4 = 16) + BAR (1) = 18; then LOOPT and HALT (2).
  //   service S: done = 13 + S + 3, release = done + 50, step = release + 18 + 50, end + 2.
  const auto step_for = [](uint64_t service) { return 13 + service + 3 + 50 + 18 + 50; };
  SECTION("dense: the AU walks all 64 positions") {
    // 64 addresses / 16 = 4 cycles; 64 weights = 8 words / 4 banks = 2 cycles: S = 4.
    const sim::RunResult r = one_spike(isa::Opcode::au_fc);
    const sim::Counters& c = r.cores[0];
    CHECK(c.au_addresses == 64);
    CHECK(c.weight_word_reads == 8);
    CHECK(c.zero_weight_reads == 56);
    CHECK(c.synaptic_events == 8);
    CHECK(c.integration_busy_cycles == 4);
    CHECK(r.samples[0].step_cycles == std::vector<uint64_t>{step_for(4)});
    CHECK(r.samples[0].cycles == step_for(4) + 2);
  }
  SECTION("compressed: only the 8 stored entries") {
    // 8 addresses = 1 cycle; 8 entries of 18 bits, 3 per word = 3 words / 4 banks = 1 cycle;
    // the membrane's 2 cycles dominate: S = 2.
    const sim::RunResult r = one_spike(isa::Opcode::au_fcz);
    const sim::Counters& c = r.cores[0];
    CHECK(c.au_addresses == 8);
    CHECK(c.weight_word_reads == 3);
    CHECK(c.zero_weight_reads == 0);
    CHECK(c.synaptic_events == 8);
    CHECK(c.pe_adds == 8);
    CHECK(c.integration_busy_cycles == 2);
    CHECK(c.stalls.bank_conflict == 1);  // S - max(AU 1, words 1, PE 1)
    CHECK(r.samples[0].step_cycles == std::vector<uint64_t>{step_for(2)});
  }
  SECTION("nm 2:4: two entries per group of four, zero slots included") {
    // 16 groups x 2 = 32 entries: 32 / 16 = 2 AU cycles; 10-bit entries, 6 per word =
    // 6 words / 4 banks = 2 cycles; 24 of the entries are zero slots: S = 2.
    const sim::RunResult r = one_spike(isa::Opcode::au_fcnm);
    const sim::Counters& c = r.cores[0];
    CHECK(c.au_addresses == 32);
    CHECK(c.weight_word_reads == 6);
    CHECK(c.zero_weight_reads == 24);
    CHECK(c.synaptic_events == 8);
    CHECK(c.integration_busy_cycles == 2);
    CHECK(c.stalls.bank_conflict == 0);
    CHECK(r.samples[0].step_cycles == std::vector<uint64_t>{step_for(2)});
  }
}

TEST_CASE("weight layouts: an AU.FCNM row that is not N:M sparse is refused", "[sim][layout]") {
  Net n;
  n.layers = {layer(1), layer(8)};
  Edge e;
  e.au = isa::Opcode::au_fcnm;
  e.weights = {1, 1, 1, 0, 0, 0, 0, 0};  // three non-zero weights in the group 0..3
  n.edges = {e};
  sim::RunOptions opt;
  opt.timesteps = 1;
  CHECK_THROWS_WITH(sim::run_model(build_image(n), test_arch(), {{isa::SpikeFrame{}}}, opt),
                    Catch::Contains("AU.FCNM") && Catch::Contains("core.nm_n = 2") &&
                        Catch::Contains("neuron 2"));
}
