// Per-link NoC load (Noc::link_counters): every router output port's flits and busy cycles, in both
// fidelities, against hops counted by hand, against the chip-wide counters, and across
// fidelities (XY routes and multicast trees are the same, so every port carries the same flits).
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <tuple>
#include <vector>

#include "sim_test_net.h"
#include "simmodel/noc.h"

namespace {

using simtest::test_arch;

struct NullSink : sim::DeliverySink {
  bool can_accept(uint32_t, uint64_t) override { return true; }
  void deliver(uint32_t, uint64_t, uint32_t, uint64_t) override {}
};

uint64_t port_flits(const sim::Noc& noc, uint32_t router, sim::Port p) {
  return noc.link_counters()[router * sim::kPorts + p].flits;
}

}  // namespace

TEST_CASE("noc links: flits per port equal hops counted by hand, both fidelities",
          "[sim][noc][links]") {
  // 3x2 mesh (router = y * 3 + x), 2-flit packets, far apart in time (no contention):
  //  A: core 0 -> {2, 4}: r0 east, r1 east and north (branch), r2 local, r4 local;
  //  B: host -> core 5:    r0 east, r1 east, r2 north, r5 local;
  //  C: core 5 -> host:    r5 west, r4 west, r3 south, r0 host.
  for (auto fid : {arch::NocFidelity::reservation, arch::NocFidelity::flit}) {
    CAPTURE(fid == arch::NocFidelity::flit);
    arch::ArchConfig a = test_arch(3, 2);
    a.noc.packet_bits = 64;
    a.noc.flit_bits = 32;
    a.noc.fidelity = fid;
    auto noc = sim::make_noc(a);
    REQUIRE(noc->flits_per_packet() == 2);
    const uint32_t host = noc->host_endpoint();
    const std::vector<uint32_t> pool = {2, 4, 5, host};
    NullSink sink;
    noc->route(std::vector<sim::NocInjection>{{0, 0, 0, 2}, {100, host, 2, 1}, {200, 5, 3, 1}},
               pool, sink);
    using enum sim::Port;
    const std::vector<std::tuple<uint32_t, sim::Port, uint64_t>> expected = {
        {0, kEast, 4},  {1, kEast, 4},  {1, kNorth, 2}, {2, kLocal, 2},
        {4, kLocal, 2}, {2, kNorth, 2}, {5, kLocal, 2}, {5, kWest, 2},
        {4, kWest, 2},  {3, kSouth, 2}, {0, kHost, 2}};
    uint64_t listed = 0;
    for (const auto& [router, port, flits] : expected) {
      CAPTURE(router, int(port));
      CHECK(port_flits(*noc, router, port) == flits);
      // Uncontended: a port is busy F = flits x C cycles per packet.
      CHECK(noc->link_counters()[router * sim::kPorts + port].busy_cycles == flits * 1);
      listed += flits;
    }
    uint64_t all = 0;
    for (const sim::LinkCounters& l : noc->link_counters()) all += l.flits;
    CHECK(all == listed);  // no port carried anything else
    CHECK(all == noc->counters.flit_hops);
  }
}

TEST_CASE("noc links: random traffic, sums equal the chip-wide counters, fidelities agree",
          "[sim][noc][links]") {
  std::mt19937_64 rng(2026);
  for (int round = 0; round < 6; ++round) {
    const uint32_t mx = 2 + round % 3, my = 1 + round % 2;
    const uint32_t n = mx * my;
    std::vector<uint32_t> pool;
    std::vector<sim::NocInjection> in;
    std::uniform_int_distribution<uint32_t> endpoint(0, n);  // n: the host
    uint64_t t = 0;
    for (int k = 0; k < 200; ++k) {
      const uint32_t begin = static_cast<uint32_t>(pool.size());
      const uint32_t count = 1 + static_cast<uint32_t>(rng() % 3);
      for (uint32_t d = 0; d < count; ++d) {
        const uint32_t dst = endpoint(rng);
        if (std::find(pool.begin() + begin, pool.end(), dst) == pool.end()) pool.push_back(dst);
      }
      t += rng() % 3;  // bursts: packets contend for ports
      in.push_back({t, endpoint(rng), begin, static_cast<uint32_t>(pool.size()) - begin});
    }
    std::vector<std::vector<sim::LinkCounters>> links;
    for (auto fid : {arch::NocFidelity::reservation, arch::NocFidelity::flit}) {
      CAPTURE(round, fid == arch::NocFidelity::flit);
      arch::ArchConfig a = test_arch(mx, my);
      a.noc.packet_bits = 96;
      a.noc.flit_bits = 32;
      a.noc.link_width_bits = 16;  // C = 2 cycles per flit
      a.noc.fidelity = fid;
      auto noc = sim::make_noc(a);
      NullSink sink;
      noc->route(in, pool, sink);
      uint64_t flits = 0, mesh_flits = 0;
      const std::vector<sim::LinkCounters> port_load = noc->link_counters();
      for (uint32_t k = 0; k < port_load.size(); ++k) {
        const sim::LinkCounters& l = port_load[k];
        flits += l.flits;
        if (k % sim::kPorts < sim::kLocal) mesh_flits += l.flits;
        // A port is busy at least C cycles per flit it carried (more when held waiting).
        CHECK(l.busy_cycles >= 2 * l.flits);
        if (fid == arch::NocFidelity::reservation) CHECK(l.busy_cycles == 2 * l.flits);
      }
      CHECK(flits == noc->counters.flit_hops);
      CHECK(mesh_flits == noc->counters.link_traversals);
      CHECK(flits > 0);
      links.push_back(port_load);
    }
    for (size_t k = 0; k < links[0].size(); ++k) {
      CAPTURE(round, k);
      CHECK(links[0][k].flits == links[1][k].flits);
    }
  }
}
