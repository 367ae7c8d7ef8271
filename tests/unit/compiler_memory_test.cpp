// The compiler's memory-saving paths (docs/performance.md, "Optimisation: memory") must give
// exactly what the copying paths gave: weights moved out of the NIR graph, operators moved at
// their last use, the float network released after quantisation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "../support/compiler_test_util.h"
#include "compiler/linop.h"
#include "compiler/nir_build.h"
#include "compiler/passes.h"

using namespace compiler;
namespace build = compiler::nir::build;

namespace {

std::vector<double> random_values(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> d(-1, 1);
  std::vector<double> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

void require_same_op(const LinOp& a, const LinOp& b) {
  REQUIRE(a.kind == b.kind);
  REQUIRE(a.in_shape == b.in_shape);
  REQUIRE(a.out_shape == b.out_shape);
  REQUIRE(a.diag == b.diag);
  REQUIRE(a.kernel == b.kernel);
  REQUIRE(a.matrix == b.matrix);
  REQUIRE(a.pure_pool == b.pure_pool);
  REQUIRE(a.pool_gain == b.pool_gain);
}

void sort_nodes(nir::Graph& g) {
  std::sort(g.nodes.begin(), g.nodes.end(),
            [](const nir::Node& a, const nir::Node& b) { return a.name < b.name; });
}

}  // namespace

TEST_CASE("after_identity equals composing with the identity, for every operator kind") {
  const std::vector<uint32_t> chw{2, 3, 4};
  SECTION("dense (after a flatten: the input shape is the identity's)") {
    const LinOp op = dense_op(24, 5, random_values(24 * 5, 1));
    require_same_op(after_identity(op, chw), compose(identity_op(chw), op, 1u << 20));
  }
  SECTION("elementwise") {
    const LinOp op = scale_op({24}, random_values(24, 2));
    require_same_op(after_identity(op, chw), compose(identity_op(chw), op, 1u << 20));
  }
  SECTION("conv and pure pool keep their own shapes") {
    isa::ConvGeometry g;
    g.in_c = 2, g.in_h = 3, g.in_w = 4, g.out_c = 3, g.k_h = g.k_w = 2;
    g.out_h = 2, g.out_w = 3;
    const LinOp conv = conv_op(g, random_values(3 * 2 * 2 * 2, 3));
    require_same_op(after_identity(conv, chw), compose(identity_op(chw), conv, 1u << 20));
    g.out_c = g.groups = 2;
    const LinOp pool = pool_op(g, 0.25);
    require_same_op(after_identity(pool, chw), compose(identity_op(chw), pool, 1u << 20));
  }
  SECTION("a size mismatch is a logic error, as in compose") {
    CHECK_THROWS_AS(after_identity(dense_op(23, 5, random_values(23 * 5, 4)), chw),
                    std::logic_error);
  }
}

TEST_CASE("a static node feeding two layers gives both its weights and bias when moved") {
  // input(6) -> affine(4x6, bias) -> a.n and b.n: the affine's operator is used twice; the
  // first use must copy it, the last may move it.
  const auto w = random_values(4 * 6, 5);
  const std::vector<double> bias{0.5, -0.25, 1.0, 0.0};
  nir::Graph g;
  g.nodes = {build::input("input", {6}),
             build::affine("fc", 4, 6, w, bias),
             build::lif("a.n", {4}, 1e-3, 1.0, 0.0, 1.0),
             build::if_neuron("b.n", {4}, 1.0, 1.0),
             build::output("out_a", {4}),
             build::output("out_b", {4})};
  build::chain(g, {"input", "fc", "a.n", "out_a"});
  build::chain(g, {"fc", "b.n", "out_b"});
  sort_nodes(g);
  const Network net = import_nir(std::move(g), "two_targets.nir", CompileOptions{});
  REQUIRE(net.layers.size() == 3);
  for (size_t l = 1; l < 3; ++l) {
    CAPTURE(net.layers[l].name);
    REQUIRE(net.layers[l].inputs.size() == 1);
    CHECK(net.layers[l].inputs[0].kind == ProjectionKind::fc);
    CHECK(net.layers[l].inputs[0].weight == w);
    CHECK(net.layers[l].nir.bias == bias);
  }
}

TEST_CASE("importing a moved graph gives the network importing a copy gives") {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    build::RandomNetworkSpec spec;
    spec.conv_layers = seed % 3 == 0 ? 0 : 1;
    if (spec.conv_layers == 0) spec.input_shape = {12};
    nir::Graph g = build::random_network(seed, spec);
    const Network copied = import_nir(g, "copy.nir", CompileOptions{});
    const Network moved = import_nir(std::move(g), "moved.nir", CompileOptions{});
    REQUIRE(moved.layers.size() == copied.layers.size());
    for (size_t l = 0; l < moved.layers.size(); ++l) {
      const Layer &a = moved.layers[l], &b = copied.layers[l];
      REQUIRE(a.name == b.name);
      REQUIRE(a.inputs.size() == b.inputs.size());
      CHECK(a.nir.bias == b.nir.bias);
      for (size_t p = 0; p < a.inputs.size(); ++p) {
        CHECK(a.inputs[p].kind == b.inputs[p].kind);
        CHECK(a.inputs[p].source == b.inputs[p].source);
        CHECK(a.inputs[p].origin == b.inputs[p].origin);
        CHECK(!a.inputs[p].weight.empty() == (a.inputs[p].kind != ProjectionKind::pool));
        CHECK(a.inputs[p].weight == b.inputs[p].weight);
      }
    }
  }
}

TEST_CASE("without keep_float_net the compile is the same and holds no float weights") {
  const auto a = arch::load_arch("", {});
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    const nir::Graph g = build::random_network(seed);
    CompileOptions keep;
    keep.dt = 1e-4;
    CompileOptions lean = keep;
    lean.keep_float_net = false;
    const auto rk = testutil::compile_graph(g, "keep", a, keep);
    const auto rl = testutil::compile_graph(g, "lean", a, lean);
    CHECK(rl.float_net.layers.empty());
    REQUIRE(rk.float_net.layers.size() == rk.net.layers.size());
    REQUIRE(rl.net.layers.size() == rk.net.layers.size());
    bool float_weights = false;
    for (size_t l = 0; l < rk.net.layers.size(); ++l)
      for (size_t p = 0; p < rk.net.layers[l].inputs.size(); ++p) {
        float_weights = float_weights || !rk.float_net.layers[l].inputs[p].weight.empty();
        CHECK(rk.net.layers[l].inputs[p].weight.empty());  // the quantised IR: mantissas only
        CHECK(rl.net.layers[l].inputs[p].weight.empty());
        CHECK(rl.net.layers[l].inputs[p].qweight == rk.net.layers[l].inputs[p].qweight);
      }
    CHECK(float_weights);  // kept for the float executor
    REQUIRE(rl.code.image.cores.size() == rk.code.image.cores.size());
    for (size_t c = 0; c < rl.code.image.cores.size(); ++c)
      CHECK(rl.code.image.cores[c].weights == rk.code.image.cores[c].weights);
  }
}
