// The energy table: technology presets, their scaling models, overrides and lookups.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "arch/derived.h"
#include "arch/energy.h"
#include "arch/loader.h"

using arch::EnergyEvent;
using arch::load_arch;

TEST_CASE("arch energy: event keys round-trip through the enum", "[arch][energy]") {
  CHECK(arch::kNumEnergyEvents >= 13);
  for (size_t i = 0; i < arch::kNumEnergyEvents; ++i) {
    const auto e = static_cast<EnergyEvent>(i);
    CHECK(arch::energy_event_from_key(arch::key(e)) == e);
  }
  CHECK_FALSE(arch::energy_event_from_key("pe.mul").has_value());
  CHECK(arch::static_block_from_key("router") == arch::StaticBlock::router);
}

TEST_CASE("arch energy: the loihi table is Davies 2018 Table 2", "[arch][energy]") {
  const auto c = load_arch("loihi").config;
  const auto t = arch::energy_table(c);
  CHECK(t.pj(EnergyEvent::pe_add) == 23.6);
  CHECK(t.pj(EnergyEvent::neuron_update_active) == 81);
  CHECK(t.pj(EnergyEvent::neuron_update_idle) == 52);
  CHECK(t.pj(EnergyEvent::router_hop_flit) == 3.5);
  CHECK(arch::event_pj(c, "spike_out.packet") == 1.7);
  CHECK_THROWS_AS(arch::event_pj(c, "pe.mul"), std::out_of_range);
}

TEST_CASE("arch energy: horowitz45 scales SRAM reads with bank size and word width",
          "[arch][energy]") {
  // Default: 128 KiB in 4 banks = 32 KiB arrays of 64-bit words -> Horowitz's 20 pJ.
  const auto d = load_arch("default").config;
  CHECK(arch::event_pj(d, "weight_mem.read") == Approx(20));
  // 8 KiB banks -> 10 pJ; 32-bit words halve it.
  const auto small = load_arch("default", {"core.synapse_memory=32 KiB"}).config;
  CHECK(arch::event_pj(small, "weight_mem.read") == Approx(10));
  const auto narrow =
      load_arch("default", {"core.synapse_memory=32 KiB", "core.synapse_word_bits=32"}).config;
  CHECK(arch::event_pj(narrow, "weight_mem.read") == Approx(5));
  // Membrane: 1024 neurons x 2 words x 4 bytes / 8 banks = 1 KiB banks: 10 * (1/8)^0.5 * 32/64.
  CHECK(arch::event_pj(d, "membrane_mem.read") ==
        Approx(10 * std::sqrt(1.0 / 8) / 2).epsilon(1e-5));
  // PE add at 24 bits, linear between Horowitz's 8-bit (0.03) and 32-bit (0.1) adds.
  CHECK(arch::event_pj(d, "pe.add") == Approx(0.03 + 0.07 * 16 / 24).epsilon(1e-5));
  // An explicit override beats the model.
  const auto o = load_arch("default", {"energy.events.weight_mem.read=7 pJ"}).config;
  CHECK(arch::event_pj(o, "weight_mem.read") == 7);
}

TEST_CASE("arch energy: a technology file next to the arch file", "[arch][energy]") {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("spikechip_arch_energy_test_" + std::to_string(::getpid())))
                              .string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/tech.yaml") << "technology: mine\nevents:\n"
                                       "  au.address: 1 pJ\n  weight_mem.read: 2 pJ\n"
                                       "  membrane_mem.read: 3 pJ\n  membrane_mem.write: 4 pJ\n"
                                       "  pe.add: 5 pJ\n  neuron.update_active: 6 pJ\n"
                                       "  neuron.update_idle: 7 pJ\n  neuron.spike: 8 pJ\n"
                                       "  spike_out.packet: 9 pJ\n  router.hop_flit: 10 pJ\n"
                                       "  link.traverse: 11 pJ\n  controller.instr: 12 pJ\n"
                                       "  barrier.sync: 13 pJ\n  host.io: 14 pJ\n"
                                       "static: {core: 1 mW, router: 2 mW, chip: 3 mW}\n";
  std::ofstream(dir + "/chip.yaml") << "base: default\nenergy:\n  technology: tech.yaml\n";
  const auto c = load_arch(dir + "/chip.yaml").config;
  CHECK(arch::event_pj(c, "host.io") == 14);
  CHECK(arch::energy_table(c).mw(arch::StaticBlock::chip) == 3);
  std::ofstream(dir + "/tech.yaml") << "technology: broken\nevents:\n  pe.add: 5 pJ\n";
  CHECK_THROWS_WITH(load_arch(dir + "/chip.yaml"), Catch::Contains("gives no energy for event"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("arch energy: Accelergy ERT layout", "[arch][energy]") {
  const auto c = load_arch("loihi").config;
  const std::string ert = arch::accelergy_ert(c);
  CHECK_THAT(ert, Catch::StartsWith("ERT:\n  version: 0.4\n  tables:\n"));
  CHECK_THAT(ert, Catch::Contains("  - name: loihi.core[0..127].pe\n    actions:\n"
                                  "    - name: add\n      arguments: null\n      energy: 23.6\n"));
  CHECK_THAT(ert, Catch::Contains("loihi.router[0..127]\n"));
  CHECK_THAT(ert, Catch::Contains("name: leak"));
}

TEST_CASE("arch energy: docs/arch.md holds the generated key table", "[arch][docs]") {
  std::ifstream in(std::string(SPIKECHIP_SOURCE_DIR) + "/docs/arch.md");
  REQUIRE(in);
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  INFO("regenerate with: spikechip arch --keys-md, between the markers in docs/arch.md");
  CHECK_THAT(doc, Catch::Contains(arch::arch_keys_markdown()));
}
