// Fan-out into a layer gated by active sites (docs/execution-model.md, "Sparse convolution"):
// the same (neuron, weight) pairs as vanilla conv / pool / element-wise addressing, restricted
// to target neurons whose site is active. Templated on the prepared projection and the value
// types so the golden (int32) and a float executor integrate exactly the same pairs; `add(acc,
// w, payload)` does the executor's accumulation.
#pragma once
#include <cstddef>
#include <cstdint>

#include "compiler/ir.h"
#include "isa/conv_window.h"

namespace compiler::sparse {

// Counts: syn = added pairs with a non-zero weight (pooling: every added pair), dense = added
// pairs, skipped = pairs whose target site is inactive (zero weights included). An FC projection
// never feeds a gated layer (plan_sparse refuses it). `active` has one byte per site of the
// target grid (`sites` of them).
template <typename PP, typename P, typename Add>
void integrate_gated(const PP& pp, const uint32_t* index, const P* payload, size_t n, auto* a,
                     const uint8_t* active, uint32_t sites, uint64_t& syn, uint64_t& dense,
                     uint64_t& skipped, Add&& add) {
  switch (pp.kind) {
    case ProjectionKind::fc:
      break;
    case ProjectionKind::elementwise:  // neuron i sits at site i % sites
      for (size_t s = 0; s < n; ++s) {
        const uint32_t i = index[s];
        if (!active[i % sites]) {
          ++skipped;
          continue;
        }
        add(a[i], pp.w[i], payload[s]);
        syn += pp.w[i] != 0;
        ++dense;
      }
      break;
    case ProjectionKind::conv:
    case ProjectionKind::pool: {
      const auto& g = pp.g;
      const uint32_t hw = g.in_h * g.in_w, ohw = g.out_h * g.out_w;
      const uint32_t icg = g.in_c / g.groups, ocg = g.out_c / g.groups;
      const bool pool = pp.kind == ProjectionKind::pool;
      for (size_t s = 0; s < n; ++s) {
        const uint32_t src = index[s];
        const P pay = payload[s];
        const uint32_t ic = src / hw, y = (src % hw) / g.in_w, x = src % g.in_w;
        const uint32_t grp = ic / icg;
        const size_t tap0 = size_t{ic} * g.k_h * g.k_w;
        isa::for_each_window_tap(g, y, x, [&](uint32_t k, uint32_t site) {
          if (pool) {
            if (!active[site]) {
              ++skipped;
              return;
            }
            add(a[size_t{ic} * ohw + site], pp.pool_w, pay);
            syn += pp.pool_w != 0;
            ++dense;
            return;
          }
          if (!active[site]) {
            skipped += ocg;
            return;
          }
          const size_t tap = tap0 + k;
          const auto* w = pp.w.data() + tap * ocg;
          auto* dst = a + size_t{grp} * ocg * ohw + site;
          for (uint32_t o = 0; o < ocg; ++o) add(dst[size_t{o} * ohw], w[o], pay);
          syn += pp.nnz[tap];
          dense += ocg;
        });
      }
      break;
    }
  }
}

}  // namespace compiler::sparse
