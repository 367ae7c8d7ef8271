// add_dense_row must give, lane for lane, the sums of the per-non-zero path it replaces:
// wrap_add(acc, shift_add(scaled_weight(w, shift), payload)).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "isa/arith.h"
#include "simmodel/dense_row.h"

namespace {

int32_t reference(int32_t acc, int16_t w, uint32_t shift, uint32_t payload) {
  if (w == 0) return acc;
  const int32_t v = isa::shift_add(isa::scaled_weight(w, shift), payload);
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(v));
}

}  // namespace

TEST_CASE("sim dense row: equals the per-non-zero sums, wrapping, for shifts and payloads",
          "[sim]") {
  uint64_t seed = 99;
  const auto next = [&] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(seed >> 33);
  };
  for (uint32_t n : {0u, 1u, 7u, 8u, 9u, 31u, 1000u})
    for (uint32_t shift : {0u, 3u, 7u, 16u})
      for (uint32_t payload : {1u, 2u, 3u, 255u}) {
        std::vector<int16_t> w(n);
        std::vector<int32_t> acc(n), expected(n);
        for (uint32_t j = 0; j < n; ++j) {
          w[j] = next() % 3 == 0 ? 0 : static_cast<int16_t>(next() % 65535 - 32767);
          // Accumulators near both ends of the range, so that some sums wrap.
          acc[j] = static_cast<int32_t>(next() % 2 ? 0x7FFF0000u + next() % 0x10000u
                                                   : 0x80000000u + next() % 0x10000u);
          expected[j] = reference(acc[j], w[j], shift, payload);
        }
        sim::add_dense_row(acc.data(), w.data(), n, shift, payload);
        CAPTURE(n, shift, payload);
        CHECK(acc == expected);
      }
}
