// Fusing static NIR operators into one projection must be exact: the fused operator applied
// to any input equals the operators applied one after the other.
#include <catch2/catch.hpp>

#include <random>

#include "compiler/linop.h"

using namespace compiler;

namespace {

isa::ConvGeometry geom(uint32_t c, uint32_t h, uint32_t w, uint32_t oc, uint32_t k, uint32_t s,
                       uint32_t p) {
  isa::ConvGeometry g;
  g.in_c = c, g.in_h = h, g.in_w = w, g.out_c = oc;
  g.k_h = g.k_w = k, g.stride_h = g.stride_w = s, g.pad_h = g.pad_w = p;
  g.out_h = static_cast<uint32_t>(conv_out_dim(h, k, s, p, 1));
  g.out_w = static_cast<uint32_t>(conv_out_dim(w, k, s, p, 1));
  return g;
}

LinOp random_conv(const isa::ConvGeometry& g, std::mt19937& rng) {
  std::uniform_real_distribution<double> d(-1, 1);
  std::vector<double> k(size_t{g.out_c} * (g.in_c / g.groups) * g.k_h * g.k_w);
  for (auto& v : k) v = d(rng);
  return conv_op(g, k);
}

LinOp pool(uint32_t c, uint32_t h, uint32_t w, uint32_t k) {
  auto g = geom(c, h, w, c, k, k, 0);
  g.groups = c;
  return pool_op(g, 1.0);
}

void check_exact(const LinOp& a, const LinOp& b, LinOp::Kind expected_kind) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> d(0, 1);
  const LinOp f = compose(a, b, 1u << 24);
  CHECK(f.kind == expected_kind);
  for (int trial = 0; trial < 3; ++trial) {
    std::vector<double> x(shape_size(a.in_shape));
    for (auto& v : x) v = d(rng) < 0.3 ? 1.0 : 0.0;
    const auto want = compiler::apply(b, compiler::apply(a, x));
    const auto got = compiler::apply(f, x);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == Approx(want[i]).margin(1e-9));
  }
}

}  // namespace

TEST_CASE("pool then padded conv fuses into one exact conv when the map divides evenly") {
  std::mt19937 rng(1);
  const LinOp p = pool(3, 8, 8, 2);
  const LinOp c = random_conv(geom(3, 4, 4, 5, 3, 1, 1), rng);
  check_exact(p, c, LinOp::Kind::conv);
  const LinOp f = compose(p, c, 1u << 24);
  CHECK(f.geom.k_h == 6);
  CHECK(f.geom.stride_h == 2);
  CHECK(f.geom.pad_h == 2);
}

TEST_CASE("pool then padded conv on an odd map falls back to an exact dense matrix") {
  std::mt19937 rng(2);
  const LinOp p = pool(2, 9, 9, 2);  // the 9th row is dropped by the pool
  const LinOp c = random_conv(geom(2, 4, 4, 3, 3, 1, 1), rng);
  check_exact(p, c, LinOp::Kind::dense);
}

TEST_CASE("conv then unpadded conv fuses") {
  std::mt19937 rng(3);
  const LinOp a = random_conv(geom(2, 9, 9, 3, 3, 2, 1), rng);
  const LinOp b = random_conv(geom(3, 5, 5, 4, 3, 1, 0), rng);
  check_exact(a, b, LinOp::Kind::conv);
}

TEST_CASE("per-channel scales fold into a conv; a flatten and a matrix go dense") {
  std::mt19937 rng(4);
  const auto g = geom(2, 5, 5, 3, 3, 1, 0);
  const LinOp c = random_conv(g, rng);
  std::vector<double> gains(shape_size(c.out_shape));
  for (size_t i = 0; i < gains.size(); ++i) gains[i] = 1.0 + double(i / 9);  // per out channel
  check_exact(c, scale_op(c.out_shape, gains), LinOp::Kind::conv);
  const LinOp flat = reshape(c, {static_cast<uint32_t>(shape_size(c.out_shape))});
  std::vector<double> m(2 * shape_size(c.out_shape));
  for (size_t i = 0; i < m.size(); ++i) m[i] = double(int(i % 5) - 2);
  check_exact(flat, dense_op(static_cast<uint32_t>(shape_size(c.out_shape)), 2, m),
              LinOp::Kind::dense);
}

TEST_CASE("expanding beyond the dense limit is an input error, not a crash") {
  std::mt19937 rng(5);
  const LinOp c = random_conv(geom(4, 32, 32, 4, 3, 1, 1), rng);
  CHECK_THROWS_WITH(to_dense(c, 1000), Catch::Contains("dense matrix"));
}
