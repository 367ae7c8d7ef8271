// Sweep points resolved: identities (what changes a point's hash), compile keys shared by
// timing-only changes, point validation by the arch loader, the Pareto front, results files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "isa/error.h"
#include "sweep/engine.h"
#include "sweep/identity.h"
#include "sweep/metrics.h"
#include "sweep/pareto.h"
#include "sweep/plan.h"
#include "sweep/results.h"
#include "sweep/shard.h"

namespace {

namespace fs = std::filesystem;

sweep::RunOptionRules rules() {  // as in sweep_spec_test.cpp
  sweep::RunOptionRules r;
  r.check = [](const std::string& name, const std::string&) -> std::string {
    return name == "dt" || name == "conv-mode" || name == "timesteps" || name == "check-golden"
               ? ""
               : "not an option";
  };
  r.is_switch = [](const std::string& name) { return name == "check-golden"; };
  r.affects_compile = [](const std::string& name) { return name == "dt" || name == "conv-mode"; };
  return r;
}

std::string examples() {
  return std::string(SPIKECHIP_SOURCE_DIR) + "/workloads/examples/";
}

sweep::Plan plan_of(const std::string& axes, const std::string& version = "1.0",
                    bool deterministic = false, const std::string& options = "{dt: 1e-3}") {
  const std::string text = "sweep: t\nbase:\n  model: " + examples() +
                           "bars.nir\n  input: " + examples() +
                           "bars_events.npy\n  options: " + options + "\n" + axes;
  const std::string path = (fs::temp_directory_path() / "spikechip-unit-plan.yaml").string();
  return sweep::make_plan(sweep::parse_spec_text(text, path, rules()), rules(), version,
                          deterministic);
}

}  // namespace

TEST_CASE("sweep plan: a point's id covers arch, options, version and the flag, not the order") {
  const auto p = plan_of("axes: {mesh.x: [2, 4], options.timesteps: [5, 6]}\n");
  REQUIRE(p.points.size() == 4);
  std::set<std::string> ids;
  for (const auto& pt : p.points) ids.insert(pt.id);
  CHECK(ids.size() == 4);
  CHECK(p.points[0].id.size() == 16);
  // The same point from another spec shape has the same id.
  const auto q = plan_of("axes: {options.timesteps: [6], mesh.x: [4]}\n");
  CHECK(q.points[0].id == p.points[3].id);
  CHECK(plan_of("axes: {mesh.x: [2, 4], options.timesteps: [5, 6]}\n", "1.1").points[0].id !=
        p.points[0].id);
  CHECK(plan_of("axes: {mesh.x: [2, 4], options.timesteps: [5, 6]}\n", "1.0", true).points[0].id !=
        p.points[0].id);
  // The chip as resolved counts, not how it was written: 2 GHz given two ways.
  CHECK(plan_of("axes: {clock: [2 GHz]}\n").points[0].id ==
        plan_of("axes: {clock: [2000 MHz]}\n").points[0].id);
  CHECK_THAT(p.points[0].identity,
             Catch::Contains("model: " + sweep::hash_path(examples() + "bars.nir")));
}

TEST_CASE("sweep plan: timing-only keys share a compile, compile keys and options split it") {
  const auto p =
      plan_of("axes: {mesh.x: [2, 4], core.n_pe: [1, 8], noc.fidelity: [reservation, flit]}\n");
  REQUIRE(p.points.size() == 8);
  REQUIRE(p.compiles.size() == 2);  // by mesh.x only
  for (const auto& pt : p.points) CHECK(pt.compile_key == p.compiles[pt.index < 4 ? 0 : 1].key);
  CHECK(plan_of("axes: {options.conv-mode: [dense, sparse]}\n").compiles.size() == 2);
  CHECK(plan_of("axes: {options.timesteps: [3, 4]}\n").compiles.size() == 1);
  // check-golden runs from the NIR: no image.
  const auto g = plan_of("", "1.0", false, "{dt: 1e-3, check-golden: true}");
  CHECK(g.compiles.empty());
  CHECK(g.points[0].compile_key.empty());
}

TEST_CASE("sweep plan: every point is resolved by the arch loader before anything runs") {
  try {
    plan_of("axes:\n  mesh.x: [2, 4]\n  core.n_pe: [4, 5000]\n");
    FAIL("no error");
  } catch (const isa::InputError& e) {
    const std::string msg = e.what();
    CHECK_THAT(msg, Catch::Contains("spikechip-unit-plan.yaml:8:18: axis 'core.n_pe' value "
                                    "'5000' (point 1: mesh.x=2 core.n_pe=5000)"));
    CHECK_THAT(msg, Catch::Contains("out of range"));
  }
  CHECK_THROWS_WITH(plan_of("axes: {core.n_pes: [1]}\n"),
                    Catch::Contains("axis 'core.n_pes' value '1'") &&
                        Catch::Contains("did you mean 'core.n_pe'"));
  // Two grid points that are the same run.
  CHECK_THROWS_WITH(plan_of("axes: {clock: [1 GHz, 1000 MHz]}\n"),
                    Catch::Contains("are the same run"));
}

TEST_CASE("sweep plan: the run and compile command lines") {
  const auto p = plan_of("axes: {core.n_pe: [2]}\n", "1.0", true,
                         "{dt: 1e-3, check-golden: false, timesteps: 4}");
  const auto a = sweep::run_args(p, p.points[0], "m.scb", "c.yaml", "out", rules());
  const std::vector<std::string> expect = {
      "run",         "--model",        "m.scb",  "--arch",          "default",    "--set",
      "core.n_pe=2", "--compiled-for", "c.yaml", "--input",         p.spec.input, "--dt",
      "1e-3",        "--timesteps",    "4",      "--deterministic", "--threads",  "1",
      "--quiet",     "--out",          "out"};
  CHECK(a == expect);
  const auto c = sweep::compile_args(p, p.compiles[0], "x.scb", rules());
  const std::vector<std::string> cexpect = {"compile", p.spec.model,  "--arch",  "default",
                                            "--set",   "core.n_pe=2", "--input", p.spec.input,
                                            "--dt",    "1e-3",        "-o",      "x.scb"};
  CHECK(c == cexpect);
}

TEST_CASE("sweep pareto: not dominated = at least as good everywhere and better somewhere") {
  // (energy min, accuracy max)
  const std::vector<std::vector<double>> v = {{10, 0.9}, {12, 0.95}, {11, 0.9},
                                              {10, 0.9}, {20, 0.5},  {9, 0.8}};
  const auto f = sweep::pareto_front(v, {false, true});
  CHECK(f == std::vector<bool>{true, true, false, true, false, true});
  CHECK(sweep::pareto_front({}, {false}).empty());
  CHECK(sweep::pareto_front({{1}, {2}}, {true}) == std::vector<bool>{false, true});
}

TEST_CASE("sweep results: CSV quoting, error lines, content hashes") {
  CHECK(sweep::csv_field("ok") == "ok");
  CHECK(sweep::csv_field("a, b") == "\"a, b\"");
  CHECK(sweep::csv_field("say \"x\"") == "\"say \"\"x\"\"\"");
  CHECK(sweep::first_error_line("spikechip: warning: w\nspikechip run: error: x: bad\nmore\n") ==
        "x: bad");
  CHECK(sweep::first_error_line("spikechip run: sample 0 step 3: mismatch\n") ==
        "sample 0 step 3: mismatch");
  CHECK(sweep::hash_text("") == "cbf29ce484222325");  // FNV-1a 64 offset basis
  const fs::path d = fs::temp_directory_path() / "spikechip-unit-hash";
  fs::remove_all(d);
  fs::create_directories(d / "sub");
  std::ofstream(d / "a") << "x";
  std::ofstream(d / "sub" / "b") << "y";
  const std::string h1 = sweep::hash_path(d.string());
  std::ofstream(d / "sub" / "b") << "z";
  CHECK(sweep::hash_path(d.string()) != h1);
  CHECK(sweep::hash_path((d / "a").string()) == sweep::hash_text("x"));
  CHECK_THROWS_AS(sweep::hash_path((d / "nope").string()), isa::InputError);
}

TEST_CASE("sweep shards: --shard I/N, SLURM_ARRAY_* (from any minimum), round robin") {
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_COUNT");
  unsetenv("SLURM_ARRAY_TASK_MIN");
  CHECK_FALSE(sweep::shard_from(""));
  const auto s = sweep::shard_from("1/3");
  REQUIRE(s);
  CHECK(sweep::shard_points(8, s) == std::vector<size_t>{1, 4, 7});
  CHECK(sweep::shard_points(3, std::nullopt) == std::vector<size_t>{0, 1, 2});
  for (const char* bad : {"3/3", "1", "a/3", "1/0", "-1/3", "1/3x"})
    CHECK_THROWS_AS(sweep::shard_from(bad), isa::InputError);
  setenv("SLURM_ARRAY_TASK_ID", "4", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "1", 1);
  const auto e = sweep::shard_from("");
  REQUIRE(e);
  CHECK(e->index == 3);
  CHECK(e->count == 4);
  CHECK(sweep::shard_from("0/2")->index == 0);  // --shard wins
  setenv("SLURM_ARRAY_TASK_ID", "5", 1);
  CHECK_THROWS_AS(sweep::shard_from(""), isa::InputError);
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_COUNT");
  unsetenv("SLURM_ARRAY_TASK_MIN");
}

TEST_CASE("sweep results: rows in grid order, pareto over ok rows, the front as a table") {
  auto p = plan_of(
      "axes: {core.n_pe: [1, 2, 4]}\nobjectives: {energy.total_pj: min, "
      "latency.total_cycles: min}\n");
  const auto& cols = sweep::metric_columns();
  const auto col = [&](std::string_view name) {
    return size_t(std::find(cols.begin(), cols.end(), name) - cols.begin());
  };
  std::vector<sweep::Row> rows(3);
  for (size_t i = 0; i < 3; ++i) {
    rows[i].index = i;
    rows[i].id = p.points[i].id;
    rows[i].values = p.points[i].values;
    rows[i].metrics.assign(cols.size(), std::nullopt);
    rows[i].status = "ok";
  }
  rows[0].metrics[col("energy.total_pj")] = 10;
  rows[0].metrics[col("latency.total_cycles")] = 300;
  rows[1].metrics[col("energy.total_pj")] = 12;
  rows[1].metrics[col("latency.total_cycles")] = 200;
  rows[2].status = "layer 'x' does not fit, by 3";
  sweep::mark_pareto(p, rows);
  CHECK(rows[0].pareto == std::optional<bool>(true));
  CHECK(rows[1].pareto == std::optional<bool>(true));
  CHECK_FALSE(rows[2].pareto);
  const std::string csv = sweep::results_csv(p, rows);
  CHECK(csv.rfind("point,status,core.n_pe,accuracy,", 0) == 0);
  CHECK_THAT(csv, Catch::Contains(rows[0].id + ",ok,1,,300,"));
  CHECK_THAT(csv, Catch::Contains(rows[2].id + ",\"layer 'x' does not fit, by 3\",4,,,"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
  const std::string table = sweep::pareto_table(p, rows);
  CHECK_THAT(table, Catch::Contains("Pareto front (2 of 3 points)"));
  CHECK_THAT(table, Catch::Contains("energy.total_pj (min)"));
  CHECK_THAT(sweep::results_json(p, rows), Catch::Contains("\"failed\": 1"));
}
