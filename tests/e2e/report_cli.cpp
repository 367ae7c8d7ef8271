// Statistics and reports end to end: every counter of the registry in every output (stats.txt,
// stats.json, report.json, layers.csv, cores.csv, steps.csv), run and golden agreeing on the
// statistics they share, byte-identical reruns, and `spikechip report` (page, text, errors).
#include <fmt/core.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "compiler/nir.h"
#include "compiler/nir_build.h"
#include "run_binary.h"
#include "simmodel/counters.h"
#include "workloads/npy.h"

using testutil::read_text;
using testutil::spikechip;
using Json = nlohmann::json;

namespace {

std::string bars_args() {
  return fmt::format("--model '{}' --dt 1e-3 --input '{}' --labels '{}'",
                     testutil::source("workloads/examples/bars.nir"),
                     testutil::source("workloads/examples/bars_events.npy"),
                     testutil::source("workloads/examples/bars_labels.npy"));
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  size_t col(const std::string& name) const {
    for (size_t k = 0; k < header.size(); ++k)
      if (header[k] == name) return k;
    return header.size();
  }
  bool has(const std::string& name) const { return col(name) < header.size(); }
  std::string at(size_t row, const std::string& name) const { return rows.at(row).at(col(name)); }
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  std::string x;
  while (std::getline(ss, x, ',')) f.push_back(x);
  if (!line.empty() && line.back() == ',') f.emplace_back();
  return f;
}

Csv read_csv(const std::filesystem::path& p) {
  Csv c;
  std::stringstream in(read_text(p));
  std::string line;
  if (std::getline(in, line)) c.header = split(line);
  while (std::getline(in, line))
    if (!line.empty()) c.rows.push_back(split(line));
  return c;
}

// A value at a dotted path of nested objects, or null.
Json at_path(const Json& j, const std::string& path) {
  const Json* p = &j;
  std::stringstream ss(path);
  std::string key;
  while (std::getline(ss, key, '.')) {
    if (!p->is_object() || !p->contains(key)) return nullptr;
    p = &(*p)[key];
  }
  return *p;
}

// The stats.txt line of a statistic: "name value # description (unit)".
bool txt_has(const std::string& txt, const std::string& name) {
  return txt.find("\n" + name + " ") != std::string::npos;
}

struct Folder {
  std::filesystem::path dir;
  Json report, stats;
  std::string txt;
  Csv layers, cores, steps, links;
};

Folder make(const std::string& verb, const std::string& extra, const std::string& name) {
  Folder f;
  f.dir = testutil::fresh_dir(name);
  const auto r = spikechip(fmt::format("{} {} --out '{}' --stats-per-step --deterministic {}", verb,
                                       bars_args(), f.dir.string(), extra));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  f.report = Json::parse(read_text(f.dir / "report.json"));
  f.stats = Json::parse(read_text(f.dir / "stats.json"));
  f.txt = read_text(f.dir / "stats.txt");
  f.layers = read_csv(f.dir / "layers.csv");
  if (std::filesystem::exists(f.dir / "cores.csv")) f.cores = read_csv(f.dir / "cores.csv");
  f.steps = read_csv(f.dir / "steps.csv");
  if (std::filesystem::exists(f.dir / "links.csv")) f.links = read_csv(f.dir / "links.csv");
  return f;
}

// Every statistic of stats.json (the registry as written) in stats.txt, and in the CSV or the
// report.json object that holds its scope.
void check_registry_everywhere(const Folder& f) {
  REQUIRE(f.stats.size() > 20);
  // Every name once: stats.txt has one line per statistic (and a header and footer line), and
  // stats.json (an object) one key per distinct name.
  CHECK(size_t(std::count(f.txt.begin(), f.txt.end(), '\n')) == f.stats.size() + 2);
  for (const auto& [name, e] : f.stats.items()) {
    CAPTURE(name);
    CHECK(e.contains("value"));
    CHECK(!e.at("unit").get<std::string>().empty());
    CHECK(!e.at("description").get<std::string>().empty());
    CHECK(txt_has(f.txt, name));
    if (name.rfind("layer.", 0) == 0) {
      // layer.<layer>.<stat>: the layer's row of layers.csv and report.json layers[].counters
      bool found = false;
      for (size_t l = 0; l < f.report["layers"].size(); ++l) {
        const std::string layer = f.report["layers"][l]["layer"];
        const std::string p = "layer." + layer + ".";
        if (name.rfind(p, 0) != 0) continue;
        const std::string stat = name.substr(p.size());
        if (!f.layers.has(stat) || !f.report["layers"][l]["counters"].contains(stat)) continue;
        found = f.layers.at(l, "layer") == layer;
      }
      CHECK(found);
    } else if (name.rfind("core", 0) == 0 && name.size() > 4 && isdigit(name[4])) {
      const std::string stat = name.substr(name.find('.') + 1);
      CHECK(f.cores.has(stat));
      bool in_report = false;
      for (const auto& c : f.report["latency"]["per_core"])
        in_report |= name.rfind(fmt::format("core{}.", c["core"].get<int>()), 0) == 0 &&
                     c["counters"].contains(stat);
      CHECK(in_report);
    } else if (name.rfind("router.", 0) == 0) {
      // router.x<X>y<Y>.<port>.<stat>: the port's row of links.csv and report.json noc_links
      unsigned x = 0, y = 0;
      char port[16] = {};
      REQUIRE(std::sscanf(name.c_str(), "router.x%uy%u.%15[a-z]", &x, &y, port) == 3);
      const std::string stat = name.substr(fmt::format("router.x{}y{}.{}.", x, y, port).size());
      CHECK(f.links.has(stat));
      bool in_csv = false, in_report = false;
      for (size_t k = 0; k < f.links.rows.size(); ++k)
        in_csv |= f.links.at(k, "x") == std::to_string(x) &&
                  f.links.at(k, "y") == std::to_string(y) && f.links.at(k, "port") == port;
      for (const auto& l : f.report["noc_links"])
        in_report |= l["x"] == x && l["y"] == y && l["port"] == port && l.contains(stat);
      CHECK(in_csv);
      CHECK(in_report);
    } else {
      CHECK(f.report["counters"].contains(name));
      if (name.rfind("neurobench.", 0) == 0)
        CHECK(!at_path(f.report["neurobench"], name.substr(11)).is_null());
    }
  }
}

}  // namespace

TEST_CASE("e2e report: every simulator counter reaches every output of run") {
  const Folder f = make("run", "", "stats-run");
  check_registry_everywhere(f);
  CHECK(!f.report.contains("real_time"));  // an NPY tensor, not an event recording
  const auto& layers = f.report["layers"];
  const auto& cores = f.report["latency"]["per_core"];
  REQUIRE(!cores.empty());
  auto check_counter = [&](const std::string& m, bool steps) {
    CAPTURE(m);
    CHECK(f.stats.contains("chip." + m));
    CHECK(f.report["counters"].contains("chip." + m));
    CHECK(f.layers.has(m));
    CHECK(f.cores.has(m));
    if (steps) CHECK(f.steps.has(m));
    for (const auto& l : layers) {
      CHECK(f.stats.contains("layer." + l["layer"].get<std::string>() + "." + m));
      CHECK(l["counters"].contains(m));
    }
    for (const auto& c : cores) {
      CHECK(f.stats.contains(fmt::format("core{}.{}", c["core"].get<int>(), m)));
      CHECK(c["counters"].contains(m));
    }
  };
#define SIM_X(m, doc, unit) check_counter(#m, true);
  SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc) check_counter("stall_cycles." #m, false);
  SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc, unit)                        \
  CHECK(f.stats.contains("noc." #m));              \
  CHECK(f.report["counters"].contains("noc." #m)); \
  CHECK(f.report["latency"]["noc"].contains(#m));
  SIM_NOC_FIELDS(SIM_X)
#undef SIM_X
  // Per link: every port's counters in links.csv; flits add up to the chip-wide counters.
  REQUIRE(!f.links.rows.empty());
#define SIM_X(m, doc, unit) CHECK(f.links.has(#m));
  SIM_LINK_FIELDS(SIM_X)
#undef SIM_X
  CHECK(f.report["noc_links"].size() == f.links.rows.size());
  double flits = 0, mesh_flits = 0;
  for (const auto& l : f.report["noc_links"]) {
    flits += l["flits"].get<double>();
    const std::string port = l["port"];
    if (port != "local" && port != "host") mesh_flits += l["flits"].get<double>();
  }
  CHECK(flits == f.report["counters"]["noc.flit_hops"].get<double>());
  CHECK(mesh_flits == f.report["counters"]["noc.link_traversals"].get<double>());
  CHECK(flits > 0);
  // Static energy by layer adds up to the chip's (to floating-point rounding).
  double layer_static = 0;
  for (const auto& l : layers) layer_static += l["counters"]["energy_static"].get<double>();
  const double chip_static = f.report["counters"]["energy.static_total"].get<double>();
  CHECK(chip_static > 0);
  CHECK(std::fabs(layer_static - chip_static) <= 1e-9 * chip_static);
  double per_layer_static = 0;
  for (const auto& l : f.report["energy"]["per_layer"])
    per_layer_static += l["static_pj"].get<double>();
  CHECK(std::fabs(per_layer_static - chip_static) <= 1e-9 * chip_static);
  for (const char* k :
       {"activation_sparsity", "connection_sparsity", "synaptic_operations.effective_acs",
        "synaptic_operations.effective_macs", "synaptic_operations.dense", "membrane_updates",
        "parameter_count", "footprint", "classification_accuracy"})
    CHECK(!at_path(f.report["neurobench"], k).is_null());
  // steps.csv: one row per sample and step, adding up to the totals.
  const int samples = f.report["workload"]["samples"], steps = f.report["workload"]["timesteps"];
  REQUIRE(f.steps.rows.size() == size_t(samples) * size_t(steps));
  double cycles = 0, syn = 0;
  for (size_t k = 0; k < f.steps.rows.size(); ++k) {
    cycles += std::stod(f.steps.at(k, "cycles"));
    syn += std::stod(f.steps.at(k, "synaptic_events"));
  }
  CHECK(syn == f.report["sim"]["synaptic_events"].get<double>());
  CHECK(cycles <= f.report["latency"]["total_cycles"].get<double>());
  for (size_t l = 0; l < layers.size(); ++l) {
    double s = 0;
    for (size_t k = 0; k < f.steps.rows.size(); ++k)
      s += std::stod(f.steps.at(k, "spikes." + layers[l]["layer"].get<std::string>()));
    CHECK(s == layers[l]["spikes"].get<double>());
  }
}

TEST_CASE("e2e report: golden writes its statistics, and run and golden agree on what they share") {
  const Folder g = make("golden", "", "stats-golden");
  const Folder r = make("run", "--check-golden", "stats-run-g");
  check_registry_everywhere(g);
  CHECK(!std::filesystem::exists(g.dir / "cores.csv"));  // golden has no cores
  // One definition of layers[].spikes (fired neurons; a graded spike counts once).
  REQUIRE(g.report["layers"].size() == r.report["layers"].size());
  for (size_t l = 0; l < g.report["layers"].size(); ++l) {
    CAPTURE(l);
    for (const char* k :
         {"spikes", "spike_packets", "spike_payload", "firing_rate", "synaptic_events"})
      CHECK(g.report["layers"][l].value(k, Json()) == r.report["layers"][l].value(k, Json()));
    CHECK(g.report["layers"][l]["spikes"] == g.report["layers"][l]["spike_packets"]);
  }
  // Every column both layers.csv have holds the same values.
  size_t shared = 0;
  for (const auto& c : g.layers.header) {
    if (!r.layers.has(c)) continue;
    ++shared;
    for (size_t l = 0; l < g.layers.rows.size(); ++l) {
      CAPTURE(c, l);
      CHECK(g.layers.at(l, c) == r.layers.at(l, c));
    }
  }
  CHECK(shared >= 9);
  for (const auto& c : g.steps.header) {
    if (!r.steps.has(c) || c == "spikes") continue;
    if (c.rfind("spikes.", 0) != 0 && c.rfind("synaptic_events.", 0) != 0) continue;
    for (size_t k = 0; k < g.steps.rows.size(); ++k) {
      CAPTURE(c, k);
      CHECK(g.steps.at(k, c) == r.steps.at(k, c));
    }
  }
  // The NeuroBench metrics are the same computation on the same network and activity.
  for (const auto& [k, v] : g.report["neurobench"].items()) {
    CAPTURE(k);
    CHECK(r.report["neurobench"].contains(k));
    CHECK(v == r.report["neurobench"][k]);
  }
  CHECK(g.report["neurobench"]["activation_sparsity"].get<double>() > 0.5);
  CHECK(g.report["neurobench"]["synaptic_operations"]["dense"].get<double>() >=
        g.report["neurobench"]["synaptic_operations"]["effective_acs"].get<double>());
}

TEST_CASE("e2e report: outputs are byte-identical across --deterministic reruns") {
  const Folder a = make("run", "", "det-stats-a");
  const Folder b = make("run", "", "det-stats-b");
  for (const char* f : {"report.json", "stats.txt", "stats.json", "layers.csv", "cores.csv",
                        "steps.csv", "links.csv"}) {
    CAPTURE(f);
    CHECK(read_text(a.dir / f) == read_text(b.dir / f));
  }
  // The page names its folder: the same folder reported twice, with a rerun in between.
  auto page = [&] {
    const auto r = spikechip(fmt::format("report '{}'", a.dir.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return read_text(a.dir / "report.html");
  };
  const std::string first = page();
  REQUIRE(spikechip(fmt::format("run {} --out '{}' --stats-per-step --deterministic", bars_args(),
                                a.dir.string()))
              .exit_code == 0);
  CHECK(page() == first);
}

TEST_CASE("e2e report: page, comparison, text, and bad folders") {
  const auto dir = testutil::fresh_dir("report-one");
  REQUIRE(
      spikechip(fmt::format("run {} --out '{}' --quiet", bars_args(), dir.string())).exit_code ==
      0);
  const auto r = spikechip(fmt::format("report '{}'", dir.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string html = read_text(dir / "report.html");
  CHECK_THAT(html, Catch::Contains("data-charts=\""));
  CHECK_THAT(html, Catch::Contains("Energy by component"));
  CHECK_THAT(html, Catch::Contains("ActivationSparsity"));
  CHECK_THAT(html, Catch::Contains("µJ"));
  // Self-contained: no external script, stylesheet or fetch.
  CHECK_THAT(html, !Catch::Contains("<script src"));
  CHECK_THAT(html, !Catch::Contains("<link"));
  CHECK_THAT(html, !Catch::Contains("sourceMappingURL"));

  const auto t = spikechip(fmt::format("report '{}' --text", dir.string()));
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.out, Catch::Contains("total energy"));
  CHECK_THAT(t.out, Catch::Contains("activation sparsity"));

  const auto other = testutil::fresh_dir("report-two");
  REQUIRE(spikechip(fmt::format("run {} --out '{}' --quiet --set core.n_pe=1", bars_args(),
                                other.string()))
              .exit_code == 0);
  const auto out = testutil::fresh_dir("report-cmp");
  const auto c = spikechip(
      fmt::format("report '{}' '{}' --out '{}'", dir.string(), other.string(), out.string()));
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  const std::string cmp = read_text(out / "compare.html");
  CHECK_THAT(cmp, Catch::Contains("Δ (B vs A)"));
  CHECK_THAT(cmp, Catch::Contains("\"yOffset\""));
  const auto ct = spikechip(fmt::format("report '{}' '{}' --text", dir.string(), other.string()));
  REQUIRE(ct.exit_code == 0);
  CHECK_THAT(ct.out, Catch::Contains("delta"));

  const auto empty = testutil::fresh_dir("report-empty");
  const auto e1 = spikechip(fmt::format("report '{}'", empty.string()));
  CHECK(e1.exit_code == 2);
  CHECK_THAT(e1.err, Catch::Contains((empty / "report.json").string()));
  std::ofstream(empty / "report.json") << "{not json";
  const auto e2 = spikechip(fmt::format("report '{}'", empty.string()));
  CHECK(e2.exit_code == 2);
  CHECK_THAT(e2.err, Catch::Contains("report.json: not valid JSON"));
  std::ofstream(empty / "report.json") << "{\"schema\": \"other\"}";
  const auto e3 = spikechip(fmt::format("report '{}'", empty.string()));
  CHECK(e3.exit_code == 2);
  CHECK_THAT(e3.err, Catch::Contains("not a spikechip report"));
  CHECK(spikechip(fmt::format("report '{}/nope'", empty.string())).exit_code == 2);
}

namespace {
// An event recording for the bundled model (input [2, 16, 16]): every event twice, so that a
// pixel's count in a bin is 2 (graded input: spike_payload = 2 x spikes at the input).
std::string write_events(const std::filesystem::path& dir) {
  const auto path = dir / "events.csv";
  std::ofstream f(path);
  f << "t,x,y,p\n";
  for (int i = 0; i < 3000; ++i)
    for (int twice = 0; twice < 2; ++twice)
      f << i * 8 << "," << i % 16 << "," << (i / 16) % 16 << "," << i % 2 << "\n";
  return path.string();
}
}  // namespace

TEST_CASE("e2e report: graded input, one spike definition, and real time for event sensors") {
  const auto dir = testutil::fresh_dir("realtime");
  const std::string events = write_events(dir);
  const std::string args =
      fmt::format("--model '{}' --dt 1e-3 --input '{}' --sensor 16x16 --deterministic --quiet",
                  testutil::source("workloads/examples/bars.nir"), events);
  const auto run = spikechip(fmt::format("run {} --out '{}/r'", args, dir.string()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto gold = spikechip(fmt::format("golden {} --out '{}/g'", args, dir.string()));
  REQUIRE(gold.exit_code == 0);
  const Json r = Json::parse(read_text(dir / "r/report.json"));
  const Json g = Json::parse(read_text(dir / "g/report.json"));
  // spikes: fired neurons; spike_payload: weighted by value; the same in run and golden.
  const auto& in_r = r["layers"][0];
  CHECK(in_r["spike_payload"].get<int64_t>() == 2 * in_r["spikes"].get<int64_t>());
  for (size_t l = 0; l < r["layers"].size(); ++l)
    for (const char* k : {"spikes", "spike_payload", "synaptic_events"}) {
      CAPTURE(l, k);
      CHECK(r["layers"][l].value(k, Json()) == g["layers"][l].value(k, Json()));
    }
  // A graded input layer's synaptic operations are MACs (NeuroBench), the rest ACs.
  CHECK(r["neurobench"]["synaptic_operations"]["effective_macs"].get<double>() > 0);
  CHECK(r["neurobench"] == g["neurobench"]);
  CHECK(!g.contains("real_time"));  // golden has no chip time

  // At 1 GHz a step takes well under a millisecond bin: the chip keeps up, and an event waits
  // for its bin to close (half a bin on average) plus one step.
  const Json& rt = r.at("real_time");
  CHECK(rt["bin_seconds"].get<double>() == 1e-3);
  CHECK(rt["keeps_up"].get<double>() == 1);
  CHECK(rt["duty_cycle_worst"].get<double>() < 0.01);
  CHECK(rt["events"].get<double>() == 6000);
  CHECK(rt["latency_p50"].get<double>() > 0.4e-3);
  CHECK(rt["latency_p50"].get<double>() < 0.6e-3);
  CHECK(rt["latency_max"].get<double>() <= 1e-3 + rt["worst_step_seconds"].get<double>() + 1e-12);
  CHECK(rt["latency_p99"].get<double>() <= rt["latency_max"].get<double>());
  // At 100 kHz every step outlasts its bin: the chip falls behind and the latency grows with
  // the backlog.
  const auto slow =
      spikechip(fmt::format("run {} --out '{}/slow' --set clock=100kHz", args, dir.string()));
  REQUIRE(slow.exit_code == 0);
  const Json s = Json::parse(read_text(dir / "slow/report.json"));
  CHECK(s["real_time"]["keeps_up"].get<double>() == 0);
  CHECK(s["real_time"]["duty_cycle_worst"].get<double>() > 1);
  CHECK(s["real_time"]["latency_max"].get<double>() > 10e-3);
  const auto text = spikechip(fmt::format("report '{}/r' --text", dir.string()));
  CHECK_THAT(text.out, Catch::Contains("sensor-to-decision p99"));
}

TEST_CASE("e2e report: NeuroBench metrics counted by hand on a tiny network") {
  // 2 inputs -> Linear [[1, 0], [0, 0.5]] -> 2 IF neurons (threshold 10: they never fire, and
  // without leak a membrane changes only on input). Two samples, each 4 steps of input
  // [1, 1], [0, 0], [0, 1], [1, 0]. Per sample:
  //  - membrane_updates (NeuroBench): both neurons at step 0, then the neurons whose membrane
  //    changed: none at step 1, neuron 1 at step 2, neuron 0 at step 3: 2 + 0 + 1 + 1 = 4;
  //    the chip updates both neurons every step (each holds a non-zero v): 8;
  //  - effective ACs: non-zero inputs x the non-zero weights they feed: 2 + 0 + 1 + 1 = 4;
  //  - dense: 4 input-weight pairs x 4 steps = 16;
  //  - activation sparsity 1 (no spike), connection sparsity 2 zero weights / 4 = 0.5.
  namespace b = compiler::nir::build;
  const auto dir = testutil::fresh_dir("neurobench-hand");
  compiler::nir::Graph g;
  g.nodes = {b::input("in", {2}), b::linear("fc", 2, 2, {1.0, 0.0, 0.0, 0.5}),
             b::if_neuron("n", {2}, 1.0, 10.0), b::output("out", {2})};
  b::chain(g, {"in", "fc", "n", "out"});
  compiler::nir::write_file(g, (dir / "m.nir").string());
  const std::vector<float> step_inputs = {1, 1, 0, 0, 0, 1, 1, 0};
  std::vector<float> x;
  for (int s = 0; s < 2; ++s) x.insert(x.end(), step_inputs.begin(), step_inputs.end());
  workloads::write_npy((dir / "x.npy").string(), std::span<const float>(x), {2, 4, 2});
  for (const char* verb : {"run", "golden"}) {
    CAPTURE(verb);
    const auto r = spikechip(fmt::format(
        "{0} --model '{1}/m.nir' --dt 1e-3 --input '{1}/x.npy' --out '{1}/{0}' --deterministic",
        verb, dir.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const Json j = Json::parse(read_text(dir / verb / "report.json"));
    const Json& nb = j["neurobench"];
    CHECK(nb["membrane_updates"].get<double>() == 4);
    CHECK(j["counters"]["chip.active_neuron_updates_per_sample"].get<double>() == 8);
    CHECK(nb["synaptic_operations"]["effective_acs"].get<double>() == 4);
    CHECK(nb["synaptic_operations"]["effective_macs"].get<double>() == 0);
    CHECK(nb["synaptic_operations"]["dense"].get<double>() == 16);
    CHECK(nb["activation_sparsity"].get<double>() == 1);
    CHECK(nb["connection_sparsity"].get<double>() == 0.5);
    CHECK(nb["parameter_count"].get<double>() == 4);
  }
}
