// The bank-conflict counter (simmodel/membrane_memory.h) against a direct restatement of its
// rule: issue groups of n_pe accesses, each taking ceil(busiest bank's accesses / ports)
// cycles. Covers its three counting layouts (8-bit fields, 4-bit fields, per-bank slots),
// banks that are not powers of two, and bursts fed by access() and access_offsets() mixed.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <vector>

#include "simmodel/membrane_memory.h"
#include "simmodel/nonzero_rows.h"

namespace {

uint64_t reference_cycles(const std::vector<uint32_t>& addresses, uint32_t banks, uint32_t ports,
                          uint32_t group) {
  uint64_t cycles = 0;
  for (size_t g = 0; g < addresses.size(); g += group) {
    std::map<uint32_t, uint32_t> per_bank;
    uint32_t worst = 0;
    for (size_t k = g; k < std::min(addresses.size(), g + group); ++k)
      worst = std::max(worst, ++per_bank[addresses[k] % banks]);
    cycles += (worst + ports - 1) / ports;
  }
  return cycles;
}

}  // namespace

TEST_CASE("sim membrane memory: bank conflicts equal the group rule", "[sim][timing]") {
  std::mt19937 rng(7);
  // (banks, n_pe): 8-bit fields, 4-bit fields, slots (many banks; large groups).
  const std::vector<std::pair<uint32_t, uint32_t>> shapes{
      {8, 8}, {1, 1}, {3, 5}, {8, 200}, {16, 8}, {12, 15}, {16, 16}, {32, 8}, {256, 300}, {5, 40}};
  for (const auto& [banks, group] : shapes)
    for (uint32_t ports : {1u, 2u, 3u}) {
      arch::CoreConfig c;
      c.membrane_banks = banks;
      c.membrane_ports = ports;
      c.n_pe = group;
      sim::MembraneMemory m(c);
      for (int burst = 0; burst < 40; ++burst) {
        const size_t n = std::uniform_int_distribution<size_t>(0, 3 * group + 20)(rng);
        const uint32_t span = std::uniform_int_distribution<uint32_t>(1, 4 * banks)(rng);
        const uint32_t base = std::uniform_int_distribution<uint32_t>(0, 1000)(rng);
        std::vector<uint32_t> offsets(n), addresses(n);
        for (size_t k = 0; k < n; ++k) {
          offsets[k] = std::uniform_int_distribution<uint32_t>(0, span - 1)(rng);
          addresses[k] = base + offsets[k];
        }
        m.begin();
        size_t k = 0;
        while (k < n) {  // alternate single accesses and runs of offsets
          const size_t run = std::min(n - k, size_t{rng() % 7});
          if (run == 0) {
            m.access(addresses[k++]);
          } else {
            m.access_offsets(base, offsets.data() + k, run);
            k += run;
          }
        }
        INFO("banks " << banks << " ports " << ports << " n_pe " << group << " n " << n);
        CHECK(m.end() == reference_cycles(addresses, banks, ports, group));
      }
    }
}

TEST_CASE("sim membrane memory: packed counting for few banks and small groups", "[sim]") {
  arch::CoreConfig c;  // 8 banks, 8 PEs
  CHECK(sim::MembraneMemory(c).packed());
  c.membrane_banks = 32;
  CHECK_FALSE(sim::MembraneMemory(c).packed());
}

TEST_CASE("sim nonzero rows: a row's non-zero positions, built once", "[sim]") {
  const std::vector<int16_t> w{0, 3, 0, 0, -1, 7, 0, 0, 0, 0, 0, 0};  // 3 rows of 4
  sim::NonzeroRows rows(3);
  const auto r1 = rows.row(1, w.data() + 4, 4).positions();
  CHECK(std::vector<uint32_t>(r1.begin(), r1.end()) == std::vector<uint32_t>{0, 1});
  CHECK(rows.row(2, w.data() + 8, 4).positions().empty());
  const auto r0 = rows.row(0, w.data(), 4).positions();
  CHECK(std::vector<uint32_t>(r0.begin(), r0.end()) == std::vector<uint32_t>{1});
  const auto again = rows.row(1, w.data() + 4, 4).positions();
  CHECK(std::vector<uint32_t>(again.begin(), again.end()) == std::vector<uint32_t>{0, 1});
}

TEST_CASE("sim nonzero rows: eight-lane scan equals a plain scan on random rows", "[sim]") {
  // Lengths around the group of eight, densities from empty to full, many rows per block.
  uint64_t seed = 12345;
  const auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(seed >> 33);
  };
  const std::vector<uint32_t> lengths{1, 7, 8, 9, 15, 16, 17, 63, 64, 1000, 4096, 70000};
  std::vector<std::vector<int16_t>> w;
  for (uint32_t r = 0; r < 60; ++r) {
    const uint32_t n = lengths[r % lengths.size()], percent = next() % 101;
    std::vector<int16_t> row(n);
    for (int16_t& x : row)
      x = next() % 100 < percent ? static_cast<int16_t>(next() % 65535 - 32767) : 0;
    w.push_back(std::move(row));
  }
  sim::NonzeroRows rows(w.size());
  for (uint32_t pass = 0; pass < 2; ++pass)  // the second pass reads the built lists
    for (size_t r = 0; r < w.size(); ++r) {
      std::vector<uint32_t> expected;
      for (uint32_t j = 0; j < w[r].size(); ++j)
        if (w[r][j] != 0) expected.push_back(j);
      const auto got = rows.row(r, w[r].data(), static_cast<uint32_t>(w[r].size())).positions();
      CHECK(std::vector<uint32_t>(got.begin(), got.end()) == expected);
    }
}

TEST_CASE("sim nonzero rows: a dense row drops its list once measured, sparse rows keep theirs",
          "[sim]") {
  std::vector<int16_t> dense(64, 0), sparse(64, 0);
  for (uint32_t j = 0; j < 64; j += 4) dense[j] = 5;  // 1 in 4: dense (at least 1 in 8)
  sparse[10] = -3;                                    // 1 in 64: sparse
  sim::NonzeroRows rows(2);
  auto& d = rows.row(0, dense.data(), 64);
  CHECK(d.dense);
  CHECK(d.count == 16);
  CHECK(d.positions().size() == 16);
  CHECK(d.positions()[1] == 4);
  CHECK_FALSE(d.accumulate_dense());  // not measured: the caller still needs the positions
  auto& again = rows.row(0, dense.data(), 64);  // unmeasured: listed again
  CHECK(std::vector<uint32_t>(again.positions().begin(), again.positions().end()).size() == 16);
  again.membrane_cycles = 7;
  CHECK(rows.row(0, dense.data(), 64).accumulate_dense());
  auto& s = rows.row(1, sparse.data(), 64);
  CHECK_FALSE(s.dense);
  s.membrane_cycles = 1;
  CHECK_FALSE(rows.row(1, sparse.data(), 64).accumulate_dense());
  CHECK(rows.row(1, sparse.data(), 64).positions()[0] == 10);
}
