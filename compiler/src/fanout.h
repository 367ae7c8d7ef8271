// Projection fan-out shared by the golden executor (int32 weights, wrap-around accumulators,
// integer payloads) and the float executor (double weights, inputs and accumulators): one copy
// of the fc / conv / pool / elementwise addressing of docs/execution-model.md, templated on the
// value type so both executors integrate exactly the same (neuron, weight) pairs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "compiler/ir.h"
#include "isa/arith.h"
#include "isa/conv_window.h"

namespace compiler::fanout {

// acc += w: the 32-bit accumulator wraps (arrival order never changes a value).
inline void accumulate(int32_t& acc, int32_t w) {
  acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(w));
}
inline void accumulate(double& acc, double w) {
  acc += w;
}
// weight x payload: shift-add for graded integer payloads, a product in float.
inline int32_t weighted(int32_t w, uint32_t payload) {
  return payload == 1 ? w : isa::shift_add(w, payload);
}
inline double weighted(double w, double payload) {
  return w * payload;
}

// a[0..n) += row[0..n) (a binary spike through a dense FC row). The int32 version adds eight
// lanes per iteration with GCC vector types (wrapping, as accumulate): -O2 does not vectorise.
inline void accumulate_row(int32_t* a, const int32_t* row, uint32_t n) {
  using V4 = uint32_t __attribute__((vector_size(16)));
  uint32_t j = 0;
  for (; j + 8 <= n; j += 8) {
    V4 x[2], y[2];
    std::memcpy(x, a + j, sizeof x);
    std::memcpy(y, row + j, sizeof y);
    x[0] += y[0];
    x[1] += y[1];
    std::memcpy(a + j, x, sizeof x);
  }
  for (; j < n; ++j) accumulate(a[j], row[j]);
}
inline void accumulate_row(double* a, const double* row, uint32_t n) {
  for (uint32_t j = 0; j < n; ++j) accumulate(a[j], row[j]);
}

// A projection prepared for fan-out from the source side.
template <typename W>
struct Prepared {
  ProjectionKind kind = ProjectionKind::fc;
  uint32_t source = 0;
  uint32_t delay = 0;
  isa::ConvGeometry g;
  uint32_t targets = 0;       // target layer size
  std::vector<W> w;           // fc: [source][target]; conv: [ic][ky][kx][ocg]; elt: [target]
  std::vector<uint32_t> nnz;  // fc: per source row; conv: per (ic,ky,kx)
  W pool_w{};
};

// weight_at(k) is the projection's k-th weight in its IR layout (fc [target][source], conv
// [oc][ic/groups][kh][kw], elementwise [target]); pool_w the weight of every pooling tap.
template <typename W, typename WeightAt>
Prepared<W> prepare(const Projection& p, uint32_t sources, uint32_t targets, WeightAt&& weight_at,
                    W pool_w) {
  Prepared<W> pp;
  pp.kind = p.kind;
  pp.source = p.source;
  pp.delay = p.delay_steps;
  pp.g = p.geom;
  pp.targets = targets;
  const uint32_t S = sources, N = targets;
  switch (p.kind) {
    case ProjectionKind::fc:
      pp.w.resize(size_t{S} * N);
      pp.nnz.assign(S, 0);
      for (uint32_t j = 0; j < N; ++j)
        for (uint32_t i = 0; i < S; ++i) {
          const W w = weight_at(size_t{j} * S + i);
          pp.w[size_t{i} * N + j] = w;
          pp.nnz[i] += w != W{0};
        }
      break;
    case ProjectionKind::conv: {
      const auto& g = p.geom;
      const uint32_t icg = g.in_c / g.groups, ocg = g.out_c / g.groups;
      const size_t taps = size_t{g.k_h} * g.k_w;
      pp.w.assign(size_t{g.in_c} * taps * ocg, W{0});
      pp.nnz.assign(size_t{g.in_c} * taps, 0);
      for (uint32_t oc = 0; oc < g.out_c; ++oc) {
        const uint32_t grp = oc / ocg;
        for (uint32_t j = 0; j < icg; ++j)
          for (size_t t = 0; t < taps; ++t) {
            const uint32_t ic = grp * icg + j;
            const W w = weight_at((size_t{oc} * icg + j) * taps + t);
            pp.w[(size_t{ic} * taps + t) * ocg + (oc - grp * ocg)] = w;
            pp.nnz[size_t{ic} * taps + t] += w != W{0};
          }
      }
      break;
    }
    case ProjectionKind::pool:
      pp.pool_w = pool_w;
      break;
    case ProjectionKind::elementwise:
      pp.w.resize(N);
      for (uint32_t i = 0; i < N; ++i) pp.w[i] = weight_at(i);
      break;
  }
  return pp;
}

// Adds the fan-out of `n` source events (index[s], payload[s]) into the target accumulators
// `a`; counts the non-zero fan-out pairs (syn) and all fan-out pairs (dense).
template <typename W, typename P>
void integrate(const Prepared<W>& pp, const uint32_t* index, const P* payload, size_t n, W* a,
               uint64_t& syn, uint64_t& dense) {
  switch (pp.kind) {
    case ProjectionKind::fc: {
      const uint32_t N = pp.targets;
      for (size_t s = 0; s < n; ++s) {
        const W* row = pp.w.data() + size_t{index[s]} * N;
        const P pay = payload[s];
        if (pay == P{1}) {
          accumulate_row(a, row, N);
        } else {
          for (uint32_t j = 0; j < N; ++j) accumulate(a[j], weighted(row[j], pay));
        }
        syn += pp.nnz[index[s]];
      }
      dense += uint64_t{N} * n;
      break;
    }
    case ProjectionKind::elementwise:
      for (size_t s = 0; s < n; ++s) {
        const W w = pp.w[index[s]];
        accumulate(a[index[s]], weighted(w, payload[s]));
        syn += w != W{0};
      }
      dense += n;
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
            accumulate(a[size_t{ic} * ohw + site], weighted(pp.pool_w, pay));
            syn += pp.pool_w != W{0};
            ++dense;
            return;
          }
          const size_t tap = tap0 + k;
          const W* w = pp.w.data() + tap * ocg;
          W* dst = a + size_t{grp} * ocg * ohw + site;
          for (uint32_t o = 0; o < ocg; ++o) accumulate(dst[size_t{o} * ohw], weighted(w[o], pay));
          syn += pp.nnz[tap];
          dense += ocg;
        });
      }
      break;
    }
  }
}

}  // namespace compiler::fanout
