// Agreement with SANA-FE (issue 11): conv_s1 through `spikechip run --check-golden` gives
// SANA-FE's per-layer spike counts and synaptic events (pipelined semantics), and the NumPy
// reference's same-step counts (layer_sequential), on the default chip and on the loihi preset.
// The figures are those of ../shared/data/sanafe/README.md (conv_s1_counts.json).
#include <catch2/catch.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <vector>

#include "compiler_test_util.h"
#include "run_binary.h"

namespace {

struct Expected {
  const char* semantics;
  std::vector<int64_t> spikes;  // input, if1, if2, if3
  int64_t synaptic_events;
};

const Expected kPipelined{"pipelined", {23011, 12484, 33955, 226}, 4576131};
const Expected kSameStep{"layer_sequential", {23011, 12595, 34571, 233}, 4600666};

// Runs conv_s1 with `arch_args` and checks the report against `e`.
void check_conv_s1(const std::string& arch_args, const Expected& e) {
  const auto dir = testutil::fresh_dir("sanafe");
  const auto r = testutil::spikechip(fmt::format(
      "run --model '{}' --input '{}' --dt 1 {} --set semantics={} --out '{}' --check-golden",
      testutil::shared("sanafe/conv_s1.nir"), testutil::shared("sanafe/conv_s1_input.npy"),
      arch_args, e.semantics, dir.string()));
  CAPTURE(arch_args, e.semantics);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);  // 3 would mean the simulator diverged from the golden executor
  const auto report = nlohmann::json::parse(testutil::read_text(dir / "report.json"));
  CHECK(report.at("semantics").get<std::string>() == e.semantics);
  CHECK(report.at("golden_check").at("passed").get<bool>());
  CHECK(report.at("golden_check").at("steps_checked").get<int64_t>() == 100);
  std::vector<int64_t> spikes;
  for (const auto& layer : report.at("layers")) spikes.push_back(layer.at("spikes").get<int64_t>());
  CHECK(spikes == e.spikes);
  CHECK(report.at("sim").at("synaptic_events").get<int64_t>() == e.synaptic_events);
  // Effective ACs: zero weights touched by dense addressing are reported apart, never counted.
  CHECK(report.at("sparsity").at("synaptic_events").get<int64_t>() == e.synaptic_events);
  CHECK(report.at("sparsity").at("dense_ops").get<int64_t>() -
            report.at("sparsity").at("zero_weight_ops").get<int64_t>() ==
        e.synaptic_events);
  std::filesystem::remove_all(dir);
}

}  // namespace

TEST_CASE("e2e sanafe: conv_s1 on the default chip matches SANA-FE's counts", "[sanafe][e2e]") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  check_conv_s1("", kPipelined);
  check_conv_s1("", kSameStep);
}

TEST_CASE("e2e sanafe: conv_s1 on the loihi preset matches SANA-FE's counts", "[sanafe][e2e]") {
  if (!testutil::shared_data_present()) {
    WARN("shared data absent: skipped");
    return;
  }
  // Loihi's fan-in of 4,096 axons per core is smaller than the 5,408-input Linear of conv_s1:
  // the compiler splits that layer's fan-in across two cores (partial sums, PSUM), and the
  // counts stay exact. The preset's `lava_loihi` quantisation is the Lava script's fixed point,
  // which maps the threshold 16 to (trunc(16 x 131071) >> 9) / 256 = 15.996: a neuron at
  // exactly v = 16 fires there and not under NIR's strict v > 16, so that mapping runs a
  // slightly different network (13116/36869/240 spikes). SANA-FE runs the integer network as it
  // is, and so does the exact power-of-two quantisation used here. Everything else (mesh, cores,
  // fan-in, memories, NoC, timing) is Loihi's.
  const std::string loihi = "--arch loihi --set core.quantisation=power_of_two";
  check_conv_s1(loihi, kPipelined);
  check_conv_s1(loihi, kSameStep);
}
