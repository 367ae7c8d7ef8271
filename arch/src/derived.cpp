#include "arch/derived.h"

#include <algorithm>

#include <fmt/core.h>

#include "arch/energy.h"

namespace arch {

uint32_t membrane_words_per_neuron(const CoreConfig& core) {
  const uint32_t w = core.membrane_word_bits;
  if (core.v_bits + core.u_bits <= w) return 1;
  return (core.v_bits + w - 1) / w + (core.u_bits + w - 1) / w;
}

uint64_t membrane_bytes_per_core(const CoreConfig& core) {
  return uint64_t{core.neurons} * membrane_words_per_neuron(core) * (core.membrane_word_bits / 8);
}

DerivedFigures derive(const ArchConfig& c) {
  DerivedFigures d;
  d.cores = uint64_t{c.mesh.x} * c.mesh.y;
  d.total_neurons = d.cores * c.core.neurons;
  d.total_fan_in = d.cores * c.core.fan_in;
  d.total_synapse_memory_bytes = d.cores * c.core.synapse_memory_bytes;
  d.weights_per_core = c.core.synapse_memory_bytes * 8 / c.core.weight_bits;
  d.membrane_bytes_per_core = membrane_bytes_per_core(c.core);
  d.total_membrane_bytes = d.cores * d.membrane_bytes_per_core;
  const double cores = static_cast<double>(d.cores);
  d.peak_synops_per_second = cores * c.core.n_pe * c.clock_hz;
  d.peak_au_addresses_per_second =
      cores * c.core.au_lanes * c.core.au_addresses_per_cycle * c.clock_hz;
  d.peak_neuron_updates_per_second = cores * c.core.neuron_updates_per_cycle * c.clock_hz;
  // Cutting the longer dimension in half crosses one link per row (or column) of the shorter.
  const uint32_t lo = std::min(c.mesh.x, c.mesh.y), hi = std::max(c.mesh.x, c.mesh.y);
  d.bisection_links = hi >= 2 ? lo : 0;
  d.bisection_bandwidth_bits_per_second =
      2.0 * static_cast<double>(d.bisection_links) * c.noc.link_width_bits * c.clock_hz;
  d.flits_per_packet = (c.noc.packet_bits + c.noc.flit_bits - 1) / c.noc.flit_bits;
  d.mesh_diameter_hops = (c.mesh.x - 1) + (c.mesh.y - 1);
  // Static power only when the table is resolved (configs from load_arch always are).
  auto mw = [&](StaticBlock b) {
    const auto it = c.energy.static_mw.find(std::string(key(b)));
    return it == c.energy.static_mw.end() ? 0.0 : it->second;
  };
  d.static_power_mw =
      cores * (mw(StaticBlock::core) + mw(StaticBlock::router)) + mw(StaticBlock::chip);
  return d;
}

std::string derived_yaml(const DerivedFigures& d) {
  std::string s = "derived:\n";
  auto line = [&](const char* k, auto v) { s += fmt::format("  {}: {}\n", k, v); };
  line("cores", d.cores);
  line("total_neurons", d.total_neurons);
  line("total_fan_in", d.total_fan_in);
  line("total_synapse_memory_bytes", d.total_synapse_memory_bytes);
  line("weights_per_core", d.weights_per_core);
  line("membrane_bytes_per_core", d.membrane_bytes_per_core);
  line("total_membrane_bytes", d.total_membrane_bytes);
  line("peak_synops_per_second", d.peak_synops_per_second);
  line("peak_au_addresses_per_second", d.peak_au_addresses_per_second);
  line("peak_neuron_updates_per_second", d.peak_neuron_updates_per_second);
  line("bisection_links", d.bisection_links);
  line("bisection_bandwidth_bits_per_second", d.bisection_bandwidth_bits_per_second);
  line("flits_per_packet", d.flits_per_packet);
  line("mesh_diameter_hops", d.mesh_diameter_hops);
  line("static_power_mw", d.static_power_mw);
  return s;
}

}  // namespace arch
