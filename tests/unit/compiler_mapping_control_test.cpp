// Mapping control (arch keys map.*): reproduce a given mapping, or say why it does not fit.
#include <catch2/catch.hpp>

#include "arch/loader.h"
#include "compiler/mapping.h"
#include "compiler/nir_build.h"
#include "compiler_test_util.h"

namespace b = compiler::nir::build;

namespace {

// in(64) -> 100 -> 30 -> 10, dense weights: 100 + 30 + 10 neurons in three layers.
compiler::nir::Graph three_layers() {
  compiler::nir::Graph g;
  g.nodes = {b::input("in", {64}),
             b::linear("fc1", 100, 64, std::vector<double>(6400, 1.0)),
             b::if_neuron("n1", {100}, 1.0, 4.0),
             b::linear("fc2", 30, 100, std::vector<double>(3000, 1.0)),
             b::if_neuron("n2", {30}, 1.0, 4.0),
             b::linear("fc3", 10, 30, std::vector<double>(300, 1.0)),
             b::if_neuron("n3", {10}, 1.0, 4.0),
             b::output("out", {10})};
  b::chain(g, {"in", "fc1", "n1", "fc2", "n2", "fc3", "n3", "out"});
  return g;
}

compiler::CompileResult compile_with(std::vector<std::string> sets) {
  sets.push_back("semantics=pipelined");
  const auto a = arch::load_arch("", sets);
  compiler::CompileOptions opt;
  opt.dt = 1;
  return testutil::compile_graph(three_layers(), "mapctl", a, opt);
}

std::string error_of(std::vector<std::string> sets) {
  try {
    compile_with(std::move(sets));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("mapping control: neurons per core fill cores in order, one layer per core",
          "[compiler][partition]") {
  const auto r =
      compile_with({"map.neurons_per_core=32", "map.share_cores=false", "map.placement=in_order"});
  const auto& m = r.mapping;
  // fc1: 32+32+32+4, fc2: 30, fc3: 10 -> six cores, filled in turn, never shared.
  std::vector<std::pair<uint32_t, uint32_t>> seg;  // (layer, count)
  for (const auto& s : m.segments) seg.push_back({s.layer, s.count});
  CHECK(seg == std::vector<std::pair<uint32_t, uint32_t>>{
                   {1, 32}, {1, 32}, {1, 32}, {1, 4}, {2, 30}, {3, 10}});
  CHECK(m.logical_cores == 6);
  for (size_t k = 0; k < m.segments.size(); ++k) CHECK(m.segments[k].core == k);
  // in_order: logical core k at mesh index k.
  CHECK(m.core_position == std::vector<uint32_t>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("mapping control: by default layers share cores and placement optimises",
          "[compiler][partition]") {
  const auto packed = compile_with({});
  CHECK(packed.mapping.logical_cores == 1);  // 140 neurons fit one core of 1,024
  // Cores hold at most 32 neurons; fc3's 10 join the 4-neuron tail of fc1 (first fit).
  const auto shared = compile_with({"map.neurons_per_core=32"});
  CHECK(shared.mapping.logical_cores == 5);
  const auto apart = compile_with({"map.neurons_per_core=32", "map.share_cores=false"});
  CHECK(apart.mapping.logical_cores == 6);
}

TEST_CASE("mapping control: a requested mapping that does not fit says what and by how much",
          "[compiler][partition]") {
  // 100 neurons x 64 weights x 8 bits = 6,400 bytes on one core; the memory holds 4 KiB.
  CHECK_THAT(error_of({"map.neurons_per_core=100", "core.synapse_memory=4 KiB"}),
             Catch::Contains("layer 'n1'") &&
                 Catch::Contains("does not fit the requested mapping") &&
                 Catch::Contains("map.neurons_per_core 100 puts 100 neurons") &&
                 Catch::Contains("holds 4096 bytes (short by 2305 bytes)"));
  // More neurons per core than a core has.
  CHECK_THAT(error_of({"map.neurons_per_core=2048"}),
             Catch::Contains("map.neurons_per_core: 2048 neurons per core exceeds core.neurons "
                             "(1024) by 1024"));
  // More cores than the mesh: the usual mesh error.
  CHECK_THAT(error_of({"map.neurons_per_core=8", "mesh.x=2", "mesh.y=2"}),
             Catch::Contains("needs 18 cores") && Catch::Contains("short by 14"));
}
