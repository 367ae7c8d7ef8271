#include "simmodel/dense_row.h"

#include <cstring>

namespace sim {

// Eight lanes per iteration with GCC vector types (-O2 does not vectorise the loop). Built twice,
// for AVX2 and for the baseline, and picked at load time: a dense row is the FC fan-out's inner
// loop, and AVX2 widens, shifts and adds eight lanes in one instruction each. Integer results
// are the same on both.
#if defined(__x86_64__)
[[gnu::target_clones("avx2", "default")]]
#endif
void add_dense_row(int32_t* acc, const int16_t* w, uint32_t n, uint32_t shift, uint32_t payload) {
  using W8 = int16_t __attribute__((vector_size(16)));
  using I8 = int32_t __attribute__((vector_size(32)));
  using U8 = uint32_t __attribute__((vector_size(32)));
  uint32_t j = 0;
  for (; j + 8 <= n; j += 8) {
    W8 x;
    U8 a;
    std::memcpy(&x, w + j, sizeof x);
    std::memcpy(&a, acc + j, sizeof a);
    U8 v = reinterpret_cast<U8>(__builtin_convertvector(x, I8)) << shift;
    if (payload != 1) v *= payload;  // shift-add of a graded spike: w x payload, wrapping
    a += v;
    std::memcpy(acc + j, &a, sizeof a);
  }
  for (; j < n; ++j) {
    const uint32_t v = (static_cast<uint32_t>(int32_t{w[j]}) << shift) * payload;
    acc[j] = static_cast<int32_t>(static_cast<uint32_t>(acc[j]) + v);
  }
}

}  // namespace sim
