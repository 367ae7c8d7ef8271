// Compile-time benchmark (not a test): generates FC and conv NIR networks of about 10^5, 10^6
// and 10^7 synapses and times compiler::compile_nir on them (NIR read, import, discretise,
// quantise, partition, place, codegen), median of N runs (steady_clock).
//   bench_compile [--csv FILE] [--repeats N] [--max-synapses S] [--only NAME]
// "... gzip" rows compile the same network from a copy whose arrays are stored as NIR's Python
// writer stores them (h5py create_dataset(compression="gzip"): h5py's chunk guess, deflate 4).
// Synapses = (source, target) pairs of every projection of the compiled IR (fc: in x out;
// conv: out sites x in channels per group x kernel taps; pool: out sites x taps).
#include <fmt/core.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "arch/loader.h"
#include "compiler/compile.h"
#include "compiler/nir.h"
#include "compiler/nir_build.h"

namespace b = compiler::nir::build;
namespace fs = std::filesystem;

namespace {

// A chip large enough for every case (only capacities matter to compile time).
const std::vector<std::string> kBenchChip = {"mesh.x=32", "mesh.y=32", "core.fan_in=65536",
                                             "semantics=layer_sequential"};

std::vector<double> random_weights(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> w(n);
  for (auto& x : w) x = u(rng);
  return w;
}

// Input(w) -> Linear(w, w) -> LIF -> Linear(w, w) -> LIF -> Linear(10, w) -> LIF -> Output.
compiler::nir::Graph fc_network(int64_t w) {
  std::mt19937 rng(1);
  const double tau = 1e-3, dt = 1e-4;
  compiler::nir::Graph g;
  g.nodes = {b::input("in", {w}),
             b::linear("fc1", w, w, random_weights(size_t(w * w), rng)),
             b::lif("lif1", {w}, tau, tau / dt, 0.0, 1.0),
             b::linear("fc2", w, w, random_weights(size_t(w * w), rng)),
             b::lif("lif2", {w}, tau, tau / dt, 0.0, 1.0),
             b::linear("fc3", 10, w, random_weights(size_t(10 * w), rng)),
             b::lif("lif3", {10}, tau, tau / dt, 0.0, 1.0),
             b::output("out", {10})};
  b::chain(g, {"in", "fc1", "lif1", "fc2", "lif2", "fc3", "lif3", "out"});
  return g;
}

// Input(2, s, s) -> Conv 3x3 (2 -> c, pad 1) -> LIF -> Conv 3x3 (c -> c, pad 1) -> LIF
// -> SumPool 2x2 -> Flatten -> Linear(10) -> LIF -> Output.
compiler::nir::Graph conv_network(int64_t s, int64_t c) {
  std::mt19937 rng(2);
  const double tau = 1e-3, dt = 1e-4;
  b::Conv2dParams cp;
  cp.padding = {1, 1};
  cp.input_shape = {s, s};
  const int64_t flat = c * (s / 2) * (s / 2);
  compiler::nir::Graph g;
  g.nodes = {b::input("in", {2, s, s}),
             b::conv2d("conv1", {c, 2, 3, 3}, random_weights(size_t(c * 2 * 9), rng),
                       std::vector<double>(size_t(c), 0.0), cp),
             b::lif("lif1", {c, s, s}, tau, tau / dt, 0.0, 1.0),
             b::conv2d("conv2", {c, c, 3, 3}, random_weights(size_t(c * c * 9), rng),
                       std::vector<double>(size_t(c), 0.0), cp),
             b::lif("lif2", {c, s, s}, tau, tau / dt, 0.0, 1.0),
             b::sum_pool2d("pool", {2, 2}, {2, 2}),
             b::flatten_node("flat", {c, s / 2, s / 2}),
             b::linear("fc", 10, flat, random_weights(size_t(10 * flat), rng)),
             b::lif("lif3", {10}, tau, tau / dt, 0.0, 1.0),
             b::output("out", {10})};
  b::chain(g, {"in", "conv1", "lif1", "conv2", "lif2", "pool", "flat", "fc", "lif3", "out"});
  return g;
}

// SANA-FE's generated FC network (tools/bench's sanafe suite): integer weights -7..7 without
// zero at density 0.25, IF neurons with threshold 16.
compiler::nir::Graph sanafe_fc(const std::vector<int64_t>& sizes) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> mag(1, 7);
  std::bernoulli_distribution keep(0.25), negative(0.5);
  compiler::nir::Graph g;
  g.nodes.push_back(b::input("in", {sizes[0]}));
  std::vector<std::string> chain{"in"};
  for (size_t l = 1; l < sizes.size(); ++l) {
    std::vector<double> w(size_t(sizes[l] * sizes[l - 1]), 0.0);
    for (double& x : w)
      if (keep(rng)) x = negative(rng) ? -mag(rng) : mag(rng);
    const std::string fc = fmt::format("fc{}", l), n = fc + ".n";
    g.nodes.push_back(b::linear(fc, sizes[l], sizes[l - 1], std::move(w)));
    g.nodes.push_back(b::if_neuron(n, {sizes[l]}, 1.0, 16));
    chain.insert(chain.end(), {fc, n});
  }
  g.nodes.push_back(b::output("out", {sizes.back()}));
  chain.push_back("out");
  b::chain(g, chain);
  return g;
}

// h5py's chunk guess (h5py/_hl/filters.py, guess_chunk): halve the dimensions in turn until
// the chunk is near a target growing with the dataset (16 KiB * 2^log10(MiB), 8 KiB..1 MiB).
std::vector<hsize_t> h5py_chunk(std::vector<hsize_t> shape, size_t type_size) {
  double bytes = double(type_size);
  for (hsize_t& s : shape) bytes *= double(s == 0 ? (s = 1024) : s);
  const double target = std::clamp(16 * 1024 * std::pow(2.0, std::log10(bytes / (1024 * 1024))),
                                   8 * 1024.0, 1024 * 1024.0);
  for (size_t idx = 0;; ++idx) {
    double n = double(type_size);
    for (hsize_t c : shape) n *= double(c);
    if ((n < target || std::abs(n - target) / target < 0.5) && n < 1024 * 1024) break;
    if (n == double(type_size)) break;
    hsize_t& c = shape[idx % shape.size()];
    c = (c + 1) / 2;
  }
  return shape;
}

// Copies the NIR file `from` to `to`, every numeric array of rank >= 1 chunked and deflated as
// nir.write stores it; everything else (strings, scalars, groups) as it is.
void copy_as_nir_write_gzip(const std::string& from, const std::string& to) {
  struct Files {
    hid_t in, out;
  } f{H5Fopen(from.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
      H5Fcreate(to.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)};
  if (f.in < 0 || f.out < 0) throw std::runtime_error("cannot open " + from + " or " + to);
  const auto visit = [](hid_t in, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    const hid_t out = static_cast<Files*>(data)->out;
    if (std::string(name) == ".") return 0;
    if (info->type == H5O_TYPE_GROUP) {
      H5Gclose(H5Gcreate2(out, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
      return 0;
    }
    const hid_t d = H5Dopen2(in, name, H5P_DEFAULT), type = H5Dget_type(d), space = H5Dget_space(d);
    const H5T_class_t cls = H5Tget_class(type);
    const int rank = H5Sget_simple_extent_ndims(space);
    herr_t status = 0;
    if ((cls == H5T_FLOAT || cls == H5T_INTEGER) && rank >= 1 &&
        H5Sget_simple_extent_npoints(space) > 0) {
      std::vector<hsize_t> dims(static_cast<size_t>(rank));
      H5Sget_simple_extent_dims(space, dims.data(), nullptr);
      const size_t size = H5Tget_size(type);
      std::vector<char> buf(size_t(H5Sget_simple_extent_npoints(space)) * size);
      const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
      const std::vector<hsize_t> chunk = h5py_chunk(dims, size);
      H5Pset_chunk(dcpl, rank, chunk.data());
      H5Pset_deflate(dcpl, 4);
      const hid_t o = H5Dcreate2(out, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      status = H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());  // then write
      if (status >= 0) status = H5Dwrite(o, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
      H5Dclose(o);
      H5Pclose(dcpl);
    } else {
      status = H5Ocopy(in, name, out, name, H5P_DEFAULT, H5P_DEFAULT);
    }
    H5Sclose(space);
    H5Tclose(type);
    H5Dclose(d);
    return status;
  };
  const herr_t status = H5Ovisit2(f.in, H5_INDEX_NAME, H5_ITER_INC, visit, &f, H5O_INFO_BASIC);
  H5Fclose(f.in);
  H5Fclose(f.out);
  if (status < 0) throw std::runtime_error("cannot copy " + from + " to " + to);
}

uint64_t synapses(const compiler::Network& net) {
  uint64_t n = 0;
  for (const auto& l : net.layers)
    for (const auto& p : l.inputs) {
      const auto& g = p.geom;
      switch (p.kind) {
        case compiler::ProjectionKind::fc:
          n += uint64_t{net.layers[p.source].size} * l.size;
          break;
        case compiler::ProjectionKind::conv:
          n += uint64_t{l.size} * (g.in_c / g.groups) * g.k_h * g.k_w;
          break;
        case compiler::ProjectionKind::pool:
          n += uint64_t{l.size} * g.k_h * g.k_w;
          break;
        case compiler::ProjectionKind::elementwise:
          n += l.size;
          break;
      }
    }
  return n;
}

struct Row {
  std::string name;
  uint64_t synapses = 0;
  size_t layers = 0;
  uint32_t cores = 0;
  double seconds = 0;
};

int usage() {
  fmt::print(stderr,
             "usage: bench_compile [--csv FILE] [--repeats N] [--max-synapses S] [--only NAME]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string csv;
  int repeats = 5;
  double max_synapses = 2e7;
  std::string only;  // run one case ("fc 1e6"), e.g. under a profiler
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    if (a == "--csv")
      csv = argv[++i];
    else if (a == "--repeats")
      repeats = std::max(1, std::atoi(argv[++i]));
    else if (a == "--only")
      only = argv[++i];
    else if (a == "--max-synapses")
      max_synapses = std::atof(argv[++i]);
    else
      return usage();
  }
  // Sizes: fc ~2 w^2 synapses; conv ~9 s^2 (2c + c^2).
  std::vector<std::pair<std::string, std::function<compiler::nir::Graph()>>> cases = {
      {"fc 1e5", [] { return fc_network(224); }},
      {"conv 1e5", [] { return conv_network(16, 6); }},
      {"fc 1e6", [] { return fc_network(707); }},
      {"conv 1e6", [] { return conv_network(32, 10); }},
      {"fc 1e7", [] { return fc_network(2236); }},
      {"conv 1e7", [] { return conv_network(32, 32); }},
      // The 6.3 M-synapse SANA-FE network, from a plain file and from its nir.write twin.
      {"sanafe-fc 6.3e6",
       [] {
         return sanafe_fc({1024, 4096, 4096, 1024});
       }},
      {"sanafe-fc 6.3e6 gzip",
       [] {
         return sanafe_fc({1024, 4096, 4096, 1024});
       }},
  };
  const auto arch = arch::load_arch("", kBenchChip);
  compiler::CompileOptions opt;
  opt.dt = 1e-4;
  const fs::path dir = fs::temp_directory_path() / fmt::format("bench_compile-{}", ::getpid());
  fs::create_directories(dir);
  std::vector<Row> rows;
  fmt::print("{:<20} {:>12} {:>7} {:>6} {:>10} {:>14}\n", "network", "synapses", "layers", "cores",
             "seconds", "synapses/s");
  for (const auto& [name, make] : cases) {
    const double approx = std::atof(name.substr(name.find(' ') + 1).c_str());
    if (approx > max_synapses || (!only.empty() && name != only)) continue;
    std::string path = (dir / "net.nir").string();
    compiler::nir::write_file(make(), path);
    if (name.ends_with(" gzip")) {
      copy_as_nir_write_gzip(path, (dir / "net-gzip.nir").string());
      path = (dir / "net-gzip.nir").string();
    }
    opt.dt = name.starts_with("sanafe") ? 1.0 : 1e-4;  // IF neurons: r = 1 per step
    std::vector<double> times;
    Row row;
    row.name = name;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto res = compiler::compile_nir(path, arch.config, arch.hash, opt);
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      row.synapses = synapses(res.net);
      row.layers = res.net.layers.size() - 1;  // neuron layers (the input is not one)
      row.cores = res.mapping.logical_cores;
    }
    std::sort(times.begin(), times.end());
    row.seconds = times[times.size() / 2];
    fmt::print("{:<20} {:>12} {:>7} {:>6} {:>10.4f} {:>14.4g}\n", row.name, row.synapses,
               row.layers, row.cores, row.seconds, double(row.synapses) / row.seconds);
    std::fflush(stdout);
    rows.push_back(row);
  }
  fs::remove_all(dir);
  if (!csv.empty()) {
    const std::string tmp = csv + ".tmp";
    {
      std::ofstream out(tmp);
      out << "network,synapses,layers,cores,seconds,synapses_per_second\n";
      for (const auto& r : rows)
        out << fmt::format("{},{},{},{},{:.6f},{:.6g}\n", r.name, r.synapses, r.layers, r.cores,
                           r.seconds, double(r.synapses) / r.seconds);
      if (!out) {
        fmt::print(stderr, "{}: cannot write\n", csv);
        return 1;
      }
    }
    fs::rename(tmp, csv);
  }
  return 0;
}
