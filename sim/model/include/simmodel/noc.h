// The network on chip behind one interface, two fidelities (DESIGN.md §4):
//  - ReservationNoc: dimension-order (XY) routes, each output port's next-free cycle reserved
//    per packet in injection order; fast, exact without back-pressure.
//  - FlitNoc: routers with input buffers of buffer_flits and credits, advanced cycle by cycle
//    while flits are in flight; the reference.
// Both use the same timing rules, so they agree exactly when packets do not contend:
//  - a packet's head entering a router at cycle r leaves on an output port at >= r + L
//    (L = router_latency_cycles); a port carries one flit per C = ceil(flit_bits / link_width)
//    cycles, a packet of n_f = ceil(packet_bits / flit_bits) flits occupies it F = n_f * C cycles;
//  - the head reaches the next router C cycles after it leaves; the packet is delivered to the
//    destination endpoint when its tail has crossed the ejection port.
//  Zero-load latency over h hops: (h + 1) * L + h * C + F.
// Endpoints: cores 0..n-1 (core i beside router i = y * mesh_x + x) and the host, endpoint n,
// on its own port of router 0 (the mesh corner x = 0, y = 0). Multicast packets follow the
// union of their XY routes (a tree) and are duplicated at branch routers.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "arch/config.h"
#include "simmodel/counters.h"
#include "simmodel/noc_calendar.h"
#include "simmodel/noc_multicast_tree.h"
#include "simmodel/noc_unicast.h"
#include "simmodel/trace.h"

namespace sim {

// One packet offered to the network by a source endpoint.
struct NocInjection {
  uint64_t cycle = 0;       // when the source offers it (it leaves once the injection port is free)
  uint32_t source = 0;      // endpoint
  uint32_t dest_begin = 0;  // destinations: pool[dest_begin, dest_begin + dest_count)
  uint32_t dest_count = 0;
};

// Where the network hands packets over. Deliveries come in non-decreasing cycle order.
class DeliverySink {
 public:
  virtual ~DeliverySink() = default;
  // Whether `endpoint` can take a packet at `cycle` (back-pressure; the flit NoC asks).
  virtual bool can_accept(uint32_t endpoint, uint64_t cycle) = 0;
  // Packet `injection` (index into the phase's injections) has arrived whole at `endpoint` at
  // `cycle`; `contention` = cycle minus its zero-load arrival.
  virtual void deliver(uint32_t endpoint, uint64_t cycle, uint32_t injection,
                       uint64_t contention) = 0;
  // Packet `injection` will be delivered to `endpoint` (a hint, no effect on results): the sink
  // may start loading what the delivery reads, which it would otherwise wait for then.
  virtual void expect(uint32_t /*endpoint*/, uint32_t /*injection*/) {}
};

// Output ports of a router.
enum Port : uint8_t { kEast = 0, kWest = 1, kNorth = 2, kSouth = 3, kLocal = 4, kHost = 5 };
inline constexpr uint32_t kPorts = 6;
// The ports' names in statistics ("router.x3y1.east.flits").
inline constexpr std::array<std::string_view, kPorts> kPortNames = {"east",  "west",  "north",
                                                                    "south", "local", "host"};

class Noc {
 public:
  explicit Noc(const arch::ArchConfig& a);
  virtual ~Noc() = default;

  // Routes one phase's packets (sorted by cycle; ties keep their order) and delivers them.
  virtual void route(std::span<const NocInjection> injections, std::span<const uint32_t> pool,
                     DeliverySink& sink) = 0;

  uint32_t host_endpoint() const { return n_cores_; }
  uint32_t router_of(uint32_t endpoint) const { return endpoint == n_cores_ ? 0 : endpoint; }
  uint32_t hops(uint32_t src_endpoint, uint32_t dst_endpoint) const;
  // The next output port from router `r` towards `dst_endpoint` (XY: x first, then y).
  Port next_port(uint32_t r, uint32_t dst_endpoint) const;
  uint32_t neighbour(uint32_t r, Port p) const;
  uint64_t zero_load_arrival(uint32_t src, uint32_t dst, uint64_t cycle) const {
    const uint64_t h = hops(src, dst);
    return cycle + (h + 1) * latency_ + h * flit_cycles_ + packet_cycles_;
  }
  uint32_t flits_per_packet() const { return flits_; }
  uint64_t packet_cycles() const { return packet_cycles_; }
  uint64_t flit_cycles() const { return flit_cycles_; }
  uint64_t router_latency() const { return latency_; }
  uint32_t mesh_x() const { return mesh_x_; }
  uint32_t mesh_y() const { return mesh_y_; }

  NocCounters counters;
  // Each output port's load so far, [router * kPorts + port]. Counted where a port is reserved,
  // never per cycle: the flit NoC per flit, the reservation NoC one packet count per
  // reservation (its flits and busy cycles are that count x n_f and x F).
  virtual std::vector<LinkCounters> link_counters() const = 0;
  // The timeline sink (nullptr: not traced): told of every output port reservation.
  void set_trace(TraceSink* trace) { trace_ = trace; }

 protected:
  TraceSink* trace_ = nullptr;
  uint32_t mesh_x_, mesh_y_, n_cores_;
  uint64_t latency_;        // L, cycles per router
  uint64_t flit_cycles_;    // C, cycles one flit occupies a port
  uint32_t flits_;          // n_f, flits per packet
  uint64_t packet_cycles_;  // F = n_f * C
};

// Refuses (isa::InputError, the memory budget) a mesh whose NoC state would not fit.
std::unique_ptr<Noc> make_noc(const arch::ArchConfig& a);
// The bytes the NoC's per-router state takes for `a`'s mesh and fidelity (an estimate).
uint64_t noc_state_bytes(const arch::ArchConfig& a);

// Exact FCFS per port in (ready cycle, creation order); cost O(1) per router hop and delivery:
// hop events sit in a calendar queue (every hop lands later than the one that created it) and a
// packet walks its precomputed multicast tree (docs/performance.md, "reservation NoC").
// A phase of unicast packets only (no multicast) is scheduled port by port instead
// (UnicastSchedule), with the same result; traced phases always take the event path.
class ReservationNoc final : public Noc {
 public:
  explicit ReservationNoc(const arch::ArchConfig& a);
  void route(std::span<const NocInjection> injections, std::span<const uint32_t> pool,
             DeliverySink& sink) override;
  std::vector<LinkCounters> link_counters() const override;
  // Tests: route every phase by hop events (the reference for the unicast schedule).
  void set_events_only(bool on) { events_only_ = on; }

 private:
  enum class EventKind : uint32_t { hop, deliver_local, deliver_host };
  // Packet `injection`'s head at tree node `node` (hop), or its tail out of that node's router
  // on the local or host port (delivery); the cycle is the calendar's.
  struct Event {
    uint32_t injection;
    uint32_t node;
    EventKind kind;
  };
  // The tree of the pool span starting at dest_begin, valid for this phase only.
  struct SpanTree {
    uint32_t count = 0, router = UINT32_MAX, root = 0;
  };
  uint32_t tree_of(const NocInjection& in, std::span<const uint32_t> pool);
  template <bool kTraced>
  void drain(std::span<const NocInjection> injections, DeliverySink& sink);
  template <bool kTraced>
  void hop(uint64_t cycle, const Event& e);
  void deliver(uint64_t cycle, const Event& e, std::span<const NocInjection> injections,
               DeliverySink& sink);

  std::vector<uint64_t> port_free_;     // [router * kPorts + port]: next cycle the port is free
  std::vector<uint64_t> inject_free_;   // [endpoint]: next cycle the injection port is free
  std::vector<uint64_t> port_packets_;  // [router * kPorts + port]: reservations (link load)
  MulticastTrees trees_;
  std::vector<SpanTree> span_trees_;  // [dest_begin]
  CalendarQueue<Event> events_;
  UnicastSchedule unicast_;
  bool events_only_ = false;
};

}  // namespace sim
