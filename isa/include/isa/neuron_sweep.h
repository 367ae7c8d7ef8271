// Helpers for sweeping neuron_step (arith.h) over a segment or layer fast, shared by the golden
// executor and the simulator so that both skip exactly the same work.
//
// A neuron at rest (v = 0, u = 0) with no synaptic input stays at rest through neuron_step,
// without a spike, when its parameters make rest a fixed point: decay(0) = 0 and
// saturate(0) = 0, so with no bias and no input bias the new v is 0, and 0 must not cross the
// threshold. Such neurons may be skipped; counters that count visits must count them anyway.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "isa/arith.h"

namespace isa {

inline bool rest_is_fixed_point(const NeuronParams& p, const UpdateMode& m) {
  if (p.bias != 0 || p.input_bias != 0) return false;
  if (!is_spiking(m.model)) return true;
  return m.compare == Compare::gt ? p.threshold >= 0 : p.threshold > 0;
}

// The first j' in [j, n) whose neuron is not at rest with zero input (v, u or acc non-zero),
// or n. At each multiple of 8 it tests eight neurons at once: most of a quiet layer is at rest.
static_assert(sizeof(NeuronState) == 2 * sizeof(int32_t));
inline uint32_t skip_resting(const NeuronState* st, const int32_t* acc, uint32_t j, uint32_t n) {
  while (j < n) {
    if ((j & 7u) == 0 && j + 8 <= n) {
      // Eight (v, u) pairs and eight accumulators OR-ed four lanes at a time.
      using V4 = int32_t __attribute__((vector_size(16)));
      V4 x[6];
      std::memcpy(x, st + j, 4 * sizeof(V4));
      std::memcpy(x + 4, acc + j, 2 * sizeof(V4));
      const V4 any = x[0] | x[1] | x[2] | x[3] | x[4] | x[5];
      if ((any[0] | any[1] | any[2] | any[3]) == 0) {
        j += 8;
        continue;
      }
    }
    if ((st[j].v | st[j].u | acc[j]) != 0) return j;
    ++j;
  }
  return n;
}

// Calls f(std::integral_constant<NeuronModel, m>{}): a sweep written as a generic lambda is
// compiled once per model, so neuron_step's model tests fold away in its inner loop.
template <typename F>
decltype(auto) with_model(NeuronModel m, F&& f) {
  using M = NeuronModel;
  switch (m) {
    case M::lif:
      return f(std::integral_constant<M, M::lif>{});
    case M::if_:
      return f(std::integral_constant<M, M::if_>{});
    case M::li:
      return f(std::integral_constant<M, M::li>{});
    case M::cuba:
      return f(std::integral_constant<M, M::cuba>{});
    default:
      return f(std::integral_constant<M, M::cuba_li>{});
  }
}

}  // namespace isa
