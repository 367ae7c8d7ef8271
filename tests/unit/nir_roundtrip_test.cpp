// NIR writer → reader round trips: random graphs (with and without gzip), the writer's
// layout details (int64 fields, scalar dataspaces, empty edges, no version), the builders.
#include <hdf5.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>

#include "compiler/nir.h"
#include "compiler/nir_build.h"

namespace nir = compiler::nir;
namespace build = compiler::nir::build;

namespace {

std::string temp_path(const std::string& tag) {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          ("spikechip_nir_" + tag + "_" + std::to_string(::getpid()) + "_" +
           std::to_string(counter++) + ".nir"))
      .string();
}

void require_same(const nir::Graph& a, const nir::Graph& b) {
  CHECK(a.version == b.version);
  CHECK(a.edges == b.edges);
  REQUIRE(a.nodes.size() == b.nodes.size());
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    const nir::Node& x = a.nodes[i];
    const nir::Node& y = b.nodes[i];
    INFO("node " << x.name);
    CHECK(x.name == y.name);
    CHECK(x.type == y.type);
    CHECK(x.strings == y.strings);
    REQUIRE(x.arrays.size() == y.arrays.size());
    for (const auto& [key, arr] : x.arrays) {
      INFO("field " << key);
      REQUIRE(y.arrays.count(key));
      CHECK(arr.shape == y.arrays.at(key).shape);
      CHECK(arr.data == y.arrays.at(key).data);
      CHECK(arr.integer == y.arrays.at(key).integer);
    }
    REQUIRE(bool(x.subgraph) == bool(y.subgraph));
    if (x.subgraph) require_same(*x.subgraph, *y.subgraph);
  }
}

// A random graph: random types, field names, ranks 0..4, float and int arrays, strings,
// edges between random nodes (cycles and duplicates included), and at depth 0 a nested one.
nir::Graph random_graph(std::mt19937_64& rng, int depth) {
  std::uniform_int_distribution<int> small(0, 4);
  std::uniform_real_distribution<double> value(-1e3, 1e3);
  nir::Graph g;
  g.version = depth == 0 ? "1.0.8.dev9+g7232ada" : "";
  int n_nodes = 1 + small(rng) + small(rng);
  for (int i = 0; i < n_nodes; ++i) {
    nir::Node n;
    n.name = "n" + std::to_string(i) + (i % 3 == 0 ? ".dotted" : "");
    n.type = i % 2 ? "LIF" : "Conv2d";
    int n_fields = small(rng);
    for (int f = 0; f < n_fields; ++f) {
      nir::Array a;
      int rank = small(rng);
      for (int r = 0; r < rank; ++r) a.shape.push_back(small(rng) + (f % 2));  // 0-size dims too
      a.integer = f == 2;
      a.data.resize(size_t(a.size()));
      for (double& v : a.data) v = a.integer ? std::round(value(rng)) : value(rng) * 1e-3;
      n.arrays["field" + std::to_string(f)] = a;
    }
    if (small(rng) == 0) n.strings["padding"] = "same";
    g.nodes.push_back(std::move(n));
  }
  if (depth == 0) {
    nir::Graph inner = random_graph(rng, 1);
    inner.nodes.push_back(build::input("input", {3}));
    inner.nodes.push_back(build::output("output", {3}));
    std::sort(inner.nodes.begin(), inner.nodes.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    g.nodes.push_back(build::subgraph("sub", std::move(inner)));
  }
  std::uniform_int_distribution<size_t> pick(0, g.nodes.size() - 1);
  int n_edges = small(rng) * 2;
  for (int e = 0; e < n_edges; ++e)
    g.edges.emplace_back(g.nodes[pick(rng)].name, g.nodes[pick(rng)].name);
  std::sort(g.nodes.begin(), g.nodes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return g;
}

// Stored HDF5 datatype class and size, and dataspace rank (-1 = scalar) of a dataset.
struct Stored {
  H5T_class_t cls;
  size_t size;
  int rank;
  bool vlen_string;
  int nfilters;
};

Stored stored(const std::string& file, const std::string& dset) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = H5Dopen2(f, dset.c_str(), H5P_DEFAULT);
  REQUIRE(d >= 0);
  hid_t t = H5Dget_type(d), s = H5Dget_space(d), p = H5Dget_create_plist(d);
  Stored out{H5Tget_class(t), H5Tget_size(t),
             H5Sget_simple_extent_type(s) == H5S_SCALAR ? -1 : H5Sget_simple_extent_ndims(s),
             H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0, H5Pget_nfilters(p)};
  H5Pclose(p);
  H5Sclose(s);
  H5Tclose(t);
  H5Dclose(d);
  H5Fclose(f);
  return out;
}

}  // namespace

TEST_CASE("nir: random graphs survive write -> read, plain and gzip", "[nir]") {
  std::mt19937_64 rng(20240611);
  for (int trial = 0; trial < 20; ++trial) {
    nir::Graph g = random_graph(rng, 0);
    for (bool gzip : {false, true}) {
      INFO("trial " << trial << " gzip " << gzip);
      std::string path = temp_path("random");
      nir::write_file(g, path, gzip);
      require_same(g, nir::read_file(path));
      std::filesystem::remove(path);
    }
  }
}

TEST_CASE("nir: writer uses NIR's layout (types, ranks, vlen strings, gzip filter)", "[nir]") {
  nir::Graph g;
  g.version = "1.0.7";
  g.nodes.push_back(build::input("input", {2, 8, 8}));
  build::Conv2dParams p;
  p.stride = {2, 2};
  p.input_shape = {8, 8};
  g.nodes.push_back(build::conv2d("conv", {4, 2, 3, 3}, std::vector<double>(72, 0.5),
                                  std::vector<double>(4, 0.0), p));
  g.nodes.push_back(build::output("output", {4, 3, 3}));
  // An integer-named field given as floats with integral values is still written as int64.
  g.nodes[0].arrays["shape"].integer = false;
  build::chain(g, {"input", "conv", "output"});
  std::string path = temp_path("layout");
  nir::write_file(g, path, true);

  Stored version = stored(path, "/version");
  CHECK(version.vlen_string);
  CHECK(version.rank == -1);
  CHECK(stored(path, "/node/type").vlen_string);
  Stored edges = stored(path, "/node/edges");
  CHECK(edges.vlen_string);
  CHECK(edges.rank == 2);
  Stored weight = stored(path, "/node/nodes/conv/weight");
  CHECK(weight.cls == H5T_FLOAT);
  CHECK(weight.size == 8);
  CHECK(weight.nfilters == 1);  // deflate
  Stored groups = stored(path, "/node/nodes/conv/groups");
  CHECK(groups.cls == H5T_INTEGER);
  CHECK(groups.rank == -1);
  CHECK(stored(path, "/node/nodes/input/shape").cls == H5T_INTEGER);
  CHECK(stored(path, "/node/nodes/conv/stride").size == 8);

  nir::Graph back = nir::read_file(path);
  CHECK(back.find("input")->find("shape")->integer);
  CHECK(back.find("conv")->find("weight")->data == std::vector<double>(72, 0.5));
  std::filesystem::remove(path);
}

TEST_CASE("nir: version-less file (NIR <= 0.1.0) and empty edges", "[nir]") {
  nir::Graph g;  // version "" → no /version dataset, as NIR 0.1.0 wrote
  g.nodes.push_back(build::input("input", {1}));
  std::string path = temp_path("noversion");
  nir::write_file(g, path);
  Stored edges = stored(path, "/node/edges");
  CHECK(edges.cls == H5T_FLOAT);  // an empty list is float64 (0,), as h5py writes it
  CHECK(edges.rank == 1);
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  CHECK(H5Lexists(f, "version", H5P_DEFAULT) == 0);
  H5Fclose(f);
  nir::Graph back = nir::read_file(path);
  CHECK(back.version.empty());
  CHECK(back.edges.empty());
  REQUIRE(back.nodes.size() == 1);
  CHECK(back.nodes[0].type == "Input");
  std::filesystem::remove(path);
}

TEST_CASE("nir: builders make every primitive with NIR's field names", "[nir]") {
  nir::Graph g;
  g.version = nir::kWriterVersion;
  g.nodes = {build::input("in", {4}),
             build::affine("aff", 2, 4, std::vector<double>(8, 0.25), {0.5, -0.5}),
             build::linear("lin", 2, 2, {1, 0, 0, 1}),
             build::scale("sc", {2}, 3.0),
             build::lif("lif", {2}, 0.01, 1.0, 0.0, 1.0),
             build::if_neuron("if", {2}, 1.0, 1.0),
             build::li("li", {2}, 0.01, 1.0, 0.0),
             build::integrator("i", {2}, 1.0),
             build::cuba_lif("cuba", {2}, 0.002, 0.01, 1.0, 0.0, 1.0, 2.0),
             build::threshold("th", {2}, 0.5),
             build::delay("d", {2}, 0.001),
             build::sum_pool2d("sp", {2, 2}, {2, 2}),
             build::avg_pool2d("ap", {2, 2}, {2, 2}),
             build::flatten_node("fl", {1, 2, 1}),
             build::output("out", {2})};
  std::sort(g.nodes.begin(), g.nodes.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  build::chain(g, {"in", "aff", "lif", "lin", "cuba", "out"});
  std::string path = temp_path("builders");
  nir::write_file(g, path);
  nir::Graph back = nir::read_file(path);
  require_same(g, back);
  const nir::Node* cuba = back.find("cuba");
  REQUIRE(cuba);
  CHECK(cuba->type == "CubaLIF");
  for (const char* key : {"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "w_in", "v_reset"})
    CHECK(cuba->find(key) != nullptr);
  CHECK(back.find("ap")->type == "AvgPool2d");
  CHECK(back.find("fl")->find("end_dim")->data == std::vector<double>{-1});
  CHECK(back.find("i")->type == "I");
  CHECK_THROWS_AS(build::tensor({2, 2}, {1.0}), std::invalid_argument);
  std::filesystem::remove(path);
}

TEST_CASE("nir: writer refuses graphs it cannot store and leaves no file", "[nir]") {
  std::string path = temp_path("bad");
  nir::Graph g;
  g.nodes.push_back(build::input("a/b", {1}));
  CHECK_THROWS_WITH(nir::write_file(g, path), Catch::Contains("cannot be an HDF5 group name"));
  CHECK_FALSE(std::filesystem::exists(path));
  g.nodes[0] = build::input("in", {1});
  g.nodes[0].arrays["shape"].data.push_back(2);  // 2 values for shape (1,)
  CHECK_THROWS_WITH(nir::write_file(g, path), Catch::Contains("does not match its shape"));
  CHECK_FALSE(std::filesystem::exists(path));
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
    CHECK(e.path().string().rfind(path + ".tmp", 0) != 0);
  CHECK_THROWS_WITH(nir::write_file(nir::Graph{}, "/nonexistent-dir/x.nir"),
                    Catch::Contains("/nonexistent-dir/x.nir: cannot create file"));
}
