// `spikechip compile` and `spikechip golden` on real files: outputs, determinism, located errors.
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include <filesystem>
#include <limits>
#include "compiler/nir.h"
#include "compiler/nir_build.h"

#include "compiler_test_util.h"
#include "run_binary.h"

namespace b = compiler::nir::build;
using testutil::read_text;
using testutil::spikechip;

TEST_CASE("e2e compile: the Sinabs CNN compiles, twice byte-identically, with a listing") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  const auto dir = testutil::fresh_dir("compile");
  const std::string model = testutil::shared("nir/cnn_sinabs.nir");
  for (const char* n : {"a", "b"}) {
    const auto r =
        spikechip(fmt::format("compile '{}' --dt 1 -o '{}/{}.scb' --listing '{}/{}.sasm'", model,
                              dir.string(), n, dir.string(), n));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  CHECK(read_text(dir / "a.scb") == read_text(dir / "b.scb"));
  const std::string listing = read_text(dir / "a.sasm");
  CHECK(listing == read_text(dir / "b.sasm"));
  CHECK(listing.find("UPD.IF") != std::string::npos);
  CHECK(listing.find("AU.CONV") != std::string::npos);
  // The listing is real assembly: it assembles back to the same image.
  const auto r =
      spikechip(fmt::format("asm '{}/a.sasm' -o '{}/c.scb'", dir.string(), dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "c.scb") == read_text(dir / "a.scb"));
}

TEST_CASE("e2e compile: every shared NIR export compiles on a chip big enough for it") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  for (const char* f : {"nir/lif_norse.nir", "nir/lif_rockpool.nir", "nir/two_lif_neurons.nir",
                        "nir/cnn_sinabs.nir", "nir/braille_noDelay_noBias_subtract.nir",
                        "nir/braille_noDelay_bias_zero.nir", "sanafe/conv_s1.nir"}) {
    const auto dir = testutil::fresh_dir("all");
    const auto r = spikechip(
        fmt::format("compile '{}' --dt 1e-4 -o '{}/m.scb'", testutil::shared(f), dir.string()));
    CAPTURE(f);
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("e2e compile: a network that does not fit names the layer, capacity and shortfall") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  const auto r =
      spikechip(fmt::format("compile '{}' --dt 1 --arch loihi --set mesh.x=2 --set "
                            "mesh.y=2",
                            testutil::shared("sanafe/conv_s1.nir")));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("needs 12 cores") && Catch::Contains("2x2 mesh") &&
                        Catch::Contains("short by 8"));
  // Too little weight memory for one neuron's row names the layer and the shortfall.
  const auto w = spikechip(fmt::format("compile '{}' --dt 1 --set core.synapse_memory=1KiB",
                                       testutil::shared("sanafe/conv_s1.nir")));
  CHECK(w.exit_code == 2);
  CHECK_THAT(w.err, Catch::Contains("layer 'if3'") && Catch::Contains("synapse memory"));
}

TEST_CASE("e2e compile: a fan-in larger than a core's is split across cores") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  // conv_s1's last layer has 5,408 inputs; a Loihi core has 4,096 axons.
  const auto dir = testutil::fresh_dir("fanin");
  const auto r = spikechip(fmt::format("compile '{}' --dt 1 --arch loihi --listing '{}/c.sasm'",
                                       testutil::shared("sanafe/conv_s1.nir"), dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("fan-in of 'if3' (5408 source neurons) split across 2 cores"));
  const std::string listing = testutil::read_text(dir / "c.sasm");
  CHECK_THAT(listing, Catch::Contains("PSUM seg=") && Catch::Contains("partial=1") &&
                          Catch::Contains("from=0 to=") && Catch::Contains("to=5408"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("e2e compile: an unsupported node stops the compile with its name and type") {
  compiler::nir::Graph g;
  g.nodes = {b::input("in", {4}), b::linear("w", 4, 4, std::vector<double>(16, 1.0)),
             b::threshold("thr", {4}, 0.5), b::output("out", {4})};
  b::chain(g, {"in", "w", "thr", "out"});
  const auto dir = testutil::fresh_dir("unsupported");
  compiler::nir::write_file(g, (dir / "m.nir").string());
  const auto r = spikechip(fmt::format("compile '{}/m.nir' --dt 1", dir.string()));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("'thr'") && Catch::Contains("Threshold") &&
                        Catch::Contains("supported"));
}

TEST_CASE("e2e compile: dynamics without --dt is a clear error") {
  const auto r =
      spikechip(fmt::format("compile '{}'", testutil::source("workloads/examples/bars.nir")));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("--dt"));
}

TEST_CASE("e2e compile: a NaN threshold or a bad --dt is bad input (exit 2) with its place") {
  compiler::nir::Graph g;
  g.nodes = {b::input("input", {4}), b::linear("fc", 4, 4, std::vector<double>(16, 0.5)),
             b::lif("lif1", {4}, 1e-2, 1.0, 0.0, 1.0), b::output("output", {4})};
  g.nodes[2].arrays.at("v_threshold").data[3] = std::numeric_limits<double>::quiet_NaN();
  b::chain(g, {"input", "fc", "lif1", "output"});
  const auto dir = testutil::fresh_dir("nan_threshold");
  const std::string model = (dir / "model.nir").string();
  compiler::nir::write_file(g, model);
  const auto r =
      spikechip(fmt::format("compile '{}' --dt 1e-3 -o '{}/m.scb'", model, dir.string()));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(model + ": node 'lif1' (LIF): v_threshold[3] is NaN "
                                            "(expected a finite number)"));
  CHECK(!std::filesystem::exists(dir / "m.scb"));

  g.nodes[2].arrays.at("v_threshold").data[3] = 1.0;
  compiler::nir::write_file(g, model);
  const auto bad_dt = spikechip(fmt::format("compile '{}' --dt=-1e-3", model));
  CHECK(bad_dt.exit_code == 2);
  CHECK_THAT(bad_dt.err, Catch::Contains(model + ": --dt -0.001: expected a positive finite"));
  const auto nan_dt = spikechip(fmt::format("compile '{}' --dt nan", model));
  CHECK(nan_dt.exit_code == 2);
  CHECK_THAT(nan_dt.err, Catch::Contains(model + ": --dt NaN: expected a positive finite"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("e2e golden: the bundled workload gives a report, predictions and accuracy") {
  const auto dir = testutil::fresh_dir("golden");
  const auto r = spikechip(fmt::format(
      "golden --model '{}' --dt 1e-3 --input '{}' --labels '{}' --out '{}' --deterministic",
      testutil::source("workloads/examples/bars.nir"),
      testutil::source("workloads/examples/bars_events.npy"),
      testutil::source("workloads/examples/bars_labels.npy"), dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string report = read_text(dir / "report.json");
  CHECK_THAT(report, Catch::Contains("\"accuracy\": 1.0"));
  CHECK_THAT(report, Catch::Contains("\"setup_seconds\": 0.0"));  // deterministic: no clock
  const std::string pred = read_text(dir / "predictions.csv");
  CHECK(pred.rfind("sample,predicted,label\n0,0,0\n1,1,1\n", 0) == 0);
}

TEST_CASE("e2e inspect: a NIR model and a compiled image are summarised as JSON") {
  const auto dir = testutil::fresh_dir("inspect");
  const std::string model = testutil::source("workloads/examples/bars.nir");
  auto r = spikechip(fmt::format("inspect '{}'", model));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"kind\": \"nir\"") && Catch::Contains("\"Conv2d\": 1") &&
                        Catch::Contains("\"edges\": 7"));
  REQUIRE(spikechip(fmt::format("compile '{}' --dt 1e-3 -o '{}/m.scb'", model, dir.string()))
              .exit_code == 0);
  r = spikechip(fmt::format("inspect '{}/m.scb'", dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"kind\": \"scb\"") && Catch::Contains("\"UPD.LIF\"") &&
                        Catch::Contains("\"cores_used\""));
}
