// The timeline (simmodel/trace.h, simmodel/timeline.h) driven through sim::run_model: events at
// the cycles the timing model computes (the hand-computed single-spike case of
// sim_timing_test.cpp), consistency with the counters on a multi-core network, the bounds, the
// results unchanged by tracing, and both renderings parsed back.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "isa/error.h"
#include "sim_test_net.h"
#include "simmodel/run.h"
#include "simmodel/timeline.h"

using namespace simtest;
using sim::Timeline;

namespace {

isa::SpikeFrame frame(std::vector<uint32_t> idx) {
  isa::SpikeFrame f;
  f.index = idx;
  f.payload.assign(idx.size(), 1);
  return f;
}

// Three layers over a 2x2 mesh: FC 12 -> 10 (split over cores 0, 1), FC 10 -> 6 on core 2 (an
// output), so packets cross the mesh, multicast to two cores and reach the host.
Net three_layers(Lcg& rng) {
  Net n;
  n.layers = {layer(12), layer(10), layer(6)};
  n.layers[1].params.threshold = 2;
  n.layers[1].parts = 2;
  n.layers[2].params.threshold = 2;
  n.layers[2].core = 2;
  n.layers[2].output = true;
  Edge a, b;
  for (int k = 0; k < 120; ++k) a.weights.push_back(rng.weight(3));
  b.src = 1;
  b.dst = 2;
  for (int k = 0; k < 60; ++k) b.weights.push_back(rng.weight(3));
  n.edges = {a, b};
  return n;
}

struct Traced {
  sim::RunResult result;
  std::unique_ptr<Timeline> timeline;
};

Traced run_traced(const isa::ProgramImage& img, const arch::ArchConfig& a,
                  const std::vector<std::vector<isa::SpikeFrame>>& in, uint32_t T,
                  sim::TraceBounds bounds = {}) {
  Traced t;
  t.timeline = std::make_unique<Timeline>(img, a, bounds);
  sim::RunOptions opt;
  opt.timesteps = T;
  opt.record_layer_spikes = true;
  opt.trace = t.timeline.get();
  t.result = sim::run_model(img, a, in, opt);
  return t;
}

using Interval = std::pair<uint64_t, uint64_t>;

// Intervals that overlap (sorted by begin): none in a valid track.
bool disjoint(std::vector<Interval> v) {
  std::sort(v.begin(), v.end());
  for (size_t k = 1; k < v.size(); ++k)
    if (v[k].first < v[k - 1].second) return false;
  return true;
}

}  // namespace

TEST_CASE("trace: a single spike, every event at its hand-computed cycle", "[sim][trace]") {
  // The case of sim_timing_test.cpp "a single spike through one FC core": host injects at 10,
  // the packet arrives at 13 through router 0's local port [12, 13), is served [13, 15);
  // phase 0 BAR at 7, release 68; phase 1: SPKBITS at 68, UPD.IF [69, 73), BAR at 74, release
  // 124.
  Net n;
  n.layers = {layer(1), layer(16)};
  n.layers[1].params.threshold = 1 << 20;
  Edge e;
  e.weights.assign(16, 1);
  n.edges = {e};
  const arch::ArchConfig a = test_arch();
  const isa::ProgramImage img = build_image(n);
  const Traced t = run_traced(img, a, {{frame({0})}}, 1);
  const Timeline& tl = *t.timeline;

  REQUIRE(tl.steps().size() == 1);
  CHECK(tl.steps()[0].begin == 0);
  CHECK(tl.steps()[0].end == 124);
  REQUIRE(tl.phases().size() == 2);
  CHECK(tl.phases()[0].start == 0);
  CHECK(tl.phases()[0].release == 68);
  CHECK(tl.phases()[1].start == 68);
  CHECK(tl.phases()[1].release == 124);

  std::vector<std::tuple<sim::CtrlState, uint64_t, uint64_t>> ctrl;
  for (const auto& s : tl.ctrl()) ctrl.emplace_back(s.kind, s.begin, s.end);
  using S = sim::CtrlState;
  CHECK(ctrl == std::vector<std::tuple<S, uint64_t, uint64_t>>{{S::run, 0, 7},
                                                               {S::barrier_wait, 7, 68},
                                                               {S::update, 69, 73},
                                                               {S::run, 68, 74},
                                                               {S::barrier_wait, 74, 124}});
  REQUIRE(tl.integrations().size() == 1);
  const sim::TraceIntegration& i = tl.integrations()[0].t;
  CHECK(i.arrival == 13);
  CHECK(i.accept == 13);
  CHECK(i.start == 13);
  CHECK(i.end == 15);
  CHECK(i.layer == 0);
  REQUIRE(tl.deliveries().size() == 1);
  const Timeline::Delivery& d = tl.deliveries()[0];
  CHECK(d.source == tl.host());
  CHECK(d.dest == 0);
  CHECK(d.inject == 10);
  CHECK(d.arrival == 13);
  CHECK(d.contention == 0);
  CHECK(d.service_start == 13);
  REQUIRE(tl.ports().size() == 1);
  CHECK(tl.ports()[0].port == sim::kLocal);
  CHECK(tl.ports()[0].begin == 12);
  CHECK(tl.ports()[0].end == 13);

  // The same in the Chrome JSON, in microseconds at the default 1 GHz clock.
  const auto j = nlohmann::json::parse(tl.perfetto_json());
  bool update_found = false;
  for (const auto& ev : j["traceEvents"])
    if (ev["ph"] == "X" && ev["name"].get<std::string>().rfind("update", 0) == 0) {
      update_found = true;
      CHECK(ev["ts"].get<double>() == Approx(0.069));
      CHECK(ev["dur"].get<double>() == Approx(0.004));
    }
  CHECK(update_found);
}

TEST_CASE("trace: a multi-core run is unchanged by tracing and agrees with its counters",
          "[sim][trace]") {
  Lcg rng{11};
  const Net n = three_layers(rng);
  const arch::ArchConfig a = test_arch(2, 2);
  const isa::ProgramImage img = build_image(n, 2, 2);
  const uint32_t T = 6;
  const std::vector<std::vector<isa::SpikeFrame>> in = {random_input(rng, 12, T, 50),
                                                        random_input(rng, 12, T, 50)};
  sim::RunOptions plain;
  plain.timesteps = T;
  plain.record_layer_spikes = true;
  const sim::RunResult ref = sim::run_model(img, a, in, plain);
  const Traced t = run_traced(img, a, in, T);
  const sim::RunResult& r = t.result;
  const Timeline& tl = *t.timeline;

  // Tracing changes nothing.
  CHECK(r.total_cycles == ref.total_cycles);
  CHECK(r.cores == ref.cores);
  CHECK(r.noc == ref.noc);
  REQUIRE(r.layer_spikes.size() == ref.layer_spikes.size());
  for (size_t s = 0; s < r.layer_spikes.size(); ++s)
    CHECK(same(r.layer_spikes[s], ref.layer_spikes[s]));

  // Every event lies within the run's simulated time.
  const uint64_t end = r.total_cycles;
  for (const auto& s : tl.ctrl()) CHECK((s.begin <= s.end && s.end <= end));
  for (const auto& i : tl.integrations()) CHECK((i.t.start < i.t.end && i.t.end <= end));
  for (const auto& d : tl.deliveries()) CHECK((d.inject < d.arrival && d.arrival <= end));
  REQUIRE(tl.steps().size() == 2 * T);

  // Per core: update/send slices nest in a run and never overlap each other; runs and barrier
  // waits never overlap; pipeline slices never overlap.
  std::map<uint32_t, std::vector<Interval>> leaf, outer, pipe;
  std::map<uint32_t, std::vector<Interval>> runs;
  for (const auto& s : tl.ctrl()) {
    if (s.kind == sim::CtrlState::update || s.kind == sim::CtrlState::send)
      leaf[s.core].push_back({s.begin, s.end});
    else
      outer[s.core].push_back({s.begin, s.end});
    if (s.kind == sim::CtrlState::run) runs[s.core].push_back({s.begin, s.end});
  }
  for (const auto& i : tl.integrations()) pipe[i.core].push_back({i.t.start, i.t.end});
  for (auto& [c, v] : leaf) {
    INFO("core " << c);
    CHECK(disjoint(v));
    for (const Interval& x : v) {
      bool inside = false;
      for (const Interval& run : runs[c]) inside |= run.first <= x.first && x.second <= run.second;
      CHECK(inside);
    }
  }
  for (auto& [c, v] : outer) CHECK(disjoint(v));
  for (auto& [c, v] : pipe) CHECK(disjoint(v));

  // Counts against the counters.
  uint64_t packets_sent = 0, packets_received = 0, spikes = 0;
  for (const auto& c : r.cores) {
    packets_sent += c.packets_sent;
    packets_received += c.packets_received;
    spikes += c.spikes;
  }
  uint64_t send_packets = 0, update_spikes = 0;
  for (const auto& s : tl.ctrl()) {
    if (s.kind == sim::CtrlState::send) send_packets += s.count;
    if (s.kind == sim::CtrlState::update) update_spikes += s.count;
  }
  CHECK(send_packets == packets_sent);
  CHECK(update_spikes == spikes);
  CHECK(tl.integrations().size() == packets_received);
  CHECK(tl.deliveries().size() == r.noc.deliveries);
  uint64_t barrier_wait = 0;
  for (const auto& s : tl.ctrl())
    if (s.kind == sim::CtrlState::barrier_wait) barrier_wait += s.end - s.begin;
  uint64_t counted_wait = 0;
  for (const auto& c : r.cores) counted_wait += c.stalls.barrier_wait;
  CHECK(barrier_wait == counted_wait);
  CHECK(spikes > 0);
  CHECK(packets_sent > 0);

  // The Chrome JSON: every flow has a start and a finish, each on a named track.
  const auto j = nlohmann::json::parse(tl.perfetto_json());
  CHECK(j["displayTimeUnit"] == "ns");
  std::map<uint64_t, int> starts, finishes;
  std::set<std::pair<int, int>> named;
  std::set<std::string> phases;
  for (const auto& ev : j["traceEvents"]) {
    const std::string ph = ev["ph"];
    phases.insert(ph);
    if (ph == "s") ++starts[ev["id"].get<uint64_t>()];
    if (ph == "f") ++finishes[ev["id"].get<uint64_t>()];
    if (ph == "M" && ev["name"] == "thread_name")
      named.insert({ev["pid"].get<int>(), ev["tid"].get<int>()});
    if (ph == "X" || ph == "s" || ph == "f") {
      CHECK(named.count({ev["pid"].get<int>(), ev["tid"].get<int>()}) == 1);
      const double ts = ev["ts"].get<double>();
      CHECK(ts >= 0);
      CHECK(ts + (ph == "X" ? ev["dur"].get<double>() : 0.0) <= double(end) / 1e3 + 1e-9);
    }
  }
  CHECK(phases == std::set<std::string>{"M", "X", "s", "f", "C", "i"});
  CHECK(starts.size() == r.noc.deliveries);
  CHECK(starts == finishes);
  for (const auto& [id, k] : starts) CHECK(k == 1);
}

TEST_CASE("trace: steps, samples and cores bound what is recorded", "[sim][trace]") {
  Lcg rng{12};
  const Net n = three_layers(rng);
  const arch::ArchConfig a = test_arch(2, 2);
  const isa::ProgramImage img = build_image(n, 2, 2);
  const uint32_t T = 5;
  const std::vector<std::vector<isa::SpikeFrame>> in = {
      random_input(rng, 12, T, 50), random_input(rng, 12, T, 50), random_input(rng, 12, T, 50)};
  sim::TraceBounds b;
  sim::parse_trace_steps("1:3", "--trace-steps", b);
  b.samples = sim::parse_index_list("1", "--trace-samples");
  b.cores = sim::parse_index_list("0,2", "--trace-cores");
  const Traced t = run_traced(img, a, in, T, b);
  const Timeline& tl = *t.timeline;
  REQUIRE(tl.steps().size() == 2);
  CHECK(tl.steps()[0].sample == 1);
  CHECK(tl.steps()[0].step == 1);
  CHECK(tl.steps()[1].step == 2);
  const uint64_t lo = tl.steps()[0].begin, hi = tl.steps()[1].end;
  CHECK(lo == t.result.samples[1].start_cycle + t.result.samples[1].step_cycles[0]);
  for (const auto& s : tl.ctrl()) {
    CHECK((s.core == 0 || s.core == 2));
    CHECK((lo <= s.begin && s.end <= hi));
  }
  for (const auto& i : tl.integrations()) {
    CHECK((i.core == 0 || i.core == 2));
    CHECK((lo <= i.t.arrival && i.t.end <= hi));
  }
  for (const auto& d : tl.deliveries()) {
    CHECK((d.source == 0 || d.source == 2 || d.source == tl.host()));
    CHECK((d.dest == 0 || d.dest == 2 || d.dest == tl.host()));
  }
  for (const auto& p : tl.ports()) CHECK((p.router == 0 || p.router == 2));
  for (const auto& p : tl.phases()) CHECK(p.sample == 1);
  CHECK(!tl.ctrl().empty());
  CHECK(tl.traced_cores() == std::vector<uint32_t>{0, 2});
}

TEST_CASE("trace: the VCD has a header, scopes and increasing timestamps", "[sim][trace]") {
  Lcg rng{13};
  const Net n = three_layers(rng);
  const arch::ArchConfig a = test_arch(2, 2);
  const isa::ProgramImage img = build_image(n, 2, 2);
  const Traced t = run_traced(img, a, {random_input(rng, 12, 4, 50)}, 4);
  std::istringstream vcd(t.timeline->vcd());
  std::string line;
  std::vector<std::string> scopes;
  std::set<std::string> ids, scope_names;
  std::map<std::string, uint32_t> width;
  bool timescale = false, defs_done = false;
  int64_t last = -1;
  uint64_t changes = 0, stamps = 0;
  std::map<std::string, std::set<std::string>> vars_in;  // scope -> var names
  while (std::getline(vcd, line)) {
    if (!defs_done) {
      std::istringstream w(line);
      std::string tok;
      w >> tok;
      if (tok == "$timescale") {
        w >> tok;
        CHECK(tok == "1ns");
        timescale = true;
      } else if (tok == "$scope") {
        std::string kind, name;
        w >> kind >> name;
        CHECK(kind == "module");
        scopes.push_back(name);
        scope_names.insert(name);
      } else if (tok == "$upscope") {
        REQUIRE(!scopes.empty());
        scopes.pop_back();
      } else if (tok == "$var") {
        std::string type, id, name;
        uint32_t wd = 0;
        w >> type >> wd >> id >> name;
        CHECK(type == "wire");
        CHECK(ids.insert(id).second);  // identifiers are unique
        width[id] = wd;
        REQUIRE(!scopes.empty());
        vars_in[scopes.back()].insert(name);
      } else if (tok == "$enddefinitions") {
        CHECK(scopes.empty());
        defs_done = true;
      }
      continue;
    }
    if (line.empty() || line[0] == '$') continue;
    if (line[0] == '#') {
      const int64_t ts = std::stoll(line.substr(1));
      CHECK(ts > last);  // strictly increasing
      last = ts;
      ++stamps;
      continue;
    }
    std::string id;
    if (line[0] == 'b') {
      const size_t sp = line.find(' ');
      REQUIRE(sp != std::string::npos);
      id = line.substr(sp + 1);
      CHECK(sp - 1 <= width[id]);  // the value fits the declared width
    } else {
      CHECK((line[0] == '0' || line[0] == '1'));
      id = line.substr(1);
      CHECK(width[id] == 1);
    }
    CHECK(ids.count(id) == 1);
    ++changes;
  }
  CHECK(timescale);
  CHECK(defs_done);
  CHECK(stamps > 10);
  CHECK(changes > 10);
  for (const char* s : {"chip", "core_0", "core_1", "core_2", "router_0", "router_2", "layers"})
    CHECK(scope_names.count(s) == 1);
  CHECK(scope_names.count("core_3") == 0);  // no program: no wires
  CHECK(vars_in["core_0"] == std::set<std::string>{"ctrl", "pipe", "queue_full", "queue_depth"});
  CHECK(vars_in["router_1"] == std::set<std::string>{"ports_busy"});
  CHECK(vars_in["chip"].count("step") == 1);
  CHECK(vars_in["layers"].size() == 2);  // the two layers that are updated
  CHECK(last <= int64_t(t.result.total_cycles));
}

TEST_CASE("trace: bound options parse or are refused naming the option", "[sim][trace]") {
  sim::TraceBounds b;
  sim::parse_trace_steps("2:5", "--trace-steps", b);
  CHECK(b.step_begin == 2);
  CHECK(b.step_end == 5);
  CHECK(b.has_step(4));
  CHECK_FALSE(b.has_step(5));
  sim::parse_trace_steps("3", "--trace-steps", b);
  CHECK((b.step_begin == 3 && b.step_end == 4));
  sim::parse_trace_steps("7:", "--trace-steps", b);
  CHECK((b.step_begin == 7 && b.step_end == UINT32_MAX));
  sim::parse_trace_steps(":2", "--trace-steps", b);
  CHECK((b.step_begin == 0 && b.step_end == 2));
  for (const char* bad : {"5:2", "3:3", ":", "a:b", "1:2:3", "", "-1:4"})
    CHECK_THROWS_WITH(sim::parse_trace_steps(bad, "--trace-steps", b),
                      Catch::Contains("--trace-steps"));
  CHECK(sim::parse_index_list("5-7,0,3,6", "--trace-cores") ==
        std::vector<uint32_t>{0, 3, 5, 6, 7});
  for (const char* bad : {"", "1,,2", "3-1", "x", "1-", "-2"})
    CHECK_THROWS_WITH(sim::parse_index_list(bad, "--trace-cores"),
                      Catch::Contains("--trace-cores"));
}
