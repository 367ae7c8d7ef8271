// Event and cycle counters: plain integers in the blocks, kept per core and per layer, walked
// once at the end by the statistics registry (stats.h) and the energy model (energy_model.h).
#pragma once
#include <cstdint>

namespace sim {

// Stall cycles by cause.
struct StallCycles {
  uint64_t queue_full = 0;     // packets waiting at a full input queue (sum over packets)
  uint64_t bank_conflict = 0;  // integration cycles lost to membrane bank conflicts
  uint64_t barrier_wait = 0;   // controller cycles spent waiting at BAR
  uint64_t noc = 0;            // packet cycles above the zero-load NoC latency (contention)
  StallCycles& operator+=(const StallCycles& o) {
    queue_full += o.queue_full;
    bank_conflict += o.bank_conflict;
    barrier_wait += o.barrier_wait;
    noc += o.noc;
    return *this;
  }
  bool operator==(const StallCycles&) const = default;
};

// What one core (or the part of a core's work that belongs to one layer) did.
struct Counters {
  uint64_t controller_busy_cycles = 0;   // cycles executing instructions (not waiting at BAR)
  uint64_t integration_busy_cycles = 0;  // cycles the integration pipeline served packets
  StallCycles stalls;
  uint64_t au_addresses = 0;  // (neuron, weight) pairs generated
  uint64_t weight_word_reads = 0;
  uint64_t zero_weight_reads = 0;  // pairs whose weight was zero (read, no add)
  uint64_t membrane_reads = 0;     // words
  uint64_t membrane_writes = 0;    // words
  uint64_t pe_adds = 0;            // shift-add steps: popcount(payload) per non-zero pair
  uint64_t synaptic_events = 0;    // pairs with a non-zero weight (pool: every pair)
  uint64_t neuron_updates_active = 0;
  uint64_t neuron_updates_idle = 0;
  uint64_t spikes = 0;            // spike events generated (graded: one per non-zero output)
  uint64_t packets_sent = 0;      // packets injected (to cores or the host)
  uint64_t packets_received = 0;  // packets integrated
  uint64_t instructions = 0;
  uint64_t barrier_syncs = 0;

  uint64_t busy_cycles() const { return controller_busy_cycles + integration_busy_cycles; }
  Counters& operator+=(const Counters& o);
  bool operator==(const Counters&) const = default;
};

inline Counters& Counters::operator+=(const Counters& o) {
  controller_busy_cycles += o.controller_busy_cycles;
  integration_busy_cycles += o.integration_busy_cycles;
  stalls += o.stalls;
  au_addresses += o.au_addresses;
  weight_word_reads += o.weight_word_reads;
  zero_weight_reads += o.zero_weight_reads;
  membrane_reads += o.membrane_reads;
  membrane_writes += o.membrane_writes;
  pe_adds += o.pe_adds;
  synaptic_events += o.synaptic_events;
  neuron_updates_active += o.neuron_updates_active;
  neuron_updates_idle += o.neuron_updates_idle;
  spikes += o.spikes;
  packets_sent += o.packets_sent;
  packets_received += o.packets_received;
  instructions += o.instructions;
  barrier_syncs += o.barrier_syncs;
  return *this;
}

// The network's counters (chip-wide).
struct NocCounters {
  uint64_t packets = 0;            // packets injected (a multicast packet counts once)
  uint64_t deliveries = 0;         // (packet, destination) pairs delivered
  uint64_t flit_hops = 0;          // flits through a router (one per router a flit visits)
  uint64_t link_traversals = 0;    // flits across a router-to-router link
  uint64_t host_packets = 0;       // packets through the host interface (in and out)
  uint64_t contention_cycles = 0;  // sum over deliveries of cycles above zero-load latency
  bool operator==(const NocCounters&) const = default;
};

}  // namespace sim
