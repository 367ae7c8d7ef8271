// The chip description as plain structs: what every other folder reads. Loaded and validated
// in one place (arch/loader.h); all values are in base units (Hz, bytes, bits, cycles, pJ, mW).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "isa/program.h"

namespace arch {

enum class AuMode : uint8_t { fc, conv, ssc, ssc_strided, pool, elementwise };
enum class NocFidelity : uint8_t { reservation, flit };
enum class NeuronUpdatePolicy : uint8_t { dense_sweep, active_only };
// How a projection's weights sit in the synapse memory (docs/simulator.md, "Weight layouts"):
// dense rows (every position), compressed (per-row lists of (index, weight) entries, as Loihi),
// or N:M structured (each group of M positions of a row keeps N (index, weight) slots).
enum class WeightLayout : uint8_t { dense, compressed, nm };
// How the compiler maps float parameters to the neuron unit's integers (compiler/quantise.cpp):
// per-layer power-of-two scales chosen for resolution, or the fixed-point mapping of the NIR
// repository's Lava script (Loihi's: weights x 256 << 6, thresholds x 131071 >> 9 << 6, decays
// x 4095, all truncated).
enum class QuantisationMode : uint8_t { power_of_two, lava_loihi };
// Where the compiler puts logical cores on the mesh: minimising hop-weighted traffic, or in
// order (logical core k at mesh index k, row-major), to reproduce another tool's placement.
enum class Placement : uint8_t { optimised, in_order };

struct MeshConfig {
  uint32_t x = 4;
  uint32_t y = 4;
};

struct CoreConfig {
  uint32_t neurons = 1024;                 // neuron capacity per core
  uint32_t fan_in = 4096;                  // distinct source neurons (axons) per core
  uint64_t synapse_memory_bytes = 131072;  // weight memory size
  uint32_t weight_bits = 8;                // signed weight precision
  uint32_t synapse_word_bits = 64;         // weight memory word
  uint32_t synapse_banks = 4;
  // The layouts the synapse memory supports; the compiler picks one per projection
  // (compiler/weight_layout.h). In the YAML order, which breaks ties.
  std::vector<WeightLayout> weight_layouts = {WeightLayout::dense};
  uint32_t nm_n = 2;                         // N:M layout: N weights kept per group...
  uint32_t nm_m = 4;                         // ...of M consecutive positions of a row
  uint32_t membrane_banks = 8;
  uint32_t membrane_ports = 1;  // ports per bank (accesses per bank per cycle)
  uint32_t membrane_word_bits = 32;
  uint32_t v_bits = 24;                 // signed membrane potential precision
  uint32_t u_bits = 24;                 // signed synaptic current precision
  uint32_t decay_bits = 12;             // decay constants, out of 2^decay_bits
  uint32_t au_lanes = 4;                // addressing-unit lanes
  uint32_t au_addresses_per_cycle = 4;  // per lane
  std::vector<AuMode> au_modes = {AuMode::fc,          AuMode::conv, AuMode::ssc,
                                  AuMode::ssc_strided, AuMode::pool, AuMode::elementwise};
  uint32_t n_pe = 8;                      // accumulate-only adders
  uint32_t input_queue_depth = 64;        // packets
  uint32_t neuron_updates_per_cycle = 4;  // neuron-unit throughput
  NeuronUpdatePolicy update_policy = NeuronUpdatePolicy::dense_sweep;
  uint32_t input_bits = 8;  // graded input payload precision (host)
  uint32_t spike_bits = 1;  // max spike payload bits a neuron may emit
  QuantisationMode quantisation = QuantisationMode::power_of_two;
};

struct NocConfig {
  uint32_t router_latency_cycles = 2;  // per hop
  uint32_t link_width_bits = 32;       // bits per cycle per link
  uint32_t flit_bits = 32;
  uint32_t packet_bits = 32;   // one spike packet (header + payload)
  std::string routing = "xy";  // dimension-order routing
  bool multicast = true;
  NocFidelity fidelity = NocFidelity::reservation;
  uint32_t buffer_flits = 4;  // per input port (flit fidelity)
};

// Mapping control (compiler/partition.cpp, place.cpp): reproduce a given mapping so that side
// by side comparisons compare models, not placements.
struct MapConfig {
  uint32_t neurons_per_core = 0;  // at most this many neurons per core (0: core.neurons)
  bool share_cores = true;        // segments of different layers may share a core
  Placement placement = Placement::optimised;
};

struct EnergyConfig {
  std::string technology = "horowitz45";    // preset the table starts from
  std::string ert;                          // Accelergy ERT file overriding it ("": none)
  std::map<std::string, double> event_pj;   // ERT key "component.action" -> pJ
  std::map<std::string, double> static_mw;  // block -> mW (per instance)
};

struct ArchConfig {
  std::string name = "default";
  MeshConfig mesh;
  CoreConfig core;
  NocConfig noc;
  MapConfig map;
  double clock_hz = 1e9;
  isa::Semantics semantics = isa::Semantics::layer_sequential;
  uint32_t barrier_cycles = 50;  // barrier latency, from the last arrival to release
  uint32_t host_latency_cycles = 10;
  EnergyConfig energy;
};

}  // namespace arch
