// Nested NIRGraph nodes: read from a file, then inlined by flatten().
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "compiler/nir.h"
#include "compiler/nir_build.h"
#include "isa/error.h"

namespace nir = compiler::nir;
namespace build = compiler::nir::build;

namespace {

void sort_nodes(nir::Graph& g) {
  std::sort(g.nodes.begin(), g.nodes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
}

// snnTorch's RLeaky export: {input, lif, w_rec, output} with a recurrent cycle (NIR.md §3).
nir::Graph recurrent_block(int n) {
  nir::Graph g;
  g.nodes = {build::input("input", {n}), build::lif("lif", {n}, 1e-3, 10.0, 0.0, 1.0),
             build::linear("w_rec", n, n, std::vector<double>(size_t(n * n), 0.1)),
             build::output("output", {n})};
  sort_nodes(g);
  g.edges = {{"input", "lif"}, {"lif", "w_rec"}, {"w_rec", "lif"}, {"lif", "output"}};
  return g;
}

std::vector<std::string> names(const nir::Graph& g) {
  std::vector<std::string> out;
  for (const auto& n : g.nodes) out.push_back(n.name);
  return out;
}

using Edges = std::vector<std::pair<std::string, std::string>>;

Edges sorted(Edges e) {
  std::sort(e.begin(), e.end());
  return e;
}

}  // namespace

TEST_CASE("nir: nested subgraph is read from file and flattened through its ports", "[nir]") {
  nir::Graph g;
  g.version = "1.0.7";
  g.nodes = {build::input("input", {3}), build::linear("fc1", 4, 3, std::vector<double>(12, 1)),
             build::subgraph("lif1", recurrent_block(4)),
             build::linear("fc2", 2, 4, std::vector<double>(8, 1)), build::output("output", {2})};
  sort_nodes(g);
  g.edges = {{"input", "fc1"}, {"fc1", "lif1"}, {"lif1", "fc2"}, {"fc2", "output"}};
  auto path = (std::filesystem::temp_directory_path() /
               ("spikechip_nir_nested_" + std::to_string(::getpid()) + ".nir"))
                  .string();
  nir::write_file(g, path);
  nir::Graph read = nir::read_file(path);
  std::filesystem::remove(path);

  const nir::Node* sub = read.find("lif1");
  REQUIRE(sub);
  CHECK(sub->type == "NIRGraph");
  REQUIRE(sub->subgraph);
  CHECK(names(*sub->subgraph) == std::vector<std::string>{"input", "lif", "output", "w_rec"});
  CHECK(sub->subgraph->edges.size() == 4);

  nir::Graph flat = nir::flatten(read);
  CHECK(names(flat) ==
        std::vector<std::string>{"fc1", "fc2", "input", "lif1.lif", "lif1.w_rec", "output"});
  CHECK(sorted(flat.edges) == sorted(Edges{{"input", "fc1"},
                                           {"fc1", "lif1.lif"},
                                           {"lif1.lif", "lif1.w_rec"},
                                           {"lif1.w_rec", "lif1.lif"},
                                           {"lif1.lif", "fc2"},
                                           {"fc2", "output"}}));
  CHECK(flat.find("lif1.lif")->type == "LIF");
  CHECK(flat.version == "1.0.7");
}

TEST_CASE("nir: flatten handles two levels, explicit ports and pass-through", "[nir]") {
  // inner2: input -> output directly (a pass-through); inner1 wraps it between two Scales.
  nir::Graph inner2;
  inner2.nodes = {build::input("input", {2}), build::output("output", {2})};
  inner2.edges = {{"input", "output"}};
  nir::Graph inner1;
  inner1.nodes = {build::scale("a", {2}, 2.0), build::scale("b", {2}, 3.0), build::input("in", {2}),
                  build::subgraph("mid", inner2), build::output("out", {2})};
  inner1.edges = {{"in", "a"}, {"a", "mid"}, {"mid", "b"}, {"b", "out"}};
  nir::Graph g;
  g.nodes = {build::input("input", {2}), build::output("output", {2}),
             build::subgraph("s", inner1)};
  sort_nodes(g);
  // Parent edges may name the port explicitly ("s.in") or the subgraph ("s").
  g.edges = {{"input", "s.in"}, {"s", "output"}};
  nir::Graph flat = nir::flatten(g);
  CHECK(names(flat) == std::vector<std::string>{"input", "output", "s.a", "s.b"});
  CHECK(sorted(flat.edges) == sorted(Edges{{"input", "s.a"}, {"s.a", "s.b"}, {"s.b", "output"}}));
}

TEST_CASE("nir: flatten reports name collisions, ambiguous ports and unknown nodes", "[nir]") {
  nir::Graph g;
  g.nodes = {build::subgraph("lif1", recurrent_block(2)), build::scale("lif1.lif", {2}, 1.0)};
  CHECK_THROWS_WITH(nir::flatten(g), Catch::Contains("two nodes are named 'lif1.lif'"));

  nir::Graph two_inputs = recurrent_block(2);
  two_inputs.nodes.push_back(build::input("input2", {2}));
  nir::Graph h;
  h.nodes = {build::input("input", {2}), build::subgraph("s", two_inputs)};
  h.edges = {{"input", "s"}};
  CHECK_THROWS_WITH(nir::flatten(h), Catch::Contains("has 2 Input nodes"));

  nir::Graph k;
  k.nodes = {build::input("input", {2})};
  k.edges = {{"input", "nowhere"}};
  CHECK_THROWS_AS(nir::flatten(k), isa::InputError);
}
