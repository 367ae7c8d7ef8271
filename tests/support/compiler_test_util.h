// Helpers for compiler tests: write a NIR graph to a temp file and compile it.
#pragma once
#include <filesystem>
#include <random>
#include <string>

#include "arch/loader.h"
#include "compiler/compile.h"
#include "compiler/nir.h"

namespace testutil {

inline std::filesystem::path temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "spikechip-tests";
  std::filesystem::create_directories(dir);
  return dir / (std::to_string(::getpid()) + "-" + name);
}

inline compiler::CompileResult compile_graph(const compiler::nir::Graph& g, const std::string& name,
                                             const arch::ResolvedArch& a,
                                             compiler::CompileOptions opt) {
  const auto path = temp_path(name + ".nir").string();
  compiler::nir::write_file(g, path);
  auto r = compiler::compile_nir(path, a.config, a.hash, opt);
  std::filesystem::remove(path);
  return r;
}

inline bool shared_data_present() {
  return std::filesystem::is_directory(SPIKECHIP_SHARED_DATA);
}

inline std::string shared(const std::string& rel) {
  return std::string(SPIKECHIP_SHARED_DATA) + "/" + rel;
}

// Random binary input frames [steps] for an input layer of `size`, density p.
inline std::vector<isa::SpikeFrame> random_frames(uint32_t size, uint32_t steps, double p,
                                                  uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution on(p);
  std::vector<isa::SpikeFrame> f(steps);
  for (auto& fr : f)
    for (uint32_t i = 0; i < size; ++i)
      if (on(rng)) {
        fr.index.push_back(i);
        fr.payload.push_back(1);
      }
  return f;
}

}  // namespace testutil
