// Energy and latency against SANA-FE (issue 23): conv_s1 on `--arch loihi_sanafe` (SANA-FE's
// board-fitted Loihi table, its mapping rules and latencies) against SANA-FE's own run summary
// (../shared/data/sanafe/conv_s1_sanafe_loihi.json). The figures are deterministic: this is a
// pass/fail test of the model, not a timing test. Targets (docs/validation.md): total energy
// within 5 %, synapse / soma / network each within 10 %, latency per step within 25 %.
#include <catch2/catch.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "compiler_test_util.h"
#include "run_binary.h"

namespace {

double sum_events(const nlohmann::json& by_event, std::initializer_list<const char*> keys) {
  double pj = 0;
  for (const char* k : keys) pj += by_event.at(k).get<double>();
  return pj * 1e-12;
}

}  // namespace

TEST_CASE("e2e sanafe: conv_s1 energy by component and latency on loihi_sanafe",
          "[sanafe][e2e][energy]") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  const auto dir = testutil::fresh_dir("sanafe_energy");
  const auto r = testutil::spikechip(fmt::format(
      "run --arch loihi_sanafe --model '{}' --input '{}' --dt 1 --out '{}' --check-golden",
      testutil::shared("sanafe/conv_s1.nir"), testutil::shared("sanafe/conv_s1_input.npy"),
      dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto rep = nlohmann::json::parse(testutil::read_text(dir / "report.json"));
  const auto sfe = nlohmann::json::parse(
      testutil::read_text(testutil::shared("sanafe/conv_s1_sanafe_loihi.json")));
  // The same network run the same way: counts are exact.
  CHECK(rep.at("sim").at("synaptic_events").get<int64_t>() ==
        sfe.at("total_spikes_synaptic_events").get<int64_t>());
  int64_t spikes = 0;
  for (const auto& l : rep.at("layers")) spikes += l.at("spikes").get<int64_t>();
  CHECK(spikes == sfe.at("total_neurons_fired").get<int64_t>());

  const auto& ev = rep.at("energy").at("by_event");
  const double synapse = sum_events(ev, {"au.address", "weight_mem.read", "pe.add"});
  const double soma = sum_events(ev, {"neuron.update_active", "neuron.update_idle", "neuron.spike",
                                      "membrane_mem.read", "membrane_mem.write"});
  const double network = sum_events(
      ev, {"spike_out.packet", "router.hop_flit", "link.traverse", "link.traverse_ns", "host.io"});
  const double total = rep.at("energy").at("total_pj").get<double>() * 1e-12;
  const auto& e = sfe.at("energy_J");
  const auto within = [](double ours, double theirs, double tol) {
    CAPTURE(ours, theirs, ours / theirs);
    CHECK(std::abs(ours / theirs - 1) <= tol);
  };
  within(synapse, e.at("synapse").get<double>(), 0.10);
  within(soma, e.at("soma").get<double>(), 0.10);
  within(network, e.at("network").get<double>(), 0.10);
  within(total, e.at("total").get<double>(), 0.05);
  const double step = rep.at("latency").at("seconds_per_step").get<double>();
  within(step, sfe.at("sim_time_s").get<double>() / sfe.at("timesteps_executed").get<double>(),
         0.25);
  std::filesystem::remove_all(dir);
}
