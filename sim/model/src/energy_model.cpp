// Energy after the run: counters x the arch's pJ per event, plus static mW x time per block
// instance (DESIGN.md §8). No energy numbers live in the model.
#include <array>

#include "simmodel/run.h"

namespace sim {

namespace {

using arch::EnergyEvent;

// The core events of a counter set, by event kind.
std::array<double, arch::kNumEnergyEvents> core_events(const Counters& c) {
  std::array<double, arch::kNumEnergyEvents> n{};
  const auto set = [&](EnergyEvent e, uint64_t v) { n[static_cast<size_t>(e)] = double(v); };
  set(EnergyEvent::au_address, c.au_addresses);
  set(EnergyEvent::weight_mem_read, c.weight_word_reads);
  set(EnergyEvent::membrane_mem_read, c.membrane_reads);
  set(EnergyEvent::membrane_mem_write, c.membrane_writes);
  set(EnergyEvent::pe_add, c.pe_adds);
  set(EnergyEvent::neuron_update_active, c.neuron_updates_active);
  set(EnergyEvent::neuron_update_idle, c.neuron_updates_idle);
  set(EnergyEvent::neuron_spike, c.spikes);
  set(EnergyEvent::spike_out_packet, c.packets_sent);
  set(EnergyEvent::controller_instr, c.instructions);
  set(EnergyEvent::barrier_sync, c.barrier_syncs);
  return n;
}

double dot(const std::array<double, arch::kNumEnergyEvents>& n, const arch::EnergyTable& t) {
  double e = 0;
  for (size_t k = 0; k < n.size(); ++k) e += n[k] * t.event_pj[k];
  return e;
}

}  // namespace

EnergyBreakdown compute_energy(const RunResult& r, const arch::ArchConfig& arch) {
  const arch::EnergyTable table = arch::energy_table(arch);
  EnergyBreakdown e;
  std::array<double, arch::kNumEnergyEvents> total{};
  for (const Counters& c : r.cores) {
    const auto n = core_events(c);
    e.core_dynamic_pj.push_back(dot(n, table));
    for (size_t k = 0; k < n.size(); ++k) total[k] += n[k];
  }
  for (const Counters& c : r.layers) e.layer_dynamic_pj.push_back(dot(core_events(c), table));
  total[static_cast<size_t>(EnergyEvent::router_hop_flit)] = double(r.noc.flit_hops);
  total[static_cast<size_t>(EnergyEvent::link_traverse)] =
      double(r.noc.link_traversals - r.noc.link_traversals_ns);
  total[static_cast<size_t>(EnergyEvent::link_traverse_ns)] = double(r.noc.link_traversals_ns);
  // A packet to the host is one event of its own (host.out), not a sent packet plus a
  // host-interface crossing: tables that price it apart (SANA-FE's output neurons send no
  // message) say so; the others give it the sum of the two.
  const double out = double(r.noc.host_packets_out);
  total[static_cast<size_t>(EnergyEvent::spike_out_packet)] -= out;
  total[static_cast<size_t>(EnergyEvent::host_io)] = double(r.noc.host_packets) - out;
  total[static_cast<size_t>(EnergyEvent::host_out)] = out;
  for (size_t k = 0; k < total.size(); ++k) {
    e.event_pj[k] = total[k] * table.event_pj[k];
    e.dynamic_pj += e.event_pj[k];
  }
  // mW x s = 1e9 pJ. Every core and router of the mesh is powered for the whole run.
  const double instances[arch::kNumStaticBlocks] = {double(arch.mesh.x) * arch.mesh.y,
                                                    double(arch.mesh.x) * arch.mesh.y, 1.0};
  for (size_t b = 0; b < arch::kNumStaticBlocks; ++b) {
    e.static_pj[b] = table.static_mw[b] * instances[b] * r.seconds * 1e9;
    e.static_total_pj += e.static_pj[b];
  }
  e.total_pj = e.dynamic_pj + e.static_total_pj;
  return e;
}

}  // namespace sim
