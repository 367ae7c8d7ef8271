// Figures that follow from a chip description: capacities, peak rates, bandwidths, memory
// sizes. Computed in one place so the report, the compiler and `spikechip arch` agree.
#pragma once
#include <cstdint>
#include <string>

#include "arch/config.h"

namespace arch {

// Membrane words one neuron occupies: v and u packed when they fit one word, else each rounded
// up to whole words.
uint32_t membrane_words_per_neuron(const CoreConfig& core);
// Membrane memory per core, bytes: neurons x words per neuron x word bytes.
uint64_t membrane_bytes_per_core(const CoreConfig& core);

struct DerivedFigures {
  uint64_t cores = 0;
  uint64_t total_neurons = 0;
  uint64_t total_fan_in = 0;  // axon slots on the chip
  uint64_t total_synapse_memory_bytes = 0;
  uint64_t weights_per_core = 0;  // dense weights the synapse memory holds
  uint64_t membrane_bytes_per_core = 0;
  uint64_t total_membrane_bytes = 0;
  double peak_synops_per_second = 0;               // cores x n_pe x clock
  double peak_au_addresses_per_second = 0;         // cores x lanes x addresses/cycle x clock
  double peak_neuron_updates_per_second = 0;       // cores x updates/cycle x clock
  uint64_t bisection_links = 0;                    // links cut by halving the longer mesh dimension
  double bisection_bandwidth_bits_per_second = 0;  // both directions
  uint32_t flits_per_packet = 0;
  uint32_t mesh_diameter_hops = 0;  // (x-1) + (y-1)
  double static_power_mw = 0;       // cores + routers + chip, from the energy table
};

DerivedFigures derive(const ArchConfig& config);

// The figures as a YAML `derived:` section (appended to the canonical YAML by `spikechip arch`).
std::string derived_yaml(const DerivedFigures& d);

}  // namespace arch
