// isa/neuron_sweep.h: the rest rule the executors use to skip neuron updates is sound against
// neuron_step itself, and skip_resting finds the same neuron as a plain scan.
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "isa/neuron_sweep.h"

TEST_CASE("isa neuron sweep: rest is a fixed point only where neuron_step leaves it", "[isa]") {
  std::mt19937 rng(3);
  const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int fixed = 0, not_fixed = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    isa::NeuronParams p;
    p.threshold = pick(-3, 3);
    p.v_reset = pick(-2, 2);
    p.bias = pick(0, 3) == 0 ? pick(-2, 2) : 0;
    p.input_bias = pick(0, 3) == 0 ? pick(-2, 2) : 0;
    p.decay_v = static_cast<uint16_t>(pick(0, 4096));
    p.decay_u = static_cast<uint16_t>(pick(0, 4096));
    isa::UpdateMode m;
    m.model = static_cast<isa::NeuronModel>(pick(0, 4));
    m.reset = static_cast<isa::ResetMode>(pick(0, 1));
    m.compare = static_cast<isa::Compare>(pick(0, 1));
    m.spike_bits = static_cast<uint8_t>(pick(1, 3));
    const isa::Precision prec{static_cast<uint8_t>(pick(2, 24)), static_cast<uint8_t>(pick(2, 24))};
    isa::NeuronState s;
    const uint32_t out = isa::neuron_step(s, 0, p, m, prec);
    const bool stays = out == 0 && s.v == 0 && s.u == 0;
    if (isa::rest_is_fixed_point(p, m)) {
      ++fixed;
      INFO("threshold " << p.threshold << " model " << int(m.model) << " compare "
                        << int(m.compare));
      CHECK(stays);
    } else {
      ++not_fixed;
    }
  }
  CHECK(fixed > 1000);  // both branches exercised
  CHECK(not_fixed > 1000);
  // The rule's edges: 0 crosses a negative threshold (gt) and a zero one (ge).
  isa::UpdateMode m;
  m.model = isa::NeuronModel::if_;
  isa::NeuronParams p;
  p.threshold = 0;
  CHECK(isa::rest_is_fixed_point(p, m));
  m.compare = isa::Compare::ge;
  CHECK_FALSE(isa::rest_is_fixed_point(p, m));
  m.model = isa::NeuronModel::li;  // never fires
  CHECK(isa::rest_is_fixed_point(p, m));
}

TEST_CASE("isa neuron sweep: skip_resting stops at the first neuron not at rest", "[isa]") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 2000; ++trial) {
    const uint32_t n = rng() % 40;
    std::vector<isa::NeuronState> st(n);
    std::vector<int32_t> acc(n, 0);
    const uint32_t busy = rng() % 6;
    for (uint32_t k = 0; k < busy && n > 0; ++k) {
      const uint32_t j = rng() % n;
      switch (rng() % 3) {
        case 0:
          st[j].v = -1;
          break;
        case 1:
          st[j].u = 1 << 20;
          break;
        default:
          acc[j] = 7;
      }
    }
    for (uint32_t from = 0; from <= n; ++from) {
      uint32_t expect = from;
      while (expect < n && st[expect].v == 0 && st[expect].u == 0 && acc[expect] == 0) ++expect;
      CHECK(isa::skip_resting(st.data(), acc.data(), from, n) == expect);
    }
  }
}

TEST_CASE("isa neuron sweep: with_model passes the model as a constant", "[isa]") {
  for (int k = 0; k <= 4; ++k) {
    const auto m = static_cast<isa::NeuronModel>(k);
    CHECK(isa::with_model(m, [](auto model) { return isa::NeuronModel{model}; }) == m);
  }
}
