#include "simmodel/flit_noc.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sim {

namespace {
// A router's input fed by the host interface (router 0 only) and by its core.
constexpr uint32_t kFromCore = kLocal;
constexpr uint32_t kFromHost = kHost;
constexpr uint64_t kDeadlockCycles = 1'000'000;
}  // namespace

uint64_t FlitNoc::bytes_per_router() {
  // Each input port's std::deque allocates its map and a 512-byte block up front; a phase's
  // pending queue and counters add a vector and three words per router.
  constexpr uint64_t kDequeBytes = 64 + 512;
  return kPorts * (sizeof(InputPort) + kDequeBytes + sizeof(OutputPort)) + 2 * sizeof(uint32_t) +
         sizeof(std::vector<uint32_t>) + 2 * sizeof(uint64_t) + sizeof(uint32_t);
}

FlitNoc::FlitNoc(const arch::ArchConfig& a)
    : Noc(a),
      capacity_(std::max<uint32_t>(a.noc.buffer_flits, flits_)),
      inputs_(size_t{n_cores_} * kPorts),
      outputs_(size_t{n_cores_} * kPorts),
      buffered_(n_cores_, 0),
      rr_(n_cores_, 0),
      links_(size_t{n_cores_} * kPorts) {}

void FlitNoc::compute_route(uint32_t r, InputPort& in) {
  const Flit& f = in.buffer.front();
  in.out_mask = 0;
  // Group the branch's destinations by output port, each group a new subset.
  for (uint32_t p = 0; p < kPorts; ++p) in.sub_count[p] = 0;
  for (uint32_t d = 0; d < f.dest_count; ++d)
    in.out_mask |= uint8_t(1u << next_port(r, subsets_[f.dest_begin + d]));
  for (uint32_t p = 0; p < kPorts; ++p) {
    if (!(in.out_mask & (1u << p))) continue;
    in.sub_begin[p] = static_cast<uint32_t>(subsets_.size());
    for (uint32_t d = 0; d < f.dest_count; ++d) {
      const uint32_t dst = subsets_[f.dest_begin + d];
      if (next_port(r, dst) == p) subsets_.push_back(dst);
    }
    in.sub_count[p] = static_cast<uint32_t>(subsets_.size()) - in.sub_begin[p];
  }
  in.routed = true;
  in.sent_mask = 0;
}

void FlitNoc::route(std::span<const NocInjection> injections, std::span<const uint32_t> pool,
                    DeliverySink& sink) {
  subsets_.assign(pool.begin(), pool.end());
  // Per source endpoint: its packets in order, the next one, flits of it already injected.
  std::vector<std::vector<uint32_t>> pending(n_cores_ + 1);
  for (uint32_t k = 0; k < injections.size(); ++k) pending[injections[k].source].push_back(k);
  std::vector<size_t> next(n_cores_ + 1, 0);
  std::vector<uint32_t> injected_flits(n_cores_ + 1, 0);
  std::vector<uint64_t> inject_free(n_cores_ + 1, 0);
  size_t remaining = injections.size();
  uint64_t buffered_total = 0;
  uint64_t now = injections.empty() ? 0 : injections.front().cycle;
  uint64_t last_progress = now;

  while (remaining > 0 || buffered_total > 0 || !in_flight_.empty()) {
    bool progress = false;
    // 1. Flits that finished crossing a link enter their buffer.
    while (!in_flight_.empty() && in_flight_.front().arrive <= now) {
      InFlight& f = in_flight_.front();
      f.flit.ready = f.arrive + latency_;
      inputs_[f.router * kPorts + f.port].buffer.push_back(f.flit);
      ++buffered_[f.router];
      ++buffered_total;
      in_flight_.pop_front();
    }
    // 2. Sources inject one flit per C cycles when the router's input has a free slot.
    for (uint32_t e = 0; e <= n_cores_; ++e) {
      if (next[e] >= pending[e].size()) continue;
      const uint32_t k = pending[e][next[e]];
      const NocInjection& in = injections[k];
      if (in.cycle > now || inject_free[e] > now) continue;
      const uint32_t r = router_of(e);
      InputPort& ip = inputs_[r * kPorts + (e == n_cores_ ? kFromHost : kFromCore)];
      const uint32_t idx = injected_flits[e];
      // Virtual cut-through: a packet enters only when the whole of it fits the buffer.
      if (ip.occupancy + (idx == 0 ? flits_ : 1) > capacity_) continue;
      ++injected_flits[e];
      if (idx == 0) {
        ++counters.packets;
        if (e == n_cores_) ++counters.host_packets;
      }
      ip.buffer.push_back(
          Flit{k, in.dest_begin, in.dest_count, idx == 0, idx + 1 == flits_, now + latency_});
      ++ip.occupancy;
      ++buffered_[r];
      ++buffered_total;
      inject_free[e] = now + flit_cycles_;
      if (idx + 1 == flits_) {
        injected_flits[e] = 0;
        ++next[e];
        --remaining;
      }
      progress = true;
    }
    // 3. Switch: every output port takes at most one flit per C cycles.
    for (uint32_t r = 0; r < n_cores_; ++r) {
      if (buffered_[r] == 0) continue;
      for (uint32_t i = 0; i < kPorts; ++i) {
        InputPort& ip = inputs_[r * kPorts + i];
        if (!ip.buffer.empty() && !ip.routed) compute_route(r, ip);
      }
      // Allocation (virtual cut-through, multicast-safe): a packet's head takes every output
      // port of its branches at once, and only in a cycle where all of them are free and each
      // has room downstream for the whole packet (or the destination core accepts it). It then
      // leaves on all branches in that cycle and its body never waits for room, so a packet
      // holding ports always drains: no hold-and-wait, no deadlock. Inputs in round-robin order.
      bool head_go[kPorts] = {};
      for (uint32_t j = 0; j < kPorts; ++j) {
        const uint32_t i = (rr_[r] + j) % kPorts;
        InputPort& ip = inputs_[r * kPorts + i];
        if (ip.buffer.empty() || !ip.buffer.front().head || ip.allocated) continue;
        bool go = ip.buffer.front().ready <= now;
        for (uint32_t p = 0; p < kPorts && go; ++p) {
          if (!(ip.out_mask & (1u << p))) continue;
          const OutputPort& op = outputs_[r * kPorts + p];
          if (op.locked >= 0 || op.free_at > now)
            go = false;
          else if (p == kLocal || p == kHost)
            go = sink.can_accept(subsets_[ip.sub_begin[p]], now + packet_cycles_);
          else
            go = inputs_[neighbour(r, static_cast<Port>(p)) * kPorts + p].occupancy + flits_ <=
                 capacity_;
        }
        if (!go) continue;
        for (uint32_t p = 0; p < kPorts; ++p)
          if (ip.out_mask & (1u << p)) {
            outputs_[r * kPorts + p].locked = static_cast<int>(i);
            outputs_[r * kPorts + p].locked_at = now;
          }
        ip.allocated = true;
        head_go[i] = true;
        rr_[r] = (i + 1) % kPorts;
      }
      for (uint32_t p = 0; p < kPorts; ++p) {
        OutputPort& op = outputs_[r * kPorts + p];
        if (op.free_at > now || op.locked < 0) continue;
        InputPort& ip = inputs_[r * kPorts + op.locked];
        if (ip.buffer.empty()) continue;
        const Flit& f = ip.buffer.front();
        if ((ip.sent_mask & (1u << p)) || f.ready > now) continue;
        if (f.head && !head_go[op.locked]) continue;
        const bool eject = p == kLocal || p == kHost;
        const uint32_t down_r = eject ? r : neighbour(r, static_cast<Port>(p));
        if (!eject && inputs_[down_r * kPorts + p].occupancy >= capacity_) continue;
        Flit out = f;
        out.dest_begin = ip.sub_begin[p];
        out.dest_count = ip.sub_count[p];
        ip.sent_mask |= uint8_t(1u << p);
        op.free_at = now + flit_cycles_;
        ++counters.flit_hops;
        LinkCounters& link = links_[r * kPorts + p];
        ++link.flits;
        if (f.tail) {
          op.locked = -1;
          link.busy_cycles += now + flit_cycles_ - op.locked_at;
          if (trace_) trace_->port_busy(r, p, op.locked_at, now + flit_cycles_);
        }
        progress = true;
        if (eject) {
          if (f.tail) {
            const uint32_t dst = subsets_[out.dest_begin];
            const uint64_t arrival = now + flit_cycles_;
            const uint64_t zl = zero_load_arrival(injections[f.injection].source, dst,
                                                  injections[f.injection].cycle);
            ++counters.deliveries;
            if (dst == n_cores_) ++counters.host_packets, ++counters.host_packets_out;
            counters.contention_cycles += arrival - zl;
            sink.deliver(dst, arrival, f.injection, arrival - zl);
          }
        } else {
          ++counters.link_traversals;
          if (p == kNorth || p == kSouth) ++counters.link_traversals_ns;
          ++inputs_[down_r * kPorts + p].occupancy;
          in_flight_.push_back({now + flit_cycles_, down_r, p, out});
        }
      }
    }
    // 4. Front flits that every branch has taken leave their buffer (credits next cycle).
    for (uint32_t r = 0; r < n_cores_; ++r) {
      if (buffered_[r] == 0) continue;
      for (uint32_t i = 0; i < kPorts; ++i) {
        InputPort& ip = inputs_[r * kPorts + i];
        if (ip.buffer.empty() || !ip.routed || ip.sent_mask != ip.out_mask) continue;
        const bool tail = ip.buffer.front().tail;
        ip.buffer.pop_front();
        --ip.occupancy;
        --buffered_[r];
        --buffered_total;
        ip.sent_mask = 0;
        if (tail) ip.routed = ip.allocated = false;
      }
    }
    if (progress) last_progress = now;
    if (now - last_progress > kDeadlockCycles) {
      std::string state;
      for (uint32_t r = 0; r < n_cores_; ++r)
        for (uint32_t i = 0; i < kPorts; ++i) {
          const InputPort& ip = inputs_[r * kPorts + i];
          if (ip.buffer.empty()) continue;
          const Flit& f = ip.buffer.front();
          state += "; router " + std::to_string(r) + " input " + std::to_string(i) + ": " +
                   std::to_string(ip.buffer.size()) + " flits, front of packet " +
                   std::to_string(f.injection) + (f.head ? " (head)" : "") + " outputs " +
                   std::to_string(ip.out_mask) + " sent " + std::to_string(ip.sent_mask) +
                   (ip.allocated ? " allocated" : "");
        }
      for (uint32_t k = 0; k < outputs_.size(); ++k)
        if (outputs_[k].locked >= 0)
          state += "; router " + std::to_string(k / kPorts) + " output " +
                   std::to_string(k % kPorts) + " held by input " +
                   std::to_string(outputs_[k].locked);
      throw std::runtime_error("flit NoC: no flit moved for " + std::to_string(kDeadlockCycles) +
                               " cycles (deadlock)" + state);
    }
    // Skip idle stretches: nothing buffered or in flight, next injection in the future.
    if (buffered_total == 0 && in_flight_.empty() && remaining > 0) {
      uint64_t t = UINT64_MAX;
      for (uint32_t e = 0; e <= n_cores_; ++e)
        if (next[e] < pending[e].size())
          t = std::min(t, std::max(injections[pending[e][next[e]]].cycle, inject_free[e]));
      now = std::max(now + 1, t);
      last_progress = now;
    } else {
      ++now;
    }
  }
}

}  // namespace sim
