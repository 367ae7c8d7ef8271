// `run --threads N` (worker processes) and `golden --threads N` (threads) run shards of the
// samples; the joined report must be byte-identical to one process's, spike-exact checks included,
// on random networks and chips.
#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <random>

#include "compiler/nir.h"
#include "compiler/nir_build.h"
#include "compiler_test_util.h"
#include "run_binary.h"
#include "workloads/npy.h"

namespace b = compiler::nir::build;
using testutil::read_text;
using testutil::spikechip;

TEST_CASE("e2e threads: any number of workers gives the report of one") {
  std::mt19937 rng(77);
  const char* neurons[] = {"LIF", "IF", "CubaLIF"};
  for (int k = 0; k < 4; ++k) {
    const auto dir = testutil::fresh_dir("threads");
    b::RandomNetworkSpec spec;
    spec.neuron = neurons[k % 3];
    spec.conv_layers = k == 3 ? 0 : 1;
    if (spec.conv_layers == 0) spec.input_shape = {40};
    spec.recurrent = k % 2 == 0;
    spec.weight_scale = 1.5;
    compiler::nir::write_file(b::random_network(500 + k, spec), (dir / "m.nir").string());
    std::vector<size_t> shape{7, 6};  // 7 samples: shards of 2 and 3 samples for 3 workers
    for (auto d : spec.input_shape) shape.push_back(static_cast<size_t>(d));
    size_t n = 1;
    for (auto d : shape) n *= d;
    std::vector<float> x(n);
    std::bernoulli_distribution on(0.2);
    for (auto& e : x) e = on(rng) ? 1.0f : 0.0f;
    workloads::write_npy((dir / "x.npy").string(), std::span<const float>(x), shape);
    const std::string sets = fmt::format(
        "--set mesh.x=3 --set mesh.y=2 --set noc.fidelity={} --set semantics={} --set "
        "core.neurons={}",
        k % 2 ? "flit" : "reservation", k % 3 == 1 ? "pipelined" : "layer_sequential",
        k % 2 ? 64 : 1024);
    for (int threads : {1, 3, 7}) {
      const auto r = spikechip(
          fmt::format("run --model '{0}/m.nir' --dt 1e-4 --input '{0}/x.npy' {1} --out '{0}/o{2}' "
                      "--check-golden --deterministic --probe fc1.n:0-2 --threads {2}",
                      dir.string(), sets, threads));
      CAPTURE(k, sets, threads);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
    }
    for (int threads : {1, 4}) {  // golden: threads of one process
      const auto r = spikechip(fmt::format(
          "golden --model '{0}/m.nir' --dt 1e-4 --input '{0}/x.npy' {1} --out '{0}/g{2}' "
          "--deterministic --probe fc1.n:0-2 --threads {2}",
          dir.string(), sets, threads));
      CAPTURE(k, sets, threads);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
    }
    for (const char* file : {"report.json", "predictions.csv", "probe.csv", "output_spikes.csv"}) {
      CAPTURE(k, file);
      CHECK(read_text(dir / "g1" / file) == read_text(dir / "g4" / file));
    }
    // stats.txt and links.csv: the per-link NoC counters of the shards add up too.
    for (const char* file :
         {"report.json", "predictions.csv", "probe.csv", "stats.txt", "links.csv"}) {
      CAPTURE(k, file);
      CHECK(read_text(dir / "o1" / file) == read_text(dir / "o3" / file));
      CHECK(read_text(dir / "o1" / file) == read_text(dir / "o7" / file));
    }
  }
}

TEST_CASE("e2e threads: a bad value is refused, bad input in a worker exits 2") {
  const auto dir = testutil::fresh_dir("threads-bad");
  const std::string bars = fmt::format("--model '{}' --dt 1e-3 --input '{}'",
                                       testutil::source("workloads/examples/bars.nir"),
                                       testutil::source("workloads/examples/bars_events.npy"));
  const auto zero = spikechip(fmt::format("run {} --threads 0 --out '{}/a'", bars, dir.string()));
  CHECK(zero.exit_code == 2);
  CHECK_THAT(zero.err, Catch::Contains("--threads 0: expected at least 1"));
  CHECK_FALSE(std::filesystem::exists(dir / "a"));
  // A probe of a neuron the layer does not have is found by the simulator, in every worker.
  const auto probe = spikechip(
      fmt::format("run {} --threads 2 --probe lines.lif:99999 --out '{}/b'", bars, dir.string()));
  CHECK(probe.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(dir / "b"));
}
