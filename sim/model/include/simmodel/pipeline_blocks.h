// Throughput rules of the integration pipeline's stages (DESIGN.md §4): addressing unit,
// weight memory, PE array, neuron unit. Each turns an amount of work into cycles; the core
// adds them per burst (one packet's fan-out), never per synaptic event. Numbers come from the
// arch; none are hard-coded here.
#pragma once
#include <cstdint>

#include "arch/config.h"
#include "arch/weight_layout.h"
#include "isa/cost.h"

namespace sim {

inline uint64_t ceil_div(uint64_t a, uint64_t b) {
  return b == 0 ? a : (a + b - 1) / b;
}

// Generates (neuron, weight) address pairs: lanes x addresses per lane per cycle.
class AddressingUnit {
 public:
  explicit AddressingUnit(const arch::CoreConfig& c)
      : per_cycle_(uint64_t{c.au_lanes} * c.au_addresses_per_cycle) {}
  uint64_t cycles(uint64_t addresses) const { return ceil_div(addresses, per_cycle_); }
  uint64_t per_cycle() const { return per_cycle_; }

 private:
  uint64_t per_cycle_;
};

// What one spike's read of an fc weight row costs the AU and the weight memory.
struct RowRead {
  uint64_t entries = 0;  // (neuron, weight) addresses the AU issues: stored entries read
  uint64_t words = 0;    // weight-memory words read
};

// Weight SRAM: words of synapse_word_bits holding word_bits / weight_bits weights; consecutive
// words sit in consecutive banks, so `banks` words are read per cycle.
class WeightMemory {
 public:
  explicit WeightMemory(const arch::CoreConfig& c)
      : weights_per_word_(c.weight_bits == 0 || c.synapse_word_bits < c.weight_bits
                              ? 1
                              : c.synapse_word_bits / c.weight_bits),
        banks_(c.synapse_banks == 0 ? 1 : c.synapse_banks),
        core_(c) {}
  // Words holding weights [first, first + count).
  uint64_t words(uint64_t first, uint64_t count) const {
    if (count == 0) return 0;
    return (first + count - 1) / weights_per_word_ - first / weights_per_word_ + 1;
  }
  uint64_t cycles(uint64_t words) const { return ceil_div(words, banks_); }
  uint32_t weights_per_word() const { return weights_per_word_; }
  const arch::CoreConfig& core() const { return core_; }

  // A spike's read of an fc row under `layout` (arch/weight_layout.h): n target positions from
  // target `first_target` of the layer, `nonzero` of them non-zero; a dense row's weights start
  // at weight index `first_weight`. Dense reads every position; compressed and N:M read their
  // stored entries, in whole words.
  RowRead row_read(arch::WeightLayout layout, uint64_t first_weight, uint64_t first_target,
                   uint64_t n, uint64_t nonzero) const {
    if (layout == arch::WeightLayout::dense) return {n, words(first_weight, n)};
    const uint64_t entries = arch::row_entries(layout, core_, first_target, n, nonzero);
    return {entries, arch::row_words(layout, core_, entries)};
  }

 private:
  uint32_t weights_per_word_;
  uint32_t banks_;
  arch::CoreConfig core_;  // the layouts' entry widths and N:M groups
};

// n_pe accumulate-only adders; a graded payload p costs popcount(p) adds (shift-add).
class PeArray {
 public:
  explicit PeArray(const arch::CoreConfig& c) : n_pe_(c.n_pe == 0 ? 1 : c.n_pe) {}
  uint64_t cycles(uint64_t adds) const { return ceil_div(adds, n_pe_); }
  uint32_t n_pe() const { return n_pe_; }

 private:
  uint32_t n_pe_;
};

// Neuron unit: the UPD instruction's cycles follow the ISA's `update` cost class with the
// arch's updates per cycle; `visited` is the segment size (dense sweep) or the active neurons.
class NeuronUnit {
 public:
  explicit NeuronUnit(const arch::CoreConfig& c)
      : per_cycle_(c.neuron_updates_per_cycle),
        active_only_(c.update_policy == arch::NeuronUpdatePolicy::active_only) {}
  uint64_t cycles(uint64_t visited) const {
    return isa::cost_cycles(isa::CostClass::update, visited, per_cycle_);
  }
  bool active_only() const { return active_only_; }

 private:
  uint32_t per_cycle_;
  bool active_only_;
};

}  // namespace sim
