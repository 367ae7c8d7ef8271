// compose() fuses a sparse operator (elementwise, conv, pool) with a dense one without
// expanding the sparse one to a matrix (the compile-time hot spot). The result must be
// bit-identical to composing the two expanded matrices.
#include <catch2/catch.hpp>

#include <random>

#include "compiler/linop.h"

using namespace compiler;

namespace {

std::vector<double> random_values(size_t n, std::mt19937& rng, bool with_zeros) {
  std::uniform_real_distribution<double> d(-1, 1);
  std::bernoulli_distribution zero(0.3);
  std::vector<double> v(n);
  for (auto& x : v) x = with_zeros && zero(rng) ? 0.0 : d(rng);
  return v;
}

void check_same_as_dense(const LinOp& first, const LinOp& second) {
  const LinOp fast = compose(first, second, 1u << 24);
  const LinOp slow = compose(to_dense(first, 1u << 24), to_dense(second, 1u << 24), 1u << 24);
  REQUIRE(fast.kind == LinOp::Kind::dense);
  CHECK(fast.in_shape == first.in_shape);
  CHECK(fast.out_shape == second.out_shape);
  REQUIRE(fast.matrix.size() == slow.matrix.size());
  size_t differ = 0;
  for (size_t i = 0; i < fast.matrix.size(); ++i) differ += fast.matrix[i] != slow.matrix[i];
  CHECK(differ == 0);
}

}  // namespace

TEST_CASE("compose: elementwise or conv/pool next to a dense operator equals the dense product") {
  std::mt19937 rng(5);
  isa::ConvGeometry g;
  g.in_c = 3, g.in_h = 7, g.in_w = 6, g.out_c = 4, g.k_h = 3, g.k_w = 2;
  g.stride_h = 2, g.stride_w = 1, g.pad_h = 1, g.pad_w = 1;
  g.out_h = static_cast<uint32_t>(conv_out_dim(7, 3, 2, 1, 1));
  g.out_w = static_cast<uint32_t>(conv_out_dim(6, 2, 1, 1, 1));
  const uint32_t in = 3 * 7 * 6, mid = 4 * g.out_h * g.out_w;
  SECTION("conv then dense") {
    const LinOp conv = conv_op(g, random_values(4 * 3 * 3 * 2, rng, true));
    check_same_as_dense(conv, dense_op(mid, 5, random_values(5 * mid, rng, true)));
  }
  SECTION("pool then dense") {
    isa::ConvGeometry p = g;
    p.out_c = p.groups = 3;
    const LinOp pool = pool_op(p, 0.25);
    const uint32_t pmid = 3 * p.out_h * p.out_w;
    check_same_as_dense(pool, dense_op(pmid, 6, random_values(6 * pmid, rng, true)));
  }
  SECTION("elementwise then dense, dense then elementwise") {
    const LinOp d = dense_op(in, 9, random_values(9 * in, rng, true));
    check_same_as_dense(scale_op({3, 7, 6}, random_values(in, rng, true)), d);
    check_same_as_dense(d, scale_op({9}, random_values(9, rng, true)));
  }
}
