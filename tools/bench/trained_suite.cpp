#include "trained_suite.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace fs = std::filesystem;

namespace bench {
namespace {

// The conventions `--profile spikingjelly` stands for (workloads/trained/README.md): a
// network trained otherwise would be benchmarked with the wrong dynamics, so it is refused.
void check_conventions(const nlohmann::json& c, const std::string& path) {
  const auto expect = [&](const char* key, const nlohmann::json& want) {
    if (!c.contains(key) || c.at(key) != want)
      throw std::runtime_error(
          fmt::format("{}: conventions.{} is {}, expected {} (the "
                      "conventions of --profile spikingjelly)",
                      path, key, c.contains(key) ? c.at(key).dump() : "absent", want.dump()));
  };
  expect("dt", 0.0001);
  expect("discretisation", "euler");
  expect("reset", "zero (v_reset = 0)");
  expect("spike_compare", "ge (v >= v_threshold)");
}

}  // namespace

std::vector<Workload> trained_suite(const std::string& dir) {
  std::vector<fs::path> metas;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".json") metas.push_back(e.path());
  std::sort(metas.begin(), metas.end());
  std::vector<Workload> out;
  for (const fs::path& meta : metas) {
    const std::string name = meta.stem().string();
    const fs::path base = meta.parent_path();
    Workload w;
    w.name = "trained/" + name;
    w.suite = "trained";
    w.kind = Kind::trained;
    w.model_path = (base / (name + ".nir")).string();
    w.input_path = (base / (name + "_input.npy")).string();
    w.labels_path = (base / (name + "_labels.npy")).string();
    if (!fs::exists(w.model_path) || !fs::exists(w.input_path) || !fs::exists(w.labels_path))
      continue;  // a .json that describes no network
    std::ifstream in(meta);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(fmt::format("{}: not JSON: {}", meta.string(), e.what()));
    }
    const nlohmann::json& c = j.value("conventions", nlohmann::json::object());
    check_conventions(c, meta.string());
    w.options = {"--profile", "spikingjelly"};
    if (c.contains("conv_mode")) {
      w.conv_mode = c.at("conv_mode").get<std::string>();
      w.options.insert(w.options.end(), {"--conv-mode", w.conv_mode});
    }
    w.timesteps = j.value("timesteps", int64_t{0});
    w.samples = j.value("samples", int64_t{0});
    w.threads = 1;
    w.semantics = "layer_sequential";
    w.note = j.value("network", std::string{});
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace bench
