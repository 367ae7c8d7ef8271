// The reservation NoC's schedule for a phase of unicast packets (no multicast: one destination
// each), computed port by port instead of hop event by hop event, with the same result.
//
// Why it is exact (docs/performance.md, "Loihi-scale unicast"). The event path serves each
// output port in the order its hop events pop: (arrival cycle at the router, creation order),
// where an injection's first hop was created before every hop of the drain (in injection order)
// and a later hop after its parent hop, so creation order is the parent's pop order. A unicast
// hop's key is therefore its packet's arrival cycles at this and every earlier router, latest
// first, compared lexicographically, a packet at its source router before one that came over a
// link, two at their sources by injection index. A port's arrivals come from at most five
// sorted streams (the source core, the host at router 0, and the three upstream ports whose
// packets turn or go on into it), and XY routes make the ports a DAG: east ports west to east,
// west ports east to west, then north ports south to north, south ports north to south, then
// the ejection ports. Walking the ports in that order and merging each port's streams by key
// reserves every port in the event path's order; deliveries are then handed over in (cycle, key
// of the hop that made them), the event path's order.
//
// Cost per port reservation: a merge step over the port's streams, one max, one append; the
// packet's arrival cycles are kept only to break ties between equal arrival cycles.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "simmodel/counters.h"

namespace sim {

class Noc;
class DeliverySink;
struct NocInjection;

class UnicastSchedule {
 public:
  explicit UnicastSchedule(const Noc& noc);

  // Whether the phase is all unicast (this class's job); otherwise the event path routes it.
  static bool applies(std::span<const NocInjection> injections);

  // Routes the phase: reads and advances `port_free` ([router * kPorts + port]) and
  // `inject_free` ([endpoint]) exactly as the event path does; counts into `counters` and
  // each port's reservations into `port_packets` (same index as `port_free`).
  void route(std::span<const NocInjection> injections, std::span<const uint32_t> pool,
             std::vector<uint64_t>& port_free, std::vector<uint64_t>& port_packets,
             std::vector<uint64_t>& inject_free, NocCounters& counters, DeliverySink& sink);

 private:
  // A packet's head at a router (its `hop`-th, 0 = the source's) at `cycle`.
  struct Arrival {
    uint64_t cycle;
    uint32_t packet;
    uint32_t hop;
  };
  struct Packet {
    uint16_t dest_x, dest_y;
    uint32_t endpoint;  // destination
    uint32_t history;   // its arrival cycles in history_[history + hop]
  };
  struct Delivery {
    uint64_t cycle;
    uint32_t packet, hop, endpoint;
  };
  // One port's input: arrivals appended as sorted runs (one per stream).
  struct PortInput {
    std::vector<Arrival> arrivals;
    std::vector<uint32_t> run_begin;
    uint32_t last_stream = UINT32_MAX;
  };

  bool before(const Arrival& a, const Arrival& b) const;
  void append(uint32_t port, uint32_t stream, const Arrival& a);
  void serve(uint32_t port, std::vector<uint64_t>& port_free, std::vector<uint64_t>& port_packets,
             NocCounters& counters);
  void order_deliveries();

  const Noc& noc_;
  std::vector<uint32_t> port_order_;  // every port, upstream before downstream
  std::vector<PortInput> inputs_;     // [router * kPorts + port]
  std::vector<Packet> packets_;       // [injection]
  std::vector<uint64_t> history_;
  std::vector<Delivery> deliveries_, sorted_;
  std::vector<uint32_t> bucket_;  // counting sort of the deliveries by cycle
  std::span<const NocInjection> injections_;
};

}  // namespace sim
