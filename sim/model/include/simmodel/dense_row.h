// acc[j] += w[j] << shift (× payload) for every j of a dense FC row: the same sums as adding
// the non-zero weights alone (a zero adds nothing), in 32-bit wrapping arithmetic as the
// accumulator.
#pragma once
#include <cstdint>

namespace sim {

void add_dense_row(int32_t* acc, const int16_t* w, uint32_t n, uint32_t shift, uint32_t payload);

}  // namespace sim
