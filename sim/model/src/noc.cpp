#include "simmodel/noc.h"

#include <algorithm>
#include <bit>

#include "simmodel/flit_noc.h"

#include <fmt/core.h>

#include "isa/memory_budget.h"

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

uint64_t noc_state_bytes(const arch::ArchConfig& a) {
  const uint64_t routers =
      uint64_t{std::max<uint32_t>(a.mesh.x, 1)} * std::max<uint32_t>(a.mesh.y, 1);
  const uint64_t per_router = a.noc.fidelity == arch::NocFidelity::flit
                                  ? FlitNoc::bytes_per_router()
                                  : kPorts * sizeof(uint64_t) + sizeof(uint64_t);
  return isa::saturating_mul(routers, per_router);
}

std::unique_ptr<Noc> make_noc(const arch::ArchConfig& a) {
  isa::check_memory(fmt::format("the arch's {}x{} mesh ({} NoC)", a.mesh.x, a.mesh.y,
                                a.noc.fidelity == arch::NocFidelity::flit ? "flit" : "reservation"),
                    noc_state_bytes(a));
  if (a.noc.fidelity == arch::NocFidelity::flit) return std::make_unique<FlitNoc>(a);
  return std::make_unique<ReservationNoc>(a);
}

ReservationNoc::ReservationNoc(const arch::ArchConfig& a)
    : Noc(a),
      port_free_(size_t{n_cores_} * kPorts, 0),
      inject_free_(n_cores_ + 1, 0),
      port_packets_(size_t{n_cores_} * kPorts, 0),
      trees_(*this),
      unicast_(*this) {}

std::vector<LinkCounters> ReservationNoc::link_counters() const {
  std::vector<LinkCounters> out(port_packets_.size());
  for (size_t k = 0; k < out.size(); ++k)
    out[k] = {port_packets_[k] * flits_, port_packets_[k] * packet_cycles_};
  return out;
}

uint32_t ReservationNoc::tree_of(const NocInjection& in, std::span<const uint32_t> pool) {
  const uint32_t router = router_of(in.source);
  SpanTree& t = span_trees_[in.dest_begin];
  if (t.router != router || t.count != in.dest_count) {
    t = {in.dest_count, router,
         trees_.find_or_build(router, pool.subspan(in.dest_begin, in.dest_count))};
  }
  return t.root;
}

void ReservationNoc::route(std::span<const NocInjection> injections, std::span<const uint32_t> pool,
                           DeliverySink& sink) {
  if (injections.empty()) return;
  if (!trace_ && !events_only_ && UnicastSchedule::applies(injections)) {
    unicast_.route(injections, pool, port_free_, port_packets_, inject_free_, counters, sink);
    return;
  }
  span_trees_.assign(pool.size() + 1, SpanTree{});
  events_.reset(injections.front().cycle);  // no packet is ready before the first offer
  for (uint32_t k = 0; k < injections.size(); ++k) {
    const NocInjection& in = injections[k];
    ++counters.packets;
    if (in.source == n_cores_) ++counters.host_packets;
    // The injection port serialises a source's packets; the head is in the router at `ready`.
    const uint64_t ready = std::max(in.cycle, inject_free_[in.source]);
    inject_free_[in.source] = ready + packet_cycles_;
    events_.push(ready, {k, tree_of(in, pool), EventKind::hop});
  }
  if (trace_) [[unlikely]]
    drain<true>(injections, sink);
  else
    drain<false>(injections, sink);
}

// Compiled twice: the untraced copy has no trace code in the per-hop loop.
template <bool kTraced>
void ReservationNoc::drain(std::span<const NocInjection> injections, DeliverySink& sink) {
  events_.drain(
      [&](uint64_t cycle, const Event& e) {
        if (e.kind == EventKind::hop)
          hop<kTraced>(cycle, e);
        else
          deliver(cycle, e, injections, sink);
      },
      [&](const Event& next) {
        if (next.kind == EventKind::deliver_local)
          sink.expect(trees_.node(next.node).router, next.injection);
      });
}

// Each output port of the node is reserved once per packet, in port order.
template <bool kTraced>
void ReservationNoc::hop(uint64_t cycle, const Event& e) {
  const TreeNode& n = trees_.node(e.node);
  uint32_t child = n.first_child;
  for (uint32_t ports = n.ports; ports != 0; ports &= ports - 1) {
    const uint32_t p = static_cast<uint32_t>(std::countr_zero(ports));
    uint64_t& free = port_free_[n.router * kPorts + p];
    const uint64_t depart = std::max(cycle + latency_, free);
    free = depart + packet_cycles_;
    counters.flit_hops += flits_;
    ++port_packets_[n.router * kPorts + p];
    if constexpr (kTraced) trace_->port_busy(n.router, p, depart, free);
    if (p >= kLocal) {
      events_.push(
          depart + packet_cycles_,
          {e.injection, e.node, p == kHost ? EventKind::deliver_host : EventKind::deliver_local});
    } else {
      counters.link_traversals += flits_;
      if (p == kNorth || p == kSouth) counters.link_traversals_ns += flits_;
      events_.push(depart + flit_cycles_, {e.injection, child++, EventKind::hop});
    }
  }
}

void ReservationNoc::deliver(uint64_t cycle, const Event& e,
                             std::span<const NocInjection> injections, DeliverySink& sink) {
  const TreeNode& n = trees_.node(e.node);
  const bool host = e.kind == EventKind::deliver_host;
  const uint64_t zero_load = injections[e.injection].cycle + (n.hops + 1) * latency_ +
                             n.hops * flit_cycles_ + packet_cycles_;
  ++counters.deliveries;
  if (host) ++counters.host_packets, ++counters.host_packets_out;
  counters.contention_cycles += cycle - zero_load;
  sink.deliver(host ? n_cores_ : n.router, cycle, e.injection, cycle - zero_load);
}

}  // namespace sim
