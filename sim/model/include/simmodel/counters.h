// Event and cycle counters: plain integers in the blocks, kept per core and per layer, walked
// once at the end by the statistics registry (stats.h) and the energy model (energy_model.h).
#pragma once
#include <cstdint>

namespace sim {

// The event counters of a core or layer, once: X(member, description, unit). The struct, its
// sum and the statistics registry (stats.h) are generated from this list.
#define SIM_COUNTER_FIELDS(X)                                                                   \
  X(controller_busy_cycles, "cycles the controller executed instructions (not waiting at BAR)", \
    "cycles")                                                                                   \
  X(integration_busy_cycles, "cycles the integration pipeline served packets", "cycles")        \
  X(au_addresses, "(neuron, weight) address pairs the AU generated", "events")                  \
  X(weight_word_reads, "weight-memory words read", "words")                                     \
  X(zero_weight_reads, "address pairs whose weight was zero (read, no add)", "events")          \
  X(membrane_reads, "membrane-memory words read", "words")                                      \
  X(membrane_writes, "membrane-memory words written", "words")                                  \
  X(pe_adds, "PE shift-add steps (popcount(payload) per non-zero pair)", "events")              \
  X(synaptic_events, "pairs with a non-zero weight (pool: every pair)", "events")               \
  X(skipped_pairs, "pairs not generated: target site inactive (sparse conv)", "events")         \
  X(site_messages, "site-activation messages received (sparse convolution)", "packets")         \
  X(neuron_updates_active, "neuron updates of neurons with input, state or bias", "events")     \
  X(neuron_updates_idle, "neuron updates of neurons without (dense sweep)", "events")           \
  X(membrane_changes,                                                                           \
    "neuron updates that changed the stored membrane v, a sample's first step excluded "        \
    "(NeuroBench membrane updates)",                                                            \
    "events")                                                                                   \
  X(spikes, "spikes generated: neurons that fired (a graded spike counts once)", "events")      \
  X(spike_payload,                                                                              \
    "sum of the payloads of the spikes generated (a graded spike counts its "                   \
    "value; equals spikes for binary spikes)",                                                  \
    "events")                                                                                   \
  X(packets_sent, "packets injected (to cores or the host)", "packets")                         \
  X(psum_packets, "partial-sum packets sent (fan-in split across cores; in packets_sent)",      \
    "packets")                                                                                  \
  X(packets_received, "packets integrated", "packets")                                          \
  X(instructions, "instructions fetched and executed", "events")                                \
  X(barrier_syncs, "barriers taken part in", "events")

// Stall cycles by cause: X(member, description).
#define SIM_STALL_FIELDS(X)                                              \
  X(queue_full, "packet cycles waiting at a full input queue")           \
  X(bank_conflict, "integration cycles lost to membrane bank conflicts") \
  X(barrier_wait, "controller cycles waiting at BAR")                    \
  X(noc, "packet cycles above the zero-load NoC latency (contention)")

struct StallCycles {
#define SIM_X(m, doc) uint64_t m = 0;
  SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
  StallCycles& operator+=(const StallCycles& o) {
#define SIM_X(m, doc) m += o.m;
    SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
    return *this;
  }
  bool operator==(const StallCycles&) const = default;
};

// What one core (or the part of a core's work that belongs to one layer) did.
struct Counters {
#define SIM_X(m, doc, unit) uint64_t m = 0;
  SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
  StallCycles stalls;

  uint64_t busy_cycles() const {
    return controller_busy_cycles + integration_busy_cycles;
  }
  Counters& operator+=(const Counters& o) {
#define SIM_X(m, doc, unit) m += o.m;
    SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
    stalls += o.stalls;
    return *this;
  }
  bool operator==(const Counters&) const = default;
};

// The network's counters (chip-wide).
#define SIM_NOC_FIELDS(X)                                                                \
  X(packets, "packets injected (a multicast packet counts once)", "packets")             \
  X(deliveries, "(packet, destination) pairs delivered", "packets")                      \
  X(flit_hops, "flits through a router output port (router.hop_flit)", "flits")          \
  X(link_traversals, "flits across a router-to-router link", "flits")                    \
  X(link_traversals_ns, "flits across a north-south link (in link_traversals)", "flits") \
  X(host_packets, "packets through the host interface (in and out)", "packets")          \
  X(host_packets_out, "packets delivered to the host (in host_packets)", "packets")      \
  X(contention_cycles, "sum over deliveries of cycles above the zero-load latency", "cycles")

struct NocCounters {
#define SIM_X(m, doc, unit) uint64_t m = 0;
  SIM_NOC_FIELDS(SIM_X)
#undef SIM_X
  bool operator==(const NocCounters&) const = default;
};

// The load of one router output port (a directed link to a neighbour, or the ejection port to
// the router's core or the host), kept per port in Noc::links: X(member, description, unit).
// Summed over every port, flits = NocCounters::flit_hops; over the mesh links only,
// link_traversals.
#define SIM_LINK_FIELDS(X)                                                                  \
  X(flits, "flits the port carried", "flits")                                               \
  X(busy_cycles, "cycles the port was reserved for or held by a packet (head to tail out)", \
    "cycles")

struct LinkCounters {
#define SIM_X(m, doc, unit) uint64_t m = 0;
  SIM_LINK_FIELDS(SIM_X)
#undef SIM_X
  LinkCounters& operator+=(const LinkCounters& o) {
#define SIM_X(m, doc, unit) m += o.m;
    SIM_LINK_FIELDS(SIM_X)
#undef SIM_X
    return *this;
  }
  bool operator==(const LinkCounters&) const = default;
};

}  // namespace sim
