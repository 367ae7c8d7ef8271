// `spikechip run` end to end: the SystemC simulator against the golden executor on the bundled
// workload, on random networks x random chips, and its outputs and errors.
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

std::string bars_args() {
  return fmt::format("--model '{}' --dt 1e-3 --input '{}' --labels '{}'",
                     testutil::source("workloads/examples/bars.nir"),
                     testutil::source("workloads/examples/bars_events.npy"),
                     testutil::source("workloads/examples/bars_labels.npy"));
}

}  // namespace

TEST_CASE("e2e run: the bundled workload passes the golden check with a full report") {
  const auto dir = testutil::fresh_dir("run-bars");
  const auto r =
      spikechip(fmt::format("run {} --out '{}' --check-golden", bars_args(), dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("golden check passed (384 steps)"));
  const std::string report = read_text(dir / "report.json");
  for (const char* key : {"\"latency\"", "\"total_cycles\"", "\"energy\"", "\"by_event\"",
                          "\"sparsity\"", "\"accuracy\": 1.0", "\"events_per_second\"",
                          "\"stall_cycles\"", "\"per_core\"", "\"per_layer\""})
    CHECK_THAT(report, Catch::Contains(key));
  CHECK(read_text(dir / "predictions.csv").rfind("sample,predicted,label\n0,0,0\n", 0) == 0);
  CHECK_THAT(read_text(dir / "arch.yaml"), Catch::Contains("name: default"));
}

TEST_CASE("e2e run: same inputs give byte-identical reports") {
  const auto a = testutil::fresh_dir("det-a"), c = testutil::fresh_dir("det-b");
  for (const auto& d : {a, c}) {
    const auto r =
        spikechip(fmt::format("run {} --out '{}' --deterministic", bars_args(), d.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  CHECK(read_text(a / "report.json") == read_text(c / "report.json"));
  CHECK(read_text(a / "predictions.csv") == read_text(c / "predictions.csv"));
}

TEST_CASE("e2e run: a compiled image runs; one compiled for another chip is refused") {
  const auto dir = testutil::fresh_dir("run-scb");
  const std::string model = testutil::source("workloads/examples/bars.nir");
  REQUIRE(spikechip(fmt::format("compile '{}' --dt 1e-3 -o '{}/m.scb'", model, dir.string()))
              .exit_code == 0);
  const std::string in =
      fmt::format("--input '{}'", testutil::source("workloads/examples/bars_events.npy"));
  auto r = spikechip(
      fmt::format("run --model '{}/m.scb' {} --out '{}/o'", dir.string(), in, dir.string()));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  r = spikechip(fmt::format("run --model '{}/m.scb' {} --set mesh.x=5 --out '{}/o2'", dir.string(),
                            in, dir.string()));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("arch hash"));
  CHECK_FALSE(std::filesystem::exists(dir / "o2" / "report.json"));
}

TEST_CASE("e2e run: bad input exits 2 naming the file, and leaves no report") {
  const auto dir = testutil::fresh_dir("run-bad");
  const std::string bad = (dir / "x.npy").string();
  std::vector<float> v(10 * 7, 1.0f);
  workloads::write_npy(bad, std::span<const float>(v), {10, 7});
  const auto r =
      spikechip(fmt::format("run --model '{}' --dt 1e-3 --input '{}' --out '{}/o'",
                            testutil::source("workloads/examples/bars.nir"), bad, dir.string()));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("x.npy"));
  CHECK_FALSE(std::filesystem::exists(dir / "o" / "report.json"));
}

// Issue 4's property test, through the whole chain: random networks (conv, pool, FC, recurrent;
// LIF, IF, CubaLIF) on random chips (mesh, PEs, banks, queue depth, NoC fidelity, semantics).
TEST_CASE("e2e run: random networks on random chips are spike-exact against the golden executor") {
  std::mt19937 rng(2026);
  const char* neurons[] = {"LIF", "IF", "CubaLIF"};
  for (int k = 0; k < 8; ++k) {
    const auto dir = testutil::fresh_dir("prop");
    b::RandomNetworkSpec spec;
    spec.neuron = neurons[k % 3];
    spec.conv_layers = k % 4 == 3 ? 0 : 1 + k % 2;
    if (spec.conv_layers == 0) spec.input_shape = {40};
    spec.recurrent = k % 2 == 0;
    spec.weight_scale = 1.5;
    compiler::nir::write_file(b::random_network(100 + k, spec), (dir / "m.nir").string());
    std::vector<size_t> shape{3, 12};
    for (auto d : spec.input_shape) shape.push_back(static_cast<size_t>(d));
    size_t n = 1;
    for (auto d : shape) n *= d;
    std::vector<float> x(n);
    std::bernoulli_distribution on(0.15 + 0.1 * (k % 3));
    for (auto& e : x) e = on(rng) ? 1.0f : 0.0f;
    workloads::write_npy((dir / "x.npy").string(), std::span<const float>(x), shape);
    const std::string sets = fmt::format(
        "--set mesh.x={} --set mesh.y={} --set core.n_pe={} --set core.membrane_banks={} "
        "--set core.input_queue_depth={} --set noc.fidelity={} --set semantics={} "
        "--set core.neurons={}",
        2 + k % 3, 2 + (k / 2) % 3, 1 << (k % 4), 1 << ((k + 1) % 4), 2 + 8 * (k % 3),
        k % 2 ? "flit" : "reservation", k % 3 == 1 ? "pipelined" : "layer_sequential",
        k % 2 ? 64 : 1024);
    const auto r = spikechip(fmt::format(
        "run --model '{}/m.nir' --dt 1e-4 --input '{}/x.npy' {} --out '{}/o' --check-golden",
        dir.string(), dir.string(), sets, dir.string()));
    CAPTURE(k, sets);
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("e2e run: the Sinabs CNN on an N-MNIST recording is spike-exact against golden") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  const auto dir = testutil::fresh_dir("sinabs");
  const auto r = spikechip(
      fmt::format("run --model '{}' --dt 1 --input '{}' --bin-us 10000 --out '{}' --check-golden",
                  testutil::shared("nir/cnn_sinabs.nir"),
                  testutil::shared("events/tonic/sample_nmnist.bin"), dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("golden check passed (32 steps)"));
  CHECK_THAT(read_text(dir / "report.json"), Catch::Contains("\"samples\": 1"));
}

// Fan-in splitting through the whole chain: random networks whose layers take more source
// neurons than a core has axons (conv, pool and FC layers, fed by the host or by other cores'
// segments, larger or smaller than the fan-in) run spike-exact in both semantics.
TEST_CASE("e2e run: layers with a fan-in split across cores are spike-exact against golden") {
  std::mt19937 rng(77);
  const char* neurons[] = {"IF", "LIF", "CubaLIF"};
  for (int k = 0; k < 6; ++k) {
    const auto dir = testutil::fresh_dir("fanin-prop");
    b::RandomNetworkSpec spec;
    spec.neuron = neurons[k % 3];
    spec.conv_layers = k % 3 == 2 ? 0 : 1;
    spec.input_shape = spec.conv_layers ? std::vector<int64_t>{2, 8, 8} : std::vector<int64_t>{90};
    spec.recurrent = false;  // a recurrent layer's own fan-in is never split (compile error)
    spec.max_width = 40;
    spec.weight_scale = 1.5;
    compiler::nir::write_file(b::random_network(300 + k, spec), (dir / "m.nir").string());
    std::vector<size_t> shape{2, 10};
    for (auto d : spec.input_shape) shape.push_back(static_cast<size_t>(d));
    size_t n = 1;
    for (auto d : shape) n *= d;
    std::vector<float> x(n);
    std::bernoulli_distribution on(0.2 + 0.1 * (k % 2));
    for (auto& e : x) e = on(rng) ? 1.0f : 0.0f;
    workloads::write_npy((dir / "x.npy").string(), std::span<const float>(x), shape);
    const std::string sets = fmt::format(
        "--set mesh.x=8 --set mesh.y=8 --set core.fan_in={} --set core.neurons=64 "
        "--set semantics={} --set noc.fidelity={} --set noc.multicast={}",
        24 + 8 * (k % 3), k % 2 ? "pipelined" : "layer_sequential",
        k % 4 == 1 ? "flit" : "reservation", k % 5 == 3 ? "false" : "true");
    const auto r = spikechip(fmt::format(
        "run --model '{}/m.nir' --dt 1e-4 --input '{}/x.npy' {} --out '{}/o' --check-golden",
        dir.string(), dir.string(), sets, dir.string()));
    CAPTURE(k, sets);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto report = nlohmann::json::parse(read_text(dir / "o" / "report.json"));
    CHECK(report.at("golden_check").at("passed").get<bool>());
    // The split happened: partial sums crossed the NoC.
    CHECK(report.at("latency").at("noc").at("partial_sum_packets").get<int64_t>() > 0);
    std::filesystem::remove_all(dir);
  }
}
