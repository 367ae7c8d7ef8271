// The reference NoC fidelity: routers with per-input-port FIFO buffers of buffer_flits (at least
// one whole packet) and credit flow control, advanced cycle by cycle while flits are in flight
// (idle stretches are skipped). Flow control is virtual cut-through: a packet's head moves into
// a buffer only when the whole packet fits, and an output port carries one packet from head to
// tail. Same timing rules as noc.h states; back-pressure from full buffers and from a
// destination core's full input queue propagates upstream. Multicast: a packet's head takes all
// output ports of its XY-tree branches at a router at once (no hold-and-wait, so multicast
// cannot deadlock); a flit leaves the input buffer once every branch has taken it.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "simmodel/noc.h"

namespace sim {

class FlitNoc final : public Noc {
 public:
  explicit FlitNoc(const arch::ArchConfig& a);
  // The state one router takes before any flit moves, for the memory budget (noc_state_bytes).
  static uint64_t bytes_per_router();
  void route(std::span<const NocInjection> injections, std::span<const uint32_t> pool,
             DeliverySink& sink) override;
  std::vector<LinkCounters> link_counters() const override { return links_; }

 private:
  struct Flit {
    uint32_t injection;
    uint32_t dest_begin, dest_count;  // the destinations this branch still serves (subsets_)
    bool head, tail;
    uint64_t ready;  // earliest departure: arrival + router latency
  };
  struct InputPort {
    std::deque<Flit> buffer;
    uint32_t occupancy = 0;  // buffered + in flight towards it (credits in use)
    bool routed = false;     // route of the front packet computed
    bool allocated = false;  // the front packet holds its output ports
    uint8_t out_mask = 0;    // output ports the front packet takes
    uint8_t sent_mask = 0;   // ports the front flit has left on
    uint32_t sub_begin[kPorts] = {}, sub_count[kPorts] = {};
  };
  struct OutputPort {
    int locked = -1;         // input port holding it (wormhole), -1 free
    uint64_t free_at = 0;    // next cycle it can carry a flit
    uint32_t rr = 0;         // round-robin start for arbitration
    uint64_t locked_at = 0;  // the cycle the packet holding it took it (busy cycles, traces)
  };
  struct InFlight {
    uint64_t arrive;
    uint32_t router, port;
    Flit flit;
  };

  void compute_route(uint32_t r, InputPort& in);

  uint32_t capacity_;
  std::vector<InputPort> inputs_;    // [router * kPorts + input]; input p = came via port p
  std::vector<OutputPort> outputs_;  // [router * kPorts + port]
  std::vector<uint32_t> buffered_;   // flits buffered per router
  std::vector<uint32_t> rr_;         // per router: the input port allocation starts from
  std::vector<LinkCounters> links_;  // [router * kPorts + port]: flits and busy cycles
  std::vector<uint32_t> subsets_;    // destination subsets of branches (this phase)
  std::deque<InFlight> in_flight_;
};

}  // namespace sim
