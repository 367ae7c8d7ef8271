// NIR reader (../shared/NIR.md §1 and §5): feature detection by dataset presence, never by
// version; every numeric dataset is read as double, whatever its stored type and rank.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>

#include "compiler/nir.h"
#include "isa/contained.h"
#include "isa/error.h"
#include "isa/memory_budget.h"
#include "nir_hdf5.h"

namespace compiler::nir {
namespace {

// Limits that keep a hostile file from exhausting memory or the stack.
constexpr int kMaxDepth = 16;                       // nested NIRGraph levels
constexpr int64_t kMaxElements = int64_t(1) << 27;  // per dataset (1 GiB of doubles)
constexpr size_t kMaxNodes = size_t(1) << 20;       // over the whole file
constexpr int64_t kMaxEdges = int64_t(1) << 20;     // per graph (duplicates count)

const char* filter_name(H5Z_filter_t id) {
  switch (id) {
    case H5Z_FILTER_DEFLATE:
      return "gzip";
    case H5Z_FILTER_SZIP:
      return "szip";
    case 32000:
      return "lzf";
    case 307:
      return "bzip2";
    case 32001:
      return "blosc";
    case 32004:
      return "lz4";
    case 32015:
      return "zstd";
    default:
      return "unknown";
  }
}

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// `s` with every byte that is not printable ASCII written as \xNN (for messages about
// names that are not valid UTF-8).
std::string escaped(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F) {
      out += ch;
    } else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class Reader {
 public:
  explicit Reader(std::string file, ReadOptions options = {})
      : file_(std::move(file)), options_(options) {}

  Graph read(hid_t file) {
    if (!has_link(file, "node", "/")) {
      if (H5Aexists(file, "__type__") > 0)
        fail("/",
             "this is a NIRGraphData file (recorded activity, root attribute __type__), not a "
             "NIR graph (expected a /node group)");
      fail("/", "no /node group (expected a NIR graph)");
    }
    std::string version;
    if (has_link(file, "version", "/")) {
      h5::Id d = open_dataset(file, "version", "/version");
      version = read_scalar_string(d.get(), "/version");
    }
    h5::Id root = open_group(file, "node", "/node");
    Graph g = read_graph(root.get(), "/node", 0);
    g.version = std::move(version);
    return g;
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw isa::InputError(file_ + ": " + where + ": " + what);
  }

  bool has_link(hid_t loc, const char* name, const std::string& where) const {
    htri_t e = H5Lexists(loc, name, H5P_DEFAULT);
    if (e < 0) fail(where, "cannot look up '" + std::string(name) + "'" + h5::last_error());
    return e > 0;
  }

  h5::Id open_group(hid_t loc, const char* name, const std::string& path) const {
    H5O_info_t info;
    if (H5Oget_info_by_name(loc, name, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_GROUP)
      fail(path, "expected a group" + h5::last_error());
    h5::Id g = h5::group(H5Gopen2(loc, name, H5P_DEFAULT));
    if (!g.valid()) fail(path, "cannot open group" + h5::last_error());
    return g;
  }

  h5::Id open_dataset(hid_t loc, const char* name, const std::string& path) const {
    H5O_info_t info;
    if (H5Oget_info_by_name(loc, name, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET)
      fail(path, "expected a dataset" + h5::last_error());
    h5::Id d = h5::dataset(H5Dopen2(loc, name, H5P_DEFAULT));
    if (!d.valid()) fail(path, "cannot open dataset" + h5::last_error());
    return d;
  }

  // The names of a group's links, in name order; only hard links are accepted (a soft or
  // external link could point anywhere, even into another file). One iteration over the
  // group: looking links up by index costs a walk of the group's index per link, which made
  // a file of 10,000 nodes take minutes.
  std::vector<std::string> links(hid_t g, const std::string& path) const {
    struct Listing {
      std::vector<std::string> names;
      std::vector<bool> hard;
    } listing;
    const auto collect = [](hid_t, const char* name, const H5L_info_t* info, void* data) -> herr_t {
      auto* l = static_cast<Listing*>(data);
      l->names.emplace_back(name);
      l->hard.push_back(info->type == H5L_TYPE_HARD);
      return 0;
    };
    hsize_t idx = 0;
    if (H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &listing) < 0)
      fail(path, "cannot list group" + h5::last_error());
    for (size_t i = 0; i < listing.names.size(); ++i)
      if (!listing.hard[i])
        fail(path + "/" + listing.names[i],
             "is a soft or external link (expected a group or dataset)");
    return std::move(listing.names);
  }

  // Shape of a dataset: {} for a scalar dataspace.
  std::vector<int64_t> shape_of(hid_t d, const std::string& path) const {
    h5::Id s = h5::space(H5Dget_space(d));
    if (!s.valid()) fail(path, "cannot read dataspace" + h5::last_error());
    H5S_class_t cls = H5Sget_simple_extent_type(s.get());
    if (cls == H5S_SCALAR) return {};
    if (cls != H5S_SIMPLE) fail(path, "has a null dataspace (expected data)");
    int rank = H5Sget_simple_extent_ndims(s.get());
    if (rank < 0) fail(path, "cannot read dataspace" + h5::last_error());
    std::vector<hsize_t> dims(static_cast<size_t>(rank));
    H5Sget_simple_extent_dims(s.get(), dims.data(), nullptr);
    std::vector<int64_t> shape;
    int64_t n = 1;
    for (hsize_t d : dims) {
      if (d > static_cast<hsize_t>(kMaxElements) || n * static_cast<int64_t>(d) > kMaxElements)
        fail(path, "has more than " + std::to_string(kMaxElements) + " elements");
      n *= static_cast<int64_t>(d);
      shape.push_back(static_cast<int64_t>(d));
    }
    return shape;
  }

  // Fails clearly when the dataset needs a filter this HDF5 build lacks (lzf, szip, ...), or
  // keeps its data outside the file (external storage or a virtual dataset could read any
  // file, /dev/urandom included).
  void check_filters(hid_t d, const std::string& path) const {
    h5::Id dcpl = h5::plist(H5Dget_create_plist(d));
    if (!dcpl.valid()) fail(path, "cannot read dataset properties" + h5::last_error());
    if (H5Pget_external_count(dcpl.get()) != 0)
      fail(path, "keeps its data in external files (expected the data inside the NIR file)");
    if (H5Pget_layout(dcpl.get()) == H5D_VIRTUAL)
      fail(path,
           "is a virtual dataset mapping other files (expected the data inside the NIR file)");
    int n = H5Pget_nfilters(dcpl.get());
    for (int i = 0; i < n; ++i) {
      unsigned flags = 0, config = 0;
      size_t nvalues = 0;
      char name[64] = {};
      H5Z_filter_t id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &nvalues,
                                       nullptr, sizeof name, name, &config);
      if (id < 0) fail(path, "cannot read dataset filters" + h5::last_error());
      if (H5Zfilter_avail(id) <= 0)
        fail(path, "compressed with filter " + std::to_string(id) + " (" + filter_name(id) +
                       "), which this HDF5 library does not provide (expected gzip or no "
                       "compression)");
    }
  }

  // A chunked dataset stores every chunk (HDF5 reports compressed chunks as "partly
  // allocated", so count them): missing chunks read as fill values.
  void check_chunks(hid_t d, const std::vector<int64_t>& shape, const std::string& path) const {
    h5::Id dcpl = h5::plist(H5Dget_create_plist(d));
    if (!dcpl.valid()) fail(path, "cannot read dataset properties" + h5::last_error());
    if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED || shape.empty()) return;
    std::vector<hsize_t> chunk(shape.size());
    if (H5Pget_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()) !=
        static_cast<int>(chunk.size()))
      fail(path, "cannot read chunk sizes" + h5::last_error());
    hsize_t expected = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (chunk[i] == 0) fail(path, "has a chunk dimension of 0");
      expected *= (static_cast<hsize_t>(shape[i]) + chunk[i] - 1) / chunk[i];
    }
    hsize_t stored = 0;
    h5::Id space = h5::space(H5Dget_space(d));
    if (!space.valid() || H5Dget_num_chunks(d, space.get(), &stored) < 0)
      fail(path, "cannot count chunks" + h5::last_error());
    if (stored < expected)
      fail(path, "stores " + std::to_string(stored) + " of its " + std::to_string(expected) +
                     " chunks (expected the data in the file)");
  }

  // All elements of a string dataset (variable- or fixed-length), in row-major order.
  std::vector<std::string> read_strings(hid_t d, hid_t ftype, int64_t n,
                                        const std::string& path) const {
    std::vector<std::string> out;
    if (n == 0) return out;
    htri_t is_vlen = H5Tis_variable_str(ftype);
    if (is_vlen < 0) fail(path, "cannot read string type" + h5::last_error());
    check_filters(d, path);
    h5::Id mtype = h5::type(H5Tcopy(H5T_C_S1));
    H5Tset_cset(mtype.get(), H5Tget_cset(ftype));
    if (is_vlen) {
      H5Tset_size(mtype.get(), H5T_VARIABLE);
      std::vector<char*> ptrs(static_cast<size_t>(n), nullptr);
      herr_t status = H5Dread(d, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data());
      std::string error = status < 0 ? h5::last_error() : "";
      if (status >= 0)
        for (char* p : ptrs) out.emplace_back(p ? p : "");
      // Free what HDF5 allocated, also after a failed read (unread entries stay null).
      h5::Id s = h5::space(H5Dget_space(d));
      H5Dvlen_reclaim(mtype.get(), s.get(), H5P_DEFAULT, ptrs.data());
      if (status < 0) fail(path, "cannot read dataset (expected strings)" + error);
    } else {
      size_t width = H5Tget_size(ftype);
      if (width == 0) fail(path, "has a zero-width string type");
      H5Tset_size(mtype.get(), width);
      H5Tset_strpad(mtype.get(), H5T_STR_NULLPAD);
      std::vector<char> buf(width * static_cast<size_t>(n));
      if (H5Dread(d, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
        fail(path, "cannot read dataset (expected strings)" + h5::last_error());
      for (int64_t i = 0; i < n; ++i) {
        std::string_view s(buf.data() + i * static_cast<int64_t>(width), width);
        s = s.substr(0, s.find('\0'));
        if (H5Tget_strpad(ftype) == H5T_STR_SPACEPAD) s = s.substr(0, s.find_last_not_of(' ') + 1);
        out.emplace_back(s);
      }
    }
    return out;
  }

  std::string read_scalar_string(hid_t d, const std::string& path) const {
    h5::Id ftype = h5::type(H5Dget_type(d));
    if (!ftype.valid() || H5Tget_class(ftype.get()) != H5T_STRING)
      fail(path, "cannot read dataset (expected a string)");
    std::vector<int64_t> shape = shape_of(d, path);
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    if (n != 1) fail(path, "has " + std::to_string(n) + " elements (expected one string)");
    return read_strings(d, ftype.get(), 1, path).front();
  }

  Array read_array(hid_t d, hid_t ftype, const std::string& path) const {
    H5T_class_t cls = H5Tget_class(ftype);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT)
      fail(path, "cannot read dataset (expected a numeric array or a string)");
    Array a;
    a.shape = shape_of(d, path);
    a.integer = cls == H5T_INTEGER;
    if (a.size() == 0) return a;
    // A dataset whose data were never written reads as fill values: a few bytes of file could
    // otherwise ask for gigabytes (issue 24: hard-linked, never-written 2^27-element datasets).
    H5D_space_status_t status;
    if (H5Dget_space_status(d, &status) < 0) fail(path, "cannot read dataset" + h5::last_error());
    if (status == H5D_SPACE_STATUS_NOT_ALLOCATED)
      fail(path, "declares " + std::to_string(a.size()) +
                     " elements but stores none (expected the data in the file)");
    check_chunks(d, a.shape, path);
    check_filters(d, path);
    if (options_.leave_in_file_elements > 0 && a.shape.size() >= 2 &&
        a.size() >= options_.leave_in_file_elements) {
      const auto rows = static_cast<uint64_t>(a.shape[0]);
      a.stored = std::make_shared<const StoredMatrix>(
          StoredMatrix{file_, path, rows, static_cast<uint64_t>(a.size()) / rows, {}});
      return a;
    }
    // Every dataset read adds to one total for the file: many datasets each under the element
    // limit (hard links to one, say) must not add up to more than the memory budget.
    memory_.add(file_ + ": " + path, isa::saturating_mul(static_cast<uint64_t>(a.size()), 8));
    a.data.resize(static_cast<size_t>(a.size()));
    if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data.data()) < 0)
      fail(path, "cannot read dataset (expected a numeric array)" + h5::last_error());
    return a;
  }

  // `edges`: (E, 2) strings, or an empty numeric array for E = 0 (NIR.md §1.2).
  std::vector<std::pair<std::string, std::string>> read_edges(hid_t g,
                                                              const std::string& path) const {
    if (!has_link(g, "edges", path))
      fail(path + "/edges", "missing dataset (expected the (E, 2) edge list)");
    h5::Id d = open_dataset(g, "edges", path + "/edges");
    h5::Id ftype = h5::type(H5Dget_type(d.get()));
    std::vector<int64_t> shape = shape_of(d.get(), path + "/edges");
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    H5T_class_t cls = ftype.valid() ? H5Tget_class(ftype.get()) : H5T_NO_CLASS;
    if (cls != H5T_STRING) {
      if ((cls == H5T_FLOAT || cls == H5T_INTEGER) && n == 0 && !shape.empty()) return {};
      fail(path + "/edges", "expected (E, 2) strings, or an empty array when there are none");
    }
    if (n == 0 && !shape.empty()) return {};
    if (shape.size() != 2 || shape[1] != 2)
      fail(path + "/edges", "expected (E, 2) strings (source, target)");
    if (shape[0] > kMaxEdges)  // before reading: 3 M compressed duplicates once took 2.6 GB
      fail(path + "/edges", "has " + std::to_string(shape[0]) + " rows (expected at most " +
                                std::to_string(kMaxEdges) + " edges)");
    // Two std::string and the names' bytes per edge, and HDF5's copies while reading.
    memory_.add(file_ + ": " + path + "/edges", isa::saturating_mul(static_cast<uint64_t>(n), 96));
    std::vector<std::string> flat = read_strings(d.get(), ftype.get(), n, path + "/edges");
    std::vector<std::pair<std::string, std::string>> edges;
    for (size_t i = 0; i + 1 < flat.size(); i += 2) edges.emplace_back(flat[i], flat[i + 1]);
    return edges;
  }

  Node read_node(hid_t nodes, const std::string& name, const std::string& path, int depth) {
    if (++node_count_ > kMaxNodes)
      fail(path, "more than " + std::to_string(kMaxNodes) + " nodes in the file");
    Node node;
    node.name = name;
    h5::Id g = open_group(nodes, name.c_str(), path);
    if (!has_link(g.get(), "type", path))
      fail(path, "missing dataset 'type' (expected the NIR node type, e.g. \"LIF\")");
    h5::Id td = open_dataset(g.get(), "type", path + "/type");
    node.type = read_scalar_string(td.get(), path + "/type");
    if (!valid_utf8(node.type))
      fail(path + "/type", "'" + escaped(node.type) + "' is not valid UTF-8 (expected a NIR type)");
    if (node.type == "NIRGraph") {
      node.subgraph = std::make_shared<Graph>(read_graph(g.get(), path, depth + 1));
      return node;
    }
    for (const std::string& field : links(g.get(), path)) {
      if (field == "type") continue;
      std::string fpath = path + "/" + field;
      H5O_info_t info;
      if (H5Oget_info_by_name(g.get(), field.c_str(), &info, H5P_DEFAULT) < 0)
        fail(fpath, "cannot read object" + h5::last_error());
      if (info.type == H5O_TYPE_GROUP) continue;  // `metadata/` and other dicts: not read
      if (info.type != H5O_TYPE_DATASET) fail(fpath, "expected a dataset or a group");
      h5::Id d = open_dataset(g.get(), field.c_str(), fpath);
      h5::Id ftype = h5::type(H5Dget_type(d.get()));
      if (!ftype.valid()) fail(fpath, "cannot read datatype" + h5::last_error());
      if (H5Tget_class(ftype.get()) == H5T_STRING)
        node.strings[field] = read_scalar_string(d.get(), fpath);
      else
        node.arrays[field] = read_array(d.get(), ftype.get(), fpath);
    }
    return node;
  }

  Graph read_graph(hid_t g, const std::string& path, int depth) {
    if (depth > kMaxDepth)
      fail(path, "NIRGraph nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    if (depth == 0 && has_link(g, "type", path)) {
      h5::Id td = open_dataset(g, "type", path + "/type");
      std::string type = read_scalar_string(td.get(), path + "/type");
      if (type != "NIRGraph") fail(path + "/type", "is '" + type + "' (expected 'NIRGraph')");
    }
    if (!has_link(g, "nodes", path)) fail(path, "missing group 'nodes' (expected a NIRGraph)");
    Graph graph;
    h5::Id nodes = open_group(g, "nodes", path + "/nodes");
    for (const std::string& name : links(nodes.get(), path + "/nodes")) {
      // Names become layer names in reports (JSON) and messages: UTF-8 only.
      if (!valid_utf8(name))
        fail(path + "/nodes/" + escaped(name),
             "node name is not valid UTF-8 (expected UTF-8 text)");
      graph.nodes.push_back(read_node(nodes.get(), name, path + "/nodes/" + name, depth));
    }
    std::sort(graph.nodes.begin(), graph.nodes.end(),
              [](const Node& a, const Node& b) { return a.name < b.name; });
    graph.edges = read_edges(g, path);
    check_edges(graph, path + "/edges");
    return graph;
  }

  static std::string shown(const std::string& name) {
    return valid_utf8(name) ? name : escaped(name);
  }

  // Every endpoint names a node of this graph, or "<subgraph>.<node>" inside a nested one.
  void check_edges(const Graph& g, const std::string& path) const {
    auto known = [&](const std::string& name) {
      if (g.find(name)) return true;
      for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
        const Node* sub = g.find(name.substr(0, dot));
        if (sub && sub->subgraph && sub->subgraph->find(name.substr(dot + 1))) return true;
      }
      return false;
    };
    for (size_t i = 0; i < g.edges.size(); ++i)
      for (const std::string* end : {&g.edges[i].first, &g.edges[i].second})
        if (!known(*end))
          fail(path, "row " + std::to_string(i) + " (" + shown(g.edges[i].first) + ", " +
                         shown(g.edges[i].second) + "): no node named '" + shown(*end) + "'");
  }

  std::string file_;
  ReadOptions options_;
  size_t node_count_ = 0;
  mutable isa::MemoryEstimate memory_;  // what the datasets read so far hold (const readers add)
};

// HDF5's signature sits at offset 0, 512, 1024, 2048, ... (after an optional user block).
bool has_hdf5_signature(const unsigned char* bytes, size_t size) {
  static const unsigned char kSig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  for (size_t off = 0; off + 8 <= size; off = off ? off * 2 : 512)
    if (std::memcmp(bytes + off, kSig, 8) == 0) return true;
  return false;
}

std::string not_hdf5(const std::string& name) {
  return name + ": not an HDF5 file (expected a NIR graph)";
}

}  // namespace

Graph read_file(const std::string& path, const ReadOptions& options) {
  h5::QuietErrors quiet;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw isa::InputError(path + ": cannot open (no such file)");
  if (!std::filesystem::is_regular_file(path, ec))
    throw isa::InputError(path + ": not a regular file (expected a NIR graph)");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw isa::InputError(not_hdf5(path));
  }
  const auto read = [&path](const ReadOptions& o) {
    Graph g;
    {
      h5::Id file = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
      if (!file.valid()) throw isa::InputError(path + ": cannot open HDF5 file" + h5::last_error());
      g = Reader(path, o).read(file.get());
    }
    H5garbage_collect();  // HDF5 keeps freed blocks (vlen strings) on free lists until asked
    return g;
  };
  if (options.read_in_child_first) {
    // The whole structure (every string, every small array) is read in a child first, large
    // matrices left in the file: libhdf5 crashes there are the file's error, not a signal.
    ReadOptions trial = options;
    trial.leave_in_file_elements = 1;
    isa::check_in_child(path, "the NIR graph", [&] { read(trial); });
  }
  return read(options);
}

void load(Array& a) {
  if (!a.stored) return;
  a.data = read_all(*a.stored);
  a.stored.reset();
}

Graph read_memory(const void* bytes, size_t size, const std::string& display_name) {
  h5::QuietErrors quiet;
  if (!bytes || !has_hdf5_signature(static_cast<const unsigned char*>(bytes), size))
    throw isa::InputError(not_hdf5(display_name));
  h5::Id fapl = h5::plist(H5Pcreate(H5P_FILE_ACCESS));
  // The core driver serves the image from memory; no backing file is written.
  if (H5Pset_fapl_core(fapl.get(), 1 << 16, false) < 0 ||
      H5Pset_file_image(fapl.get(), const_cast<void*>(bytes), size) < 0)
    throw isa::InputError(display_name + ": cannot load HDF5 image" + h5::last_error());
  h5::Id file = h5::file(H5Fopen(display_name.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!file.valid())
    throw isa::InputError(display_name + ": cannot open HDF5 file" + h5::last_error());
  return Reader(display_name).read(file.get());
}

}  // namespace compiler::nir
