// build::random_network makes consistent, reproducible networks that survive a file round trip.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "compiler/nir.h"
#include "compiler/nir_build.h"

namespace nir = compiler::nir;
namespace build = compiler::nir::build;

namespace {

int64_t elements(const std::vector<double>& shape) {
  int64_t n = 1;
  for (double d : shape) n *= int64_t(d);
  return n;
}

// Walks the chain from "input" and checks each node's fields against the size flowing in.
void check_consistent(const nir::Graph& g, const build::RandomNetworkSpec& spec) {
  std::map<std::string, std::vector<std::string>> next;
  for (const auto& [a, b] : g.edges) next[a].push_back(b);
  std::vector<double> shape(spec.input_shape.begin(), spec.input_shape.end());
  std::string at = "input";
  size_t steps = 0;
  while (at != "output") {
    REQUIRE(++steps < 100);
    std::string to;
    for (const std::string& n : next[at])
      if (n.rfind("rec", 0) != 0) to = n;  // skip the recurrent Linear
    REQUIRE_FALSE(to.empty());
    const nir::Node* node = g.find(to);
    REQUIRE(node);
    INFO("node " << to << " (" << node->type << ")");
    if (node->type == "Conv2d") {
      const auto& w = node->find("weight")->shape;
      CHECK(double(w[1]) == shape[0]);
      CHECK(node->find("input_shape")->data == std::vector<double>(shape.begin() + 1, shape.end()));
      double s = node->find("stride")->data[0], p = node->find("padding")->data[0];
      shape = {double(w[0]), std::floor((shape[1] + 2 * p - 3) / s + 1),
               std::floor((shape[2] + 2 * p - 3) / s + 1)};
    } else if (node->type == "SumPool2d") {
      shape = {shape[0], std::floor(shape[1] / 2), std::floor(shape[2] / 2)};
    } else if (node->type == "Flatten") {
      CHECK(node->find("input_type")->data == shape);
      shape = {double(elements(shape))};
    } else if (node->type == "Affine") {
      const auto& w = node->find("weight")->shape;
      CHECK(w[1] == elements(shape));
      shape = {double(w[0])};
    } else if (node->type == "Output") {
      CHECK(node->find("shape")->data == shape);
      CHECK(shape == std::vector<double>{double(spec.outputs)});
    } else {
      CHECK(node->type == spec.neuron);
      std::vector<int64_t> expect(shape.begin(), shape.end());
      CHECK(node->find("r")->shape == expect);
    }
    at = to;
  }
}

}  // namespace

TEST_CASE("nir: random networks are consistent, reproducible and round-trip", "[nir]") {
  auto path = (std::filesystem::temp_directory_path() /
               ("spikechip_nir_randnet_" + std::to_string(::getpid()) + ".nir"))
                  .string();
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    build::RandomNetworkSpec spec;
    spec.conv_layers = int(seed % 3);
    spec.input_shape = spec.conv_layers ? std::vector<int64_t>{2, int64_t(4 + seed), 9}
                                        : std::vector<int64_t>{int64_t(seed)};
    spec.pool = seed % 2 == 0;
    spec.recurrent = seed % 4 != 0;
    spec.neuron = seed % 3 == 0 ? "IF" : seed % 3 == 1 ? "LIF" : "CubaLIF";
    INFO("seed " << seed);
    nir::Graph g = build::random_network(seed, spec);
    check_consistent(g, spec);
    CHECK(bool(g.find("rec1")) == spec.recurrent);
    nir::Graph again = build::random_network(seed, spec);
    REQUIRE(again.nodes.size() == g.nodes.size());
    CHECK(again.find("fc1")->find("weight")->data == g.find("fc1")->find("weight")->data);
    nir::write_file(g, path, seed % 2 == 1);
    nir::Graph back = nir::read_file(path);
    CHECK(back.edges == g.edges);
    CHECK(back.find("fc1")->find("weight")->data == g.find("fc1")->find("weight")->data);
    check_consistent(back, spec);
  }
  std::filesystem::remove(path);
  CHECK_THROWS_AS(build::random_network(1, {{4}, 1}), std::invalid_argument);
}
