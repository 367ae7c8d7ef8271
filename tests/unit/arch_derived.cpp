// Derived figures on a hand-checked chip.
#include <catch2/catch.hpp>

#include "arch/derived.h"
#include "arch/loader.h"

TEST_CASE("arch derived: figures of a hand-checked 2 x 3 chip", "[arch][derived]") {
  const auto r = arch::load_arch_text(
      "name: hand\nclock: 500 MHz\nmesh: {x: 2, y: 3}\n"
      "core:\n  neurons: 256\n  fan_in: 512\n  synapse_memory: 16 KiB\n  weight_bits: 4\n"
      "  n_pe: 2\n  au_lanes: 2\n  au_addresses_per_cycle: 3\n  neuron_updates_per_cycle: 2\n"
      "  membrane_word_bits: 32\n  v_bits: 16\n  u_bits: 16\n"
      "noc:\n  link_width_bits: 16\n  flit_bits: 16\n  packet_bits: 40\n"
      "energy:\n  static: {core: 1 mW, router: 0.5 mW, chip: 2 mW}\n",
      "hand.yaml");
  const auto d = arch::derive(r.config);
  CHECK(d.cores == 6);
  CHECK(d.total_neurons == 1536);
  CHECK(d.total_fan_in == 3072);
  CHECK(d.total_synapse_memory_bytes == 6 * 16384);
  CHECK(d.weights_per_core == 16384 * 8 / 4);
  CHECK(arch::membrane_words_per_neuron(r.config.core) == 1);  // 16 + 16 bits in one word
  CHECK(d.membrane_bytes_per_core == 256 * 4);
  CHECK(d.peak_synops_per_second == 6 * 2 * 5e8);
  CHECK(d.peak_au_addresses_per_second == 6 * 2 * 3 * 5e8);
  CHECK(d.peak_neuron_updates_per_second == 6 * 2 * 5e8);
  // Halving the 3-long dimension cuts 2 links, each 16 bits per cycle, both directions.
  CHECK(d.bisection_links == 2);
  CHECK(d.bisection_bandwidth_bits_per_second == 2 * 2 * 16 * 5e8);
  CHECK(d.flits_per_packet == 3);
  CHECK(d.mesh_diameter_hops == 3);
  CHECK(d.static_power_mw == Approx(6 * 1.5 + 2));
  CHECK_THAT(arch::derived_yaml(d), Catch::Contains("  total_neurons: 1536\n"));
}

TEST_CASE("arch derived: a 1 x 1 chip has no bisection; v and u in separate words",
          "[arch][derived]") {
  const auto c = arch::load_arch("default", {"mesh.x=1", "mesh.y=1"}).config;
  const auto d = arch::derive(c);
  CHECK(d.bisection_links == 0);
  CHECK(d.bisection_bandwidth_bits_per_second == 0);
  CHECK(arch::membrane_words_per_neuron(c.core) == 2);  // 24 + 24 bits > 32-bit words
  CHECK(d.membrane_bytes_per_core == 1024 * 2 * 4);
}
