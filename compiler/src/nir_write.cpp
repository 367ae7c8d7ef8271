// NIR writer: the layout of NIR's Python writer (../shared/NIR.md §1.1-1.4), so files made
// here read back in NIR, and in our reader through the same paths as real exports.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "compiler/nir.h"
#include "isa/error.h"
#include "nir_hdf5.h"

namespace compiler::nir {
namespace {

// Fields NIR stores as int64 (Python ints and int tuples).
const std::set<std::string>& integer_fields() {
  static const std::set<std::string> kFields = {
      "shape",       "stride",      "padding",   "dilation", "groups",
      "kernel_size", "input_shape", "start_dim", "end_dim",  "input_type"};
  return kFields;
}

bool all_integral(const std::vector<double>& data) {
  return std::all_of(data.begin(), data.end(), [](double v) {
    return std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.2e18;
  });
}

// Chunk shape for gzip: the array itself, cut down along leading dims to about 1 MiB.
std::vector<hsize_t> chunk_dims(const std::vector<int64_t>& shape) {
  std::vector<hsize_t> chunk(shape.begin(), shape.end());
  auto bytes = [&] {
    hsize_t n = 8;
    for (hsize_t c : chunk) n *= c;
    return n;
  };
  for (hsize_t& c : chunk)
    while (bytes() > (hsize_t(1) << 20) && c > 1) c = (c + 1) / 2;
  return chunk;
}

class Writer {
 public:
  Writer(std::string file, bool gzip) : file_(std::move(file)), gzip_(gzip) {}

  void write(hid_t file, const Graph& g) {
    if (!g.version.empty()) write_string(file, "version", g.version, "/version");
    h5::Id root = create_group(file, "node", "/node");
    write_graph(root.get(), g, "/node");
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw isa::InputError(file_ + ": " + where + ": " + what);
  }

  h5::Id create_group(hid_t loc, const std::string& name, const std::string& path) const {
    h5::Id g = h5::group(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!g.valid()) fail(path, "cannot create group" + h5::last_error());
    return g;
  }

  void write_data(hid_t loc, const std::string& name, hid_t ftype, hid_t mtype, hid_t space,
                  hid_t dcpl, const void* data, const std::string& path) const {
    h5::Id d =
        h5::dataset(H5Dcreate2(loc, name.c_str(), ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    if (!d.valid()) fail(path, "cannot create dataset" + h5::last_error());
    if (data && H5Dwrite(d.get(), mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
      fail(path, "cannot write dataset" + h5::last_error());
  }

  void write_string(hid_t loc, const std::string& name, const std::string& value,
                    const std::string& path) const {
    h5::Id t = h5::vlen_utf8_type();
    h5::Id s = h5::space(H5Screate(H5S_SCALAR));
    const char* p = value.c_str();
    write_data(loc, name, t.get(), t.get(), s.get(), H5P_DEFAULT, &p, path);
  }

  void write_array(hid_t loc, const std::string& name, const Array& a,
                   const std::string& path) const {
    if (std::any_of(a.shape.begin(), a.shape.end(), [](int64_t d) { return d < 0; }) ||
        static_cast<int64_t>(a.data.size()) != a.size())
      fail(path,
           "has " + std::to_string(a.data.size()) + " values, which does not match its shape");
    std::vector<hsize_t> dims(a.shape.begin(), a.shape.end());
    h5::Id space = h5::space(
        a.is_scalar() ? H5Screate(H5S_SCALAR)
                      : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    h5::Id dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE));
    if (gzip_ && !a.is_scalar() && !a.data.empty()) {
      std::vector<hsize_t> chunk = chunk_dims(a.shape);
      if (H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()) < 0 ||
          H5Pset_deflate(dcpl.get(), 4) < 0)
        fail(path, "cannot set up gzip compression" + h5::last_error());
    }
    const void* data = a.data.empty() ? nullptr : a.data.data();
    bool as_int = (a.integer || integer_fields().count(name)) && all_integral(a.data);
    if (!as_int) {
      write_data(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), dcpl.get(), data, path);
      return;
    }
    std::vector<int64_t> ints(a.data.begin(), a.data.end());
    write_data(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, space.get(), dcpl.get(),
               ints.empty() ? nullptr : ints.data(), path);
  }

  // (E, 2) vlen UTF-8 strings; no edges is float64 (0,), as h5py writes an empty list.
  void write_edges(hid_t g, const Graph& graph, const std::string& path) const {
    if (graph.edges.empty()) {
      hsize_t zero = 0;
      h5::Id s = h5::space(H5Screate_simple(1, &zero, nullptr));
      write_data(g, "edges", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, s.get(), H5P_DEFAULT, nullptr,
                 path);
      return;
    }
    std::vector<const char*> cells;
    for (const auto& [src, dst] : graph.edges) {
      cells.push_back(src.c_str());
      cells.push_back(dst.c_str());
    }
    hsize_t dims[2] = {graph.edges.size(), 2};
    h5::Id s = h5::space(H5Screate_simple(2, dims, nullptr));
    h5::Id t = h5::vlen_utf8_type();
    write_data(g, "edges", t.get(), t.get(), s.get(), H5P_DEFAULT, cells.data(), path);
  }

  void write_node(hid_t nodes, const Node& node, const std::string& path) const {
    if (node.name.empty() || node.name == "." || node.name.find('/') != std::string::npos)
      fail(path, "node name '" + node.name + "' cannot be an HDF5 group name");
    h5::Id g = create_group(nodes, node.name, path);
    write_string(g.get(), "type", node.type, path + "/type");
    if (node.type == "NIRGraph") {
      if (!node.subgraph) fail(path, "is a NIRGraph node without a subgraph");
      write_graph_body(g.get(), *node.subgraph, path);
      return;
    }
    if (node.subgraph) fail(path, "has a subgraph but type '" + node.type + "'");
    for (const auto& [key, value] : node.strings) {
      if (key == "type" || node.arrays.count(key))
        fail(path + "/" + key, "is given twice (string and array, or 'type')");
      write_string(g.get(), key, value, path + "/" + key);
    }
    for (const auto& [key, array] : node.arrays) {
      if (key == "type") fail(path + "/type", "is the node type, not an array");
      write_array(g.get(), key, array, path + "/" + key);
    }
  }

  void write_graph_body(hid_t g, const Graph& graph, const std::string& path) const {
    h5::Id nodes = create_group(g, "nodes", path + "/nodes");
    for (const Node& n : graph.nodes) write_node(nodes.get(), n, path + "/nodes/" + n.name);
    write_edges(g, graph, path + "/edges");
  }

  void write_graph(hid_t g, const Graph& graph, const std::string& path) const {
    write_string(g, "type", "NIRGraph", path + "/type");
    write_graph_body(g, graph, path);
  }

  std::string file_;
  bool gzip_;
};

}  // namespace

void write_file(const Graph& graph, const std::string& path, bool gzip) {
  h5::QuietErrors quiet;
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  try {
    h5::Id file = h5::file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    if (!file.valid()) throw isa::InputError(path + ": cannot create file" + h5::last_error());
    Writer(path, gzip).write(file.get(), graph);
    // Closing writes the metadata; a failure here means the file is incomplete.
    if (H5Fclose(file.release()) < 0)
      throw isa::InputError(path + ": cannot finish writing" + h5::last_error());
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw isa::InputError(path + ": cannot rename the temporary file: " + ec.message());
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

}  // namespace compiler::nir
