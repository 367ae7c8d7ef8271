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
