// Trained networks right by default, end to end: the input fixed point chosen from graded
// inputs (and a warning when it loses accuracy), framework profiles and the `conventions`
// record, --fit, and progress only on a terminal.
#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "compiler_test_util.h"
#include "run_binary.h"
#include "workloads/npy.h"

using testutil::read_text;
using testutil::spikechip;

namespace {

std::string bars(const std::string& input) {
  return fmt::format("--model '{}' --input '{}' --labels '{}'",
                     testutil::source("workloads/examples/bars.nir"), input,
                     testutil::source("workloads/examples/bars_labels.npy"));
}
std::string bars_events() {
  return testutil::source("workloads/examples/bars_events.npy");
}

// The bundled events scaled to graded values: x * scale.
std::string scaled_events(const std::filesystem::path& dir, float scale) {
  const workloads::NpyArray a = workloads::read_npy(bars_events());
  std::vector<float> v = workloads::to_float(a);
  for (float& x : v) x *= scale;
  const std::string path = (dir / fmt::format("graded-{}.npy", scale)).string();
  workloads::write_npy(path, v, a.shape);
  return path;
}

nlohmann::json report(const std::filesystem::path& dir) {
  return nlohmann::json::parse(read_text(dir / "report.json"));
}

}  // namespace

TEST_CASE("e2e conventions: graded inputs get their fixed point from the inputs") {
  const auto dir = testutil::fresh_dir("graded");
  // 0.3 is not a short binary fraction: the finest resolution that keeps 0.3 under 255 is 2^-9.
  const std::string input = scaled_events(dir, 0.3f);
  const auto r = spikechip(
      fmt::format("run {} --dt 1e-3 --out '{}' --check-golden", bars(input), (dir / "r").string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, !Catch::Contains("warning"));
  const auto j = report(dir / "r");
  CHECK(j["conventions"]["input_frac_bits"] == 9);
  CHECK(j["conventions"]["input_frac_bits_chosen_by"] == "inputs");
  const auto& in = j["quantisation"][0];
  CHECK(in["input"] == true);
  CHECK(in["frac_bits"] == 9);
  CHECK(in["max_rel_error"].get<double>() < 0.01);
  CHECK(in["range"].get<double>() == Approx(0.3));

  // The old default (0 bits) on the same inputs: every value rounds to 0, and it says so.
  const auto old = spikechip(fmt::format("golden {} --dt 1e-3 --input-frac-bits 0 --out '{}'",
                                         bars(input), (dir / "g").string()));
  INFO(old.err);
  REQUIRE(old.exit_code == 0);
  CHECK_THAT(old.err, Catch::Contains("warning: the inputs lose 100 % of their range"));
  CHECK(report(dir / "g")["quantisation"][0]["chosen_by"] == "option");
}

TEST_CASE("e2e conventions: inputs beyond the payload range warn with the key that holds them") {
  const auto dir = testutil::fresh_dir("saturate");
  const auto r = spikechip(fmt::format("golden {} --dt 1e-3 --out '{}'",
                                       bars(scaled_events(dir, 300.0f)), (dir / "g").string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("4929 of 4929 values saturated"));
  CHECK_THAT(r.err, Catch::Contains("--set core.input_bits=9 holds the largest value"));
}

TEST_CASE("e2e conventions: spikes stay at 0 fraction bits, reports unchanged otherwise") {
  const auto dir = testutil::fresh_dir("spikes");
  const auto r = spikechip(fmt::format("run {} --dt 1e-3 --out '{}' --deterministic",
                                       bars(bars_events()), dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = report(dir);
  CHECK(j["conventions"]["input_frac_bits"] == 0);
  CHECK(j["quantisation"][0]["max_abs_error"] == 0.0);
  CHECK(j["accuracy"] == 1.0);
}

TEST_CASE("e2e conventions: a profile sets them, explicit options override, reports record") {
  const auto dir = testutil::fresh_dir("profile");
  const auto r = spikechip(fmt::format("golden {} --profile sinabs --reset value --out '{}'",
                                       bars(bars_events()), dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto c = report(dir)["conventions"];
  CHECK(c["profile"] == "sinabs");
  CHECK(c["dt"] == 1.0);
  CHECK(c["discretisation"] == "exact-unscaled");
  CHECK(c["reset"] == "value");  // the explicit option wins
  CHECK(c["spike_compare"] == "ge");

  const auto compile = spikechip(fmt::format("compile '{}' --profile snntorch",
                                             testutil::source("workloads/examples/bars.nir")));
  REQUIRE(compile.exit_code == 0);
  CHECK_THAT(compile.err, Catch::Contains("conventions (profile snntorch): dt 0.0001, "
                                          "discretisation euler, reset value, spike when v > "
                                          "threshold"));
  const auto bad = spikechip(fmt::format("golden {} --profile torch --out '{}'",
                                         bars(bars_events()), (dir / "x").string()));
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--profile torch: not a profile (expected one of: "
                                      "snntorch, norse"));
  const auto zero = spikechip(fmt::format("golden {} --dt 1 --reset zero --out '{}'",
                                          bars(bars_events()), (dir / "y").string()));
  CHECK(zero.exit_code == 2);
  CHECK_THAT(zero.err, Catch::Contains("--reset zero: expected value or subtract"));
}

TEST_CASE("e2e conventions: a network larger than the mesh names the --set; --fit grows it") {
  const auto dir = testutil::fresh_dir("fit");
  // 256-neuron cores hold one bars layer each: 3 cores, on a 1x1 mesh.
  const std::string small =
      "--set core.neurons=256 --set core.membrane_banks=8 --set mesh.x=1 --set mesh.y=1";
  const auto refused = spikechip(fmt::format("run {} --dt 1e-3 {} --out '{}'", bars(bars_events()),
                                             small, (dir / "a").string()));
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("it needs 3 cores, the 1x1 mesh has 1 (short by 2); "
                                          "--set mesh.x=2 --set mesh.y=2 holds it (or --fit)"));
  CHECK_FALSE(std::filesystem::exists(dir / "a"));
  const auto fit = spikechip(fmt::format("run {} --dt 1e-3 {} --fit --check-golden --out '{}'",
                                         bars(bars_events()), small, (dir / "b").string()));
  INFO(fit.err);
  REQUIRE(fit.exit_code == 0);
  CHECK_THAT(fit.err,
             Catch::Contains("--fit: the network needs 3 cores; mesh grown from 1x1 to 2x2"));
  CHECK_THAT(read_text(dir / "b" / "arch.yaml"), Catch::Contains("x: 2"));
  CHECK(report(dir / "b")["conventions"]["fit"].get<std::string>().find("2x2") !=
        std::string::npos);
}

TEST_CASE("e2e conventions: progress on a terminal only, and --quiet silences it") {
  // `script` is bsdutils (Debian: essential), so every machine has it.
  REQUIRE(std::system("command -v script > /dev/null 2>&1") == 0);
  const auto dir = testutil::fresh_dir("progress");
  // `script` gives the command a pseudo-terminal; its transcript holds what it printed.
  const auto on_tty = [&](const std::string& args, const std::string& name) {
    const std::string log = (dir / (name + ".log")).string();
    const std::string cmd =
        fmt::format("script -qefc \"'{}' {}\" '{}' > /dev/null 2>&1", SPIKECHIP_BINARY, args, log);
    REQUIRE(std::system(cmd.c_str()) == 0);
    return read_text(log);
  };
  const std::string args =
      fmt::format("run {} --dt 1e-3 --out '{}'", bars(bars_events()), (dir / "r1").string());
  CHECK_THAT(on_tty(args, "tty"), Catch::Contains("/16 samples"));
  const std::string quiet = fmt::format("golden {} --dt 1e-3 --quiet --out '{}'",
                                        bars(bars_events()), (dir / "r2").string());
  CHECK_THAT(on_tty(quiet, "quiet"), !Catch::Contains("samples"));
  // Not a terminal: nothing.
  const auto piped = spikechip(
      fmt::format("golden {} --dt 1e-3 --out '{}'", bars(bars_events()), (dir / "r3").string()));
  REQUIRE(piped.exit_code == 0);
  CHECK_THAT(piped.err, !Catch::Contains("samples"));
}
