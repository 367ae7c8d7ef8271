// Loading chip descriptions: presets, files, base:, --set, and the errors bad input gets.
#include <catch2/catch.hpp>

#include <string>

#include "arch/energy.h"
#include "arch/loader.h"
#include "isa/error.h"

using arch::load_arch;
using arch::load_arch_text;
using isa::InputError;

namespace {

// A complete minimal file: the required keys only, everything else from the defaults.
const std::string kMinimal =
    "name: tiny\n"
    "clock: 500 MHz\n"
    "mesh:\n"
    "  x: 2\n"
    "  y: 3\n";

std::string error_of(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  try {
    load_arch_text(yaml, "chip.yaml", sets);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("arch loader: every preset loads and carries its identity", "[arch][loader]") {
  const auto names = arch::preset_names();
  REQUIRE(names ==
          std::vector<std::string>{"default", "loihi", "loihi_sanafe", "ssc-edge", "truenorth"});
  for (const auto& n : names) {
    INFO(n);
    const auto r = load_arch(n);
    CHECK(r.config.name == n);
    CHECK(r.hash == arch::fnv1a64(r.canonical_yaml));
    CHECK(r.config.energy.event_pj.size() == arch::kNumEnergyEvents);
  }
  const auto loihi = load_arch("loihi").config;
  CHECK(loihi.mesh.x * loihi.mesh.y == 128);
  CHECK(loihi.core.neurons == 1024);
  CHECK(loihi.core.synapse_memory_bytes == 131072);
  CHECK(loihi.semantics == isa::Semantics::pipelined);
  CHECK(loihi.noc.router_latency_cycles == 2);  // 6.5 ns at 285.7 MHz, rounded up
  CHECK(loihi.barrier_cycles == 133);           // 465 ns at 285.7 MHz
  const auto tn = load_arch("truenorth").config;
  CHECK(tn.mesh.x == 64);
  CHECK(tn.core.au_modes == std::vector<arch::AuMode>{arch::AuMode::fc});
  CHECK(load_arch("").config.name == "default");
}

TEST_CASE("arch loader: the canonical YAML reloads to the same chip", "[arch][loader]") {
  for (const auto& n : arch::preset_names()) {
    INFO(n);
    const auto r = load_arch(n);
    const auto again = load_arch_text(r.canonical_yaml, "canonical.yaml");
    CHECK(again.canonical_yaml == r.canonical_yaml);
    CHECK(again.hash == r.hash);
  }
}

TEST_CASE("arch loader: hash is stable and changes with any value", "[arch][loader]") {
  const auto a = load_arch("default");
  CHECK(load_arch("default").hash == a.hash);
  CHECK(load_arch("default", {"core.neurons=512"}).hash != a.hash);
  CHECK(load_arch("default", {"energy.events.pe.add=0.2 pJ"}).hash != a.hash);
  // Same value written differently: same chip, same hash.
  CHECK(load_arch("default", {"clock=1000 MHz"}).hash == a.hash);
  CHECK(arch::fnv1a64("") == 0xcbf29ce484222325ull);
  CHECK(arch::fnv1a64("a") == 0xaf63dc4c8601ec8cull);  // the FNV-1a 64 test vector
}

TEST_CASE("arch loader: a minimal file gets the documented defaults", "[arch][loader]") {
  const auto r = load_arch_text(kMinimal, "tiny.yaml");
  CHECK(r.config.clock_hz == 5e8);
  CHECK(r.config.mesh.y == 3);
  CHECK(r.config.core.neurons == arch::CoreConfig{}.neurons);
  CHECK(r.config.energy.technology == "horowitz45");
}

TEST_CASE("arch loader: unknown keys name line:column and the nearest key", "[arch][loader]") {
  const std::string msg = error_of(kMinimal + "core:\n  neuronz: 12\n");
  CHECK_THAT(msg, Catch::Contains("chip.yaml:7:3") && Catch::Contains("core.neuronz") &&
                      Catch::Contains("did you mean 'neurons'"));
  // A key at the wrong level is found in the whole schema.
  CHECK_THAT(error_of(kMinimal + "n_pe: 4\n"), Catch::Contains("did you mean 'core.n_pe'"));
  CHECK_THAT(error_of(kMinimal + "energy:\n  events:\n    pe.ad: 1 pJ\n"),
             Catch::Contains("chip.yaml:8:5") && Catch::Contains("did you mean 'pe.add'"));
}

TEST_CASE("arch loader: malformed YAML, wrong types and missing keys", "[arch][loader]") {
  CHECK_THAT(error_of("name: x\nmesh: [1, 2\n"),
             Catch::StartsWith("chip.yaml:") && Catch::Contains("malformed YAML"));
  CHECK_THAT(error_of(kMinimal + "noc:\n  multicast: maybe\n"),
             Catch::Contains("chip.yaml:7:14") && Catch::Contains("true or false"));
  CHECK_THAT(error_of(kMinimal + "core: 5\n"), Catch::Contains("expected a mapping"));
  CHECK_THAT(error_of(kMinimal + "semantics: pipelind\n"),
             Catch::Contains("did you mean 'pipelined'"));
  CHECK_THAT(error_of("name: x\nclock: 1 GHz\nmesh:\n  x: 2\n"),
             Catch::Contains("missing required key 'mesh.y'"));
  CHECK_THAT(error_of(kMinimal + "clock: 2 GHz\n"), Catch::Contains("given twice"));
  CHECK_THAT(error_of(kMinimal + "core:\n  synapse_memory: 1 GHz\n"),
             Catch::Contains("chip.yaml:7:19") && Catch::Contains("frequency"));
  CHECK_THAT(error_of(""), Catch::Contains("expected a mapping"));
}

TEST_CASE("arch loader: out-of-range values say the range", "[arch][loader]") {
  CHECK_THAT(error_of(kMinimal + "core:\n  weight_bits: 17\n"),
             Catch::Contains("chip.yaml:7:16") && Catch::Contains("out of range") &&
                 Catch::Contains("1 to 16"));
  CHECK_THAT(error_of(kMinimal + "core:\n  neurons: 2.5\n"), Catch::Contains("whole number"));
  CHECK_THAT(error_of(kMinimal + "core:\n  synapse_memory: 1000 B\n"),
             Catch::Contains("multiple of 32 bytes"));
}

TEST_CASE("arch loader: --set overrides valid and invalid paths", "[arch][loader]") {
  const auto r = load_arch("loihi", {"core.neurons=512", "mesh.x=4", "noc.fidelity=flit",
                                     "core.au_modes=[fc, ssc]", "energy.static.core=1 mW"});
  CHECK(r.config.core.neurons == 512);
  CHECK(r.config.mesh.x == 4);
  CHECK(r.config.noc.fidelity == arch::NocFidelity::flit);
  CHECK(r.config.core.au_modes.size() == 2);
  CHECK(r.config.energy.static_mw.at("core") == 1.0);
  // Later --set wins.
  CHECK(load_arch("default", {"mesh.x=3", "mesh.x=5"}).config.mesh.x == 5);

  CHECK_THAT(
      error_of(kMinimal, {"core.neuron=4"}),
      Catch::Contains("--set 'core.neuron=4'") && Catch::Contains("did you mean 'core.neurons'"));
  CHECK_THAT(error_of(kMinimal, {"core=4"}), Catch::Contains("is a section"));
  CHECK_THAT(error_of(kMinimal, {"core.neurons"}), Catch::Contains("KEY=VALUE"));
  CHECK_THAT(error_of(kMinimal, {"core.neurons=0"}), Catch::Contains("out of range"));
  CHECK_THAT(error_of(kMinimal, {"energy.events.pe.addd=1 pJ"}),
             Catch::Contains("did you mean 'pe.add'"));
}

TEST_CASE("arch loader: base: starts from a preset and overrides it", "[arch][loader]") {
  const auto r = load_arch_text("base: loihi\nname: small-loihi\nmesh:\n  y: 2\n", "s.yaml");
  const auto loihi = load_arch("loihi").config;
  CHECK(r.config.name == "small-loihi");
  CHECK(r.config.mesh.x == loihi.mesh.x);
  CHECK(r.config.mesh.y == 2);
  CHECK(r.config.core.weight_bits == loihi.core.weight_bits);
  CHECK(r.config.energy.event_pj == loihi.energy.event_pj);
  // Overrides of the base survive; the file's own win.
  const auto tn = load_arch_text("base: truenorth\nenergy:\n  events:\n    pe.add: 3 pJ\n", "t");
  CHECK(tn.config.energy.event_pj.at("pe.add") == 3.0);
  CHECK(tn.config.energy.event_pj.at("router.hop_flit") == 2.3);
  CHECK_THAT(error_of("base: lohi\n"),
             Catch::Contains("chip.yaml:1:7") && Catch::Contains("did you mean 'loihi'"));
}

TEST_CASE("arch loader: unknown presets and files", "[arch][loader]") {
  CHECK_THROWS_WITH(load_arch("truenorht"), Catch::Contains("did you mean 'truenorth'"));
  CHECK_THROWS_AS(load_arch("/nonexistent/chip.yaml"), InputError);
  CHECK_THROWS_WITH(load_arch_text(kMinimal + "energy:\n  technology: horowitz54\n", "c.yaml"),
                    Catch::Contains("c.yaml:7:15") && Catch::Contains("did you mean 'horowitz45'"));
}
