#include "suites.h"

#include <fmt/core.h>

#include <filesystem>

namespace bench {
namespace {

// A chip: mesh and the per-core capacities the network needs to fit (keys of `spikechip arch`).
// fan_in: distinct source neurons per core (a conv core's axons are its whole input map).
std::vector<std::string> chip(int x, int y, int neurons, const std::string& synapse_memory,
                              int fan_in = 8192) {
  return {fmt::format("mesh.x={}", x), fmt::format("mesh.y={}", y),
          fmt::format("core.neurons={}", neurons),
          fmt::format("core.synapse_memory={}", synapse_memory),
          fmt::format("core.fan_in={}", fan_in)};
}

Workload make(std::string name, Kind kind, std::vector<int64_t> sizes, double density, double rate,
              int64_t T, std::vector<std::string> sets, std::string note = "") {
  Workload w;
  w.name = std::move(name);
  w.suite = "speed";
  w.kind = kind;
  w.sizes = std::move(sizes);
  w.density = density;
  w.input_rate = rate;
  w.timesteps = T;
  w.sets = std::move(sets);
  w.note = std::move(note);
  w.threshold = 16;
  return w;
}

std::string pct(double rate) {
  return fmt::format("{}%", rate * 100);
}

// One network at 1 %, 10 %, 50 % input on the small mesh, 10 % on the large mesh, and the two
// slope rows: twice the cores (idle) and half the input activity (5 %).
void family(std::vector<Workload>& out, const std::string& base, Kind kind,
            const std::vector<int64_t>& sizes, double density, int64_t T,
            const std::vector<std::string>& small, const std::vector<std::string>& doubled,
            const std::vector<std::string>& large) {
  for (double rate : {0.01, 0.1, 0.5})
    out.push_back(make(base + "/small/" + pct(rate), kind, sizes, density, rate, T, small));
  out.push_back(make(base + "/small/5%", kind, sizes, density, 0.05, T, small,
                     "slope: half the activity of " + base + "/small/10%"));
  out.push_back(make(base + "/small2x/10%", kind, sizes, density, 0.1, T, doubled,
                     "slope: twice the cores of " + base + "/small/10%"));
  out.push_back(make(base + "/large/10%", kind, sizes, density, 0.1, T, large));
}

Workload sparse(Workload w) {
  w.conv_mode = "sparse";
  return w;
}

Workload on_loihi(Workload w) {
  w.arch = "loihi";
  w.sets.push_back("core.quantisation=power_of_two");
  return w;
}

Workload sanafe_fc(std::string name, std::vector<int64_t> sizes, double threshold,
                   std::vector<std::string> sets) {
  Workload w = make(std::move(name), Kind::fc, std::move(sizes), 0.25, 0.1, 100, std::move(sets));
  w.suite = "sanafe";
  w.threshold = threshold;
  w.note = "SANA-FE-style: density 0.25, weights -7..7 without 0, 10% input, T=100";
  return w;
}

}  // namespace

std::vector<Workload> make_suite(const std::string& suite, bool quick,
                                 const std::string& shared_data) {
  std::vector<Workload> out;
  if (suite == "speed" || suite == "all") {
    if (quick) {
      out.push_back(make("fc-q/small/10%", Kind::fc, {512, 2048, 2048, 256}, 0.25, 0.1, 20,
                         chip(4, 4, 1024, "1 MiB")));
      out.push_back(make("conv-q/small/10%", Kind::conv, {2, 32, 32, 8, 16}, 1, 0.1, 20,
                         chip(4, 4, 4096, "128 KiB", 16384)));
      out.push_back(make("rec-q/small/10%", Kind::recurrent, {512, 1024, 256}, 0.25, 0.1, 20,
                         chip(4, 4, 1024, "1 MiB")));
      out.push_back(sparse(make("sconv-q/small/10%", Kind::conv, {2, 32, 32, 8, 16}, 1, 0.1, 20,
                                chip(4, 4, 4096, "128 KiB", 16384))));
    } else {
      // FC: 11 k neurons, 7.3 M synapses (29 M dense weight positions in the NIR file).
      family(out, "fc-11k", Kind::fc, {2048, 4096, 4096, 1024}, 0.25, 20, chip(4, 4, 4096, "8 MiB"),
             chip(8, 4, 4096, "8 MiB"), chip(16, 16, 1024, "512 KiB"));
      // Recurrent: 7 k neurons, 7.3 M synapses, the 4096 hidden neurons feed themselves.
      family(out, "rec-7k", Kind::recurrent, {2048, 4096, 1024}, 0.25, 20,
             chip(4, 4, 4096, "8 MiB"), chip(8, 4, 4096, "8 MiB"), chip(16, 16, 1024, "512 KiB"));
      // Conv: 205 k neurons, 19.6 M synapses (3x3 kernels, 64x64 maps).
      family(out, "conv-205k", Kind::conv, {2, 64, 64, 16, 32}, 1, 20,
             chip(4, 4, 16384, "128 KiB", 65536), chip(8, 4, 16384, "128 KiB", 65536),
             chip(16, 16, 4096, "128 KiB", 65536));
      // Sparse conv (submanifold, E-3DSNN): the conv-205k network, --conv-mode sparse. Random
      // input occupies sites uniformly, so the skipped share is largest at 1 %.
      for (double rate : {0.01, 0.1})
        out.push_back(sparse(make("sconv-205k/small/" + pct(rate), Kind::conv, {2, 64, 64, 16, 32},
                                  1, rate, 20, chip(4, 4, 16384, "128 KiB", 65536))));
      out.push_back(sparse(make("sconv-205k/large/10%", Kind::conv, {2, 64, 64, 16, 32}, 1, 0.1, 20,
                                chip(16, 16, 4096, "128 KiB", 65536))));
      // Conv: 819 k neurons, 78 M synapses (128x128 maps): the largest, 10 % input only.
      out.push_back(make("conv-819k/large/10%", Kind::conv, {2, 128, 128, 16, 32}, 1, 0.1, 10,
                         chip(16, 16, 16384, "128 KiB", 262144)));
    }
  }
  if (suite == "sanafe" || suite == "all") {
    out.push_back(sanafe_fc("sanafe-fc-256-1024-1024-256", {256, 1024, 1024, 256}, 16, {}));
    // On the loihi preset as SANA-FE ran it (its arch/loihi.yaml): Loihi's cores, memories,
    // NoC and energy table; the integer network quantised exactly (docs/performance.md).
    out.push_back(
        on_loihi(sanafe_fc("sanafe-fc-256-1024-1024-256/loihi", {256, 1024, 1024, 256}, 16, {})));
    if (!quick) {
      const auto big = chip(8, 8, 1024, "1 MiB");
      out.push_back(
          sanafe_fc("sanafe-fc-1024-4096-4096-1024/th16", {1024, 4096, 4096, 1024}, 16, big));
      out.push_back(
          sanafe_fc("sanafe-fc-1024-4096-4096-1024/th32", {1024, 4096, 4096, 1024}, 32, big));
      // On loihi: 221 cores of 128 KiB (a 13x17 mesh) and no multicast, one packet per
      // destination (6.1 M packets): the unicast NoC at scale (docs/performance.md,
      // "Loihi-scale unicast").
      out.push_back(on_loihi(sanafe_fc("sanafe-fc-1024-4096-4096-1024/loihi",
                                       {1024, 4096, 4096, 1024}, 16, {"mesh.x=13", "mesh.y=17"})));
    }
    const std::string dir = shared_data + "/sanafe";
    if (std::filesystem::exists(dir + "/conv_s1.nir")) {
      Workload w;
      w.name = "sanafe-conv_s1";
      w.suite = "sanafe";
      w.kind = Kind::file;
      w.model_path = dir + "/conv_s1.nir";
      w.input_path = dir + "/conv_s1_input.npy";
      w.synapses = 972309;  // ../shared/data/sanafe/README.md
      w.neurons = 2312 + 3600 + 5408 + 10;
      w.note = "the shared conv_s1 network and input";
      out.push_back(w);
      w.name = "sanafe-conv_s1/loihi";
      w.note = "conv_s1 on the loihi preset (its 5,408-input layer split across two cores)";
      out.push_back(on_loihi(w));
    }
  }
  return out;
}

std::optional<SanafeFigures> sanafe_figures(const std::string& name) {
  constexpr double GiB = 1024.0 * 1024 * 1024;
  if (name.rfind("sanafe-fc-256-1024-1024-256", 0) == 0)
    return SanafeFigures{7.9, 0.39, 3025425, 1.97 * GiB};
  if (name.rfind("sanafe-fc-1024-4096-4096-1024", 0) == 0)  // SANA-FE's table: one row
    return SanafeFigures{42.6, 6.5, 50418524, 5.9 * GiB};
  if (name.rfind("sanafe-conv_s1", 0) == 0) return SanafeFigures{7.56, 0.85, 4576131, 2.4 * GiB};
  return std::nullopt;
}

}  // namespace bench
