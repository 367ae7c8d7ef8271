// The convolution window rule, written once: which output sites of a convolution (or pooling)
// have input site (y, x) in their window. It is AU.CONV's fan-out (docs/execution-model.md),
// the sparse-convolution window rule, and the golden executor's conv fan-out.
#pragma once
#include <cstdint>

#include "isa/program.h"

namespace isa {

// Calls f(tap, site) for every kernel tap (ky, kx) and output site (oy, ox) with
// oy*stride_h - pad_h + ky*dil_h == y and ox*stride_w - pad_w + kx*dil_w == x inside the output:
// tap = ky * k_w + kx (the weight's tap index), site = oy * out_w + ox; ky, then kx, ascending.
template <typename F>
inline void for_each_window_tap(const ConvGeometry& g, uint32_t y, uint32_t x, F&& f) {
  for (uint32_t ky = 0; ky < g.k_h; ++ky) {
    const int64_t ny = int64_t{y} + g.pad_h - int64_t{ky} * g.dil_h;
    if (ny < 0 || ny % g.stride_h) continue;
    const int64_t oy = ny / g.stride_h;
    if (oy >= g.out_h) continue;
    for (uint32_t kx = 0; kx < g.k_w; ++kx) {
      const int64_t nx = int64_t{x} + g.pad_w - int64_t{kx} * g.dil_w;
      if (nx < 0 || nx % g.stride_w) continue;
      const int64_t ox = nx / g.stride_w;
      if (ox >= g.out_w) continue;
      f(ky * g.k_w + kx, static_cast<uint32_t>(oy * g.out_w + ox));
    }
  }
}

}  // namespace isa
