// The `loihi` preset against Loihi silicon (docs/validation.md): the NIR paper's one-LIF trace
// `lif_lava_loihi_fixed.csv` (rows `input,voltage,spike`, row t = the state after step t),
// driven by its own input column through lif_norse.nir at dt = 1e-4 s. The probed v must equal
// the chip's voltage at every step but the spike steps, where the chip reports 128 and Lava's
// CPU model (lif_lava_cpu_fixed.csv) reports the reset value 0, which we match. The simulator
// (run) and the golden executor (golden) must probe identical values.
#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <sstream>

#include "compiler_test_util.h"
#include "run_binary.h"
#include "workloads/npy.h"

using testutil::read_text;
using testutil::spikechip;

namespace {

struct TraceRow {
  double input = 0, voltage = 0, spike = 0;
};

std::vector<TraceRow> read_trace(const std::string& path) {
  std::istringstream in(read_text(path));
  std::vector<TraceRow> rows;
  std::string line;
  while (std::getline(in, line)) {
    TraceRow r;
    char c1 = 0, c2 = 0;
    std::istringstream l(line);
    l >> r.input >> c1 >> r.voltage >> c2 >> r.spike;
    if (!l.fail() && c1 == ',' && c2 == ',') rows.push_back(r);
  }
  return rows;
}

// The v column of a probe CSV (`sample,step,layer,neuron,v,u`), checking sample and step.
std::vector<long> probe_v(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "sample,step,layer,neuron,v,u");
  std::vector<long> v;
  while (std::getline(in, line)) {
    long sample = -1, step = -1, neuron = -1, value = 0;
    char layer[64] = {};
    REQUIRE(std::sscanf(line.c_str(), "%ld,%ld,%63[^,],%ld,%ld,", &sample, &step, layer, &neuron,
                        &value) == 5);
    REQUIRE(sample == 0);
    REQUIRE(step == static_cast<long>(v.size()));
    REQUIRE(neuron == 0);
    v.push_back(value);
  }
  return v;
}

}  // namespace

TEST_CASE("e2e loihi: the loihi preset reproduces Loihi's lif_norse trace at every step") {
  if (!testutil::shared_data_present()) {
    WARN("skipped: " << SPIKECHIP_SHARED_DATA << " is absent");
    return;
  }
  const auto chip = read_trace(testutil::shared("nir/lif_crossplatform/lif_lava_loihi_fixed.csv"));
  const auto cpu = read_trace(testutil::shared("nir/lif_crossplatform/lif_lava_cpu_fixed.csv"));
  REQUIRE(chip.size() == 1000);
  REQUIRE(cpu.size() == 1000);
  const auto dir = testutil::fresh_dir("loihi-trace");
  std::vector<float> input;
  for (const TraceRow& r : chip) input.push_back(static_cast<float>(r.input));
  const std::string npy = (dir / "input.npy").string();
  workloads::write_npy(npy, input, {input.size(), 1});
  const std::string common =
      fmt::format("--model '{}' --dt 1e-4 --arch loihi --input '{}' --probe 1:0",
                  testutil::shared("nir/lif_norse.nir"), npy);

  const auto run = spikechip(fmt::format("run {} --probe-out trace.csv --check-golden --out '{}'",
                                         common, (dir / "run").string()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.err, Catch::Contains("golden check passed (1000 steps)"));
  const auto golden = spikechip(
      fmt::format("golden {} --probe-out trace.csv --out '{}'", common, (dir / "golden").string()));
  INFO(golden.err);
  REQUIRE(golden.exit_code == 0);

  const std::string sim_csv = read_text(dir / "run" / "trace.csv");
  CHECK(sim_csv == read_text(dir / "golden" / "trace.csv"));  // simulator == golden, bit for bit
  const std::vector<long> v = probe_v(sim_csv);
  REQUIRE(v.size() == 1000);
  std::vector<size_t> chip_spikes, wrong;
  for (size_t t = 0; t < v.size(); ++t) {
    if (chip[t].spike != 0) {
      chip_spikes.push_back(t);
      CHECK(chip[t].voltage == 128);  // what the chip reports at a spike step
    }
    const double expected = chip[t].spike != 0 ? cpu[t].voltage : chip[t].voltage;
    if (static_cast<double>(v[t]) != expected) wrong.push_back(t);
  }
  INFO("steps whose v differs (first): " << (wrong.empty() ? -1 : long(wrong[0])));
  CHECK(wrong.empty());
  CHECK(chip_spikes == std::vector<size_t>{461, 511, 711, 761});

  // Our spikes: the golden run's output spikes of the LIF layer.
  const std::string spikes = read_text(dir / "golden" / "output_spikes.csv");
  CHECK(spikes ==
        "sample,step,layer,neuron,payload\n0,461,1,0,1\n0,511,1,0,1\n0,711,1,0,1\n0,761,1,0,1\n");
  // The quantisation report says what the mapping rounded.
  const std::string report = read_text(dir / "run" / "report.json");
  CHECK_THAT(report, Catch::Contains("decay_v 0.04 -> 163/4096"));
  CHECK_THAT(report, Catch::Contains("0.04 -> 10 << 6"));
  CHECK_THAT(report, Catch::Contains("threshold 0.1 -> 25 << 6 = 1600"));
}

TEST_CASE("e2e loihi: a bad probe is refused, naming the layers") {
  const auto dir = testutil::fresh_dir("loihi-probe-bad");
  const std::string base =
      fmt::format("golden --model '{}' --dt 1e-3 --input '{}' --out '{}'",
                  testutil::source("workloads/examples/bars.nir"),
                  testutil::source("workloads/examples/bars_events.npy"), dir.string());
  const auto nolayer = spikechip(base + " --probe nosuch:0");
  CHECK(nolayer.exit_code == 2);
  CHECK_THAT(nolayer.err, Catch::Contains("no layer 'nosuch'"));
  const auto badrange = spikechip(base + " --probe nosuch:3-1");
  CHECK(badrange.exit_code == 2);
  CHECK_THAT(badrange.err, Catch::Contains("range 3-1 is empty"));
  const auto badout = spikechip(base + " --probe x --probe-out ../p.csv");
  CHECK(badout.exit_code == 2);
  CHECK_THAT(badout.err, Catch::Contains("expected a file name inside the output folder"));
}
