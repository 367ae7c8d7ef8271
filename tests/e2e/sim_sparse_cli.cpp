// `spikechip run --conv-mode sparse` end to end: the simulator runs sparse convolution
// (AU.SSC / AU.SSCS) spike-exactly against the golden executor, in both timestep semantics, and
// its report counts the same synaptic events and skipped pairs as `spikechip golden`.
#include <fmt/core.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>

#include "compiler/nir.h"
#include "compiler/nir_build.h"
#include "compiler_test_util.h"
#include "run_binary.h"
#include "workloads/npy.h"

namespace b = compiler::nir::build;
using testutil::read_text;
using testutil::spikechip;

namespace {

// Runs `run --check-golden` and `golden` on the same model and input; checks both succeed and
// that the sparsity counts agree. Returns false when the model cannot run sparsely (exit 2).
bool sim_matches_golden(const std::string& args, const std::filesystem::path& dir,
                        bool allow_refusal = false) {
  const auto g = spikechip(fmt::format("golden {} --out '{}/g'", args, dir.string()));
  if (allow_refusal && g.exit_code == 2) return false;
  INFO(g.err);
  REQUIRE(g.exit_code == 0);
  const auto r = spikechip(fmt::format("run {} --out '{}/s' --check-golden", args, dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("golden check passed"));
  const auto gs = nlohmann::json::parse(read_text(dir / "g" / "report.json"))["sparsity"];
  const auto ss = nlohmann::json::parse(read_text(dir / "s" / "report.json"))["sparsity"];
  CHECK(ss["synaptic_events"] == gs["synaptic_events"]);
  CHECK(ss["skipped_by_sparse_addressing"] == gs["skipped_by_sparse_addressing"]);
  CHECK(ss["dense_ops"] == gs["dense_ops"]);
  CHECK(ss["site_activations"].get<uint64_t>() > 0);
  return true;
}

}  // namespace

TEST_CASE("e2e sim sparse: the bundled workload with --conv-mode sparse, both semantics") {
  for (const char* sem : {"layer_sequential", "pipelined"}) {
    const auto dir = testutil::fresh_dir(std::string("sparse-bars-") + sem);
    CAPTURE(sem);
    const std::string args =
        fmt::format("--model '{}' --dt 1e-3 --conv-mode sparse --input '{}' --set semantics={}",
                    testutil::source("workloads/examples/bars.nir"),
                    testutil::source("workloads/examples/bars_events.npy"), sem);
    REQUIRE(sim_matches_golden(args, dir));
    const auto gs = nlohmann::json::parse(read_text(dir / "g" / "report.json"))["sparsity"];
    CHECK(gs["skipped_by_sparse_addressing"].get<uint64_t>() > 0);  // the gating did something
  }
}

TEST_CASE("e2e sim sparse: random conv networks on random chips, both semantics") {
  std::mt19937 rng(77);
  const char* neurons[] = {"LIF", "IF", "CubaLIF"};
  int ran = 0;
  for (int k = 0; k < 24 && ran < 4; ++k) {
    b::RandomNetworkSpec spec;
    spec.neuron = neurons[k % 3];
    spec.conv_layers = 1 + k % 2;
    spec.input_shape = {2, 8, 8};
    spec.recurrent = k % 2 == 0;
    spec.weight_scale = 1.5;
    const auto dir = testutil::fresh_dir(fmt::format("sparse-prop-{}", k));
    compiler::nir::write_file(b::random_network(300 + k, spec), (dir / "m.nir").string());
    std::vector<size_t> shape{2, 10, 2, 8, 8};
    std::vector<float> x(2 * 10 * 2 * 8 * 8);
    std::bernoulli_distribution on(0.05 + 0.05 * (k % 3));
    for (auto& e : x) e = on(rng) ? 1.0f : 0.0f;
    workloads::write_npy((dir / "x.npy").string(), std::span<const float>(x), shape);
    const char* sem = ran % 2 ? "pipelined" : "layer_sequential";
    const std::string args = fmt::format(
        "--model '{0}/m.nir' --dt 1e-4 --conv-mode sparse --input '{0}/x.npy' --set mesh.x={1} "
        "--set mesh.y=2 --set core.neurons={2} --set noc.multicast={3} --set semantics={4}",
        dir.string(), 2 + k % 2, k % 2 ? 128 : 1024, k % 3 ? "true" : "false", sem);
    CAPTURE(k, args);
    // A stride-1 conv without 'same' padding cannot be submanifold: the compiler refuses it.
    if (sim_matches_golden(args, dir, true)) ++ran;
  }
  CHECK(ran == 4);
}

namespace {

// in C x H x W -> sparse conv (3x3, pad 1, the given stride) -> IF -> [strided sparse conv
// (3x3, stride 2, pad 1) -> IF] -> out; integer weights, a bias on every other channel.
compiler::nir::Graph sparse_chain(int64_t c, int64_t h, int64_t w, int64_t oc, int64_t stride,
                                  bool second, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> wd(-2, 4);
  const auto weights = [&](int64_t n) {
    std::vector<double> v(static_cast<size_t>(n));
    for (auto& x : v) x = wd(rng);
    return v;
  };
  const auto bias = [](int64_t n) {
    std::vector<double> v(static_cast<size_t>(n));
    for (size_t k = 0; k < v.size(); k += 2) v[k] = 1;
    return v;
  };
  compiler::nir::Graph g;
  std::vector<std::string> names{"in", "conv1", "if1"};
  b::Conv2dParams p;
  p.stride = {stride, stride};
  p.padding = {1, 1};
  p.input_shape = {h, w};
  const int64_t h1 = (h + 2 - 3) / stride + 1, w1 = (w + 2 - 3) / stride + 1;
  g.nodes = {b::input("in", {c, h, w}),
             b::conv2d("conv1", {oc, c, 3, 3}, weights(oc * c * 9), bias(oc), p),
             b::if_neuron("if1", {oc, h1, w1}, 1.0, 5.0)};
  std::vector<int64_t> out{oc, h1, w1};
  if (second) {
    b::Conv2dParams p2;
    p2.stride = {2, 2};
    p2.padding = {1, 1};
    p2.input_shape = {h1, w1};
    out = {oc, (h1 - 1) / 2 + 1, (w1 - 1) / 2 + 1};
    g.nodes.push_back(b::conv2d("conv2", {oc, oc, 3, 3}, weights(oc * oc * 9), bias(oc), p2));
    g.nodes.push_back(b::if_neuron("if2", out, 1.0, 5.0));
    names.insert(names.end(), {"conv2", "if2"});
  }
  g.nodes.push_back(b::output("out", out));
  names.push_back("out");
  b::chain(g, names);
  return g;
}

// [samples][steps][c][h][w]: a few occupied sites (a quarter of them at most, some appearing
// late), spiking on random channels.
void write_sparse_input(const std::filesystem::path& file, size_t samples, size_t steps, size_t c,
                        size_t h, size_t w, uint32_t seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution on(0.4);
  std::uniform_int_distribution<size_t> site(0, h * w - 1), step(0, steps - 1);
  std::vector<float> x(samples * steps * c * h * w, 0.0f);
  for (size_t s = 0; s < samples; ++s)
    for (size_t k = 0; k < h * w / 4; ++k) {
      const size_t at = site(rng), from = k % 2 ? step(rng) : 0;
      for (size_t t = from; t < steps; ++t)
        for (size_t ch = 0; ch < c; ++ch)
          if (on(rng)) x[(((s * steps + t) * c + ch) * h * w) + at] = 1.0f;
    }
  workloads::write_npy(file.string(), std::span<const float>(x), {samples, steps, c, h, w});
}

}  // namespace

// Issue 18: a sparse-conv layer whose fan-in exceeds a core's is split into partial segments
// like any other layer, and stays spike-exact (and count-exact) against golden.
TEST_CASE("e2e sim sparse: sparse convs with a fan-in split across cores, both semantics") {
  const auto dir = testutil::fresh_dir("sparse-fanin");
  compiler::nir::write_file(sparse_chain(3, 12, 12, 4, 1, true, 5), (dir / "m.nir").string());
  write_sparse_input(dir / "x.npy", 2, 10, 3, 12, 12, 9);
  for (const char* sem : {"layer_sequential", "pipelined"}) {
    CAPTURE(sem);
    const auto run_dir = dir / sem;
    std::filesystem::create_directories(run_dir);
    // 432 input and 576 hidden sources over 100 axons: both sparse layers are split.
    const std::string args = fmt::format(
        "--model '{0}/m.nir' --dt 1 --conv-mode sparse --input '{0}/x.npy' --set core.fan_in=100 "
        "--set core.neurons=288 --set mesh.x=6 --set mesh.y=6 --set semantics={1}",
        dir.string(), sem);
    REQUIRE(sim_matches_golden(args, run_dir));
    const auto s = nlohmann::json::parse(read_text(run_dir / "s" / "report.json"));
    CHECK(s["latency"]["noc"]["partial_sum_packets"].get<uint64_t>() > 0);
    CHECK(s["sparsity"]["skipped_by_sparse_addressing"].get<uint64_t>() > 0);
  }
}

TEST_CASE("e2e sim sparse: a strided sparse conv of 16,384 sources on the default chip") {
  const auto dir = testutil::fresh_dir("sparse-fanin-16k");
  // 16 x 32 x 32 = 16,384 sources over the default core's 8,192 axons: two slices.
  compiler::nir::write_file(sparse_chain(16, 32, 32, 8, 2, false, 3), (dir / "m.nir").string());
  write_sparse_input(dir / "x.npy", 1, 6, 16, 32, 32, 4);
  for (const char* sem : {"layer_sequential", "pipelined"}) {
    CAPTURE(sem);
    const auto run_dir = dir / sem;
    std::filesystem::create_directories(run_dir);
    const std::string args = fmt::format(
        "--model '{0}/m.nir' --dt 1 --conv-mode sparse --input '{0}/x.npy' --set semantics={1}",
        dir.string(), sem);
    REQUIRE(sim_matches_golden(args, run_dir));
    const auto s = nlohmann::json::parse(read_text(run_dir / "s" / "report.json"));
    CHECK(s["latency"]["noc"]["partial_sum_packets"].get<uint64_t>() > 0);
  }
}

// Random sparse-conv networks (convs of stride 1 or 2, pooling, FC head) on chips whose fan-in
// is far below the layers' sources: split sparse layers agree with golden on every chip.
TEST_CASE("e2e sim sparse: random sparse conv networks with split fan-ins, both semantics") {
  std::mt19937 rng(19);
  const char* neurons[] = {"IF", "LIF", "CubaLIF"};
  int ran = 0, split = 0;
  for (int k = 0; k < 24 && ran < 6; ++k) {
    b::RandomNetworkSpec spec;
    spec.neuron = neurons[k % 3];
    spec.conv_layers = 1 + k % 2;
    spec.input_shape = {2, 8, 8};
    spec.recurrent = false;  // a recurrent layer's own fan-in is never split
    spec.weight_scale = 1.5;
    const auto dir = testutil::fresh_dir(fmt::format("sparse-fanin-prop-{}", k));
    compiler::nir::write_file(b::random_network(500 + k, spec), (dir / "m.nir").string());
    std::vector<size_t> shape{2, 10, 2, 8, 8};
    std::vector<float> x(2 * 10 * 2 * 8 * 8);
    std::bernoulli_distribution on(0.05 + 0.05 * (k % 3));
    for (auto& e : x) e = on(rng) ? 1.0f : 0.0f;
    workloads::write_npy((dir / "x.npy").string(), std::span<const float>(x), shape);
    const std::string args = fmt::format(
        "--model '{0}/m.nir' --dt 1e-4 --conv-mode sparse --input '{0}/x.npy' --set mesh.x=8 "
        "--set mesh.y=8 --set core.fan_in={1} --set core.neurons=128 --set noc.multicast={2} "
        "--set noc.fidelity={3} --set semantics={4}",
        dir.string(), 24 + 8 * (k % 3), k % 3 ? "true" : "false",
        k % 4 == 1 ? "flit" : "reservation", ran % 2 ? "pipelined" : "layer_sequential");
    CAPTURE(k, args);
    // A stride-1 conv without 'same' padding cannot be submanifold: the compiler refuses it.
    if (!sim_matches_golden(args, dir, true)) continue;
    ++ran;
    const auto s = nlohmann::json::parse(read_text(dir / "s" / "report.json"));
    split += s["latency"]["noc"]["partial_sum_packets"].get<uint64_t>() > 0;
  }
  CHECK(ran == 6);
  CHECK(split == ran);  // every input layer (128 sources) exceeds the fan-in
}
