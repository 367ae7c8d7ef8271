// Sweep points resolved: identities (what changes a point's hash), compile keys shared by
// timing-only changes, point validation by the arch loader, the Pareto front, results files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "isa/error.h"
#include "sweep/engine.h"
#include "sweep/identity.h"
#include "sweep/pareto.h"
#include "sweep/plan.h"
#include "sweep/results.h"

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
  // The inputs go to the compile too: the input fixed point is chosen from them.
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
