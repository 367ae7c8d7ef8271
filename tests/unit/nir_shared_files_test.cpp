// The real NIR exports in ../shared/data read as NIR.md §1.6 documents them.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

#include "compiler/nir.h"

namespace nir = compiler::nir;

namespace {

// Path of a shared file, or "" (with a warning) when the shared data is not there.
std::string shared(const std::string& rel) {
  std::filesystem::path p = std::filesystem::path(SPIKECHIP_SHARED_DATA) / rel;
  if (!std::filesystem::exists(p)) {
    WARN("skipped: " << p.string() << " not found");
    return {};
  }
  return p.string();
}

const nir::Node& node(const nir::Graph& g, const std::string& name) {
  const nir::Node* n = g.find(name);
  INFO("node " << name);
  REQUIRE(n != nullptr);
  return *n;
}

const nir::Array& array(const nir::Node& n, const std::string& key) {
  const nir::Array* a = n.find(key);
  INFO("node " << n.name << " field " << key);
  REQUIRE(a != nullptr);
  return *a;
}

bool has_edge(const nir::Graph& g, const std::string& a, const std::string& b) {
  return std::find(g.edges.begin(), g.edges.end(), std::pair(a, b)) != g.edges.end();
}

std::vector<std::string> names(const nir::Graph& g) {
  std::vector<std::string> out;
  for (const auto& n : g.nodes) out.push_back(n.name);
  return out;
}

}  // namespace

TEST_CASE("nir: lif_norse.nir (NIR 0.1.1, float32 Affine + LIF)", "[nir]") {
  std::string path = shared("nir/lif_norse.nir");
  if (path.empty()) return;
  nir::Graph g = nir::read_file(path);
  CHECK(g.version == "0.1.1");
  CHECK(names(g) == std::vector<std::string>{"0", "1", "input", "output"});
  CHECK(g.edges.size() == 3);
  CHECK(has_edge(g, "input", "0"));
  CHECK(has_edge(g, "1", "output"));
  const nir::Node& lif = node(g, "1");
  CHECK(lif.type == "LIF");
  CHECK(array(lif, "tau").shape == std::vector<int64_t>{1});
  CHECK(array(lif, "tau").data[0] == Approx(0.0025).epsilon(1e-6));
  CHECK_FALSE(array(lif, "tau").integer);
  CHECK(array(lif, "v_threshold").data[0] == Approx(0.1).epsilon(1e-6));
  CHECK(lif.find("v_reset") == nullptr);  // absent before NIR 1.0.6
  const nir::Node& affine = node(g, "0");
  CHECK(affine.type == "Affine");
  CHECK(array(affine, "weight").shape == std::vector<int64_t>{1, 1});
  CHECK(array(affine, "bias").data == std::vector<double>{0.0});
  CHECK(array(node(g, "input"), "shape").integer);
  CHECK(node(g, "output").type == "Output");
}

TEST_CASE("nir: cnn_sinabs.nir (Conv2d, IF of CHW shape, SumPool2d, Flatten)", "[nir]") {
  std::string path = shared("nir/cnn_sinabs.nir");
  if (path.empty()) return;
  nir::Graph g = nir::read_file(path);
  CHECK(g.version == "0.2.0");
  CHECK(g.nodes.size() == 15);
  CHECK(g.edges.size() == 14);
  // Name order, not creation order: "10" sorts before "2".
  CHECK(g.nodes[2].name == "10");
  const nir::Node& conv = node(g, "0");
  CHECK(conv.type == "Conv2d");
  CHECK(array(conv, "weight").shape == std::vector<int64_t>{16, 2, 5, 5});
  CHECK(array(conv, "stride").shape == std::vector<int64_t>{2});
  CHECK(array(conv, "stride").integer);
  CHECK(array(conv, "input_shape").data == std::vector<double>{34, 34});
  CHECK(array(conv, "groups").is_scalar());
  CHECK(array(conv, "groups").data == std::vector<double>{1});
  const nir::Node& if1 = node(g, "1");
  CHECK(if1.type == "IF");
  CHECK(array(if1, "r").shape == std::vector<int64_t>{16, 16, 16});
  CHECK(array(if1, "r").data.size() == 16 * 16 * 16);
  CHECK(node(g, "4").type == "SumPool2d");
  CHECK(array(node(g, "4"), "kernel_size").data.size() == 2);
  const nir::Node& flat = node(g, "8");
  CHECK(flat.type == "Flatten");
  CHECK(array(flat, "input_type").data == std::vector<double>{8, 4, 4});
  CHECK(array(flat, "start_dim").data == std::vector<double>{0});
  CHECK(array(flat, "end_dim").data == std::vector<double>{-1});
  CHECK(array(node(g, "input"), "shape").data == std::vector<double>{2, 34, 34});
}

TEST_CASE("nir: braille exports (CubaLIF with w_in, recurrent cycle at top level)", "[nir]") {
  for (const char* rel :
       {"nir/braille_noDelay_noBias_subtract.nir", "nir/braille_noDelay_bias_zero.nir"}) {
    std::string path = shared(rel);
    if (path.empty()) return;
    INFO(rel);
    nir::Graph g = nir::read_file(path);
    CHECK(g.version == "0.2.0");
    CHECK(g.nodes.size() == 7);
    CHECK(g.edges.size() == 7);
    CHECK(has_edge(g, "lif1.lif", "lif1.w_rec"));
    CHECK(has_edge(g, "lif1.w_rec", "lif1.lif"));
    const nir::Node& lif1 = node(g, "lif1.lif");
    CHECK(lif1.type == "CubaLIF");
    CHECK(lif1.find("w_in") != nullptr);
    CHECK(lif1.find("v_reset") == nullptr);
    CHECK(array(lif1, "tau_mem").shape == array(lif1, "w_in").shape);
    CHECK(node(g, "lif2").type == "CubaLIF");
    // Flattened names with dots are plain nodes: flattening changes nothing.
    CHECK(names(nir::flatten(g)) == names(g));
  }
  std::string path = shared("nir/braille_noDelay_noBias_subtract.nir");
  if (path.empty()) return;
  nir::Graph g = nir::read_file(path);
  CHECK(array(node(g, "fc1"), "weight").shape == std::vector<int64_t>{40, 12});
  CHECK(array(node(g, "lif1.lif"), "w_in").data[0] == Approx(4.0));
}

TEST_CASE("nir: lif_rockpool.nir and two_lif_neurons.nir", "[nir]") {
  std::string rock = shared("nir/lif_rockpool.nir");
  if (rock.empty()) return;
  nir::Graph g = nir::read_file(rock);
  CHECK(g.edges.size() == 3);
  // Rockpool leaks batch/time dims into the Output shape (NIR.md §1.6): kept as stored.
  CHECK(array(node(g, "output"), "shape").data == std::vector<double>{1, 1, 1});
  CHECK(node(g, "1_LIFNeuronTorch").type == "LIF");

  std::string two = shared("nir/two_lif_neurons.nir");
  if (two.empty()) return;
  nir::Graph t = nir::read_file(two);
  CHECK(names(t) == std::vector<std::string>{"in", "lif1", "lif2", "linear1", "linear2", "out"});
  CHECK(t.edges.size() == 5);
  CHECK(node(t, "linear1").type == "Linear");
  CHECK_FALSE(array(node(t, "lif1"), "tau").integer);
}

TEST_CASE("nir: sanafe conv_s1.nir (NIR 1.0, IF with v_reset)", "[nir]") {
  std::string path = shared("sanafe/conv_s1.nir");
  if (path.empty()) return;
  nir::Graph g = nir::read_file(path);
  CHECK(g.version == "1.0.0");
  CHECK(g.nodes.size() == 9);
  CHECK(g.edges.size() == 8);
  CHECK(array(node(g, "fc3"), "weight").shape == std::vector<int64_t>{10, 5408});
  CHECK(array(node(g, "if1"), "v_reset").shape == std::vector<int64_t>{16, 15, 15});
  CHECK(array(node(g, "conv1"), "stride").data == std::vector<double>{2, 2});
  CHECK(node(g, "flatten3").type == "Flatten");
}

TEST_CASE("nir: every shared file survives write -> read unchanged", "[nir]") {
  std::filesystem::path dir = std::filesystem::path(SPIKECHIP_SHARED_DATA);
  if (!std::filesystem::exists(dir / "nir")) {
    WARN("skipped: " << dir.string() << " not found");
    return;
  }
  std::vector<std::filesystem::path> files{dir / "sanafe" / "conv_s1.nir"};
  for (const auto& e : std::filesystem::directory_iterator(dir / "nir"))
    if (e.path().extension() == ".nir") files.push_back(e.path());
  REQUIRE(files.size() >= 6);
  auto tmp = std::filesystem::temp_directory_path() /
             ("spikechip_nir_shared_" + std::to_string(::getpid()) + ".nir");
  for (const auto& f : files) {
    INFO(f.string());
    nir::Graph g = nir::read_file(f.string());
    for (bool gzip : {false, true}) {
      nir::write_file(g, tmp.string(), gzip);
      nir::Graph back = nir::read_file(tmp.string());
      CHECK(back.version == g.version);
      CHECK(back.edges == g.edges);
      REQUIRE(names(back) == names(g));
      for (size_t i = 0; i < g.nodes.size(); ++i) {
        CHECK(back.nodes[i].type == g.nodes[i].type);
        CHECK(back.nodes[i].strings == g.nodes[i].strings);
        REQUIRE(back.nodes[i].arrays.size() == g.nodes[i].arrays.size());
        for (const auto& [key, a] : g.nodes[i].arrays) {
          const nir::Array& b = back.nodes[i].arrays.at(key);
          CHECK(b.shape == a.shape);
          CHECK(b.data == a.data);  // float32 → double → float64 is exact
          CHECK(b.integer == a.integer);
        }
      }
    }
  }
  std::filesystem::remove(tmp);
}
