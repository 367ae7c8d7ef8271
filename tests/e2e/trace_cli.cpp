// `spikechip run --perfetto F --vcd F --trace-*` end to end on the bundled workload: both files
// written atomically with the report, the Chrome JSON parsed, the VCD accepted by GTKWave's
// vcd2fst, the bounds respected, and the reports otherwise byte-identical to an untraced run.
#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "run_binary.h"

using testutil::read_text;
using testutil::spikechip;

namespace {

std::string bars_args() {
  return fmt::format("--model '{}' --dt 1e-3 --input '{}' --labels '{}' --deterministic",
                     testutil::source("workloads/examples/bars.nir"),
                     testutil::source("workloads/examples/bars_events.npy"),
                     testutil::source("workloads/examples/bars_labels.npy"));
}

// The report without its "trace" object, as the run writes reports.
std::string without_trace(const std::string& report) {
  auto j = nlohmann::ordered_json::parse(report);
  j.erase("trace");
  return j.dump(2) + "\n";
}

}  // namespace

TEST_CASE("e2e trace: bars, steps 2:5, both files, golden check, report otherwise identical") {
  const auto plain = testutil::fresh_dir("trace-plain"), dir = testutil::fresh_dir("trace-bars");
  const auto a = spikechip(fmt::format("run {} --out '{}'", bars_args(), plain.string()));
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  const auto r = spikechip(fmt::format(
      "run {} --out '{}' --check-golden --perfetto '{}/t.json' --vcd '{}/t.vcd' --trace-steps 2:5",
      bars_args(), dir.string(), dir.string(), dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("golden check passed"));

  // The reports agree but for the trace object (and the golden check's).
  auto traced = nlohmann::ordered_json::parse(read_text(dir / "report.json"));
  traced.erase("golden_check");
  CHECK(without_trace(traced.dump(2) + "\n") == read_text(plain / "report.json"));
  CHECK(read_text(dir / "predictions.csv") == read_text(plain / "predictions.csv"));

  const auto report = nlohmann::json::parse(read_text(dir / "report.json"));
  const auto& t = report["trace"];
  CHECK(t["steps"] == nlohmann::json::array({2, 5}));
  CHECK(t["samples"] == "all");
  CHECK(t["cores"] == "all");
  const uint64_t samples = report["workload"]["samples"];
  CHECK(t["steps_traced"] == 3 * samples);
  CHECK(t["events"].get<uint64_t>() > 0);
  const std::string json_text = read_text(dir / "t.json");
  const std::string vcd_text = read_text(dir / "t.vcd");
  CHECK(t["files"]["perfetto"]["bytes"] == json_text.size());
  CHECK(t["files"]["vcd"]["bytes"] == vcd_text.size());
  const uint64_t first = t["cycles"][0], last = t["cycles"][1];
  CHECK(first > 0);  // step 0 is not traced
  CHECK(last <= report["latency"]["total_cycles"].get<uint64_t>());

  // The Chrome JSON: every kind of event, all within the traced steps' cycles (1 GHz: 1 ns).
  const auto j = nlohmann::json::parse(json_text);
  CHECK(j["displayTimeUnit"] == "ns");
  std::set<std::string> phases, steps;
  std::map<uint64_t, int> flows;
  bool core_named = false;
  for (const auto& ev : j["traceEvents"]) {
    const std::string ph = ev["ph"];
    phases.insert(ph);
    if (ph == "M" && ev["name"] == "thread_name" &&
        ev["args"]["name"].get<std::string>().rfind("core (", 0) == 0)
      core_named = true;
    if (ph == "s") ++flows[ev["id"].get<uint64_t>()];
    if (ph == "f") --flows[ev["id"].get<uint64_t>()];
    if (ph == "X" && ev["cat"] == "step") steps.insert(ev["name"].get<std::string>());
    if (ph != "M") {
      const double ts = ev["ts"].get<double>() * 1e3;  // ns = cycles
      const double end = ts + (ph == "X" ? ev["dur"].get<double>() * 1e3 : 0.0);
      CHECK(ts >= double(first) - 1e-6);
      CHECK(end <= double(last) + 1e-6);
    }
  }
  CHECK(phases == std::set<std::string>{"M", "X", "s", "f", "C", "i"});
  CHECK(core_named);
  for (const auto& [id, balance] : flows) CHECK(balance == 0);  // each start has its finish
  CHECK(steps.count("sample 0 step 2") == 1);
  CHECK(steps.count("sample 0 step 4") == 1);
  CHECK(steps.count("sample 0 step 5") == 0);
  CHECK(steps.count("sample 0 step 1") == 0);

  // GTKWave's converter accepts the VCD.
  const auto fst = dir / "t.fst";
  const int rc = std::system(
      fmt::format("vcd2fst '{}/t.vcd' '{}' > /dev/null 2>&1", dir.string(), fst.string()).c_str());
  CHECK(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) == 0);
  CHECK(std::filesystem::file_size(fst) > 0);
  CHECK(vcd_text.rfind("$date", 0) == 0);
}

TEST_CASE("e2e trace: a file outside the output folder, cores and samples bounded") {
  const auto dir = testutil::fresh_dir("trace-out"), other = testutil::fresh_dir("trace-other");
  const auto r = spikechip(fmt::format(
      "run {} --out '{}/run' --perfetto '{}/t.json' --trace-steps 1 --trace-samples 0,2 "
      "--trace-cores 0 --threads 2",
      bars_args(), dir.string(), other.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("tracing runs the samples in one process"));
  // Only the trace itself in that folder: no temporary left behind.
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(other))
    names.push_back(e.path().filename().string());
  CHECK(names == std::vector<std::string>{"t.json"});
  const auto j = nlohmann::json::parse(read_text(other / "t.json"));
  std::set<std::string> cores, steps;
  for (const auto& ev : j["traceEvents"]) {
    if (ev["ph"] == "M" && ev["name"] == "thread_name") {
      const std::string name = ev["args"]["name"];
      if (name.rfind("core (", 0) == 0) cores.insert(name.substr(0, name.find(')') + 1));
    }
    if (ev["ph"] == "X" && ev["cat"] == "step") steps.insert(ev["name"].get<std::string>());
  }
  CHECK(cores == std::set<std::string>{"core (0,0)"});
  CHECK(steps == std::set<std::string>{"sample 0 step 1", "sample 2 step 1"});
  const auto report = nlohmann::json::parse(read_text(dir / "run" / "report.json"));
  CHECK(report["trace"]["samples"] == nlohmann::json::array({0, 2}));
  CHECK(report["trace"]["cores"] == nlohmann::json::array({0}));
  CHECK(report["trace"]["files"]["perfetto"]["path"] == (other / "t.json").string());
}

TEST_CASE("e2e trace: bad trace options exit 2 and leave nothing behind") {
  const auto dir = testutil::fresh_dir("trace-bad");
  for (const std::string& opts :
       {std::string("--trace-steps 2:5"),  // no trace file
        std::string("--perfetto '") + dir.string() + "/t.json' --trace-steps 5:2",
        std::string("--vcd '") + dir.string() + "/t.vcd' --trace-steps 100000:100001",
        std::string("--vcd '") + dir.string() + "/t.vcd' --trace-samples 99999",
        std::string("--vcd '") + dir.string() + "/t.vcd' --trace-cores 4096",
        std::string("--vcd '") + dir.string() + "/missing/t.vcd'"}) {
    const auto r =
        spikechip(fmt::format("run {} --out '{}/run' {}", bars_args(), dir.string(), opts));
    INFO(opts << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--trace") || Catch::Contains("missing"));
    CHECK_FALSE(std::filesystem::exists(dir / "run" / "report.json"));
    CHECK_FALSE(std::filesystem::exists(dir / "t.vcd"));
    CHECK_FALSE(std::filesystem::exists(dir / "t.json"));
  }
}
