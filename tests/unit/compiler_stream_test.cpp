// Streamed weights (docs/performance.md, "Optimisation: memory"): large Linear/Affine matrices
// left in the NIR file and read in row blocks must compile exactly as matrices read with the
// graph, whatever path they take (streamed to quantise, or composed in memory).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <random>

#include "../support/compiler_test_util.h"
#include "compiler/linop.h"
#include "compiler/nir_build.h"
#include "compiler/passes.h"
#include "compiler/stored_matrix.h"
#include "isa/error.h"

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

// Compiles g twice: weights read with the graph (keep_float_net), and every Linear/Affine
// matrix streamed (stream_weight_elements = 1); everything the compile produces must agree.
void require_same_compile(const nir::Graph& g, const arch::ResolvedArch& a, CompileOptions opt) {
  opt.keep_float_net = true;
  const auto read = testutil::compile_graph(g, "read", a, opt);
  opt.keep_float_net = false;
  opt.stream_weight_elements = 1;
  const auto streamed = testutil::compile_graph(g, "streamed", a, opt);
  REQUIRE(streamed.net.layers.size() == read.net.layers.size());
  for (size_t l = 0; l < read.net.layers.size(); ++l) {
    const Layer &s = streamed.net.layers[l], &r = read.net.layers[l];
    CAPTURE(r.name);
    CHECK(s.scale == r.scale);
    CHECK(s.qparams == r.qparams);
    REQUIRE(s.inputs.size() == r.inputs.size());
    for (size_t p = 0; p < r.inputs.size(); ++p) {
      CHECK(s.inputs[p].weight_shift == r.inputs[p].weight_shift);
      CHECK(s.inputs[p].qweight == r.inputs[p].qweight);
      CHECK(!s.inputs[p].stored);  // released once quantised
    }
  }
  REQUIRE(streamed.quant.size() == read.quant.size());
  for (size_t k = 0; k < read.quant.size(); ++k) {
    CHECK(streamed.quant[k].weights == read.quant[k].weights);
    CHECK(streamed.quant[k].nonzero == read.quant[k].nonzero);
    CHECK(streamed.quant[k].max_abs_error == read.quant[k].max_abs_error);
    CHECK(streamed.quant[k].notes == read.quant[k].notes);
  }
  REQUIRE(streamed.code.image.cores.size() == read.code.image.cores.size());
  for (size_t c = 0; c < read.code.image.cores.size(); ++c)
    CHECK(streamed.code.image.cores[c].weights == read.code.image.cores[c].weights);
}

}  // namespace

TEST_CASE("read_file leaves large datasets in the file and load reads them back") {
  const auto w = random_values(5 * 7, 1);
  nir::Graph g;
  g.nodes = {build::input("input", {7}), build::linear("fc", 5, 7, w),
             build::lif("n", {5}, 1e-3, 1.0, 0.0, 1.0), build::output("out", {5})};
  build::chain(g, {"input", "fc", "n", "out"});
  const auto path = testutil::temp_path("lazy.nir").string();
  nir::write_file(g, path);
  nir::ReadOptions lazy;
  lazy.leave_in_file_elements = 35;
  nir::Graph read = nir::read_file(path, lazy);
  const auto fc = std::find_if(read.nodes.begin(), read.nodes.end(),
                               [](const nir::Node& n) { return n.name == "fc"; });
  nir::Array& a = fc->arrays.at("weight");
  REQUIRE(a.stored);
  CHECK(a.data.empty());
  CHECK(a.shape == std::vector<int64_t>{5, 7});
  CHECK(a.stored->rows == 5);
  CHECK(a.stored->cols == 7);
  SECTION("rows read in blocks are the dataset's rows") {
    nir::RowReader rows(*a.stored);
    std::vector<double> mid(2 * 7);
    rows.read(2, 4, mid.data());
    CHECK(mid == std::vector<double>(w.begin() + 14, w.begin() + 28));
  }
  SECTION("load reads the whole dataset") {
    nir::load(a);
    CHECK(!a.stored);
    CHECK(a.data == w);
  }
  SECTION("smaller datasets and vectors are read as before") {
    lazy.leave_in_file_elements = 36;
    CHECK(!nir::read_file(path, lazy).find("fc")->find("weight")->stored);
    lazy.leave_in_file_elements = 1;
    CHECK(!nir::read_file(path, lazy).find("n")->find("tau")->stored);  // rank 1
  }
  SECTION("a file changed since it was read is refused") {
    nir::Graph other = g;
    for (auto& n : other.nodes)
      if (n.name == "fc") n = build::linear("fc", 7, 7, random_values(49, 2));
    nir::write_file(other, path);
    CHECK_THROWS_AS(nir::RowReader(*a.stored), isa::InputError);
  }
  std::filesystem::remove(path);
}

TEST_CASE("a stored matrix applies and composes as the matrix in memory") {
  const auto w = random_values(6 * 4, 3);
  nir::Graph g;
  g.nodes = {build::input("input", {4}), build::linear("fc", 6, 4, w), build::output("out", {6})};
  build::chain(g, {"input", "fc", "out"});
  const auto path = testutil::temp_path("stored_op.nir").string();
  nir::write_file(g, path);
  nir::ReadOptions lazy;
  lazy.leave_in_file_elements = 1;
  const nir::Graph read = nir::read_file(path, lazy);
  const LinOp stored = stored_dense_op(4, 6, read.find("fc")->find("weight")->stored);
  const LinOp in_memory = dense_op(4, 6, w);
  const auto x = random_values(4, 4);
  CHECK(apply(stored, x) == apply(in_memory, x));
  CHECK(loaded(stored).matrix == w);
  const LinOp gains = scale_op({4}, random_values(4, 5));
  CHECK(compose(gains, stored, 1u << 20).matrix == compose(gains, in_memory, 1u << 20).matrix);
  std::filesystem::remove(path);
}

TEST_CASE("streamed weights compile exactly as weights read with the graph") {
  const auto plain = arch::load_arch("", {});
  CompileOptions opt;
  opt.dt = 1e-4;
  SECTION("random networks: streamed fc layers, a recurrent Linear, Flatten -> Affine composed") {
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      CAPTURE(seed);
      build::RandomNetworkSpec spec;
      spec.conv_layers = seed % 3 == 0 ? 0 : 1;
      if (spec.conv_layers == 0) spec.input_shape = {12};
      spec.neuron = seed % 2 ? "LIF" : "CubaLIF";
      require_same_compile(build::random_network(seed, spec), plain, opt);
    }
  }
  SECTION("Scale -> Linear (composed), a Linear readout, graded input, Loihi's mapping") {
    nir::Graph g;
    g.nodes = {build::input("input", {8}),
               build::scale("s", {8}, 0.5),
               build::linear("fc1", 6, 8, random_values(48, 6)),
               build::lif("n1", {6}, 1e-3, 1.0, 0.0, 0.5),
               build::linear("fc2", 3, 6, random_values(18, 7)),
               build::linear("fc3", 6, 6, random_values(36, 8)),
               build::lif("n2", {6}, 2e-3, 1.0, 0.0, 0.5),
               build::output("out", {3}),
               build::output("out2", {6})};
    build::chain(g, {"input", "s", "fc1", "n1", "fc2", "out"});
    build::chain(g, {"n1", "fc3", "n2", "out2"});
    std::sort(g.nodes.begin(), g.nodes.end(),
              [](const nir::Node& a, const nir::Node& b) { return a.name < b.name; });
    opt.input_frac_bits = 3;
    require_same_compile(g, plain, opt);
    require_same_compile(g, arch::load_arch("loihi", {}), opt);
  }
}
