// The reader on files our writer never makes: other frameworks' encodings (float32, scalar
// dataspaces, fixed-length strings, string padding) and broken or foreign files.
#include <hdf5.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "compiler/nir.h"
#include "compiler/nir_build.h"
#include "isa/error.h"

namespace nir = compiler::nir;
namespace build = compiler::nir::build;

namespace {

std::string temp_path(const std::string& tag) {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          ("spikechip_nir_err_" + tag + "_" + std::to_string(::getpid()) + "_" +
           std::to_string(counter++) + ".nir"))
      .string();
}

// Raw HDF5 writing, for layouts the project's writer does not produce.
struct RawFile {
  hid_t file;
  explicit RawFile(const std::string& path)
      : file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) {
    REQUIRE(file >= 0);
  }
  ~RawFile() { H5Fclose(file); }

  hid_t group(const std::string& path) {
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t g = H5Gcreate2(file, path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    REQUIRE(g >= 0);
    H5Gclose(g);
    return g;
  }
  // Fixed-length (width > 0) or variable-length (width 0) UTF-8 strings.
  void strings(const std::string& path, std::vector<hsize_t> dims,
               const std::vector<std::string>& values, size_t width = 0) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t s = dims.empty() ? H5Screate(H5S_SCALAR)
                           : H5Screate_simple(int(dims.size()), dims.data(), nullptr);
    hid_t d;
    if (width == 0) {
      H5Tset_size(t, H5T_VARIABLE);
      std::vector<const char*> p;
      for (const auto& v : values) p.push_back(v.c_str());
      d = H5Dcreate2(file, path.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data());
    } else {
      H5Tset_size(t, width);
      std::vector<char> buf(width * values.size(), '\0');
      for (size_t i = 0; i < values.size(); ++i) values[i].copy(buf.data() + i * width, width);
      d = H5Dcreate2(file, path.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
    }
    REQUIRE(d >= 0);
    H5Dclose(d);
    H5Sclose(s);
    H5Tclose(t);
  }
  void floats(const std::string& path, std::vector<hsize_t> dims, const std::vector<float>& v,
              hid_t dcpl = H5P_DEFAULT) {
    hid_t s = dims.empty() ? H5Screate(H5S_SCALAR)
                           : H5Screate_simple(int(dims.size()), dims.data(), nullptr);
    hid_t d = H5Dcreate2(file, path.c_str(), H5T_IEEE_F32LE, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    REQUIRE(d >= 0);
    H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(d);
    H5Sclose(s);
  }
};

// A minimal graph input -> lif in raw form; `lif_type` false leaves out lif's `type`.
void raw_graph(RawFile& f, bool lif_type = true) {
  f.strings("/version", {}, {"0.2.0"});
  f.group("/node/nodes/input");
  f.group("/node/nodes/lif");
  f.strings("/node/type", {}, {"NIRGraph"});
  f.strings("/node/nodes/input/type", {}, {"Input"});
  if (lif_type) f.strings("/node/nodes/lif/type", {}, {"LIF"});
  f.strings("/node/edges", {1, 2}, {"input", "lif"});
}

std::string message_of(const std::string& path) {
  try {
    nir::read_file(path);
  } catch (const isa::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("nir: reader takes float32, scalar dataspaces, fixed strings, string padding", "[nir]") {
  std::string path = temp_path("encodings");
  {
    RawFile f(path);
    raw_graph(f);
    f.floats("/node/nodes/lif/tau", {}, {0.01f});  // rank 0 (np.array(0.01))
    f.floats("/node/nodes/lif/r", {2, 2}, {1, 2, 3, 4});
    f.strings("/node/nodes/lif/padding", {}, {"valid"}, 8);  // fixed-length, NUL padded
    f.strings("/node/nodes/input/extra_note", {}, {"hello"});
  }
  nir::Graph g = nir::read_file(path);
  std::filesystem::remove(path);
  CHECK(g.version == "0.2.0");
  const nir::Node* lif = g.find("lif");
  REQUIRE(lif);
  CHECK(lif->find("tau")->is_scalar());
  CHECK(lif->find("tau")->data[0] == Approx(0.01));
  CHECK(lif->find("r")->shape == std::vector<int64_t>{2, 2});
  CHECK(lif->find("r")->data == std::vector<double>{1, 2, 3, 4});
  CHECK(lif->strings.at("padding") == "valid");
  CHECK(g.find("input")->strings.at("extra_note") == "hello");  // unknown data is kept
}

TEST_CASE("nir: fixed-length string edges", "[nir]") {
  std::string path = temp_path("fixed_edges");
  {
    RawFile f(path);
    f.group("/node/nodes/a");
    f.group("/node/nodes/b");
    f.strings("/node/nodes/a/type", {}, {"Input"}, 5);
    f.strings("/node/nodes/b/type", {}, {"Output"}, 6);
    f.strings("/node/edges", {1, 2}, {"a", "b"}, 4);
  }
  nir::Graph g = nir::read_file(path);
  std::filesystem::remove(path);
  CHECK(g.version.empty());
  CHECK(g.edges == std::vector<std::pair<std::string, std::string>>{{"a", "b"}});
  CHECK(g.find("b")->type == "Output");
}

TEST_CASE("nir: clear errors for files that are not NIR graphs", "[nir]") {
  std::string text = temp_path("text");
  std::ofstream(text) << "not hdf5 at all\n";
  CHECK(message_of(text) == text + ": not an HDF5 file (expected a NIR graph)");
  std::filesystem::remove(text);
  CHECK_THROWS_WITH(nir::read_file("/nonexistent/x.nir"), Catch::Contains("no such file"));

  std::string missing_type = temp_path("missing_type");
  {
    RawFile f(missing_type);
    raw_graph(f, false);
  }
  CHECK(message_of(missing_type) ==
        missing_type +
            ": /node/nodes/lif: missing dataset 'type' (expected the NIR node type, e.g. \"LIF\")");
  std::filesystem::remove(missing_type);

  std::string data_file = temp_path("graphdata");  // nir.write_data's NIRGraphData
  {
    RawFile f(data_file);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(f.file, "__type__", t, s, H5P_DEFAULT, H5P_DEFAULT);
    const char* v = "NIRGraphData";
    H5Awrite(a, t, &v);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
    f.group("/nodes/lif");
  }
  CHECK_THROWS_WITH(nir::read_file(data_file), Catch::Contains("NIRGraphData"));
  std::filesystem::remove(data_file);

  std::string bad_edge = temp_path("bad_edge");
  {
    RawFile f(bad_edge);
    raw_graph(f);
    H5Ldelete(f.file, "/node/edges", H5P_DEFAULT);
    f.strings("/node/edges", {1, 2}, {"input", "ghost"});
  }
  CHECK(message_of(bad_edge) ==
        bad_edge + ": /node/edges: row 0 (input, ghost): no node named 'ghost'");
  std::filesystem::remove(bad_edge);

  std::string compound = temp_path("compound");
  {
    RawFile f(compound);
    raw_graph(f);
    hid_t t = H5Tcreate(H5T_COMPOUND, 8);
    H5Tinsert(t, "x", 0, H5T_NATIVE_DOUBLE);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t d =
        H5Dcreate2(f.file, "/node/nodes/lif/tau", t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d);
    H5Sclose(s);
    H5Tclose(t);
  }
  CHECK(message_of(compound) ==
        compound +
            ": /node/nodes/lif/tau: cannot read dataset (expected a numeric array or a string)");
  std::filesystem::remove(compound);
}

TEST_CASE("nir: unavailable compression filter (lzf) names the dataset and filter", "[nir]") {
  std::string path = temp_path("lzf");
  {
    RawFile f(path);
    raw_graph(f);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t chunk = 4;
    H5Pset_chunk(dcpl, 1, &chunk);
    // h5py's LZF (32000) is not in libhdf5; marked optional so this HDF5 can still write it.
    REQUIRE(H5Pset_filter(dcpl, 32000, H5Z_FLAG_OPTIONAL, 0, nullptr) >= 0);
    f.floats("/node/nodes/lif/tau", {4}, {1, 2, 3, 4}, dcpl);
    H5Pclose(dcpl);
  }
  CHECK_THROWS_WITH(nir::read_file(path),
                    Catch::Contains("/node/nodes/lif/tau: compressed with filter 32000 (lzf)"));
  std::filesystem::remove(path);
}

TEST_CASE("nir: truncated files and memory images fail cleanly", "[nir]") {
  nir::Graph g;
  g.version = "1.0.7";
  g.nodes = {build::input("input", {64}),
             build::linear("fc", 64, 64, std::vector<double>(64 * 64, 0.5)),
             build::output("output", {64})};
  build::chain(g, {"input", "fc", "output"});
  std::string path = temp_path("whole");
  nir::write_file(g, path, true);
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  REQUIRE(bytes.size() > 1000);

  // The whole image reads from memory like the file.
  nir::Graph whole = nir::read_memory(bytes.data(), bytes.size(), "image.nir");
  CHECK(whole.find("fc")->find("weight")->data.size() == 64 * 64);

  for (size_t keep : {size_t(4), size_t(100), bytes.size() / 2, bytes.size() - 10}) {
    INFO("kept " << keep << " of " << bytes.size() << " bytes");
    std::string cut = temp_path("truncated");
    std::ofstream(cut, std::ios::binary).write(bytes.data(), std::streamsize(keep));
    CHECK_THROWS_WITH(nir::read_file(cut), Catch::StartsWith(cut + ": "));
    std::filesystem::remove(cut);
    CHECK_THROWS_AS(nir::read_memory(bytes.data(), keep, "cut.nir"), isa::InputError);
  }
  CHECK_THROWS_WITH(nir::read_memory("", 0, "empty.nir"),
                    Catch::Equals("empty.nir: not an HDF5 file (expected a NIR graph)"));
}

TEST_CASE("nir: datasets stored outside the file (HDF5 external storage) are refused", "[nir]") {
  std::string path = temp_path("external");
  std::string outside = temp_path("outside_data");
  std::ofstream(outside, std::ios::binary) << std::string(64, '\x3f');
  {
    RawFile f(path);
    raw_graph(f);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    REQUIRE(H5Pset_external(dcpl, outside.c_str(), 0, 16) >= 0);
    f.floats("/node/nodes/lif/tau", {4}, {1, 2, 3, 4}, dcpl);
    H5Pclose(dcpl);
  }
  CHECK(message_of(path) == path +
                                ": /node/nodes/lif/tau: keeps its data in external files (expected "
                                "the data inside the NIR file)");
  std::filesystem::remove(path);
  std::filesystem::remove(outside);
}

TEST_CASE("nir: an edge list longer than 2^20 rows is refused before it is read", "[nir]") {
  std::string path = temp_path("many_edges");
  {
    RawFile f(path);
    raw_graph(f);
    H5Ldelete(f.file, "/node/edges", H5P_DEFAULT);
    // 2^20 + 1 rows, chunked and deflated: a small file (the data is never written, so every
    // string reads as empty; the reader must refuse it from the shape alone).
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hsize_t dims[2] = {(hsize_t(1) << 20) + 1, 2}, chunk[2] = {4096, 2};
    hid_t s = H5Screate_simple(2, dims, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    H5Pset_deflate(dcpl, 4);
    hid_t d = H5Dcreate2(f.file, "/node/edges", t, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    REQUIRE(d >= 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(s);
    H5Tclose(t);
  }
  CHECK(std::filesystem::file_size(path) < 100000);
  CHECK(message_of(path) ==
        path + ": /node/edges: has 1048577 rows (expected at most 1048576 edges)");
  std::filesystem::remove(path);
}

TEST_CASE("nir: node names and types must be UTF-8", "[nir]") {
  std::string path = temp_path("latin1");
  {
    RawFile f(path);
    raw_graph(f);
    f.group("/node/nodes/caf\xe9");  // Latin-1 'é': not UTF-8
    f.strings("/node/nodes/caf\xe9/type", {}, {"LIF"});
  }
  CHECK(message_of(path) ==
        path + ": /node/nodes/caf\\xe9: node name is not valid UTF-8 (expected UTF-8 text)");
  std::filesystem::remove(path);

  std::string type = temp_path("bad_type");
  {
    RawFile f(type);
    raw_graph(f, false);
    f.strings("/node/nodes/lif/type", {}, {"L\xc0\xafIF"});  // overlong '/'
  }
  CHECK(message_of(type) == type +
                                ": /node/nodes/lif/type: 'L\\xc0\\xafIF' is not valid UTF-8 "
                                "(expected a NIR type)");
  std::filesystem::remove(type);

  std::string good = temp_path("utf8");
  {
    RawFile f(good);
    raw_graph(f);
    f.group("/node/nodes/caf\xc3\xa9");  // UTF-8 'é'
    f.strings("/node/nodes/caf\xc3\xa9/type", {}, {"Output"});
  }
  CHECK(nir::read_file(good).find("caf\xc3\xa9"));
  std::filesystem::remove(good);
}

TEST_CASE("nir: a dataset that declares data it never stored is refused before it is read",
          "[nir]") {
  std::string path = temp_path("unwritten");
  {
    RawFile f(path);
    raw_graph(f);
    hsize_t n = hsize_t(1) << 27;  // 1 GiB of doubles once read; the file stays small
    hid_t s = H5Screate_simple(1, &n, nullptr);
    hid_t d = H5Dcreate2(f.file, "/node/nodes/lif/tau", H5T_IEEE_F32LE, s, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
    REQUIRE(d >= 0);
    H5Dclose(d);
    H5Sclose(s);
    REQUIRE(H5Lcreate_hard(f.file, "/node/nodes/lif/tau", f.file, "/node/nodes/lif/r", H5P_DEFAULT,
                           H5P_DEFAULT) >= 0);
  }
  CHECK(std::filesystem::file_size(path) < 100000);
  CHECK(message_of(path) == path +
                                ": /node/nodes/lif/r: declares 134217728 elements but stores "
                                "none (expected the data in the file)");
  std::filesystem::remove(path);

  std::string part = temp_path("one_chunk");
  {
    RawFile f(part);
    raw_graph(f);
    hsize_t n = hsize_t(1) << 27, chunk = 1024, one = 1024, start = 0;
    hid_t s = H5Screate_simple(1, &n, nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    hid_t d = H5Dcreate2(f.file, "/node/nodes/lif/tau", H5T_IEEE_F32LE, s, H5P_DEFAULT, dcpl,
                         H5P_DEFAULT);
    REQUIRE(d >= 0);
    std::vector<float> v(1024, 1.0f);
    hid_t mem = H5Screate_simple(1, &one, nullptr);
    H5Sselect_hyperslab(s, H5S_SELECT_SET, &start, nullptr, &one, nullptr);
    REQUIRE(H5Dwrite(d, H5T_NATIVE_FLOAT, mem, s, H5P_DEFAULT, v.data()) >= 0);
    H5Sclose(mem);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(s);
  }
  CHECK(message_of(part) ==
        part +
            ": /node/nodes/lif/tau: stores 1 of its 131072 chunks (expected the data in the "
            "file)");
  std::filesystem::remove(part);
}
