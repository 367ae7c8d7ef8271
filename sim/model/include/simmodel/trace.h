// The one observation path of a run's timeline (DESIGN.md §14): the core model, the NoC, the
// chip and the barrier call a TraceSink at the events they already count, with the cycles they
// already computed (no timing logic here). Null by default: a call site on the controller's
// path (UPD, SEND, BAR) or at a barrier is one pointer test; the per-packet paths (delivery,
// integration, the NoC's hops) have traced and untraced copies picked by one test per delivery
// and per phase's routing; nothing is called per synaptic event. The chip hands the sink to the
// blocks only for the steps and cores it wants (set_trace), so outside a trace window the
// pointer is null.
#pragma once
#include <cstdint>

namespace sim {

// What the controller was busy with (a slice of its track).
enum class TraceBusy : uint8_t {
  update,  // UPD.*: the neuron unit's sweep of a segment; count = spikes it produced
  send,    // SEND / HOUT / PSUM: packets injected one per cycle; count = packets
};

// What a packet carries (docs/simulator.md): a spike (or a host input / readout value), a
// site-activation message (sparse convolution) or a partial sum (fan-in splitting).
enum class TracePacket : uint8_t { spike, site, psum };

// One packet through a core's input queue and integration pipeline, in cycles:
// arrival <= accept (a slot is free; the gap is stall_cycles.queue_full) <= start (service
// starts; the packet waited in the queue from accept) < end (service ends).
struct TraceIntegration {
  uint32_t layer = 0;  // the packet's source layer
  TracePacket kind = TracePacket::spike;
  uint64_t arrival = 0, accept = 0, start = 0, end = 0;
  uint64_t bank_conflict = 0;  // cycles of [start, end) lost to membrane bank conflicts
  uint64_t noc_stall = 0;      // cycles the packet arrived late (NoC contention)
};

class TraceSink {
 public:
  virtual ~TraceSink() = default;

  // Bounds, asked by the drivers and the chip: a step of a sample, a core (endpoint index).
  virtual bool wants_step(uint32_t sample, uint32_t step) const = 0;
  virtual bool wants_core(uint32_t core) const = 0;

  // A traced step of a sample: [begin, end) from its first phase's start to its last release.
  virtual void step(uint32_t sample, uint32_t step, uint64_t begin, uint64_t end) = 0;
  // A phase: [start, release); the barrier released every core at `release`.
  virtual void phase(uint32_t step, uint32_t phase, uint64_t start, uint64_t release) = 0;
  // Core `core`'s controller ran [begin, end) (from the phase start to its BAR issued).
  virtual void controller_run(uint32_t core, uint64_t begin, uint64_t end) = 0;
  // A busy interval of the controller for `layer`, nested in its run.
  virtual void controller_busy(uint32_t core, TraceBusy kind, uint32_t layer, uint64_t begin,
                               uint64_t end, uint64_t count) = 0;
  // The controller waited at the barrier [begin, end) (stall_cycles.barrier_wait).
  virtual void barrier_wait(uint32_t core, uint64_t begin, uint64_t end) = 0;
  // A packet integrated by core `core`.
  virtual void integration(uint32_t core, const TraceIntegration& t) = 0;
  // A packet delivered: from endpoint `source` (cores 0..n-1, the host n) offered at `inject`
  // to endpoint `dest` arriving at `arrival` (`contention` cycles above the zero-load latency);
  // `service_start` is when its integration began (the host: the arrival).
  virtual void delivery(uint32_t source, uint32_t dest, uint32_t layer, TracePacket kind,
                        uint64_t inject, uint64_t arrival, uint64_t contention,
                        uint64_t service_start) = 0;
  // An output port of router `router` carried (or was held for) a packet over [begin, end).
  virtual void port_busy(uint32_t router, uint32_t port, uint64_t begin, uint64_t end) = 0;
};

}  // namespace sim
