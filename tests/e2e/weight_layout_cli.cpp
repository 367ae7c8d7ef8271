// Weight layouts end to end (docs/simulator.md, "Weight layouts"): `spikechip run
// --check-golden` under each layout on a density-0.25 FC network and on an N:M one, the choice
// and its reason in report.json and in `compile`'s summary, and a network that fits no listed
// layout refused with exit 2.
#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>

#include "compiler/nir.h"
#include "compiler/nir_build.h"
#include "run_binary.h"
#include "workloads/npy.h"

namespace b = compiler::nir::build;
using testutil::spikechip;

namespace {

// in(64) -> Linear 128 -> IF -> Linear 32 -> IF -> out. Weights [out][in] in -3..3 without 0,
// each kept with probability `density`, or (nm > 0) exactly 2 of every 4 targets of each row.
compiler::nir::Graph net(double density, bool two_of_four, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> v(1, 3);
  std::bernoulli_distribution keep(density), neg(0.3);
  const auto weights = [&](uint32_t out, uint32_t in) {
    std::vector<double> w(size_t{out} * in, 0.0);
    for (uint32_t i = 0; i < in; ++i)
      for (uint32_t j = 0; j < out; ++j) {
        const bool on = two_of_four ? (j % 4 == (i % 4) || j % 4 == (i + 1) % 4) : keep(rng);
        if (on) w[size_t{j} * in + i] = v(rng) * (neg(rng) ? -1.0 : 1.0);
      }
    return w;
  };
  compiler::nir::Graph g;
  g.nodes = {b::input("in", {64}),
             b::linear("fc1", 128, 64, weights(128, 64)),
             b::if_neuron("if1", {128}, 1.0, 2.5),
             b::linear("fc2", 32, 128, weights(32, 128)),
             b::if_neuron("if2", {32}, 1.0, 2.5),
             b::output("out", {32})};
  b::chain(g, {"in", "fc1", "if1", "fc2", "if2", "out"});
  return g;
}

std::filesystem::path write_workload(const std::filesystem::path& dir, double density, bool nm) {
  compiler::nir::write_file(net(density, nm, 7), (dir / "m.nir").string());
  std::mt19937 rng(1);
  std::bernoulli_distribution on(0.2);
  std::vector<float> x(2 * 20 * 64);
  for (auto& e : x) e = on(rng) ? 1.0f : 0.0f;
  workloads::write_npy((dir / "x.npy").string(), std::span<const float>(x), {2, 20, 64});
  return dir;
}

nlohmann::json run(const std::filesystem::path& dir, const std::string& layouts,
                   const std::string& extra = "") {
  const auto r = spikechip(fmt::format(
      "run --model '{0}/m.nir' --dt 1 --input '{0}/x.npy' --set 'core.weight_layout={1}' "
      "--set 'core.synapse_memory=2 KiB' --set mesh.x=8 --set mesh.y=8 {2} --out '{0}/o' "
      "--check-golden",
      dir.string(), layouts, extra));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);  // 3: the simulator diverged from golden
  auto j = nlohmann::json::parse(testutil::read_text(dir / "o" / "report.json"));
  std::filesystem::remove_all(dir / "o");
  return j;
}

}  // namespace

TEST_CASE("e2e weight layouts: run --check-golden under each layout, the choice reported",
          "[e2e][layout]") {
  const auto dir = write_workload(testutil::fresh_dir("layouts"), 0.25, false);
  int64_t events = -1;
  for (const char* layouts : {"dense", "compressed", "[dense, compressed]"}) {
    CAPTURE(layouts);
    const auto j = run(dir, layouts);
    CHECK(j.at("golden_check").at("passed").get<bool>());
    // Synaptic events do not depend on the layout.
    const int64_t e = j.at("sim").at("synaptic_events").get<int64_t>();
    if (events >= 0) CHECK(e == events);
    events = e;
    const auto& wl = j.at("weight_layouts");
    REQUIRE(wl.size() == 2);
    const std::string want = std::string(layouts) == "dense" ? "dense" : "compressed";
    for (const auto& p : wl) {
      CHECK(p.at("layout").get<std::string>() == want);
      CHECK(p.at("layer_synapse_bytes").get<int64_t>() > 0);
    }
    if (std::string(layouts).front() == '[')
      CHECK_THAT(wl[0].at("reason").get<std::string>(),
                 Catch::StartsWith("least synapse memory: ") && Catch::Contains("against dense"));
  }
  const auto c =
      spikechip(fmt::format("compile '{0}/m.nir' --dt 1 --set 'core.weight_layout=[dense, "
                            "compressed]' -o '{0}/m.scb'",
                            dir.string()));
  INFO(c.err);
  CHECK(c.exit_code == 0);
  CHECK_THAT(c.err, Catch::Contains("weights in -> if1: compressed (least synapse memory: "));
  std::filesystem::remove_all(dir);
}

TEST_CASE("e2e weight layouts: N:M weights under nm; a network that fits no layout exits 2",
          "[e2e][layout]") {
  const auto dir = write_workload(testutil::fresh_dir("layouts-nm"), 0, true);
  const auto j = run(dir, "[dense, nm]");
  for (const auto& p : j.at("weight_layouts")) CHECK(p.at("layout").get<std::string>() == "nm");
  // 1:4 is not met by 2:4 weights: alone, nm refuses them, naming the file and the layer.
  const auto r = spikechip(
      fmt::format("run --model '{0}/m.nir' --dt 1 --input '{0}/x.npy' --set core.weight_layout=nm "
                  "--set core.nm_n=1 --out '{0}/o'",
                  dir.string()));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir.string() + "/m.nir: layer 'if1': the fc weights from "
                                                   "'in' (via fc1) are not 1:4 sparse"));
  CHECK_FALSE(std::filesystem::exists(dir / "o"));
  std::filesystem::remove_all(dir);
}
