// Import checks on hostile or broken NIR files (issue 18 "Numbers that are not numbers", issue
// 24 "Hostile input"): every float parameter is finite and in its domain, every integer field
// is range-checked before it is cast, the graph's shape cannot make the import recurse without
// bound. Each case writes a small NIR file, imports it and checks the exact message: file,
// node, field, element index and what was expected (docs/nir-import.md, "Checks at import").
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "../support/compiler_test_util.h"
#include "compiler/nir_build.h"
#include "compiler/passes.h"
#include "isa/error.h"

using namespace compiler;
namespace build = compiler::nir::build;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

struct Outcome {
  bool threw = false;   // isa::InputError
  std::string message;  // with the temporary path replaced by "model.nir"
  Network net;          // when it did not throw
};

// Writes g, reads it (weights of at least `leave_in_file` elements stay in the file, as the
// compile streams them), imports and, with opt.dt set, discretises it.
Outcome import_file(const nir::Graph& g, const std::string& tag, CompileOptions opt = {},
                    int64_t leave_in_file = 0) {
  const std::string path = testutil::temp_path(tag + ".nir").string();
  nir::write_file(g, path);
  // SPIKECHIP_NIR_SEEDS=DIR also keeps each file as DIR/<tag>.nir: the fuzz_nir seed corpus
  // (tests/fuzz/corpus/fuzz_nir) is made this way.
  if (const char* seeds = std::getenv("SPIKECHIP_NIR_SEEDS"))
    std::filesystem::copy_file(path, std::filesystem::path(seeds) / (tag + ".nir"),
                               std::filesystem::copy_options::overwrite_existing);
  Outcome out;
  try {
    nir::ReadOptions read;
    read.leave_in_file_elements = leave_in_file;
    out.net = import_nir(nir::read_file(path, read), path, opt);
    if (opt.dt != 0) out.net = discretise(std::move(out.net), path, opt);
  } catch (const isa::InputError& e) {
    out.threw = true;
    out.message = e.what();
    if (out.message.rfind(path, 0) == 0)
      out.message = "model.nir" + out.message.substr(path.size());
  }
  std::filesystem::remove(path);
  return out;
}

std::string error_of(const nir::Graph& g, const std::string& tag, CompileOptions opt = {},
                     int64_t leave_in_file = 0) {
  Outcome o = import_file(g, tag, opt, leave_in_file);
  return o.threw ? o.message : "(no error)";
}

std::vector<double> ramp(size_t n) {
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = 0.1 * double(i % 7) - 0.3;
  return v;
}

// input [4] -> fc (Linear 4x4) -> lif1 (LIF [4]) -> output.
nir::Graph lif_net() {
  nir::Graph g;
  g.nodes = {build::input("input", {4}), build::linear("fc", 4, 4, ramp(16)),
             build::lif("lif1", {4}, 1e-2, 1.0, 0.0, 1.0), build::output("output", {4})};
  build::chain(g, {"input", "fc", "lif1", "output"});
  return g;
}

nir::Node& node(nir::Graph& g, const std::string& name) {
  for (auto& n : g.nodes)
    if (n.name == name) return n;
  FAIL("no node " << name);
  throw;
}

// input [in_shape] -> `n` -> IF -> output, the IF sized by the caller.
nir::Graph conv_net(nir::Node n, const build::Shape& in_shape, const build::Shape& out_shape) {
  nir::Graph g;
  g.nodes = {build::input("input", in_shape), std::move(n),
             build::if_neuron("if1", out_shape, 1.0, 1.0), build::output("output", out_shape)};
  build::chain(g, {"input", g.nodes[1].name, "if1", "output"});
  return g;
}

nir::Node conv(const std::string& name, build::Shape w_shape, const build::Conv2dParams& p = {}) {
  int64_t n = 1;
  for (int64_t d : w_shape) n *= d;
  const int64_t c_out = w_shape[0];
  return build::conv2d(name, std::move(w_shape), ramp(size_t(n)),
                       std::vector<double>(size_t(c_out), 0.0), p);
}

}  // namespace

TEST_CASE("nir import: NaN/Inf/out-of-domain neuron parameters name the node, field and index",
          "[nir][validation]") {
  CompileOptions opt;
  opt.dt = 1e-3;
  struct Case {
    std::string field;
    size_t index;
    double value;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"v_threshold", 3, kNaN, "v_threshold[3] is NaN (expected a finite number)"},
      {"v_reset", 0, kNaN, "v_reset[0] is NaN (expected a finite number)"},
      {"v_leak", 2, kInf, "v_leak[2] is +Inf (expected a finite number)"},
      {"r", 1, -kInf, "r[1] is -Inf (expected a finite number >= 0)"},
      {"r", 0, -0.5, "r[0] is -0.5 (expected a finite number >= 0)"},
      {"tau", 2, 0.0, "tau[2] is 0 (expected a finite number > 0)"},
      {"tau", 1, kInf, "tau[1] is +Inf (expected a finite number > 0)"},
      // A negative tau once became the importer's readout marker: the layer silently turned
      // into a readout. It is bad input.
      {"tau", 0, -1e-3, "tau[0] is -0.001 (expected a finite number > 0)"},
  };
  for (const Case& k : cases) {
    CAPTURE(k.field, k.value);
    nir::Graph g = lif_net();
    node(g, "lif1").arrays.at(k.field).data[k.index] = k.value;
    CHECK(error_of(g, "lif_param", opt) == "model.nir: node 'lif1' (LIF): " + k.message);
    CHECK(error_of(g, "lif_param_nodt") == "model.nir: node 'lif1' (LIF): " + k.message);
  }
  SECTION("every tau negative: still bad input, not a readout") {
    nir::Graph g = lif_net();
    for (double& t : node(g, "lif1").arrays.at("tau").data) t = -1;
    CHECK(error_of(g, "lif_all_negative", opt) ==
          "model.nir: node 'lif1' (LIF): tau[0] is -1 (expected a finite number > 0)");
  }
  SECTION("r = 0 is accepted (Spyx writes r = beta, and beta = 0 is a valid neuron)") {
    nir::Graph g = lif_net();
    node(g, "lif1").arrays.at("r").data.assign(4, 0.0);
    CHECK(error_of(g, "lif_r0", opt) == "(no error)");
  }
  SECTION("a rank-0 parameter names no index") {
    nir::Graph g = lif_net();
    node(g, "lif1").arrays["tau"] = build::scalar(kNaN);
    CHECK(error_of(g, "lif_scalar", opt) ==
          "model.nir: node 'lif1' (LIF): tau is NaN (expected a finite number > 0)");
  }
  SECTION("a (C, H, W) parameter gives every index") {
    nir::Graph g;
    g.nodes = {build::input("input", {2, 2, 3}), build::if_neuron("if1", {2, 2, 3}, 1.0, 1.0),
               build::output("output", {2, 2, 3})};
    build::chain(g, {"input", "if1", "output"});
    node(g, "if1").arrays.at("v_threshold").data[1 * 6 + 1 * 3 + 2] = -kInf;
    CHECK(error_of(g, "if_chw", opt) ==
          "model.nir: node 'if1' (IF): v_threshold[1, 1, 2] is -Inf (expected a finite number)");
  }
  SECTION("CubaLIF, CubaLI, LI, I") {
    nir::Graph g;
    g.nodes = {build::input("input", {3}),
               build::cuba_lif("cuba", {3}, 1e-2, 2e-2, 1.0, 0.0, 1.0, 1.0),
               build::output("output", {3})};
    build::chain(g, {"input", "cuba", "output"});
    node(g, "cuba").arrays.at("tau_syn").data[2] = -2e-3;
    CHECK(error_of(g, "cuba_tau_syn", opt) ==
          "model.nir: node 'cuba' (CubaLIF): tau_syn[2] is -0.002 (expected a finite number > 0)");
    node(g, "cuba").arrays.at("tau_syn").data[2] = 1e-2;
    node(g, "cuba").arrays.at("w_in").data[1] = kNaN;
    CHECK(error_of(g, "cuba_w_in", opt) ==
          "model.nir: node 'cuba' (CubaLIF): w_in[1] is NaN (expected a finite number)");
    node(g, "cuba").arrays.at("w_in").data[1] = 1.0;
    node(g, "cuba").arrays.at("tau_mem").data[0] = kNaN;
    CHECK(error_of(g, "cuba_tau_mem", opt) ==
          "model.nir: node 'cuba' (CubaLIF): tau_mem[0] is NaN (expected a finite number > 0)");

    nir::Node li = build::li("li", {3}, 1e-2, 1.0, 0.0);
    li.arrays.at("tau").data[1] = 0;
    g.nodes = {build::input("input", {3}), li, build::output("output", {3})};
    g.edges.clear();
    build::chain(g, {"input", "li", "output"});
    CHECK(error_of(g, "li_tau0", opt) ==
          "model.nir: node 'li' (LI): tau[1] is 0 (expected a finite number > 0)");

    nir::Node integ = build::integrator("integ", {3}, 1.0);
    integ.arrays.at("r").data[2] = -1;
    g.nodes = {build::input("input", {3}), integ, build::output("output", {3})};
    g.edges.clear();
    build::chain(g, {"input", "integ", "output"});
    CHECK(error_of(g, "i_r", opt) ==
          "model.nir: node 'integ' (I): r[2] is -1 (expected a finite number >= 0)");

    nir::Node cli = build::li("cli", {3}, 1e-2, 1.0, 0.0);
    cli.type = "CubaLI";
    cli.arrays["tau_mem"] = cli.arrays.at("tau");
    cli.arrays.erase("tau");
    cli.arrays["tau_syn"] = build::filled({3}, kInf);
    g.nodes = {build::input("input", {3}), cli, build::output("output", {3})};
    g.edges.clear();
    build::chain(g, {"input", "cli", "output"});
    CHECK(error_of(g, "cubali_tau_syn", opt) ==
          "model.nir: node 'cli' (CubaLI): tau_syn[0] is +Inf (expected a finite number > 0)");
  }
}

TEST_CASE("nir import: NaN and Inf in weights (read or streamed), biases and scales",
          "[nir][validation]") {
  CompileOptions opt;
  opt.dt = 1e-3;
  SECTION("Linear weight, in memory and left in the file") {
    nir::Graph g = lif_net();
    node(g, "fc").arrays.at("weight").data[1 * 4 + 2] = kNaN;
    const std::string want =
        "model.nir: node 'fc' (Linear): weight[1, 2] is NaN (expected a finite number)";
    CHECK(error_of(g, "fc_nan", opt) == want);
    CHECK(error_of(g, "fc_nan_stored", opt, 1) == want);
  }
  SECTION("a streamed weight is checked where the compile reads it") {
    nir::Graph g = lif_net();
    node(g, "fc").arrays.at("weight").data[3 * 4 + 0] = -kInf;
    const auto a = arch::load_arch("", {});
    opt.keep_float_net = false;
    opt.stream_weight_elements = 1;
    const std::string path = testutil::temp_path("fc_stream.nir").string();
    nir::write_file(g, path);
    CHECK_THROWS_AS(compile_nir(path, a.config, a.hash, opt), isa::InputError);
    CHECK_THROWS_WITH(
        compile_nir(path, a.config, a.hash, opt),
        path + ": node 'fc' (Linear): weight[3, 0] is -Inf (expected a finite number)");
    std::filesystem::remove(path);
  }
  SECTION("a streamed weight on a path to nowhere is still checked") {
    nir::Graph g = lif_net();
    g.nodes.push_back(build::linear("dangling", 2, 4, ramp(8)));
    node(g, "dangling").arrays.at("weight").data[5] = kNaN;
    g.edges.push_back({"lif1", "dangling"});
    CHECK(error_of(g, "dangling", opt, 1) ==
          "model.nir: node 'dangling' (Linear): weight[1, 1] is NaN (expected a finite number)");
    CHECK(error_of(g, "dangling_mem", opt) ==
          "model.nir: node 'dangling' (Linear): weight[1, 1] is NaN (expected a finite number)");
  }
  SECTION("Affine bias, Scale, Conv2d weight and bias, Delay") {
    nir::Graph g;
    g.nodes = {build::input("input", {3}), build::affine("aff", 2, 3, ramp(6), {0.5, kInf}),
               build::lif("lif1", {2}, 1e-2, 1.0, 0.0, 1.0), build::output("output", {2})};
    build::chain(g, {"input", "aff", "lif1", "output"});
    CHECK(error_of(g, "affine_bias", opt) ==
          "model.nir: node 'aff' (Affine): bias[1] is +Inf (expected a finite number)");

    g.nodes[1] = build::scale("aff", {3}, 2.0);
    g.nodes[1].arrays.at("scale").data[2] = kNaN;
    g.nodes[2] = build::lif("lif1", {3}, 1e-2, 1.0, 0.0, 1.0);
    CHECK(error_of(g, "scale_nan", opt) ==
          "model.nir: node 'aff' (Scale): scale[2] is NaN (expected a finite number)");

    g.nodes[1] = build::delay("aff", {3}, 0.0);
    g.nodes[1].arrays.at("delay").data[0] = kNaN;
    CHECK(error_of(g, "delay_nan", opt) ==
          "model.nir: node 'aff' (Delay): delay[0] is NaN (expected a finite number >= 0)");

    nir::Node c = conv("c1", {2, 1, 3, 3});
    c.arrays.at("weight").data[1 * 9 + 2 * 3 + 1] = kNaN;
    CHECK(error_of(conv_net(c, {1, 5, 5}, {2, 3, 3}), "conv_nan", opt) ==
          "model.nir: node 'c1' (Conv2d): weight[1, 0, 2, 1] is NaN (expected a finite number)");
    c = conv("c1", {2, 1, 3, 3});
    c.arrays.at("bias").data[0] = -kInf;
    CHECK(error_of(conv_net(c, {1, 5, 5}, {2, 3, 3}), "conv_bias", opt) ==
          "model.nir: node 'c1' (Conv2d): bias[0] is -Inf (expected a finite number)");
  }
}

TEST_CASE("nir import: --dt must be a positive finite number", "[nir][validation]") {
  for (double dt : {kNaN, kInf, -kInf, -1e-3}) {
    CAPTURE(dt);
    CompileOptions opt;
    opt.dt = dt;
    Outcome o = import_file(lif_net(), "dt", opt);
    CHECK(o.threw);
    CHECK_THAT(o.message, Catch::StartsWith("model.nir: --dt ") &&
                              Catch::EndsWith(": expected a positive finite time step (in the "
                                              "exporter's time unit)"));
  }
  CompileOptions opt;
  opt.dt = kNaN;
  CHECK(error_of(lif_net(), "dt_nan", opt) ==
        "model.nir: --dt NaN: expected a positive finite time step (in the exporter's time unit)");
  opt.dt = -2;
  CHECK(error_of(lif_net(), "dt_neg", opt) ==
        "model.nir: --dt -2: expected a positive finite time step (in the exporter's time unit)");
  CHECK_THROWS_AS(discretise(Network{}, "x.nir", opt), isa::InputError);
}

TEST_CASE("nir import: a static path into an Output is a readout, marked as such",
          "[nir][validation]") {
  nir::Graph g;
  g.nodes = {build::input("input", {4}), build::lif("lif1", {4}, 1e-2, 1.0, 0.0, 1.0),
             build::linear("fc", 2, 4, ramp(8)), build::output("output", {2})};
  build::chain(g, {"input", "lif1", "fc", "output"});
  CompileOptions opt;
  opt.dt = 1e-3;
  Outcome o = import_file(g, "readout", opt);
  REQUIRE(!o.threw);
  REQUIRE(o.net.layers.size() == 3);
  CHECK(o.net.layers[2].readout);
  CHECK(o.net.layers[2].step.decay_v == std::vector<double>(2, 1.0));
  CHECK(!o.net.layers[1].readout);
  for (double d : o.net.layers[1].step.decay_v) CHECK(d == Approx(0.1));
}

TEST_CASE("nir import: conv and pool integer fields are range-checked before any cast",
          "[nir][validation]") {
  build::Conv2dParams p;
  SECTION("stride 0 (once a division by zero)") {
    p.stride = {0, 1};
    CHECK(error_of(conv_net(conv("c1", {2, 1, 3, 3}, p), {1, 5, 5}, {2, 3, 3}), "stride0") ==
          "model.nir: node 'c1' (Conv2d): stride[0] is 0 (expected an integer in 1..16777216)");
    nir::Graph g = conv_net(build::sum_pool2d("pool", {2, 2}, {1, 0}), {1, 4, 4}, {1, 3, 3});
    CHECK(error_of(g, "pool_stride0") ==
          "model.nir: node 'pool' (SumPool2d): stride[1] is 0 (expected an integer in "
          "1..16777216)");
    g = conv_net(build::avg_pool2d("pool", {2, 2}, {0, 0}), {1, 4, 4}, {1, 3, 3});
    CHECK(error_of(g, "avgpool_stride0") ==
          "model.nir: node 'pool' (AvgPool2d): stride[0] is 0 (expected an integer in "
          "1..16777216)");
    nir::Node c1 = build::conv2d("c1", {2, 1, 1, 3}, ramp(6), {0, 0});
    c1.type = "Conv1d";
    c1.arrays["weight"] = build::tensor({2, 1, 3}, ramp(6));
    c1.arrays["stride"] = build::integer_scalar(0);
    c1.arrays["padding"] = build::integer_scalar(0);
    c1.arrays["dilation"] = build::integer_scalar(1);
    c1.arrays["groups"] = build::integer_scalar(1);
    CHECK(error_of(conv_net(c1, {1, 6}, {2, 4}), "conv1d_stride0") ==
          "model.nir: node 'c1' (Conv1d): stride is 0 (expected an integer in 1..16777216)");
  }
  SECTION("2^32 + 1 does not wrap to 1") {
    p.stride = {(int64_t(1) << 32) + 1, 1};
    CHECK(error_of(conv_net(conv("c1", {2, 1, 3, 3}, p), {1, 5, 5}, {2, 3, 3}), "stride_big") ==
          "model.nir: node 'c1' (Conv2d): stride[0] is 4294967297 (expected an integer in "
          "1..16777216)");
    p.stride = {1, 1};
    p.padding = {0, (int64_t(1) << 32) + 1};
    CHECK(error_of(conv_net(conv("c1", {2, 1, 3, 3}, p), {1, 5, 5}, {2, 3, 3}), "pad_big") ==
          "model.nir: node 'c1' (Conv2d): padding[1] is 4294967297 (expected an integer in "
          "0..16777216)");
    p.padding = {0, 0};
    p.groups = (int64_t(1) << 32) + 1;
    CHECK(error_of(conv_net(conv("c1", {2, 1, 3, 3}, p), {1, 5, 5}, {2, 3, 3}), "groups_big") ==
          "model.nir: node 'c1' (Conv2d): groups is 4294967297 (expected an integer in "
          "1..16777216)");
  }
  SECTION("fractional groups, dilation 0, negative padding, NaN stride") {
    nir::Node c = conv("c1", {2, 1, 3, 3});
    c.arrays["groups"] = build::scalar(1.5);
    CHECK(error_of(conv_net(c, {1, 5, 5}, {2, 3, 3}), "groups_frac") ==
          "model.nir: node 'c1' (Conv2d): groups is 1.5 (expected an integer in 1..16777216)");
    p.dilation = {1, 0};
    CHECK(error_of(conv_net(conv("c1", {2, 1, 3, 3}, p), {1, 5, 5}, {2, 3, 3}), "dil0") ==
          "model.nir: node 'c1' (Conv2d): dilation[1] is 0 (expected an integer in 1..16777216)");
    p.dilation = {1, 1};
    p.padding = {-1, 0};
    CHECK(error_of(conv_net(conv("c1", {2, 1, 3, 3}, p), {1, 5, 5}, {2, 3, 3}), "pad_neg") ==
          "model.nir: node 'c1' (Conv2d): padding[0] is -1 (expected an integer in 0..16777216)");
    c = conv("c1", {2, 1, 3, 3});
    c.arrays["stride"] = build::tensor({2}, {kNaN, 1});
    CHECK(error_of(conv_net(c, {1, 5, 5}, {2, 3, 3}), "stride_nan") ==
          "model.nir: node 'c1' (Conv2d): stride[0] is NaN (expected an integer in 1..16777216)");
    nir::Graph g = conv_net(build::sum_pool2d("pool", {0, 2}, {1, 1}), {1, 4, 4}, {1, 3, 3});
    CHECK(error_of(g, "pool_k0") ==
          "model.nir: node 'pool' (SumPool2d): kernel_size[0] is 0 (expected an integer in "
          "1..16777216)");
  }
  SECTION("0 output channels and a 0x0 kernel") {
    nir::Node c = build::conv2d("c1", {1, 1, 1, 1}, {1.0}, {0.0});
    c.arrays["weight"] = build::tensor({0, 1, 3, 3}, {});
    c.arrays["bias"] = build::tensor({0}, {});
    CHECK(error_of(conv_net(c, {1, 5, 5}, {2, 3, 3}), "oc0") ==
          "model.nir: node 'c1' (Conv2d): weight has 0 output channels (expected at least 1)");
    c.arrays["weight"] = build::tensor({2, 1, 0, 0}, {});
    c.arrays["bias"] = build::tensor({2}, {0, 0});
    CHECK(error_of(conv_net(c, {1, 5, 5}, {2, 3, 3}), "k0") ==
          "model.nir: node 'c1' (Conv2d): weight has a 0x0 kernel (expected at least 1x1)");
    nir::Graph g = lif_net();
    node(g, "fc").arrays["weight"] = build::tensor({0, 4}, {});
    CHECK(error_of(g, "fc0") ==
          "model.nir: node 'fc' (Linear): weight has 0 outputs (expected at least 1)");
  }
  SECTION("the Output's shape: integers, as many elements as its input") {
    nir::Graph g = lif_net();
    node(g, "output").arrays["shape"] = build::tensor({1}, {kNaN});
    CHECK(error_of(g, "out_nan") ==
          "model.nir: node 'output' (Output): shape[0] is NaN "
          "(expected an integer in 1..1000000000)");
    node(g, "output").arrays["shape"] = build::ints({5});
    CHECK(error_of(g, "out_count") ==
          "model.nir: node 'output' (Output): shape [5] (5 elements) "
          "does not match its input [4] (4 elements)");
    node(g, "output").arrays["shape"] = build::ints({1, 4, 1});  // leaked dims: accepted
    CHECK(error_of(g, "out_leak") == "(no error)");
  }
  SECTION("an output too large to hold is refused before it is allocated") {
    p.padding = {1 << 20, 1 << 20};
    CHECK(error_of(conv_net(conv("c1", {2, 1, 3, 3}, p), {1, 5, 5}, {2, 3, 3}), "huge_out") ==
          "model.nir: node 'c1' (Conv2d): output [2,2097155,2097155] has more than 134217728 "
          "elements");
    nir::Graph g = lif_net();
    node(g, "input").arrays["shape"] = build::ints({1000000, 1000000});
    CHECK(error_of(g, "huge_in") ==
          "model.nir: node 'input' (Input): shape [1000000,1000000] has more than 134217728 "
          "elements");
    node(g, "input").arrays["shape"] = build::ints({(int64_t(1) << 32) + 4});
    CHECK(error_of(g, "wrap_in") ==
          "model.nir: node 'input' (Input): shape[0] is 4294967300 (expected an integer in "
          "1..1000000000)");
  }
}

TEST_CASE("nir import: Flatten reads and checks start_dim, end_dim and input_type",
          "[nir][validation]") {
  const auto net = [](nir::Node flat, const build::Shape& out) {
    nir::Graph g;
    g.nodes = {build::input("input", {2, 3, 4}), std::move(flat),
               build::if_neuron("if1", out, 1.0, 1.0), build::output("output", out)};
    build::chain(g, {"input", "flat", "if1", "output"});
    return g;
  };
  SECTION("dims in range flatten what they name") {
    Outcome all = import_file(net(build::flatten_node("flat", {2, 3, 4}), {24}), "flat_all");
    REQUIRE(!all.threw);
    CHECK(all.net.layers[1].shape == std::vector<uint32_t>{24});
    Outcome tail =
        import_file(net(build::flatten_node("flat", {2, 3, 4}, 1, -1), {2, 12}), "flat_tail");
    REQUIRE(!tail.threw);
    CHECK(tail.net.layers[1].shape == std::vector<uint32_t>{2, 12});
    Outcome head =
        import_file(net(build::flatten_node("flat", {2, 3, 4}, -3, 1), {6, 4}), "flat_head");
    REQUIRE(!head.threw);
    CHECK(head.net.layers[1].shape == std::vector<uint32_t>{6, 4});
    nir::Node bare = build::flatten_node("flat", {2, 3, 4});
    bare.arrays.clear();  // NIR 0.1: no dims, no input_type: flatten everything
    Outcome none = import_file(net(bare, {24}), "flat_bare");
    REQUIRE(!none.threw);
    CHECK(none.net.layers[1].shape == std::vector<uint32_t>{24});
  }
  SECTION("bad dims and input types") {
    CHECK(error_of(net(build::flatten_node("flat", {2, 3, 4}, 3, -1), {24}), "flat_start") ==
          "model.nir: node 'flat' (Flatten): start_dim is 3 (expected an integer in -3..2)");
    CHECK(error_of(net(build::flatten_node("flat", {2, 3, 4}, 0, -4), {24}), "flat_end") ==
          "model.nir: node 'flat' (Flatten): end_dim is -4 (expected an integer in -3..2)");
    CHECK(error_of(net(build::flatten_node("flat", {2, 3, 4}, 2, 1), {24}), "flat_order") ==
          "model.nir: node 'flat' (Flatten): start_dim 2 comes after end_dim 1 (dims 2 and 1 "
          "of input [2,3,4])");
    nir::Node f = build::flatten_node("flat", {2, 3, 4});
    f.arrays["start_dim"] = build::scalar(0.5);
    CHECK(error_of(net(f, {24}), "flat_frac") ==
          "model.nir: node 'flat' (Flatten): start_dim is 0.5 (expected an integer in -3..2)");
    f.arrays["start_dim"] = build::ints({0, 1});
    CHECK(error_of(net(f, {24}), "flat_two") ==
          "model.nir: node 'flat' (Flatten): 'start_dim' has 2 values (expected one integer)");
    CHECK(error_of(net(build::flatten_node("flat", {2, 3, 5}), {24}), "flat_type") ==
          "model.nir: node 'flat' (Flatten): input_type [2,3,5] does not match the inferred "
          "input [2,3,4] (24 elements)");
    f = build::flatten_node("flat", {2, 3, 4});
    f.arrays["input_type"] = build::tensor({3}, {2, kNaN, 4});
    CHECK(error_of(net(f, {24}), "flat_type_nan") ==
          "model.nir: node 'flat' (Flatten): input_type[1] is NaN (expected an integer in "
          "1..1000000000)");
    // Rockpool-style leaked leading dims: same element count, accepted.
    CHECK(error_of(net(build::flatten_node("flat", {1, 2, 3, 4}), {24}), "flat_leak") ==
          "(no error)");
  }
}

TEST_CASE("nir import: graph shapes that once crashed or recursed without bound",
          "[nir][validation]") {
  SECTION("a self-loop on a static node") {
    nir::Graph g = lif_net();
    g.edges.push_back({"fc", "fc"});
    CHECK(error_of(g, "self_loop") ==
          "model.nir: node 'fc' (Linear): lies on a cycle of static nodes only (fc -> fc): no "
          "neuron on it holds a value from one step to the next (expected a neuron node on "
          "every cycle)");
  }
  SECTION("a cycle of two static nodes") {
    nir::Graph g = lif_net();
    g.nodes.push_back(build::linear("back", 4, 4, ramp(16)));
    g.edges.push_back({"fc", "back"});
    g.edges.push_back({"back", "fc"});
    CHECK_THAT(
        error_of(g, "static_cycle"),
        Catch::StartsWith("model.nir: node '") &&
            Catch::Contains("lies on a cycle of static nodes only (") &&
            (Catch::Contains("(fc -> back -> fc)") || Catch::Contains("(back -> fc -> back)")));
  }
  SECTION("a self-loop on a neuron is a recurrent connection, accepted") {
    nir::Graph g = lif_net();
    g.edges.push_back({"lif1", "lif1"});
    CompileOptions opt;
    opt.dt = 1e-3;
    Outcome o = import_file(g, "neuron_loop", opt);
    REQUIRE(!o.threw);
    REQUIRE(o.net.layers[1].inputs.size() == 2);
    CHECK(o.net.layers[1].inputs[1].delay_steps == 1);
  }
  SECTION("a nested graph that cannot be flattened names the file") {
    nir::Graph inner;
    inner.nodes = {build::input("a", {4}), build::input("b", {4}),
                   build::lif("lif", {4}, 1e-2, 1.0, 0.0, 1.0), build::output("out", {4})};
    build::chain(inner, {"a", "lif", "out"});
    build::chain(inner, {"b", "lif"});
    nir::Graph g;
    g.nodes = {build::input("input", {4}), build::subgraph("sub", inner),
               build::output("output", {4})};
    build::chain(g, {"input", "sub", "output"});
    CHECK(error_of(g, "flatten_ports") ==
          "model.nir: flatten: edge (input, sub): subgraph 'sub' has 2 Input nodes (expected one; "
          "name it as 'sub.<port>')");
  }
  SECTION("an edge leaving the Output or entering the Input") {
    nir::Graph g = lif_net();
    g.edges.push_back({"output", "lif1"});
    CHECK(error_of(g, "out_edge") ==
          "model.nir: node 'output' (Output): has an edge to 'lif1' (an Output node ends the "
          "graph: no edge may leave it)");
    g = lif_net();
    g.edges.push_back({"lif1", "input"});
    CHECK(error_of(g, "in_edge") ==
          "model.nir: node 'input' (Input): has an edge from 'lif1' (the Input node starts the "
          "graph: no edge may enter it)");
  }
  SECTION("9,000 static nodes in a row: refused after 256, without recursing") {
    nir::Graph g;
    g.nodes = {build::input("input", {2})};
    std::vector<std::string> names{"input"};
    for (int i = 0; i < 9000; ++i) {
      names.push_back("s" + std::to_string(i));
      g.nodes.push_back(build::scale(names.back(), {2}, 1.0));
    }
    g.nodes.push_back(build::lif("lif1", {2}, 1e-2, 1.0, 0.0, 1.0));
    g.nodes.push_back(build::output("output", {2}));
    names.insert(names.end(), {"lif1", "output"});
    build::chain(g, names);
    CHECK(error_of(g, "static_chain") ==
          "model.nir: node 's256' (Scale): is static node number 257 in a row without a neuron "
          "layer between (expected at most 256)");
  }
  SECTION("256 static nodes in a row are fine") {
    nir::Graph g;
    g.nodes = {build::input("input", {2})};
    std::vector<std::string> names{"input"};
    for (int i = 0; i < 256; ++i) {
      names.push_back("s" + std::to_string(i));
      g.nodes.push_back(build::scale(names.back(), {2}, 1.0));
    }
    g.nodes.push_back(build::lif("lif1", {2}, 1e-2, 1.0, 0.0, 1.0));
    g.nodes.push_back(build::output("output", {2}));
    names.insert(names.end(), {"lif1", "output"});
    build::chain(g, names);
    CHECK(error_of(g, "static_chain_ok") == "(no error)");
  }
  SECTION("a chain of 9,000 nodes, neurons and Linear alternating") {
    nir::Graph g;
    g.nodes = {build::input("input", {2})};
    std::vector<std::string> names{"input"};
    for (int i = 0; i < 4500; ++i) {
      names.push_back("fc" + std::to_string(i));
      g.nodes.push_back(build::linear(names.back(), 2, 2, {1, 0, 0, 1}));
      names.push_back("n" + std::to_string(i));
      g.nodes.push_back(build::lif(names.back(), {2}, 1e-2, 1.0, 0.0, 1.0));
    }
    g.nodes.push_back(build::output("output", {2}));
    names.push_back("output");
    build::chain(g, names);
    CompileOptions opt;
    opt.dt = 1e-3;
    Outcome o = import_file(g, "long_chain", opt);
    REQUIRE(!o.threw);
    CHECK(o.net.layers.size() == 4501);
  }
  SECTION("duplicate edges into a neuron: the number of projections is bounded") {
    nir::Graph g = lif_net();
    for (int i = 0; i < 4096; ++i) g.edges.push_back({"fc", "lif1"});
    CHECK(error_of(g, "duplicates") ==
          "model.nir: node 'lif1' (LIF): more than 4096 paths from neuron layers reach it (each "
          "would become a projection)");
  }
  SECTION("diamonds of static nodes: the number of paths is bounded") {
    nir::Graph g;
    g.nodes = {build::input("input", {2})};
    std::vector<std::string> prev{"input"};
    for (int level = 0; level < 14; ++level) {
      std::vector<std::string> cur;
      for (const char* side : {"a", "b"}) {
        cur.push_back(side + std::to_string(level));
        g.nodes.push_back(build::scale(cur.back(), {2}, 0.5));
        for (const auto& p : prev) g.edges.push_back({p, cur.back()});
      }
      prev = cur;
    }
    g.nodes.push_back(build::lif("lif1", {2}, 1e-2, 1.0, 0.0, 1.0));
    g.nodes.push_back(build::output("output", {2}));
    for (const auto& p : prev) g.edges.push_back({p, "lif1"});
    g.edges.push_back({"lif1", "output"});
    CHECK_THAT(error_of(g, "diamonds"),
               Catch::Contains("13' (Scale): more than 4096 paths from neuron layers reach it "
                               "through static nodes (each would become a projection)"));
  }
}
