// `spikechip golden --compare-float` on the bundled workload: the float_compare report.
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "compiler_test_util.h"
#include "run_binary.h"

using testutil::read_text;
using testutil::spikechip;

TEST_CASE("e2e golden --compare-float: spike agreement and accuracy of float vs quantised") {
  std::string reports[2];
  for (int run = 0; run < 2; ++run) {
    const auto dir = testutil::fresh_dir("float");
    const auto r = spikechip(fmt::format(
        "golden --model '{}' --dt 1e-3 --input '{}' --labels '{}' --out '{}' --deterministic "
        "--compare-float",
        testutil::source("workloads/examples/bars.nir"),
        testutil::source("workloads/examples/bars_events.npy"),
        testutil::source("workloads/examples/bars_labels.npy"), dir.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    reports[run] = read_text(dir / "report.json");
  }
  CHECK(reports[0] == reports[1]);  // deterministic
  const auto j = nlohmann::json::parse(reports[0]);
  REQUIRE(j.contains("float_compare"));
  const auto& fc = j["float_compare"];
  REQUIRE(fc["layers"].size() == 2);  // lines.lif and class.lif
  CHECK(fc["layers"][0]["layer"] == "lines.lif");
  CHECK(fc["layers"][1]["layer"] == "class.lif");
  // bars: 16 samples x 24 steps; lines.lif has 2x16x16 neurons, class.lif 2.
  CHECK(fc["layers"][0]["decisions"] == 16 * 24 * 512);
  CHECK(fc["layers"][1]["decisions"] == 16 * 24 * 2);
  // The quantised spike counts are the golden run's own.
  const auto& layers = j["layers"];
  CHECK(fc["layers"][0]["spikes_quantised"] == layers[1]["spikes"]);
  CHECK(fc["layers"][1]["spikes_quantised"] == layers[2]["spikes"]);
  CHECK(fc["layers"][0]["spikes_float"].get<uint64_t>() > 0);
  const double agree = fc["total"]["spike_agreement"];
  CHECK(agree > 0.9);
  CHECK(agree <= 1.0);
  const double af = fc["accuracy_float"], aq = fc["accuracy_quantised"];
  CHECK(aq == j["accuracy"].get<double>());
  CHECK(fc["accuracy_difference"].get<double>() == Approx(aq - af));
  CHECK(fc["prediction_agreement"].get<double>() >= 0.0);
}

TEST_CASE("e2e golden: without --compare-float there is no float_compare") {
  const auto dir = testutil::fresh_dir("nofloat");
  const auto r =
      spikechip(fmt::format("golden --model '{}' --dt 1e-3 --input '{}' --out '{}' --deterministic",
                            testutil::source("workloads/examples/bars.nir"),
                            testutil::source("workloads/examples/bars_events.npy"), dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "report.json").find("float_compare") == std::string::npos);
}
