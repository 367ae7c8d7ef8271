// compiler::compile_relevant_arch: chips that differ only in the listed timing-only keys (and
// energy) compile a model to the same program image; the sweep shares images on that basis.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "arch/loader.h"
#include "compiler/compile.h"
#include "compiler/compile_key.h"
#include "isa/image.h"

namespace {

std::vector<uint8_t> image_bytes(const std::vector<std::string>& sets) {
  const auto a = arch::load_arch("default", sets);
  compiler::CompileOptions opt;
  opt.dt = 1e-3;
  opt.keep_float_net = false;
  auto r = compiler::compile_nir(std::string(SPIKECHIP_SOURCE_DIR) + "/workloads/examples/bars.nir",
                                 a.config, a.hash, opt);
  r.code.image.arch_hash = 0;  // the one field that names the chip
  return isa::write_image(r.code.image);
}

}  // namespace

TEST_CASE("compile key: each timing-only key is a key of the canonical arch, and is dropped") {
  const auto a = arch::load_arch("default");
  const std::string kept = compiler::compile_relevant_arch(a.canonical_yaml);
  CHECK_THAT(kept, Catch::Contains("mesh:\n  x: 4\n"));
  CHECK_THAT(kept, Catch::Contains("  neurons: 1024\n"));
  CHECK_THAT(kept, !Catch::Contains("energy") && !Catch::Contains("n_pe") &&
                       !Catch::Contains("fidelity") && !Catch::Contains("clock"));
  for (const auto key : compiler::timing_only_arch_keys()) {
    const std::string k(key);
    const std::string leaf = k.substr(k.find('.') == std::string::npos ? 0 : k.find('.') + 1);
    INFO(k);
    CHECK(a.canonical_yaml.find(leaf + ": ") != std::string::npos);
  }
}

TEST_CASE("compile key: changing a timing-only key or energy leaves the image as it is") {
  const std::map<std::string, std::string> other = {
      {"clock", "250 MHz"},
      {"barrier_latency", "7"},
      {"host_latency", "3"},
      {"core.synapse_banks", "8"},
      {"core.membrane_banks", "2"},
      {"core.membrane_ports", "2"},
      {"core.membrane_word_bits", "64"},
      {"core.au_lanes", "1"},
      {"core.au_addresses_per_cycle", "16"},
      {"core.n_pe", "1"},
      {"core.input_queue_depth", "4"},
      {"core.neuron_updates_per_cycle", "1"},
      {"core.update_policy", "active_only"},
      {"noc.router_latency", "9"},
      {"noc.link_width_bits", "8"},
      {"noc.flit_bits", "8"},
      {"noc.packet_bits", "64"},
      {"noc.fidelity", "flit"},
      {"noc.buffer_flits", "2"},
      {"energy.technology", "loihi"},
  };
  REQUIRE(other.size() == compiler::timing_only_arch_keys().size() + 1);
  const auto base = image_bytes({});
  const auto base_key = compiler::compile_relevant_arch(arch::load_arch("default").canonical_yaml);
  for (const auto& [k, v] : other) {
    INFO(k << "=" << v);
    const auto a = arch::load_arch("default", {k + "=" + v});
    CHECK(a.hash != arch::load_arch("default").hash);
    CHECK(compiler::compile_relevant_arch(a.canonical_yaml) == base_key);
    CHECK(image_bytes({k + "=" + v}) == base);
  }
  // And a key the compiler reads changes both.
  CHECK(compiler::compile_relevant_arch(
            arch::load_arch("default", {"core.neurons=512"}).canonical_yaml) != base_key);
  CHECK(image_bytes({"mesh.x=2"}) != base);
}
