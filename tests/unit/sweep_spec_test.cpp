// Sweep specs: parsing, and the errors of a bad spec (file:line:column, axis, value), grid
// expansion (product, zip), ranges.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "isa/error.h"
#include "sweep/axis_values.h"
#include "sweep/grid.h"
#include "sweep/spec.h"

namespace {

namespace fs = std::filesystem;

// The spec parser takes the run verb's option table as rules (tools/spikechip builds them from
// `spikechip run`'s own options; e2e/sweep_cli.cpp runs those). Here: a table of three options
// with the same behaviour, so parsing is tested apart from the CLI.
sweep::RunOptionRules rules() {
  sweep::RunOptionRules r;
  r.check = [](const std::string& name, const std::string& value) -> std::string {
    if (name == "model" || name == "out") return "set by the sweep";
    if (name == "dt")
      return value.find_first_not_of("0123456789.e-") == std::string::npos ? "" : "not a number";
    if (name == "conv-mode") return value == "dense" || value == "sparse" ? "" : "not a mode";
    if (name == "check-golden")
      return value == "true" || value == "false" ? "" : "expected true or false";
    return "not an option of spikechip run";
  };
  r.is_switch = [](const std::string& name) { return name == "check-golden"; };
  r.affects_compile = [](const std::string& name) { return name != "check-golden"; };
  return r;
}

// A folder with the files a spec names, relative to it.
fs::path spec_dir() {
  const fs::path d = fs::temp_directory_path() / "spikechip-unit-sweep-spec";
  fs::create_directories(d / "data");
  for (const char* f : {"data/m.nir", "data/x.npy", "data/y.npy"}) std::ofstream(d / f) << f;
  return d;
}

const std::string kBase =
    "sweep: s\nbase:\n  model: data/m.nir\n  input: data/x.npy\n  labels: data/y.npy\n"
    "  options: {dt: 1e-3}\n";

sweep::Spec parse(const std::string& text) {
  const fs::path p = spec_dir() / "spec.yaml";
  return sweep::parse_spec_text(text, p.string(), rules());
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const isa::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("sweep spec: a full spec parses, paths are relative to the spec file") {
  const auto s = parse(kBase +
                       "  set: {noc.fidelity: flit}\n"
                       "axes:\n"
                       "  mesh.x: [2, 4]\n"
                       "  core.n_pe: {from: 1, to: 16, steps: 5, scale: log}\n"
                       "  options.conv-mode: [dense, sparse]\n"
                       "  core.au_modes: [[fc, conv], [fc]]\n"
                       "zip: [[mesh.x, options.conv-mode]]\n"
                       "objectives: {energy.per_inference_pj: min, accuracy: max}\n");
  CHECK(s.name == "s");
  CHECK(s.model == (spec_dir() / "data/m.nir").lexically_normal().string());
  CHECK(s.arch == "default");
  REQUIRE(s.options.size() == 1);
  CHECK(s.options[0].key == "dt");
  CHECK(s.options[0].value == "1e-3");
  REQUIRE(s.sets.size() == 1);
  CHECK(s.sets[0].key == "noc.fidelity");
  REQUIRE(s.axes.size() == 4);
  CHECK(s.axes[1].values.size() == 5);
  CHECK(s.axes[1].values[2].text == "4");
  CHECK(s.axes[2].is_option);
  CHECK(s.axes[2].key == "conv-mode");
  CHECK(s.axes[3].values[0].text == "[fc, conv]");
  REQUIRE(s.zips.size() == 1);
  CHECK(s.zips[0] == std::vector<size_t>{0, 2});
  REQUIRE(s.objectives.size() == 2);
  CHECK(s.objectives[1].maximise);
  CHECK(s.axes[0].values[1].mark.line == 9);
  CHECK(s.axes[0].values[1].mark.column == 15);
}

TEST_CASE("sweep spec: bad input names the spec, line:column, the axis and the value") {
  const std::string p = (spec_dir() / "spec.yaml").string();
  CHECK_THAT(error_of(kBase + "axes:\n  options.conv-mode: [dense, sparsest]\n"),
             Catch::Contains(p + ":8:30: axis 'options.conv-mode' value 'sparsest': not a mode"));
  CHECK_THAT(error_of(kBase + "axes:\n  options.frob: [1]\n"),
             Catch::Contains("8:18: axis 'options.frob' value '1': not an option"));
  CHECK_THAT(error_of(kBase + "axes:\n  mesh.x: [2, 2]\n"),
             Catch::Contains(":8:15: axis 'mesh.x': value '2' listed twice"));
  CHECK_THAT(error_of(kBase + "axes:\n  mesh.x: 2\n"),
             Catch::Contains(":8:11: axis 'mesh.x': expected a list of values or a range"));
  CHECK_THAT(error_of(kBase + "axes:\n  mesh.x: {from: 1, to: 8}\n"),
             Catch::Contains("a range needs from, to and steps"));
  CHECK_THAT(error_of(kBase + "axes:\n  mesh.x: {from: 0, to: 8, steps: 3, scale: log}\n"),
             Catch::Contains("axis 'mesh.x': a log range needs from and to above 0"));
  CHECK_THAT(error_of(kBase + "axes:\n  mesh.x: {from: 1, to: 8, steps: 3, scale: cubic}\n"),
             Catch::Contains(":8:45: axis 'mesh.x': range scale: expected linear or log"));
  CHECK_THAT(error_of(kBase + "axes:\n  mesh.x: {from: 1, to: 8, step: 3}\n"),
             Catch::Contains("unknown range key 'step'"));
  CHECK_THAT(error_of(kBase + "axes: {mesh.x: [1, 2], mesh.y: [1]}\nzip: [[mesh.x, mesh.y]]\n"),
             Catch::Contains("zipped axes need as many values each"));
  CHECK_THAT(error_of(kBase + "axes: {mesh.x: [1, 2]}\nzip: [[mesh.x, mesh.z]]\n"),
             Catch::Contains(":8:16: zip: 'mesh.z' is not an axis"));
  CHECK_THAT(error_of(kBase + "objectives: {energy: min}\n"),
             Catch::Contains(":7:14: objectives: 'energy' is not a metric"));
  CHECK_THAT(error_of(kBase + "objectives: {accuracy: up}\n"),
             Catch::Contains("objectives: accuracy: expected min or max, got 'up'"));
  CHECK_THAT(error_of(kBase + "axez: {}\n"), Catch::Contains(":7:1: unknown key 'axez'"));
  CHECK_THAT(error_of("sweep: s\nbase:\n  model: data/m.nir\n  input: data/nope.npy\n"),
             Catch::Contains(":4:10: base.input: 'data/nope.npy' does not exist"));
  CHECK_THAT(error_of("sweep: s\nbase:\n  model: data/m.nir\n"),
             Catch::Contains("base: missing 'input'"));
  CHECK_THAT(error_of("sweep: s\nbase:\n  model: data/m.nir\n  input: data/x.npy\n  "
                      "options: {model: x}\n"),
             Catch::Contains(":5:20: base.options 'model' value 'x': set by the sweep"));
  CHECK_THAT(error_of("sweep: s\nbase:\n  model: data/m.nir\n  input: data/x.npy\n"
                      "objectives: {accuracy: max}\n"),
             Catch::Contains("objectives: accuracy needs base.labels"));
  CHECK_THAT(error_of(kBase + "axes: {mesh.x: [1, 2\n"), Catch::Contains("malformed YAML"));
  CHECK_THAT(error_of(kBase + "axes: {mesh.x: [1], zip: [[mesh.x, mesh.x]]}\nzip: []\n"),
             Catch::Contains("zip: given both"));
}

TEST_CASE("sweep grid: the product in axis order, the last axis fastest") {
  const auto s = parse(kBase + "axes: {a.x: [1, 2], b.y: [p, q, r]}\n");
  const auto g = sweep::expand_grid(s);
  REQUIRE(g.size() == 6);
  CHECK(g[0] == std::vector<size_t>{0, 0});
  CHECK(g[1] == std::vector<size_t>{0, 1});
  CHECK(g[2] == std::vector<size_t>{0, 2});
  CHECK(g[3] == std::vector<size_t>{1, 0});
  CHECK(g[5] == std::vector<size_t>{1, 2});
}

TEST_CASE("sweep grid: zipped axes advance together, at the place of their first axis") {
  const auto s = parse(kBase +
                       "axes: {a.x: [1, 2], b.y: [p, q, r], c.z: [10, 20]}\n"
                       "zip: [[c.z, a.x]]\n");
  const auto g = sweep::expand_grid(s);
  REQUIRE(g.size() == 6);
  CHECK(g[0] == std::vector<size_t>{0, 0, 0});
  CHECK(g[1] == std::vector<size_t>{0, 1, 0});
  CHECK(g[3] == std::vector<size_t>{1, 0, 1});
  CHECK(g[5] == std::vector<size_t>{1, 2, 1});
  const auto one = parse(kBase);
  CHECK(sweep::expand_grid(one).size() == 1);  // no axes: the base alone
}

TEST_CASE("sweep ranges: linear and log, whole numbers when the ends are") {
  using sweep::range_values;
  CHECK(range_values(1, 16, 5, true, true) == std::vector<double>{1, 2, 4, 8, 16});
  CHECK(range_values(0, 1, 3, false, false) == std::vector<double>{0, 0.5, 1});
  CHECK(range_values(1e-4, 1e-2, 3, true, false) == std::vector<double>{1e-4, 1e-3, 1e-2});
  CHECK(range_values(2, 10, 5, false, true) == std::vector<double>{2, 4, 6, 8, 10});
  CHECK(range_values(10, 2, 3, false, true) == std::vector<double>{10, 6, 2});
  CHECK(range_values(1, 10, 4, true, true) == std::vector<double>{1, 2, 5, 10});
  CHECK(range_values(3, 3, 1, false, true) == std::vector<double>{3});
  CHECK_THROWS_WITH(range_values(1, 4, 8, false, true), Catch::Contains("gives 1 twice"));
  CHECK_THROWS_WITH(range_values(1, 4, 1, false, true), Catch::Contains("from = to"));
  CHECK(sweep::number_text(1e-3) == "0.001");
  CHECK(sweep::number_text(16) == "16");
  CHECK(sweep::number_text(-0.0) == "0");
}
