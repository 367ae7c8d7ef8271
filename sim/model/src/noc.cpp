#include "simmodel/noc.h"

#include <algorithm>
#include <functional>

#include "simmodel/flit_noc.h"

namespace sim {

namespace {
uint64_t ceil_div64(uint64_t a, uint64_t b) {
  return b == 0 ? a : (a + b - 1) / b;
}
}  // namespace

Noc::Noc(const arch::ArchConfig& a)
    : mesh_x_(std::max<uint32_t>(a.mesh.x, 1)),
      mesh_y_(std::max<uint32_t>(a.mesh.y, 1)),
      n_cores_(mesh_x_ * mesh_y_),
      latency_(a.noc.router_latency_cycles),
      flit_cycles_(std::max<uint64_t>(ceil_div64(a.noc.flit_bits, a.noc.link_width_bits), 1)),
      flits_(static_cast<uint32_t>(
          std::max<uint64_t>(ceil_div64(a.noc.packet_bits, a.noc.flit_bits), 1))),
      packet_cycles_(flits_ * flit_cycles_) {}

uint32_t Noc::hops(uint32_t src, uint32_t dst) const {
  const uint32_t a = router_of(src), b = router_of(dst);
  const int dx = static_cast<int>(a % mesh_x_) - static_cast<int>(b % mesh_x_);
  const int dy = static_cast<int>(a / mesh_x_) - static_cast<int>(b / mesh_x_);
  return static_cast<uint32_t>((dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy));
}

Port Noc::next_port(uint32_t r, uint32_t dst) const {
  const uint32_t b = router_of(dst);
  const uint32_t rx = r % mesh_x_, ry = r / mesh_x_, bx = b % mesh_x_, by = b / mesh_x_;
  if (bx > rx) return kEast;
  if (bx < rx) return kWest;
  if (by > ry) return kNorth;
  if (by < ry) return kSouth;
  return dst == n_cores_ ? kHost : kLocal;
}

uint32_t Noc::neighbour(uint32_t r, Port p) const {
  switch (p) {
    case kEast:
      return r + 1;
    case kWest:
      return r - 1;
    case kNorth:
      return r + mesh_x_;
    case kSouth:
      return r - mesh_x_;
    default:
      return r;
  }
}

std::unique_ptr<Noc> make_noc(const arch::ArchConfig& a) {
  if (a.noc.fidelity == arch::NocFidelity::flit) return std::make_unique<FlitNoc>(a);
  return std::make_unique<ReservationNoc>(a);
}

ReservationNoc::ReservationNoc(const arch::ArchConfig& a)
    : Noc(a), port_free_(size_t{n_cores_} * kPorts, 0), inject_free_(n_cores_ + 1, 0) {}

void ReservationNoc::route(std::span<const NocInjection> injections, std::span<const uint32_t> pool,
                           DeliverySink& sink) {
  deliveries_.clear();
  heap_.clear();
  subsets_.assign(pool.begin(), pool.end());
  uint64_t seq = 0;
  const auto greater = std::greater<Hop>();
  for (uint32_t k = 0; k < injections.size(); ++k) {
    const NocInjection& in = injections[k];
    ++counters.packets;
    if (in.source == n_cores_) ++counters.host_packets;
    // The injection port serialises a source's packets; the head is in the router at `ready`.
    const uint64_t ready = std::max(in.cycle, inject_free_[in.source]);
    inject_free_[in.source] = ready + packet_cycles_;
    heap_.push_back({ready, seq++, router_of(in.source), k, in.dest_begin, in.dest_count});
    std::push_heap(heap_.begin(), heap_.end(), greater);
  }
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), greater);
    const Hop h = heap_.back();
    heap_.pop_back();
    // Split the branch's destinations by output port; each port is reserved once per packet.
    uint32_t mask = 0;
    for (uint32_t d = 0; d < h.sub_count; ++d)
      mask |= 1u << next_port(h.router, subsets_[h.sub_begin + d]);
    for (uint32_t p = 0; p < kPorts; ++p) {
      if (!(mask & (1u << p))) continue;
      const uint32_t key = h.router * kPorts + p;
      const uint64_t depart = std::max(h.ready + latency_, port_free_[key]);
      port_free_[key] = depart + packet_cycles_;
      counters.flit_hops += flits_;
      if (p == kLocal || p == kHost) {
        const uint32_t dst = p == kHost ? n_cores_ : h.router;
        const NocInjection& in = injections[h.injection];
        const uint64_t arrival = depart + packet_cycles_;
        deliveries_.push_back(
            {arrival, dst, h.injection, arrival - zero_load_arrival(in.source, dst, in.cycle)});
        continue;
      }
      counters.link_traversals += flits_;
      const uint32_t begin = static_cast<uint32_t>(subsets_.size());
      for (uint32_t d = 0; d < h.sub_count; ++d) {
        const uint32_t dst = subsets_[h.sub_begin + d];
        if (next_port(h.router, dst) == p) subsets_.push_back(dst);
      }
      heap_.push_back({depart + flit_cycles_, seq++, neighbour(h.router, static_cast<Port>(p)),
                       h.injection, begin, static_cast<uint32_t>(subsets_.size()) - begin});
      std::push_heap(heap_.begin(), heap_.end(), greater);
    }
  }
  std::stable_sort(deliveries_.begin(), deliveries_.end(),
                   [](const Delivery& a, const Delivery& b) { return a.cycle < b.cycle; });
  for (const Delivery& d : deliveries_) {
    ++counters.deliveries;
    if (d.endpoint == n_cores_) ++counters.host_packets;
    counters.contention_cycles += d.contention;
    sink.deliver(d.endpoint, d.cycle, d.injection, d.contention);
  }
}

}  // namespace sim
