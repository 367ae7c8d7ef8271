// Fan-in splitting (partition.cpp, codegen.cpp): a layer with more source neurons than a core's
// axons gets one segment per source slice; the partial ones forward sums to the owner (PSUM).
#include <catch2/catch.hpp>

#include <algorithm>

#include "arch/loader.h"
#include "compiler/mapping.h"
#include "compiler/nir_build.h"
#include "compiler_test_util.h"

namespace b = compiler::nir::build;

namespace {

// in(100) -> Linear 100x8 -> IF(8): a fan-in of 100.
compiler::nir::Graph wide_fc() {
  compiler::nir::Graph g;
  g.nodes = {b::input("in", {100}), b::linear("fc", 8, 100, std::vector<double>(800, 1.0)),
             b::if_neuron("n", {8}, 1.0, 4.0), b::output("out", {8})};
  b::chain(g, {"in", "fc", "n", "out"});
  return g;
}

compiler::CompileResult compile_with(const compiler::nir::Graph& g, std::vector<std::string> sets) {
  const auto a = arch::load_arch("", sets);
  compiler::CompileOptions opt;
  opt.dt = 1;
  return testutil::compile_graph(g, "fanin", a, opt);
}

}  // namespace

TEST_CASE("fan-in split: slices of at most fan_in sources, one owner, partial sums to it",
          "[compiler][partition]") {
  const auto r = compile_with(wide_fc(), {"core.fan_in=32", "semantics=pipelined"});
  const auto& m = r.mapping;
  CHECK(m.fan_in_slices.at(1) == 4);  // 100 = 32 + 32 + 32 + 4
  std::vector<compiler::SourceRange> ranges;
  uint32_t owners = 0;
  for (size_t k = 0; k < m.segments.size(); ++k) {
    const auto& s = m.segments[k];
    REQUIRE(s.layer == 1);
    REQUIRE(s.sources.size() == 1);
    CHECK(s.sources[0].size() <= 32);
    ranges.push_back(s.sources[0]);
    if (!s.partial) {
      ++owners;
      CHECK(s.owner == k);
    } else {
      CHECK(!m.segments.at(s.owner).partial);
      CHECK(m.segments[s.owner].begin == s.begin);
      CHECK(m.segments[s.owner].count == s.count);
    }
  }
  CHECK(owners == 1);
  std::sort(ranges.begin(), ranges.end(),
            [](const auto& a, const auto& b) { return a.begin < b.begin; });
  CHECK(ranges == std::vector<compiler::SourceRange>{{0, 32}, {32, 64}, {64, 96}, {96, 100}});
  // Pipelined: the partial-sum phase, then the update phase.
  REQUIRE(m.phases.size() == 2);
  CHECK(m.phases[0].psum);
  CHECK(!m.phases[1].psum);
  CHECK(r.code.image.phases_per_step == 2);
  // Each partial core: an FC projection of its rows only, and a PSUM to the owner's core.
  uint32_t psums = 0;
  for (const auto& c : r.code.image.cores) {
    for (const auto& p : c.projections)
      CHECK(p.weight_count == (p.source_end - p.source_begin) * 8);
    for (const auto& in : c.code)
      if (in.op == isa::Opcode::psum) {
        ++psums;
        REQUIRE(in.b < c.routes.size());
        CHECK(c.routes[in.b].dest_cores.size() == 1);
        CHECK(c.segments.at(in.a).partial == 1);
      }
  }
  CHECK(psums == 3);
}

TEST_CASE("fan-in split: none when the fan-in fits; a recurrent layer is refused",
          "[compiler][partition]") {
  const auto r = compile_with(wide_fc(), {"core.fan_in=100"});
  CHECK(r.mapping.fan_in_slices.at(1) == 1);
  CHECK(r.mapping.segments.size() == 1);
  for (const auto& ph : r.mapping.phases) CHECK(!ph.psum);

  b::RandomNetworkSpec spec;
  spec.conv_layers = 0;
  spec.input_shape = {40};
  spec.recurrent = true;
  spec.max_width = 16;
  spec.neuron = "IF";
  CHECK_THROWS_WITH(compile_with(b::random_network(5, spec), {"core.fan_in=20"}),
                    Catch::Contains("recurrent") && Catch::Contains("fan_in capacity 20"));
}
