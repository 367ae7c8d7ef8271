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

FlitNoc::FlitNoc(const arch::ArchConfig& a)
    : Noc(a),
      capacity_(std::max<uint32_t>(a.noc.buffer_flits, 1)),
      inputs_(size_t{n_cores_} * kPorts),
      outputs_(size_t{n_cores_} * kPorts),
      buffered_(n_cores_, 0) {}

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
      if (ip.occupancy >= capacity_) continue;
      const uint32_t idx = injected_flits[e]++;
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
      for (uint32_t p = 0; p < kPorts; ++p) {
        OutputPort& op = outputs_[r * kPorts + p];
        if (op.free_at > now) continue;
        if (op.locked < 0) {
          for (uint32_t j = 0; j < kPorts; ++j) {
            const uint32_t i = (op.rr + j) % kPorts;
            const InputPort& ip = inputs_[r * kPorts + i];
            if (ip.buffer.empty() || !ip.buffer.front().head) continue;
            if ((ip.out_mask & (1u << p)) && !(ip.sent_mask & (1u << p))) {
              op.locked = static_cast<int>(i);
              op.rr = (i + 1) % kPorts;
              break;
            }
          }
          if (op.locked < 0) continue;
        }
        InputPort& ip = inputs_[r * kPorts + op.locked];
        if (ip.buffer.empty()) continue;
        const Flit& f = ip.buffer.front();
        if ((ip.sent_mask & (1u << p)) || f.ready > now) continue;
        const bool eject = p == kLocal || p == kHost;
        const uint32_t down_r = eject ? r : neighbour(r, static_cast<Port>(p));
        if (eject) {
          const uint32_t dst = subsets_[ip.sub_begin[p]];
          if (f.head && !sink.can_accept(dst, now + packet_cycles_)) continue;
        } else if (inputs_[down_r * kPorts + p].occupancy >= capacity_) {
          continue;
        }
        Flit out = f;
        out.dest_begin = ip.sub_begin[p];
        out.dest_count = ip.sub_count[p];
        ip.sent_mask |= uint8_t(1u << p);
        op.free_at = now + flit_cycles_;
        ++counters.flit_hops;
        if (f.tail) op.locked = -1;
        progress = true;
        if (eject) {
          if (f.tail) {
            const uint32_t dst = subsets_[out.dest_begin];
            const uint64_t arrival = now + flit_cycles_;
            const uint64_t zl = zero_load_arrival(injections[f.injection].source, dst,
                                                  injections[f.injection].cycle);
            ++counters.deliveries;
            if (dst == n_cores_) ++counters.host_packets;
            counters.contention_cycles += arrival - zl;
            sink.deliver(dst, arrival, f.injection, arrival - zl);
          }
        } else {
          ++counters.link_traversals;
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
        if (tail) ip.routed = false;
      }
    }
    if (progress) last_progress = now;
    if (now - last_progress > kDeadlockCycles)
      throw std::runtime_error("flit NoC: no flit moved for " + std::to_string(kDeadlockCycles) +
                               " cycles (deadlock)");
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
