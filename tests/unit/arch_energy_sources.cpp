// Energy tables from their sources: the SANA-FE-calibrated Loihi table, Accelergy ERT files read
// back (round trip), and the TrueNorth preset against Merolla 2014's power sweep.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "arch/energy.h"
#include "arch/loader.h"
#include "simmodel/run.h"

using arch::EnergyEvent;
using arch::load_arch;

namespace {

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("spikechip_ert_test_" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

// A run with every counter non-zero, to turn tables into energies.
sim::RunResult some_run(uint32_t cores) {
  sim::RunResult r;
  for (uint32_t c = 0; c < cores; ++c) {
    sim::Counters k;
    uint64_t v = 100 + c;
#define SIM_X(m, doc, unit) k.m = v++;
    SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
    r.cores.push_back(k);
  }
  r.noc.flit_hops = 1000, r.noc.link_traversals = 700, r.noc.link_traversals_ns = 300;
  r.noc.host_packets = 50;
  r.seconds = 1e-3;
  return r;
}

}  // namespace

TEST_CASE("energy sources: loihi_sanafe is SANA-FE's arch/loihi.yaml, charged its way",
          "[arch][energy]") {
  const auto c = load_arch("loihi", {"energy.technology=loihi_sanafe"}).config;
  const auto t = arch::energy_table(c);
  CHECK(t.pj(EnergyEvent::pe_add) == 35.5);                // dense synapse unit
  CHECK(t.pj(EnergyEvent::neuron_update_idle) == 51.2);    // access, every neuron every step
  CHECK(t.pj(EnergyEvent::neuron_update_active) == 72.8);  // access + update
  CHECK(t.pj(EnergyEvent::neuron_spike) == 69.3);          // spike out
  CHECK(t.pj(EnergyEvent::spike_out_packet) == 111);       // message, per destination
  CHECK(t.pj(EnergyEvent::host_io) == 111);                // input neurons' messages
  CHECK(t.pj(EnergyEvent::link_traverse) == 3.0);          // hop east-west
  CHECK(t.pj(EnergyEvent::link_traverse_ns) == 4.2);       // hop north-south
  CHECK(t.pj(EnergyEvent::router_hop_flit) == 0);
  // The preset reproducing SANA-FE's mapping and latencies uses it.
  const auto p = load_arch("loihi_sanafe").config;
  CHECK(p.energy.technology == "loihi_sanafe");
  CHECK(p.map.neurons_per_core == 1024);
  CHECK_FALSE(p.map.share_cores);
  CHECK(p.map.placement == arch::Placement::in_order);
  CHECK_FALSE(p.noc.multicast);
}

TEST_CASE("energy sources: hops by direction; a direction-blind table charges one figure",
          "[arch][energy]") {
  const auto r = some_run(1);
  const auto sanafe = load_arch("loihi_sanafe").config;
  const auto e = sim::compute_energy(r, sanafe);
  CHECK(e.event_pj[size_t(EnergyEvent::link_traverse)] == Approx(400 * 3.0));
  CHECK(e.event_pj[size_t(EnergyEvent::link_traverse_ns)] == Approx(300 * 4.2));
  // A technology file without link.traverse_ns charges link.traverse for both directions.
  TempDir d;
  d.file("tech.yaml",
         "technology: blind\nevents: {au.address: 1 pJ, weight_mem.read: 1 pJ, "
         "membrane_mem.read: 1 pJ, membrane_mem.write: 1 pJ, pe.add: 1 pJ, "
         "neuron.update_active: 1 pJ, neuron.update_idle: 1 pJ, neuron.spike: 1 pJ, "
         "spike_out.packet: 1 pJ, router.hop_flit: 1 pJ, link.traverse: 7 pJ, "
         "controller.instr: 1 pJ, barrier.sync: 1 pJ, host.io: 1 pJ}\n"
         "static: {core: 0 mW, router: 0 mW, chip: 0 mW}\n");
  const auto blind =
      load_arch(d.file("chip.yaml", "base: default\nenergy: {technology: tech.yaml}\n")).config;
  CHECK(arch::event_pj(blind, "link.traverse_ns") == 7);
  // ... after the arch's own overrides: TrueNorth books hops on router.hop_flit alone.
  const auto tn = load_arch("truenorth").config;
  CHECK(arch::event_pj(tn, "link.traverse_ns") == 0);
  // host.out likewise defaults to its two parts.
  CHECK(arch::event_pj(tn, "host.out") ==
        arch::event_pj(tn, "spike_out.packet") + arch::event_pj(tn, "host.io"));
}

TEST_CASE("energy sources: an Accelergy ERT written and read back gives identical energies",
          "[arch][energy]") {
  TempDir d;
  // Every preset table with static power and model-derived figures (horowitz45), and the
  // calibrated one, at a clock whose period is not a round number.
  for (const std::string base : {"default", "loihi_sanafe", "truenorth"}) {
    CAPTURE(base);
    const auto a = load_arch(base, {"clock=285.7 MHz", "energy.static.core=0.1 mW"}).config;
    const std::string ert = d.file(base + ".ert.yaml", arch::accelergy_ert(a));
    // Read into a chip whose own technology differs everywhere (loihi's Davies table).
    const auto b = load_arch("loihi", {"clock=285.7 MHz", "energy.ert=" + ert,
                                       "mesh.x=" + std::to_string(a.mesh.x),
                                       "mesh.y=" + std::to_string(a.mesh.y)})
                       .config;
    CHECK(b.energy.event_pj == a.energy.event_pj);
    CHECK(b.energy.static_mw == a.energy.static_mw);
    const auto r = some_run(3);
    const auto ea = sim::compute_energy(r, a), eb = sim::compute_energy(r, b);
    CHECK(ea.event_pj == eb.event_pj);
    CHECK(ea.static_pj == eb.static_pj);
    CHECK(ea.total_pj == eb.total_pj);
  }
  // The arch's own energy.events still win over the ERT.
  const auto a = load_arch("loihi_sanafe").config;
  const std::string ert = d.file("s.ert.yaml", arch::accelergy_ert(a));
  const auto o = load_arch("default", {"energy.ert=" + ert, "energy.events.pe.add=1 pJ"}).config;
  CHECK(arch::event_pj(o, "pe.add") == 1);
  CHECK(arch::event_pj(o, "spike_out.packet") == 111);
  // A partial ERT leaves the rest to the technology; relative paths are beside the arch file.
  d.file("part.yaml",
         "ERT:\n  version: 0.4\n  tables:\n  - name: x.core[0..3].pe\n    actions:\n"
         "    - name: add\n      arguments: null\n      energy: 9.5\n");
  const auto p = load_arch(d.file("chip.yaml", "base: loihi\nenergy:\n  ert: part.yaml\n")).config;
  CHECK(arch::event_pj(p, "pe.add") == 9.5);
  CHECK(arch::event_pj(p, "neuron.update_active") == 81);  // Davies, from the technology
}

TEST_CASE("energy sources: a bad ERT names the file, the line and what was expected",
          "[arch][energy]") {
  TempDir d;
  const auto bad = [&](const std::string& text) -> std::string {
    const std::string f = d.file("bad.yaml", text);
    try {
      load_arch("default", {"energy.ert=" + f});
    } catch (const std::exception& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string head = "ERT:\n  version: 0.4\n  tables:\n";
  CHECK_THAT(bad(head + "  - name: c.core[0..3].pe\n    actions:\n    - name: mul\n"
                        "      energy: 1\n"),
             Catch::Contains("bad.yaml:6:") && Catch::Contains("unknown action 'mul'") &&
                 Catch::Contains("expected one of add"));
  CHECK_THAT(bad(head + "  - name: c.gpu\n    actions: []\n"),
             Catch::Contains("bad.yaml:4:") && Catch::Contains("unknown component 'gpu'"));
  CHECK_THAT(bad(head + "  - name: c.core[0..3].pe\n    actions:\n    - name: add\n"
                        "      energy: lots\n"),
             Catch::Contains("bad.yaml:7:"));
  CHECK_THAT(bad(head + "  - name: c.core[0..3].pe\n    actions:\n    - name: add\n"
                        "      arguments: {address_delta: 1}\n      energy: 1\n"),
             Catch::Contains("bad.yaml:7:") && Catch::Contains("arguments are not supported"));
  CHECK_THAT(bad("tables: []\n"), Catch::Contains("missing required key 'ERT'"));
  CHECK_THAT(bad(head + "  - name: c.core[0..3].pe\n    actions:\n    - name: add\n"
                        "      energy: 1\n    - name: add\n      energy: 2\n"),
             Catch::Contains("bad.yaml:8:") && Catch::Contains("given twice"));
  CHECK_THROWS_WITH(load_arch("default", {"energy.ert=/nonexistent/ert.yaml"}),
                    Catch::Contains("energy.ert: '/nonexistent/ert.yaml' is not a readable file"));
}

TEST_CASE("energy sources: TrueNorth's marginal energy plus static floor meets Merolla's sweep",
          "[arch][energy]") {
  // Merolla 2014 at 0.8 V (REFERENCES.md): 68 / 71 / 94 mW at 11.6 / 20.1 / 95.9 Hz mean rate,
  // 1 M neurons with 128 active synapses each. The preset (2.3 pJ per synaptic event over a
  // floor of 4,096 cores x 0.015625 mW) must land within 3 % of each.
  const auto tn = load_arch("truenorth").config;
  const auto t = arch::energy_table(tn);
  const double floor_mw = t.mw(arch::StaticBlock::core) * tn.mesh.x * tn.mesh.y +
                          t.mw(arch::StaticBlock::router) * tn.mesh.x * tn.mesh.y +
                          t.mw(arch::StaticBlock::chip);
  const double events_per_hz = 1048576.0 * 128;
  for (const auto& [hz, mw] : {std::pair{11.6, 68.0}, {20.1, 71.0}, {95.9, 94.0}}) {
    const double model_mw = floor_mw + t.pj(EnergyEvent::pe_add) * events_per_hz * hz * 1e-9;
    CAPTURE(hz, mw, model_mw);
    CHECK(std::abs(model_mw - mw) / mw < 0.03);
  }
}
