#include "simmodel/noc_unicast.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "simmodel/noc.h"

namespace sim {

UnicastSchedule::UnicastSchedule(const Noc& noc) : noc_(noc) {
  const uint32_t mx = noc.mesh_x(), my = noc.mesh_y();
  const auto add = [&](uint32_t x, uint32_t y, Port p) {
    port_order_.push_back((y * mx + x) * kPorts + p);
  };
  for (uint32_t y = 0; y < my; ++y)
    for (uint32_t x = 0; x < mx; ++x) add(x, y, kEast);
  for (uint32_t y = 0; y < my; ++y)
    for (uint32_t x = mx; x-- > 0;) add(x, y, kWest);
  for (uint32_t y = 0; y < my; ++y)
    for (uint32_t x = 0; x < mx; ++x) add(x, y, kNorth);
  for (uint32_t y = my; y-- > 0;)
    for (uint32_t x = 0; x < mx; ++x) add(x, y, kSouth);
  for (uint32_t y = 0; y < my; ++y)
    for (uint32_t x = 0; x < mx; ++x) add(x, y, kLocal);
  add(0, 0, kHost);
  inputs_.resize(size_t{mx} * my * kPorts);
}

bool UnicastSchedule::applies(std::span<const NocInjection> injections) {
  return std::all_of(injections.begin(), injections.end(),
                     [](const NocInjection& in) { return in.dest_count == 1; });
}

// The event path's pop order of two hop events (see the header).
bool UnicastSchedule::before(const Arrival& a, const Arrival& b) const {
  if (a.cycle != b.cycle) return a.cycle < b.cycle;
  const uint64_t* ha = &history_[packets_[a.packet].history];
  const uint64_t* hb = &history_[packets_[b.packet].history];
  uint32_t i = a.hop, j = b.hop;
  while (i != 0 && j != 0) {
    --i;
    --j;
    if (ha[i] != hb[j]) return ha[i] < hb[j];
  }
  if (i == 0 && j == 0) return a.packet < b.packet;
  return i == 0;  // created by its injection, before any hop of the drain
}

void UnicastSchedule::append(uint32_t port, uint32_t stream, const Arrival& a) {
  PortInput& q = inputs_[port];
  if (q.last_stream != stream) {
    q.run_begin.push_back(static_cast<uint32_t>(q.arrivals.size()));
    q.last_stream = stream;
  }
  q.arrivals.push_back(a);
}

// Reserves `port` for its arrivals in pop order and passes each packet on to its next port.
void UnicastSchedule::serve(uint32_t port, std::vector<uint64_t>& port_free,
                            std::vector<uint64_t>& port_packets, NocCounters& counters) {
  PortInput& in = inputs_[port];
  if (in.arrivals.empty()) return;
  const uint32_t router = port / kPorts, mx = noc_.mesh_x();
  const auto p = static_cast<Port>(port % kPorts);
  const uint64_t latency = noc_.router_latency(), flit = noc_.flit_cycles(),
                 F = noc_.packet_cycles(), flits = noc_.flits_per_packet();
  const uint32_t next = noc_.neighbour(router, p), nx = next % mx, ny = next / mx;
  const bool ejects = p >= kLocal;
  const uint32_t host = noc_.host_endpoint();
  uint64_t free = port_free[port];

  const auto reserve = [&](const Arrival& a) {
    history_[packets_[a.packet].history + a.hop] = a.cycle;
    const uint64_t depart = std::max(a.cycle + latency, free);
    free = depart + F;
    counters.flit_hops += flits;
    if (ejects) {
      deliveries_.push_back({depart + F, a.packet, a.hop, p == kHost ? host : router});
      return;
    }
    counters.link_traversals += flits;
    if (p == kNorth || p == kSouth) counters.link_traversals_ns += flits;
    const Packet& pk = packets_[a.packet];
    Port q = pk.dest_x > nx        ? kEast
             : pk.dest_x < nx      ? kWest
             : pk.dest_y > ny      ? kNorth
             : pk.dest_y < ny      ? kSouth
             : pk.endpoint == host ? kHost
                                   : kLocal;
    append(next * kPorts + q, port, {depart + flit, a.packet, a.hop + 1});
  };

  const size_t runs = in.run_begin.size();
  if (runs == 1) {
    for (const Arrival& a : in.arrivals) reserve(a);
  } else {
    // At most five streams: the source core, the host, three upstream ports (four at ejection).
    std::array<uint32_t, 8> at{}, end{};
    if (runs > at.size()) throw std::logic_error("UnicastSchedule: too many streams into a port");
    for (size_t r = 0; r < runs; ++r) {
      at[r] = in.run_begin[r];
      end[r] = r + 1 < runs ? in.run_begin[r + 1] : static_cast<uint32_t>(in.arrivals.size());
    }
    size_t live = runs;
    while (live > 0) {
      size_t best = SIZE_MAX;
      for (size_t r = 0; r < runs; ++r) {
        if (at[r] == end[r]) continue;
        if (best == SIZE_MAX || before(in.arrivals[at[r]], in.arrivals[at[best]])) best = r;
      }
      reserve(in.arrivals[at[best]]);
      if (++at[best] == end[best]) --live;
    }
  }
  port_free[port] = free;
  port_packets[port] += in.arrivals.size();  // one reservation per arrival
  in.arrivals.clear();
  in.run_begin.clear();
  in.last_stream = UINT32_MAX;
}

// (cycle, key of the hop that reserved the ejection port): the event path's delivery order.
// Counting sort by cycle; equal cycles (at most one per ejection port) by key.
void UnicastSchedule::order_deliveries() {
  const auto key = [&](const Delivery& d) {
    return Arrival{history_[packets_[d.packet].history + d.hop], d.packet, d.hop};
  };
  const auto less = [&](const Delivery& a, const Delivery& b) {
    return a.cycle != b.cycle ? a.cycle < b.cycle : before(key(a), key(b));
  };
  sorted_.resize(deliveries_.size());
  if (deliveries_.empty()) return;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const Delivery& d : deliveries_) {
    lo = std::min(lo, d.cycle);
    hi = std::max(hi, d.cycle);
  }
  if (hi - lo > 8 * deliveries_.size() + 4096) {  // sparse in time: sort
    sorted_ = deliveries_;
    std::sort(sorted_.begin(), sorted_.end(), less);
    return;
  }
  bucket_.assign(hi - lo + 2, 0);
  for (const Delivery& d : deliveries_) ++bucket_[d.cycle - lo + 1];
  for (size_t i = 1; i < bucket_.size(); ++i) bucket_[i] += bucket_[i - 1];
  for (const Delivery& d : deliveries_) sorted_[bucket_[d.cycle - lo]++] = d;
  // bucket_[c - lo] is now the end of cycle c's deliveries.
  size_t begin = 0;
  while (begin < sorted_.size()) {
    size_t end = begin + 1;
    while (end < sorted_.size() && sorted_[end].cycle == sorted_[begin].cycle) ++end;
    if (end - begin > 1)
      std::sort(sorted_.begin() + static_cast<ptrdiff_t>(begin),
                sorted_.begin() + static_cast<ptrdiff_t>(end), less);
    begin = end;
  }
}

void UnicastSchedule::route(std::span<const NocInjection> injections,
                            std::span<const uint32_t> pool, std::vector<uint64_t>& port_free,
                            std::vector<uint64_t>& port_packets, std::vector<uint64_t>& inject_free,
                            NocCounters& counters, DeliverySink& sink) {
  injections_ = injections;
  const uint32_t host = noc_.host_endpoint(), mx = noc_.mesh_x();
  const uint64_t F = noc_.packet_cycles();
  const uint32_t n = static_cast<uint32_t>(injections.size());
  packets_.resize(n);
  deliveries_.clear();
  uint32_t history = 0;
  for (uint32_t k = 0; k < n; ++k) {
    const NocInjection& in = injections[k];
    const uint32_t dest = pool[in.dest_begin], r = noc_.router_of(dest);
    packets_[k] = {static_cast<uint16_t>(r % mx), static_cast<uint16_t>(r / mx), dest, history};
    history += noc_.hops(in.source, dest) + 1;
  }
  history_.resize(history);

  // Injections, in injection order per source (the injection port serialises them): each core
  // is the only core at its router, so its packets form one sorted stream into each port; the
  // host's, at router 0, another (appended after every core's).
  const uint32_t stream0 = static_cast<uint32_t>(inputs_.size());
  for (int pass = 0; pass < 2; ++pass) {
    for (uint32_t k = 0; k < n; ++k) {
      const NocInjection& in = injections[k];
      if ((in.source == host) != (pass == 1)) continue;
      ++counters.packets;
      if (in.source == host) ++counters.host_packets;
      const uint64_t ready = std::max(in.cycle, inject_free[in.source]);
      inject_free[in.source] = ready + F;
      const uint32_t r = noc_.router_of(in.source);
      const uint32_t first = r * kPorts + noc_.next_port(r, packets_[k].endpoint);
      append(first, stream0 + in.source, {ready, k, 0});
    }
  }
  for (uint32_t port : port_order_) serve(port, port_free, port_packets, counters);

  order_deliveries();
  const uint64_t latency = noc_.router_latency(), flit = noc_.flit_cycles();
  for (size_t i = 0; i < sorted_.size(); ++i) {
    if (i + 2 < sorted_.size() && sorted_[i + 2].endpoint != host)
      sink.expect(sorted_[i + 2].endpoint, sorted_[i + 2].packet);
    const Delivery& d = sorted_[i];
    const uint64_t zero_load =
        injections[d.packet].cycle + (d.hop + 1) * latency + d.hop * flit + F;
    ++counters.deliveries;
    if (d.endpoint == host) ++counters.host_packets, ++counters.host_packets_out;
    counters.contention_cycles += d.cycle - zero_load;
    sink.deliver(d.endpoint, d.cycle, d.packet, d.cycle - zero_load);
  }
}

}  // namespace sim
