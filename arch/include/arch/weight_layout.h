// What each weight layout costs: the synapse-memory entries, bits and words of one stored row
// (docs/simulator.md, "Weight layouts"). The one definition the compiler's capacity check and
// the simulator's weight-memory timing both read.
//
// A row is what one source neuron's spike reads in one core: its weights to the n consecutive
// target neurons [first, first + n) of a segment (first counts from the target layer's start).
//   dense       n entries of weight_bits, packed across rows (the existing layout).
//   compressed  one (target index, weight) entry per non-zero weight: index bits enough for any
//               neuron of the core, ceil(log2 core.neurons); Loihi's sparse synapse lists.
//   nm          the row in groups of M positions aligned to the layer's target index (j / M), each
//               group N (slot index, weight) entries, slot index ceil(log2 M) bits; a group with
//               fewer than N non-zero weights pads with zero entries (they are stored and read).
// Compressed and N:M rows start at a word boundary (a row's synapse-map entry is a word
// address) and hold floor(word_bits / entry_bits) entries per word, no entry split over two.
#pragma once
#include <cstdint>
#include <string_view>

#include "arch/config.h"

namespace arch {

std::string_view layout_name(WeightLayout l);

// Bits of one stored entry (weight plus index).
uint32_t entry_bits(WeightLayout l, const CoreConfig& core);
// Entries of a weight-memory word.
uint32_t entries_per_word(WeightLayout l, const CoreConfig& core);

// N:M groups a row of targets [first, first + n) spans.
uint64_t nm_groups(uint64_t first, uint64_t n, uint32_t m);

// Entries a row stores: dense n, compressed `nonzero`, nm N x its groups.
uint64_t row_entries(WeightLayout l, const CoreConfig& core, uint64_t first, uint64_t n,
                     uint64_t nonzero);

// Words a compressed or N:M row of `entries` occupies (and a spike reads): whole words.
uint64_t row_words(WeightLayout l, const CoreConfig& core, uint64_t entries);

}  // namespace arch
