#include "simmodel/noc.h"

#include <algorithm>

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
  for (uint32_t k = 0; k < injections.size(); ++k) {
    const NocInjection& in = injections[k];
    ++counters.packets;
    if (in.source == n_cores_) ++counters.host_packets;
    // The injection port serialises a source's packets; the head is in the router at `ready0`.
    const uint64_t ready0 = std::max(in.cycle, inject_free_[in.source]);
    inject_free_[in.source] = ready0 + packet_cycles_;
    tree_.clear();
    for (uint32_t d = 0; d < in.dest_count; ++d) {
      const uint32_t dst = pool[in.dest_begin + d];
      uint32_t r = router_of(in.source);
      uint64_t ready = ready0;
      for (;;) {
        const Port p = next_port(r, dst);
        const uint32_t key = r * kPorts + p;
        uint64_t depart;
        auto it = std::find_if(tree_.begin(), tree_.end(),
                               [key](const auto& e) { return e.first == key; });
        if (it != tree_.end()) {
          depart = it->second;  // this packet already took the port (a shared branch)
        } else {
          depart = std::max(ready + latency_, port_free_[key]);
          port_free_[key] = depart + packet_cycles_;
          tree_.emplace_back(key, depart);
          counters.flit_hops += flits_;
          if (p != kLocal && p != kHost) counters.link_traversals += flits_;
        }
        if (p == kLocal || p == kHost) {
          const uint64_t arrival = depart + packet_cycles_;
          deliveries_.push_back(
              {arrival, dst, k, arrival - zero_load_arrival(in.source, dst, in.cycle)});
          break;
        }
        r = neighbour(r, p);
        ready = depart + flit_cycles_;
      }
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
