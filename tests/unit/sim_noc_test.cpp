// The reservation NoC against its reference: the original algorithm (a binary heap of hop events
// ordered by (ready cycle, creation order), destination subsets split at every hop, deliveries
// stable-sorted by cycle), kept here only. Every delivery and every counter must be identical.
#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "simmodel/noc.h"
#include "simmodel/noc_calendar.h"

namespace {

using sim::DeliverySink;
using sim::NocInjection;

class ReferenceReservationNoc final : public sim::Noc {
 public:
  // Link loads are not part of this reference (sim_noc_links_test checks them).
  std::vector<sim::LinkCounters> link_counters() const override { return {}; }
  explicit ReferenceReservationNoc(const arch::ArchConfig& a)
      : Noc(a), port_free_(size_t{n_cores_} * sim::kPorts, 0), inject_free_(n_cores_ + 1, 0) {}

  void route(std::span<const NocInjection> injections, std::span<const uint32_t> pool,
             DeliverySink& sink) override {
    using sim::kHost;
    using sim::kLocal;
    using sim::kPorts;
    deliveries_.clear();
    heap_.clear();
    subsets_.assign(pool.begin(), pool.end());
    uint64_t seq = 0;
    const auto greater = std::greater<Hop>();
    for (uint32_t k = 0; k < injections.size(); ++k) {
      const NocInjection& in = injections[k];
      ++counters.packets;
      if (in.source == n_cores_) ++counters.host_packets;
      const uint64_t ready = std::max(in.cycle, inject_free_[in.source]);
      inject_free_[in.source] = ready + packet_cycles_;
      heap_.push_back({ready, seq++, router_of(in.source), k, in.dest_begin, in.dest_count});
      std::push_heap(heap_.begin(), heap_.end(), greater);
    }
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), greater);
      const Hop h = heap_.back();
      heap_.pop_back();
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
        if (p == sim::kNorth || p == sim::kSouth) counters.link_traversals_ns += flits_;
        const uint32_t begin = static_cast<uint32_t>(subsets_.size());
        for (uint32_t d = 0; d < h.sub_count; ++d) {
          const uint32_t dst = subsets_[h.sub_begin + d];
          if (next_port(h.router, dst) == p) subsets_.push_back(dst);
        }
        heap_.push_back({depart + flit_cycles_, seq++,
                         neighbour(h.router, static_cast<sim::Port>(p)), h.injection, begin,
                         static_cast<uint32_t>(subsets_.size()) - begin});
        std::push_heap(heap_.begin(), heap_.end(), greater);
      }
    }
    std::stable_sort(deliveries_.begin(), deliveries_.end(),
                     [](const Delivery& a, const Delivery& b) { return a.cycle < b.cycle; });
    for (const Delivery& d : deliveries_) {
      ++counters.deliveries;
      if (d.endpoint == n_cores_) ++counters.host_packets, ++counters.host_packets_out;
      counters.contention_cycles += d.contention;
      sink.deliver(d.endpoint, d.cycle, d.injection, d.contention);
    }
  }

 private:
  struct Hop {
    uint64_t ready;
    uint64_t seq;
    uint32_t router, injection, sub_begin, sub_count;
    bool operator>(const Hop& o) const { return ready != o.ready ? ready > o.ready : seq > o.seq; }
  };
  struct Delivery {
    uint64_t cycle;
    uint32_t endpoint;
    uint32_t injection;
    uint64_t contention;
  };
  std::vector<uint64_t> port_free_, inject_free_;
  std::vector<uint32_t> subsets_;
  std::vector<Hop> heap_;
  std::vector<Delivery> deliveries_;
};

using Delivered = std::tuple<uint32_t, uint64_t, uint32_t, uint64_t>;  // endpoint, cycle, inj, cont

struct RecordingSink final : DeliverySink {
  std::vector<Delivered> got;
  bool can_accept(uint32_t, uint64_t) override { return true; }
  void deliver(uint32_t endpoint, uint64_t cycle, uint32_t injection,
               uint64_t contention) override {
    got.emplace_back(endpoint, cycle, injection, contention);
  }
};

struct Phase {
  std::vector<NocInjection> injections;
  std::vector<uint32_t> pool;
};

// Random traffic of one phase: each source sends on a few routes (destination lists, host
// included), sometimes in bursts one packet per cycle, sometimes with long idle gaps; routes
// are reused within the phase and across phases, like a core's SEND targets.
Phase random_phase(std::mt19937_64& rng, uint32_t n_cores, uint64_t start,
                   const std::vector<std::vector<uint32_t>>& routes, bool multicast) {
  Phase ph;
  const uint32_t n_packets = std::uniform_int_distribution<uint32_t>(0, 300)(rng);
  const uint64_t spread = std::uniform_int_distribution<uint64_t>(1, 5000)(rng);
  std::uniform_int_distribution<uint64_t> at(start, start + spread);
  std::uniform_int_distribution<uint32_t> src(0, n_cores);  // n_cores: the host
  std::uniform_int_distribution<size_t> route(0, routes.size() - 1);
  for (uint32_t k = 0; k < n_packets; ++k) {
    const std::vector<uint32_t>& dests = routes[route(rng)];
    const uint32_t begin = static_cast<uint32_t>(ph.pool.size());
    ph.pool.insert(ph.pool.end(), dests.begin(), dests.end());
    const uint32_t s = src(rng), burst = std::uniform_int_distribution<uint32_t>(1, 8)(rng);
    const uint64_t t = at(rng);
    for (uint32_t b = 0; b < burst; ++b) {
      if (multicast) {
        ph.injections.push_back({t + b, s, begin, static_cast<uint32_t>(dests.size())});
      } else {
        for (uint32_t c = 0; c < dests.size(); ++c)
          ph.injections.push_back({t + b, s, begin + c, 1});
      }
    }
  }
  std::stable_sort(ph.injections.begin(), ph.injections.end(),
                   [](const NocInjection& a, const NocInjection& b) { return a.cycle < b.cycle; });
  return ph;
}

}  // namespace

TEST_CASE("reservation NoC: identical to the reference on random meshes and traffic",
          "[sim][noc]") {
  std::mt19937_64 rng(20261128);
  for (int trial = 0; trial < 60; ++trial) {
    arch::ArchConfig a;
    a.mesh.x = std::uniform_int_distribution<uint32_t>(1, 7)(rng);
    a.mesh.y = std::uniform_int_distribution<uint32_t>(1, 6)(rng);
    a.noc.router_latency_cycles = std::uniform_int_distribution<uint32_t>(0, 3)(rng);
    a.noc.link_width_bits = 16u << std::uniform_int_distribution<uint32_t>(0, 2)(rng);
    a.noc.flit_bits = 16u << std::uniform_int_distribution<uint32_t>(0, 2)(rng);
    a.noc.packet_bits = std::uniform_int_distribution<uint32_t>(8, 160)(rng);
    const bool multicast = trial % 3 != 0;
    const uint32_t n_cores = a.mesh.x * a.mesh.y;
    INFO("trial " << trial << ": mesh " << a.mesh.x << "x" << a.mesh.y << " L "
                  << a.noc.router_latency_cycles << " packet " << a.noc.packet_bits << " flit "
                  << a.noc.flit_bits << " link " << a.noc.link_width_bits);

    // Routes: random destination lists, repeats and the host (endpoint n_cores) allowed.
    std::vector<std::vector<uint32_t>> routes(std::uniform_int_distribution<size_t>(1, 12)(rng));
    for (auto& r : routes) {
      const uint32_t n = std::uniform_int_distribution<uint32_t>(0, n_cores + 2)(rng);
      for (uint32_t d = 0; d < n; ++d)
        r.push_back(std::uniform_int_distribution<uint32_t>(0, n_cores)(rng));
    }

    sim::ReservationNoc fast(a);
    ReferenceReservationNoc reference(a);
    uint64_t start = 0;
    for (int phase = 0; phase < 6; ++phase) {
      INFO("phase " << phase);
      const Phase ph = random_phase(rng, n_cores, start, routes, multicast);
      RecordingSink got, want;
      fast.route(ph.injections, ph.pool, got);
      reference.route(ph.injections, ph.pool, want);
      REQUIRE(got.got.size() == want.got.size());
      for (size_t i = 0; i < got.got.size(); ++i) {
        INFO("delivery " << i);
        REQUIRE(got.got[i] == want.got[i]);
      }
      CHECK(fast.counters == reference.counters);
      // Phases overlap sometimes: the next one may start before this one's ports are free.
      start += std::uniform_int_distribution<uint64_t>(0, 3000)(rng);
    }
  }
}

TEST_CASE("reservation NoC: a packet's zero-load arrival and a contended port", "[sim][noc]") {
  arch::ArchConfig a;
  a.mesh.x = 4;
  a.mesh.y = 4;
  a.noc.packet_bits = 20 * a.noc.flit_bits;  // 20 cycles per port: long enough to collide
  sim::ReservationNoc noc(a);
  const uint32_t host = noc.host_endpoint();
  // Core 0 to core 15 (3 + 3 hops) and to the host, twice in the same cycle from two sources
  // that share the path's last router: the second waits one packet time there.
  const std::vector<uint32_t> pool{15, host, 15};
  const std::vector<NocInjection> in{{10, 0, 0, 2}, {10, 3, 2, 1}};
  RecordingSink sink;
  noc.route(in, pool, sink);
  const uint64_t to_host = noc.zero_load_arrival(0, host, 10);
  REQUIRE(sink.got.size() == 3);
  CHECK(sink.got[0] == Delivered{host, to_host, 0, 0});
  CHECK(noc.counters.deliveries == 3);
  CHECK(noc.counters.packets == 2);
  CHECK(noc.counters.host_packets == 1);
  uint64_t contention = 0;
  for (size_t i = 1; i < 3; ++i) {
    const auto [endpoint, cycle, injection, cont] = sink.got[i];
    CHECK(endpoint == 15);
    CHECK(cycle - cont == noc.zero_load_arrival(in[injection].source, 15, 10));
    contention += cont;
  }
  // Core 3's packet holds router 3's north port when core 0's head arrives there.
  CHECK(contention > 0);
  CHECK(noc.counters.contention_cycles == contention);
}

TEST_CASE("calendar queue: pops in (cycle, push order) across ring growth", "[sim][noc]") {
  std::mt19937_64 rng(7);
  sim::CalendarQueue<uint32_t> q;
  for (int round = 0; round < 3; ++round) {
    const uint64_t base = 1000 * static_cast<uint64_t>(round) + 5;
    q.reset(base);
    using Key = std::pair<uint64_t, uint32_t>;  // cycle, push order
    std::vector<Key> pushed, popped;
    uint32_t order = 0;
    for (int k = 0; k < 200; ++k) {
      const uint64_t c = base + std::uniform_int_distribution<uint64_t>(0, 50)(rng);
      q.push(c, order);
      pushed.push_back({c, order++});
    }
    q.drain([&](uint64_t cycle, uint32_t item) {
      popped.push_back({cycle, item});
      // Later pushes, some far beyond the ring (it grows), some in the next cycle.
      if (item % 3 == 0 && order < 5000) {
        const uint64_t far = item % 9 == 0 ? 50000 : 1;
        const uint64_t c = cycle + std::uniform_int_distribution<uint64_t>(1, far)(rng);
        q.push(c, order);
        pushed.push_back({c, order++});
      }
    });
    std::sort(pushed.begin(), pushed.end());
    CHECK(popped == pushed);
    CHECK(q.empty());
    CHECK_THROWS(q.push(popped.back().first - 1, 0));
  }
}

TEST_CASE("calendar queue: preview shows each item of a bucket but its first, two visits early",
          "[sim][noc]") {
  sim::CalendarQueue<uint32_t> q;
  q.reset(0);
  // Bucket 3 holds 10, 11, 12, 13; bucket 8 holds 20 alone; bucket 9 holds 30, 31.
  for (uint32_t item : {10u, 11u, 12u, 13u}) q.push(3, item);
  q.push(8, 20);
  for (uint32_t item : {30u, 31u}) q.push(9, item);
  std::vector<std::string> log;
  q.drain([&](uint64_t, uint32_t item) { log.push_back("visit " + std::to_string(item)); },
          [&](uint32_t item) { log.push_back("preview " + std::to_string(item)); });
  const std::vector<std::string> expected{"preview 11", "preview 12", "visit 10", "preview 13",
                                          "visit 11",   "visit 12",   "visit 13", "visit 20",
                                          "preview 31", "visit 30",   "visit 31"};
  CHECK(log == expected);
}

// The unicast schedule (port by port) against the event path of the same class, on meshes up
// to Loihi's size, with traffic dense enough that ports stay busy for long runs and many heads
// reach a router in the same cycle (the ties the schedule breaks by arrival history).
TEST_CASE("reservation NoC: the unicast schedule is the event path's, delivery for delivery",
          "[sim][noc]") {
  std::mt19937_64 rng(20261207);
  for (int trial = 0; trial < 40; ++trial) {
    arch::ArchConfig a;
    a.mesh.x = std::uniform_int_distribution<uint32_t>(1, 16)(rng);
    a.mesh.y = std::uniform_int_distribution<uint32_t>(1, 15)(rng);
    a.noc.router_latency_cycles = std::uniform_int_distribution<uint32_t>(0, 3)(rng);
    a.noc.link_width_bits = 16u << std::uniform_int_distribution<uint32_t>(0, 2)(rng);
    a.noc.flit_bits = 16u << std::uniform_int_distribution<uint32_t>(0, 2)(rng);
    a.noc.packet_bits = std::uniform_int_distribution<uint32_t>(8, 96)(rng);
    const uint32_t n_cores = a.mesh.x * a.mesh.y;
    INFO("trial " << trial << ": mesh " << a.mesh.x << "x" << a.mesh.y << " L "
                  << a.noc.router_latency_cycles << " packet " << a.noc.packet_bits << " flit "
                  << a.noc.flit_bits << " link " << a.noc.link_width_bits);
    sim::ReservationNoc fast(a), events(a);
    events.set_events_only(true);
    std::uniform_int_distribution<uint32_t> endpoint(0, n_cores);  // n_cores: the host
    uint64_t start = 0;
    for (int phase = 0; phase < 4; ++phase) {
      INFO("phase " << phase);
      // Every source sends a fan-out (one copy per destination, one per cycle) per spike, the
      // sources starting together as cores do after a barrier; sometimes spread out instead.
      Phase ph;
      const uint64_t spread = trial % 4 == 0 ? 2000 : 3;
      for (uint32_t s = 0; s <= n_cores; ++s) {
        if (std::bernoulli_distribution(0.3)(rng)) continue;
        std::vector<uint32_t> dests(std::uniform_int_distribution<uint32_t>(1, 12)(rng));
        for (uint32_t& d : dests) d = endpoint(rng);
        const uint32_t begin = static_cast<uint32_t>(ph.pool.size());
        ph.pool.insert(ph.pool.end(), dests.begin(), dests.end());
        uint64_t t = start + std::uniform_int_distribution<uint64_t>(0, spread)(rng);
        const uint32_t spikes = std::uniform_int_distribution<uint32_t>(0, 6)(rng);
        for (uint32_t k = 0; k < spikes; ++k)
          for (uint32_t c = 0; c < dests.size(); ++c)
            ph.injections.push_back({t++, s, begin + c, 1});
      }
      std::stable_sort(
          ph.injections.begin(), ph.injections.end(),
          [](const NocInjection& x, const NocInjection& y) { return x.cycle < y.cycle; });
      RecordingSink got, want;
      fast.route(ph.injections, ph.pool, got);
      events.route(ph.injections, ph.pool, want);
      REQUIRE(got.got.size() == want.got.size());
      for (size_t i = 0; i < got.got.size(); ++i) {
        INFO("delivery " << i);
        REQUIRE(got.got[i] == want.got[i]);
      }
      CHECK(fast.counters == events.counters);
      CHECK(fast.link_counters() == events.link_counters());  // per-link load: same on both paths
      start += std::uniform_int_distribution<uint64_t>(0, 400)(rng);
    }
    CHECK(fast.counters.contention_cycles > 0);
  }
}
