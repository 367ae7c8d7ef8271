#include "report_page.h"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "isa/error.h"
#include "report.h"

namespace cli {

namespace assets {
extern const std::string_view vega_js, vega_lite_js, vega_embed_js;
}

namespace fs = std::filesystem;
using J = nlohmann::ordered_json;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// A number at a JSON path ("a.b.c"), or nothing.
std::optional<double> num(const J& j, const std::string& path) {
  const J* p = &j;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!p->is_object() || !p->contains(key)) return std::nullopt;
    p = &(*p)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (!p->is_number()) return std::nullopt;
  return p->get<double>();
}

// A counter of report.json "counters" (full dotted name).
std::optional<double> counter(const J& j, const std::string& name) {
  if (!j.contains("counters") || !j["counters"].contains(name) || !j["counters"][name].is_number())
    return std::nullopt;
  return j["counters"][name].get<double>();
}

std::optional<double> neurobench(const J& j, const std::string& name) {
  return num(j, "neurobench." + name);
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '&':
        o += "&amp;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

// JSON inside a <script> element: "</" cannot close it.
std::string script_json(const J& j) {
  std::string s = j.dump();
  std::string o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<' && i + 1 < s.size() && s[i + 1] == '/') {
      o += "<\\/";
      ++i;
    } else {
      o += s[i];
    }
  }
  return o;
}

// A script without its source-map comment (the page makes no request, not even for maps).
std::string inline_script(std::string_view js) {
  std::string s(js);
  const size_t m = s.rfind("//# sourceMappingURL=");
  if (m != std::string::npos) s.erase(m);
  return s;
}

struct Scale {
  double factor;  // base units per shown unit
  std::string unit;
};
// The unit a chart shows values of magnitude `max` in.
Scale pick_scale(double max, const std::string& unit) {
  static const std::vector<std::pair<double, std::string>> energy = {
      {1, "pJ"}, {1e3, "nJ"}, {1e6, "µJ"}, {1e9, "mJ"}, {1e12, "J"}};
  static const std::vector<std::pair<double, std::string>> time = {
      {1e-9, "ns"}, {1e-6, "µs"}, {1e-3, "ms"}, {1, "s"}};
  static const std::vector<std::pair<double, std::string>> bytes = {
      {1, "B"}, {1024, "KiB"}, {1024.0 * 1024, "MiB"}, {1024.0 * 1024 * 1024, "GiB"}};
  const std::vector<std::pair<double, std::string>>* t = nullptr;
  if (unit == "pJ") t = &energy;
  if (unit == "s") t = &time;
  if (unit == "bytes") t = &bytes;
  if (!t) return {1, unit};
  Scale s{t->front().first, t->front().second};
  for (const auto& [f, u] : *t)
    if (std::fabs(max) >= f) s = {f, u};
  return s;
}

std::string sig(double v) {
  std::string s = fmt::format("{:.4g}", v);
  return s;
}

}  // namespace

std::string human(double v, const std::string& unit) {
  if (!std::isfinite(v)) return "n/a";
  if (unit == "%") return fmt::format("{:.2f} %", v * 100);
  if (unit == "pJ" || unit == "s" || unit == "bytes") {
    const Scale s = pick_scale(v, unit);
    return sig(v / s.factor) + " " + s.unit;
  }
  std::string suffix;
  double x = v;
  if (std::fabs(v) >= 1e9) {
    x = v / 1e9;
    suffix = " G";
  } else if (std::fabs(v) >= 1e6) {
    x = v / 1e6;
    suffix = " M";
  } else if (std::fabs(v) >= 1e4) {
    x = v / 1e3;
    suffix = " k";
  }
  std::string out = v == std::floor(v) && suffix.empty() ? fmt::format("{}", int64_t(v)) : sig(x);
  out += suffix;
  if (!unit.empty()) out += " " + unit;
  return out;
}

RunFolder load_run_folder(const fs::path& dir) {
  RunFolder r;
  r.dir = dir;
  r.label = fs::absolute(dir).lexically_normal().filename().string();
  if (r.label.empty()) r.label = fs::absolute(dir).lexically_normal().parent_path().filename();
  if (!fs::is_directory(dir))
    throw isa::InputError(fmt::format("{}: not a run folder (no such folder)", dir.string()));
  const fs::path rj = dir / "report.json";
  if (!fs::is_regular_file(rj))
    throw isa::InputError(fmt::format(
        "{}: missing: not a run folder (spikechip run or golden writes report.json)", rj.string()));
  try {
    r.report = J::parse(read_file(rj));
  } catch (const nlohmann::json::exception& e) {
    throw isa::InputError(fmt::format("{}: not valid JSON ({})", rj.string(), e.what()));
  }
  if (!r.report.is_object() || !r.report.contains("schema") || r.report["schema"] != kReportSchema)
    throw isa::InputError(fmt::format("{}: not a spikechip report (schema is not \"{}\")",
                                      rj.string(), kReportSchema));
  if (fs::is_regular_file(dir / "arch.yaml")) r.arch_yaml = read_file(dir / "arch.yaml");
  const fs::path steps = dir / "steps.csv";
  if (fs::is_regular_file(steps)) {
    std::istringstream in(read_file(steps));
    std::string line;
    if (std::getline(in, line)) r.step_columns = split_csv_line(line);
    size_t n = 1;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      const auto f = split_csv_line(line);
      if (f.size() != r.step_columns.size())
        throw isa::InputError(fmt::format("{}:{}: {} fields, the header has {}", steps.string(), n,
                                          f.size(), r.step_columns.size()));
      std::vector<double> row;
      for (const auto& s : f) {
        try {
          row.push_back(std::stod(s));
        } catch (const std::exception&) {
          throw isa::InputError(fmt::format("{}:{}: '{}' is not a number", steps.string(), n, s));
        }
      }
      r.step_rows.push_back(std::move(row));
    }
  }
  return r;
}

std::vector<Metric> headline_metrics(const RunFolder& run) {
  const J& j = run.report;
  std::vector<Metric> m;
  auto add = [&](std::string group, std::string name, std::string unit, std::optional<double> v,
                 bool lower = true) {
    m.push_back({std::move(group), std::move(name), std::move(unit), v, lower});
  };
  add("result", "accuracy", "%", num(j, "accuracy"), false);
  add("energy", "total energy", "pJ", num(j, "energy.total_pj"));
  add("energy", "dynamic energy", "pJ", num(j, "energy.dynamic_pj"));
  add("energy", "static energy", "pJ", num(j, "energy.static_pj"));
  add("energy", "energy per inference", "pJ", num(j, "energy.per_inference_pj"));
  add("energy", "energy per synaptic event", "pJ", num(j, "energy.per_synaptic_event_pj"));
  add("latency", "simulated time", "s", num(j, "latency.seconds"));
  add("latency", "time per step", "s", num(j, "latency.seconds_per_step"));
  std::optional<double> worst_s;
  if (auto w = counter(j, "chip.worst_step_cycles"), hz = counter(j, "chip.clock_hz");
      w && hz && *hz > 0)
    worst_s = *w / *hz;
  add("latency", "worst step", "s", worst_s);
  add("latency", "cycles", "cycles", num(j, "latency.total_cycles"));
  add("latency", "cycles per step", "cycles", num(j, "latency.cycles_per_step"));
  add("real time", "duty cycle, mean", "%", num(j, "real_time.duty_cycle_mean"));
  add("real time", "duty cycle, worst step", "%", num(j, "real_time.duty_cycle_worst"));
  add("real time", "sensor time per step", "s", num(j, "real_time.bin_seconds"));
  add("real time", "sensor-to-decision p50", "s", num(j, "real_time.latency_p50"));
  add("real time", "sensor-to-decision p99", "s", num(j, "real_time.latency_p99"));
  add("real time", "sensor-to-decision max", "s", num(j, "real_time.latency_max"));
  add("activity", "synaptic events", "", num(j, "sim.synaptic_events"));
  add("activity", "NoC packets", "", num(j, "latency.noc.packets"));
  add("activity", "NoC flit hops", "", num(j, "latency.noc.flit_hops"));
  std::optional<double> busiest;  // the most utilised router output port
  if (j.contains("noc_links"))
    for (const auto& l : j["noc_links"])
      busiest = std::max(busiest.value_or(0.0), l.value("utilisation", 0.0));
  add("activity", "busiest NoC port utilisation", "%", busiest);
  add("neurobench", "activation sparsity", "%", neurobench(j, "activation_sparsity"), false);
  add("neurobench", "connection sparsity", "%", neurobench(j, "connection_sparsity"), false);
  add("neurobench", "effective ACs / sample", "",
      neurobench(j, "synaptic_operations.effective_acs"));
  add("neurobench", "effective MACs / sample", "",
      neurobench(j, "synaptic_operations.effective_macs"));
  add("neurobench", "dense SynOps / sample", "", neurobench(j, "synaptic_operations.dense"));
  add("neurobench", "membrane updates / sample", "", neurobench(j, "membrane_updates"));
  add("neurobench", "parameter count", "", neurobench(j, "parameter_count"));
  add("neurobench", "footprint", "bytes", neurobench(j, "footprint"));
  // Only what this run has (golden has no latency or energy).
  std::erase_if(m, [](const Metric& x) { return !x.value; });
  return m;
}

namespace {

// ---- chart data (rows carry "run" so that two runs overlay) ----

J energy_by_component(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  const J& e = r.report.contains("energy") ? r.report["energy"] : J::object();
  if (e.contains("by_event"))
    for (const auto& [k, v] : e["by_event"].items())
      if (v.is_number() && v.get<double>() > 0)
        rows.push_back({{"run", run}, {"component", k}, {"kind", "dynamic"}, {"pj", v}});
  if (e.contains("static_by_block"))
    for (const auto& [k, v] : e["static_by_block"].items())
      if (v.is_number() && v.get<double>() > 0)
        rows.push_back(
            {{"run", run}, {"component", k + " (static)"}, {"kind", "static"}, {"pj", v}});
  return rows;
}

J energy_by_layer(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  const J& j = r.report;
  if (!j.contains("energy") || !j["energy"].contains("per_layer")) return rows;
  bool per_layer_static = false;  // reports before static energy was attributed to layers
  for (const auto& l : j["energy"]["per_layer"]) {
    rows.push_back({{"run", run},
                    {"layer", l.value("layer", "")},
                    {"kind", "dynamic"},
                    {"pj", l.value("dynamic_pj", 0.0)}});
    if (l.contains("static_pj")) {
      per_layer_static = true;
      rows.push_back({{"run", run},
                      {"layer", l.value("layer", "")},
                      {"kind", "static"},
                      {"pj", l.value("static_pj", 0.0)}});
    }
  }
  if (!per_layer_static)
    if (auto s = num(j, "energy.static_pj"))
      rows.push_back({{"run", run}, {"layer", "(whole chip)"}, {"kind", "static"}, {"pj", *s}});
  return rows;
}

double clock_hz(const RunFolder& r) {
  if (auto hz = counter(r.report, "chip.clock_hz")) return *hz;
  auto c = num(r.report, "latency.total_cycles"), s = num(r.report, "latency.seconds");
  return c && s && *s > 0 ? *c / *s : 1e9;
}

// Step latency: mean and max over samples per step (steps.csv), or sample 0's steps.
J step_latency(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  const double hz = clock_hz(r);
  const auto& cols = r.step_columns;
  const auto it = std::find(cols.begin(), cols.end(), "cycles");
  if (it != cols.end() && !r.step_rows.empty()) {
    const size_t ci = size_t(it - cols.begin());
    std::map<int64_t, std::pair<double, double>> by_step;  // sum, max
    std::map<int64_t, int> n;
    for (const auto& row : r.step_rows) {
      auto& [sum, mx] = by_step[int64_t(row[1])];
      sum += row[ci];
      mx = std::max(mx, row[ci]);
      ++n[int64_t(row[1])];
    }
    for (const auto& [t, sm] : by_step) {
      rows.push_back({{"run", run}, {"step", t}, {"stat", "mean"}, {"s", sm.first / n[t] / hz}});
      rows.push_back({{"run", run}, {"step", t}, {"stat", "max"}, {"s", sm.second / hz}});
    }
    return rows;
  }
  const J& j = r.report;
  if (j.contains("latency") && j["latency"].contains("step_cycles_sample0")) {
    int64_t t = 0;
    for (const auto& c : j["latency"]["step_cycles_sample0"])
      rows.push_back(
          {{"run", run}, {"step", t++}, {"stat", "sample 0"}, {"s", c.get<double>() / hz}});
  }
  return rows;
}

J layer_latency(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  const J& j = r.report;
  if (!j.contains("latency") || !j["latency"].contains("per_layer")) return rows;
  const double hz = clock_hz(r);
  for (const auto& l : j["latency"]["per_layer"]) {
    rows.push_back({{"run", run},
                    {"layer", l.value("layer", "")},
                    {"unit", "integration"},
                    {"s", l.value("integration_cycles", 0.0) / hz}});
    rows.push_back({{"run", run},
                    {"layer", l.value("layer", "")},
                    {"unit", "neuron update"},
                    {"s", l.value("update_cycles", 0.0) / hz}});
  }
  return rows;
}

std::pair<uint32_t, uint32_t> mesh_of(const RunFolder& r) {
  uint32_t mx = 0, my = 0;
  try {
    if (!r.arch_yaml.empty()) {
      const YAML::Node a = YAML::Load(r.arch_yaml);
      if (a["mesh"] && a["mesh"]["x"]) mx = a["mesh"]["x"].as<uint32_t>();
      if (a["mesh"] && a["mesh"]["y"]) my = a["mesh"]["y"].as<uint32_t>();
    }
  } catch (const YAML::Exception&) {
  }
  if (r.report.contains("latency") && r.report["latency"].contains("per_core"))
    for (const auto& c : r.report["latency"]["per_core"]) {
      mx = std::max(mx, c.value("x", 0u) + 1);
      my = std::max(my, c.value("y", 0u) + 1);
    }
  return {mx, my};
}

// Per core on the mesh: utilisation and each stall cause; unused cores as "unused".
J core_grid(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  const J& j = r.report;
  if (!j.contains("latency") || !j["latency"].contains("per_core")) return rows;
  const auto [mx, my] = mesh_of(r);
  std::map<std::pair<uint32_t, uint32_t>, const J*> used;
  for (const auto& c : j["latency"]["per_core"]) used[{c.value("x", 0u), c.value("y", 0u)}] = &c;
  for (uint32_t y = 0; y < my; ++y)
    for (uint32_t x = 0; x < mx; ++x) {
      const auto it = used.find({x, y});
      J row = {{"run", run}, {"x", x}, {"y", y}, {"core", y * mx + x}};
      if (it == used.end()) {
        row["utilisation"] = nullptr;
        row["state"] = "unused";
      } else {
        const J& c = *it->second;
        row["utilisation"] = c.value("utilisation", 0.0);
        row["state"] = "mapped";
        if (c.contains("stall_cycles"))
          for (const auto& [k, v] : c["stall_cycles"].items()) row["stall." + k] = v;
      }
      rows.push_back(row);
    }
  return rows;
}

J stall_rows(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  const J grid = core_grid(r, run);
  std::vector<std::string> causes;  // in the report's order
  for (const auto& c : grid)
    for (const auto& [k, v] : c.items())
      if (k.rfind("stall.", 0) == 0 &&
          std::find(causes.begin(), causes.end(), k.substr(6)) == causes.end())
        causes.push_back(k.substr(6));
  // Causes that stalled no core have nothing to draw (the chart's note names them).
  std::erase_if(causes, [&](const std::string& cause) {
    return std::none_of(grid.begin(), grid.end(), [&](const J& c) {
      return c.contains("stall." + cause) && c["stall." + cause].get<double>() > 0;
    });
  });
  for (const std::string& cause : causes)
    for (const auto& c : grid) {
      J row = {{"run", run}, {"x", c["x"]}, {"y", c["y"]}, {"core", c["core"]}, {"cause", cause}};
      row["cycles"] = c.contains("stall." + cause) ? c["stall." + cause] : J(nullptr);
      rows.push_back(row);
    }
  return rows;
}

J noc_rows(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  const J& j = r.report;
  if (!j.contains("latency") || !j["latency"].contains("noc")) return rows;
  for (const auto& [k, v] : j["latency"]["noc"].items())
    rows.push_back({{"run", run}, {"counter", k}, {"value", v}});
  return rows;
}

// Router output ports on the mesh (report.json noc_links): each directed link a segment
// between its two routers, on the right-hand side of its direction of travel (so both
// directions of a pair show), ending in an arrowhead; ejection ports as marks on the router
// (local: a square on it, the host's: a diamond beside router 0). y grows downwards, as in the
// core heat maps.
J link_rows(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  if (!r.report.contains("noc_links")) return rows;
  for (const auto& l : r.report["noc_links"]) {
    const double x = l.value("x", 0.0), y = l.value("y", 0.0);
    const std::string port = l.value("port", "");
    J row = {{"run", run},
             {"router", l.value("router", 0)},
             {"port", port},
             {"flits", l.value("flits", 0.0)},
             {"busy_cycles", l.value("busy_cycles", 0.0)},
             {"utilisation", l.value("utilisation", 0.0)}};
    const double dx = port == "east" ? 1 : port == "west" ? -1 : 0;
    const double dy = port == "north" ? 1 : port == "south" ? -1 : 0;
    if (dx != 0 || dy != 0) {
      constexpr double kSide = 0.12, kFrom = 0.22, kTo = 0.78;  // in router spacings
      const double px = -dy * kSide, py = dx * kSide;           // right of travel, y down
      row["mark"] = "link";
      row["x0"] = x + dx * kFrom + px;
      row["y0"] = y + dy * kFrom + py;
      row["x1"] = x + dx * kTo + px;
      row["y1"] = y + dy * kTo + py;
      row["shape"] = dx > 0   ? "triangle-right"
                     : dx < 0 ? "triangle-left"
                     : dy > 0 ? "triangle-down"
                              : "triangle-up";
    } else {
      const bool host = port == "host";
      row["mark"] = "port";
      row["x1"] = host ? x - 0.3 : x;
      row["y1"] = host ? y - 0.3 : y;
      row["shape"] = host ? "diamond" : "square";
    }
    rows.push_back(row);
  }
  return rows;
}

J firing_rate_layers(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  if (!r.report.contains("layers")) return rows;
  for (const auto& l : r.report["layers"])
    rows.push_back({{"run", run},
                    {"layer", l.value("layer", "")},
                    {"firing_rate", l.value("firing_rate", 0.0)}});
  return rows;
}

// Firing rate per layer per step (mean over samples), from steps.csv.
J firing_rate_steps(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  if (r.step_rows.empty() || !r.report.contains("layers")) return rows;
  for (const auto& l : r.report["layers"]) {
    const std::string name = l.value("layer", "");
    const double neurons = l.value("neurons", 0.0);
    const auto it = std::find(r.step_columns.begin(), r.step_columns.end(), "spikes." + name);
    if (it == r.step_columns.end() || neurons <= 0) continue;
    const size_t ci = size_t(it - r.step_columns.begin());
    std::map<int64_t, std::pair<double, int>> acc;
    for (const auto& row : r.step_rows) {
      auto& [sum, n] = acc[int64_t(row[1])];
      sum += row[ci];
      ++n;
    }
    for (const auto& [t, sn] : acc)
      rows.push_back({{"run", run},
                      {"layer", name},
                      {"step", t},
                      {"firing_rate", sn.first / sn.second / neurons}});
  }
  return rows;
}

J quant_rows(const RunFolder& r, const std::string& run) {
  J rows = J::array();
  if (!r.report.contains("quantisation")) return rows;
  for (const auto& q : r.report["quantisation"])
    rows.push_back({{"run", run},
                    {"layer", q.value("layer", "") + (q.value("input", false) ? " (input)" : "")},
                    {"max_rel_error", q.value("max_rel_error", 0.0)},
                    {"max_abs_error", q.value("max_abs_error", 0.0)}});
  return rows;
}

// ---- chart specs ----

J base_spec(const std::string& title, J values) {
  return {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
          {"title", title},
          {"data", {{"values", std::move(values)}}},
          {"config", {{"view", {{"stroke", nullptr}}}, {"font", "sans-serif"}}}};
}

double max_of(const J& rows, const std::string& field) {
  double m = 0;
  for (const auto& r : rows)
    if (r.contains(field) && r[field].is_number())
      m = std::max(m, std::fabs(r[field].get<double>()));
  return m;
}

// Rescales `field` of rows into the unit fitting their magnitude; returns the unit.
std::string rescale(J& rows, const std::string& field, const std::string& unit) {
  const Scale s = pick_scale(max_of(rows, field), unit);
  for (auto& r : rows)
    if (r.contains(field) && r[field].is_number()) r[field] = r[field].get<double>() / s.factor;
  return s.unit;
}

// A horizontal bar chart of `value` by `category`, coloured by `color`; overlaid runs are
// grouped (yOffset) when `compare`.
J hbar(const std::string& title, J rows, const std::string& category, const std::string& value,
       const std::string& axis_title, const std::string& color, bool compare) {
  J s = base_spec(title, std::move(rows));
  s["mark"] = {{"type", "bar"}, {"tooltip", true}};
  s["width"] = 430;
  J enc = {{"y", {{"field", category}, {"type", "nominal"}, {"sort", "-x"}, {"title", nullptr}}},
           {"x", {{"field", value}, {"type", "quantitative"}, {"title", axis_title}}}};
  if (compare) {
    enc["y"]["sort"] = nullptr;
    enc["yOffset"] = {{"field", "run"}};
    enc["color"] = {{"field", "run"}, {"type", "nominal"}, {"title", "run"}};
  } else if (!color.empty()) {
    enc["color"] = {{"field", color}, {"type", "nominal"}};
  }
  s["encoding"] = enc;
  return s;
}

J line(const std::string& title, J rows, const std::string& x, const std::string& y,
       const std::string& y_title, const std::string& color, bool log_y = false) {
  J s = base_spec(title, std::move(rows));
  s["mark"] = {{"type", "line"}, {"point", false}, {"tooltip", true}};
  s["width"] = 430;
  s["height"] = 220;
  J enc = {{"x", {{"field", x}, {"type", "quantitative"}, {"title", x}}},
           {"y", {{"field", y}, {"type", "quantitative"}, {"title", y_title}}}};
  if (log_y) enc["y"]["scale"] = {{"type", "symlog"}};
  if (!color.empty()) enc["color"] = {{"field", color}, {"type", "nominal"}};
  s["encoding"] = enc;
  return s;
}

// Cores on the mesh: one rect per (x, y), coloured by `field`; runs side by side when compare.
J heatmap(const std::string& title, J rows, const std::string& field, const std::string& legend,
          const std::string& format, const std::string& facet, bool compare, uint32_t mx,
          uint32_t my) {
  J s = base_spec(title, std::move(rows));
  std::vector<std::string> facets;
  if (!facet.empty()) facets.push_back(facet);
  if (compare) facets.push_back("run");
  const double span = facets.empty() ? 260.0 : 150.0;
  const double cell = std::clamp(span / std::max<uint32_t>(std::max(mx, my), 1), 8.0, 40.0);
  J xs = J::array(), ys = J::array();
  for (uint32_t x = 0; x < mx; ++x) xs.push_back(x);
  for (uint32_t y = 0; y < my; ++y) ys.push_back(y);
  const J x_enc = {{"field", "x"}, {"type", "ordinal"}, {"scale", {{"domain", xs}}}};
  const J y_enc = {{"field", "y"}, {"type", "ordinal"}, {"scale", {{"domain", ys}}}};
  J inner;
  inner["width"] = cell * mx;
  inner["height"] = cell * my;
  // Every core of the mesh in grey, then the mapped ones coloured, then the core index.
  inner["layer"] =
      J::array({{{"mark", {{"type", "rect"}, {"color", "#e8e8e8"}, {"stroke", "white"}}},
                 {"encoding", {{"x", x_enc}, {"y", y_enc}}}},
                {{"mark", {{"type", "rect"}, {"tooltip", true}, {"stroke", "white"}}},
                 {"encoding",
                  {{"x", x_enc},
                   {"y", y_enc},
                   {"color",
                    {{"field", field},
                     {"type", "quantitative"},
                     {"title", legend},
                     {"legend", {{"format", format}}},
                     {"scale", {{"scheme", "viridis"}, {"domainMin", 0}}}}}}}},
                {{"mark", {{"type", "text"}, {"fontSize", cell >= 20 ? 9 : 6}}},
                 {"encoding",
                  {{"x", x_enc},
                   {"y", y_enc},
                   {"text", {{"field", "core"}, {"type", "nominal"}}},
                   {"color", {{"value", "#777"}}}}}}});
  if (facets.empty()) {
    for (auto& [k, v] : inner.items()) s[k] = v;
    return s;
  }
  s["spec"] = inner;
  if (facets.size() == 1) {  // wrapped, two per row, each with its own colour scale
    s["facet"] = {{"field", facets[0]}, {"type", "nominal"}, {"title", nullptr}};
    s["columns"] = 2;
    s["resolve"] = {{"scale", {{"color", "independent"}}}};
  } else {  // causes across, runs down, one colour scale per cause
    s["facet"] = {{"column", {{"field", facets[0]}, {"type", "nominal"}, {"title", nullptr}}},
                  {"row", {{"field", facets[1]}, {"type", "nominal"}, {"title", nullptr}}}};
  }
  return s;
}

// The NoC's router ports on the mesh (link_rows), coloured by flits; runs side by side.
J link_map(const std::string& title, J rows, bool compare, uint32_t mx, uint32_t my) {
  J s = base_spec(title, std::move(rows));
  const double span = compare ? 300.0 : 520.0;
  const double cell = std::clamp(span / std::max<uint32_t>(std::max(mx, my), 1), 24.0, 110.0);
  const double stroke = std::clamp(cell / 16.0, 2.0, 6.0);
  const J x_scale = {{"domain", {-0.5, mx - 0.5}}, {"nice", false}, {"zero", false}};
  const J y_scale = {
      {"domain", {-0.5, my - 0.5}}, {"nice", false}, {"zero", false}, {"reverse", true}};
  const J axis = {{"tickMinStep", 1}, {"format", "d"}, {"grid", false}};
  const J color = {{"field", "flits"},
                   {"type", "quantitative"},
                   {"title", "flits"},
                   {"legend", {{"format", "~s"}, {"type", "gradient"}}},
                   {"scale", {{"scheme", "orangered"}, {"domainMin", 0}}}};
  const J tooltip =
      J::array({{{"field", "router"}, {"type", "ordinal"}},
                {{"field", "port"}, {"type", "nominal"}},
                {{"field", "flits"}, {"type", "quantitative"}},
                {{"field", "busy_cycles"}, {"type", "quantitative"}},
                {{"field", "utilisation"}, {"type", "quantitative"}, {"format", ".2%"}}});
  auto at = [&](const std::string& xf, const std::string& yf) {
    J e = {{"x", {{"field", xf}, {"type", "quantitative"}, {"scale", x_scale}, {"axis", axis}}},
           {"y", {{"field", yf}, {"type", "quantitative"}, {"scale", y_scale}, {"axis", axis}}}};
    e["x"]["title"] = "x";
    e["y"]["title"] = "y";
    e["color"] = color;
    e["tooltip"] = tooltip;
    return e;
  };
  const J is_link = {{"filter", "datum.mark == 'link'"}};
  const J is_port = {{"filter", "datum.mark == 'port'"}};
  J segment = at("x0", "y0");
  segment["x2"] = {{"field", "x1"}};
  segment["y2"] = {{"field", "y1"}};
  J head = at("x1", "y1");
  head["shape"] = {{"field", "shape"}, {"type", "nominal"}, {"scale", nullptr}};
  J inner;
  inner["width"] = cell * mx;
  inner["height"] = cell * my;
  // A grey casing under each link keeps idle links (the scale's near-white) visible.
  J casing = segment;
  casing.erase("color");
  casing.erase("tooltip");
  inner["layer"] = J::array(
      {{{"transform", J::array({is_link})},
        {"mark",
         {{"type", "rule"}, {"strokeWidth", stroke + 2}, {"strokeCap", "butt"}, {"color", "#bbb"}}},
        {"encoding", casing}},
       {{"transform", J::array({is_link})},
        {"mark", {{"type", "rule"}, {"strokeWidth", stroke}, {"strokeCap", "butt"}}},
        {"encoding", segment}},
       {{"transform", J::array({is_link})},
        {"mark",
         {{"type", "point"},
          {"filled", true},
          {"opacity", 1},
          {"size", stroke * stroke * 5},
          {"stroke", "#777"},
          {"strokeWidth", 0.5}}},
        {"encoding", head}},
       {{"transform", J::array({is_port})},
        {"mark",
         {{"type", "point"},
          {"filled", true},
          {"opacity", 1},
          {"size", stroke * stroke * 14},
          {"stroke", "#555"},
          {"strokeWidth", 0.5}}},
        {"encoding", head}}});
  if (!compare) {
    for (auto& [k, v] : inner.items()) s[k] = v;
    return s;
  }
  s["spec"] = inner;
  s["facet"] = {{"column", {{"field", "run"}, {"type", "nominal"}, {"title", nullptr}}}};
  return s;
}

// Every chart of one run, or of two overlaid (runs: label, folder).
std::vector<Chart> charts(const std::vector<std::pair<std::string, const RunFolder*>>& runs) {
  const bool compare = runs.size() > 1;
  auto gather = [&](J (*f)(const RunFolder&, const std::string&)) {
    J all = J::array();
    for (const auto& [label, r] : runs)
      for (auto& row : f(*r, label)) all.push_back(row);
    return all;
  };
  std::vector<Chart> out;
  auto add = [&](std::string id, std::string title, std::string note, J spec) {
    out.push_back({std::move(id), std::move(title), std::move(note), std::move(spec)});
  };
  if (J rows = gather(energy_by_component); !rows.empty()) {
    const std::string u = rescale(rows, "pj", "pJ");
    add("energy-component", "Energy by component",
        "dynamic: events x the arch's energy table; static: static power x time",
        hbar("Energy by component", rows, "component", "pj", "energy (" + u + ")", "kind",
             compare));
  }
  if (J rows = gather(energy_by_layer); !rows.empty()) {
    const std::string u = rescale(rows, "pj", "pJ");
    // Two runs: one stacked bar per (layer, run), labelled with both.
    if (compare)
      for (auto& row : rows)
        row["layer"] = row["layer"].get<std::string>() + " | " + row["run"].get<std::string>();
    J spec = hbar("Energy by layer", rows, "layer", "pj", "energy (" + u + ")", "kind", false);
    if (compare) spec["encoding"]["y"]["sort"] = nullptr;
    add("energy-layer", "Energy by layer",
        "dynamic: the layer's core events; static: its share of the static energy of the cores "
        "and routers it occupies (by neurons), idle cores and chip-wide blocks shared by all "
        "neurons (docs/reports.md)",
        spec);
  }
  if (J rows = gather(step_latency); !rows.empty()) {
    const std::string u = rescale(rows, "s", "s");
    J spec = line("Latency per step", rows, "step", "s", "time (" + u + ")", "");
    spec["encoding"]["color"] = {{"field", "stat"}, {"type", "nominal"}, {"title", nullptr}};
    if (compare) spec["encoding"]["strokeDash"] = {{"field", "run"}, {"type", "nominal"}};
    add("latency-step", "Latency per step",
        "from steps.csv (mean and max over samples) or sample 0 without --stats-per-step", spec);
  }
  if (J rows = gather(layer_latency); !rows.empty()) {
    const std::string u = rescale(rows, "s", "s");
    // Two runs: one stacked bar per (layer, run), labelled with both.
    if (compare)
      for (auto& row : rows)
        row["layer"] = row["layer"].get<std::string>() + " | " + row["run"].get<std::string>();
    J spec =
        hbar("Busy time per layer", rows, "layer", "s", "busy time (" + u + ")", "unit", false);
    if (compare) spec["encoding"]["y"]["sort"] = nullptr;
    add("latency-layer", "Busy time per layer",
        "cycles the layer's cores spent integrating its input and updating its neurons", spec);
  }
  uint32_t mx = 1, my = 1;
  for (const auto& [label, r] : runs) {
    const auto [x, y] = mesh_of(*r);
    mx = std::max(mx, x);
    my = std::max(my, y);
  }
  if (J rows = gather(core_grid); !rows.empty())
    add("mesh-utilisation", "Core utilisation on the mesh",
        "busy cycles / chip cycles per core at its (x, y); grey cells: cores with no program",
        heatmap("Core utilisation on the mesh", rows, "utilisation", "utilisation", ".0%", "",
                compare, mx, my));
  if (J rows = gather(stall_rows); !rows.empty())
    add("mesh-stalls", "Stall cycles by cause on the mesh",
        "queue_full: packets waiting at a full input queue; bank_conflict: membrane bank "
        "conflicts; barrier_wait: controller waiting at BAR; noc: above zero-load latency "
        "(causes that stalled no core are left out)",
        heatmap("Stall cycles by cause", rows, "cycles", "cycles", "~s", "cause", compare, mx, my));
  if (J rows = gather(link_rows); !rows.empty())
    add("noc-links", "NoC link load on the mesh",
        "flits each router output port carried: arrows are the directed links between routers "
        "(each on the right of its direction), squares the ejection to the router's core, the "
        "diamond the host's port; tooltips give busy cycles and utilisation (busy / chip cycles)",
        link_map("NoC link load", rows, compare, mx, my));
  if (J rows = gather(noc_rows); !rows.empty())
    add("noc", "NoC totals", "chip-wide NoC counters (the per-link load is drawn on the mesh)",
        hbar("NoC totals", rows, "counter", "value", "count", "", compare));
  if (J rows = gather(firing_rate_layers); !rows.empty())
    add("firing-layer", "Firing rate per layer", "spikes / (neurons x samples x timesteps)",
        hbar("Firing rate per layer", rows, "layer", "firing_rate", "firing rate", "", compare));
  if (J rows = gather(firing_rate_steps); !rows.empty()) {
    J spec = line("Firing rate per layer over time", rows, "step", "firing_rate",
                  "firing rate (mean over samples)", "layer");
    if (compare) spec["encoding"]["strokeDash"] = {{"field", "run"}, {"type", "nominal"}};
    add("firing-steps", "Firing rate per layer over time", "from steps.csv", spec);
  }
  if (J rows = gather(quant_rows); !rows.empty())
    add("quantisation", "Quantisation error per layer",
        "largest weight error / largest |weight| (input: the host's fixed point on the inputs)",
        hbar("Quantisation error per layer", rows, "layer", "max_rel_error", "max relative error",
             "", compare));
  return out;
}

const char* kStyle = R"(
body{font-family:sans-serif;margin:24px;color:#222;max-width:1320px}
h1{font-size:22px;margin-bottom:4px} h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
.sub{color:#666;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
td,th{border-bottom:1px solid #eee;padding:3px 10px;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(640px,1fr));gap:18px}
.card{border:1px solid #e4e4e4;border-radius:6px;padding:10px}
.card p{color:#666;font-size:12px;margin:2px 0 6px}
pre{background:#f7f7f7;padding:10px;font-size:12px;max-height:420px;overflow:auto}
#errors{color:#b00;white-space:pre-wrap}
.better{color:#080}.worse{color:#b00}
)";

// Renders every chart; sets data-rendered on <body> when all have drawn, and writes any error
// (including console errors and warnings) into #errors and data-errors.
const char* kScript = R"(
(function(){
  var errors = [];
  function fail(m){
    errors.push(String(m));
    var e = document.getElementById('errors');
    e.textContent = errors.join('\n'); e.hidden = false;
    document.body.setAttribute('data-errors', String(errors.length));
  }
  var ce = console.error, cw = console.warn;
  console.error = function(){ fail('console.error: ' + Array.prototype.join.call(arguments, ' ')); ce.apply(console, arguments); };
  console.warn = function(){ fail('console.warn: ' + Array.prototype.join.call(arguments, ' ')); cw.apply(console, arguments); };
  window.addEventListener('error', function(ev){ fail('error: ' + ev.message); });
  window.addEventListener('unhandledrejection', function(ev){ fail('unhandled: ' + ev.reason); });
  var charts = JSON.parse(document.getElementById('charts').textContent);
  Promise.all(charts.map(function(c){
    return vegaEmbed('#' + c.id, c.spec, {renderer: 'svg', actions: false}).then(function(){
      if (!document.querySelector('#' + c.id + ' svg')) throw new Error('chart ' + c.id + ' drew nothing');
    });
  })).then(function(){
    document.body.setAttribute('data-rendered', String(charts.length));
    document.title = document.title + ' (' + charts.length + ' charts)';
  }).catch(function(e){ fail('chart: ' + (e && e.message ? e.message : e)); });
})();
)";

std::string metric_value(const Metric& m) {
  return m.value ? human(*m.value, m.unit) : "—";
}

std::string page(const std::string& title, const std::string& subtitle, const std::string& body,
                 const std::vector<Chart>& cs) {
  J list = J::array();
  std::string cards;
  for (const Chart& c : cs) {
    list.push_back({{"id", c.id}, {"spec", c.spec}});
    cards += fmt::format("<div class=\"card\"><p>{}</p><div id=\"{}\"></div></div>\n",
                         html_escape(c.note), c.id);
  }
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:\">\n";
  h += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n", html_escape(title), kStyle);
  h += fmt::format("<body data-charts=\"{}\">\n<h1>{}</h1><div class=\"sub\">{}</div>\n", cs.size(),
                   html_escape(title), subtitle);
  h += "<pre id=\"errors\" hidden></pre>\n";
  h += body;
  h += "<h2>Charts</h2>\n<div class=\"grid\">\n" + cards + "</div>\n";
  h += "<script type=\"application/json\" id=\"charts\">" + script_json(list) + "</script>\n";
  for (std::string_view js : {assets::vega_js, assets::vega_lite_js, assets::vega_embed_js})
    h += "<script>" + inline_script(js) + "</script>\n";
  h += std::string("<script>") + kScript + "</script>\n</body></html>\n";
  return h;
}

std::string run_subtitle(const RunFolder& r) {
  const J& j = r.report;
  std::string model = j.value("model", ""), cmd = j.value("command", "");
  std::string arch = j.contains("arch") ? j["arch"].value("name", "") : "";
  uint64_t samples = 0, steps = 0;
  if (j.contains("workload")) {
    samples = j["workload"].value("samples", uint64_t{0});
    steps = j["workload"].value("timesteps", uint64_t{0});
  }
  return html_escape(fmt::format("{} of {} on {}: {} samples x {} timesteps ({})", cmd, model, arch,
                                 samples, steps, r.dir.string()));
}

std::string kv_table(const J& obj) {
  std::string t = "<table>";
  for (const auto& [k, v] : obj.items())
    t += fmt::format("<tr><th>{}</th><td>{}</td></tr>", html_escape(k),
                     html_escape(v.is_string() ? v.get<std::string>() : v.dump()));
  return t + "</table>\n";
}

std::string neurobench_table(const std::vector<std::pair<std::string, const RunFolder*>>& runs) {
  static const std::vector<std::tuple<std::string, std::string, std::string, std::string>> rows = {
      {"activation_sparsity", "ActivationSparsity", "%",
       "zero outputs / all outputs of the spiking layers, all timesteps"},
      {"connection_sparsity", "ConnectionSparsity", "%", "zero weights / all weights"},
      {"synaptic_operations.effective_acs", "SynapticOperations Effective_ACs", "",
       "per sample: non-zero binary inputs x the non-zero weights they feed"},
      {"synaptic_operations.effective_macs", "SynapticOperations Effective_MACs", "",
       "per sample: the same for graded inputs"},
      {"synaptic_operations.dense", "SynapticOperations Dense", "",
       "per sample: every input-weight pair, padding excluded"},
      {"membrane_updates", "MembraneUpdates", "",
       "per sample: every neuron at step 0, then membranes that changed"},
      {"parameter_count", "ParameterCount", "", "synaptic weights stored"},
      {"footprint", "Footprint", "bytes", "weights and neuron state"},
      {"classification_accuracy", "ClassificationAccuracy", "%", "ties to the lowest class"}};
  std::string t = "<table><tr><th>metric</th>";
  for (const auto& [label, r] : runs) t += "<th>" + html_escape(label) + "</th>";
  if (runs.size() == 2) t += "<th>Δ</th>";
  t += "<th>definition</th></tr>\n";
  for (const auto& [key, name, unit, def] : rows) {
    std::vector<std::optional<double>> v;
    for (const auto& [label, r] : runs) v.push_back(neurobench(r->report, key));
    if (std::none_of(v.begin(), v.end(), [](auto& x) { return x.has_value(); })) continue;
    t += "<tr><td>" + name + "</td>";
    for (const auto& x : v) t += "<td class=\"n\">" + (x ? human(*x, unit) : "—") + "</td>";
    if (runs.size() == 2)
      t += "<td class=\"n\">" +
           (v[0] && v[1] && *v[0] != 0 ? fmt::format("{:+.2f} %", (*v[1] - *v[0]) / *v[0] * 100)
                                       : std::string("—")) +
           "</td>";
    t += "<td>" + html_escape(def) + "</td></tr>\n";
  }
  return t + "</table>\n";
}

std::string delta_text(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return "—";
  if (*a == 0) return *b == 0 ? "0 %" : "—";
  return fmt::format("{:+.2f} %", (*b - *a) / std::fabs(*a) * 100);
}

// Headline metrics of both runs, by name, in the first's order then the second's extras.
std::vector<std::tuple<Metric, std::optional<double>, std::optional<double>>> paired(
    const RunFolder& a, const RunFolder& b) {
  std::vector<std::tuple<Metric, std::optional<double>, std::optional<double>>> out;
  const auto ma = headline_metrics(a), mb = headline_metrics(b);
  for (const Metric& m : ma) {
    std::optional<double> vb;
    for (const Metric& x : mb)
      if (x.name == m.name) vb = x.value;
    out.push_back({m, m.value, vb});
  }
  for (const Metric& m : mb)
    if (std::none_of(ma.begin(), ma.end(), [&](const Metric& x) { return x.name == m.name; }))
      out.push_back({m, std::nullopt, m.value});
  return out;
}

}  // namespace

std::string report_html(const RunFolder& r) {
  std::string body = "<h2>Summary</h2>\n<table>";
  std::string group;
  for (const Metric& m : headline_metrics(r)) {
    body += fmt::format("<tr><th>{}</th><td>{}</td><td class=\"n\">{}</td></tr>",
                        m.group == group ? "" : html_escape(m.group), html_escape(m.name),
                        html_escape(metric_value(m)));
    group = m.group;
  }
  body += "</table>\n<h2>NeuroBench</h2>\n" + neurobench_table({{r.label, &r}});
  const std::vector<Chart> cs = charts({{r.label, &r}});
  std::string tail = "<h2>Conventions</h2>\n";
  tail += r.report.contains("conventions") ? kv_table(r.report["conventions"])
                                           : std::string("<p>none recorded</p>\n");
  tail += "<h2>Resolved configuration (arch.yaml)</h2>\n<pre>" +
          html_escape(r.arch_yaml.empty() ? "(no arch.yaml in the folder)" : r.arch_yaml) +
          "</pre>\n";
  std::string html = page("spikechip report: " + r.label, run_subtitle(r), body, cs);
  // Conventions and configuration after the charts.
  const size_t at = html.find("<script type=\"application/json\" id=\"charts\">");
  html.insert(at, tail);
  return html;
}

std::string compare_html(const RunFolder& a, const RunFolder& b) {
  const std::string la = "A: " + a.label, lb = "B: " + b.label;
  std::string body = "<h2>Side by side</h2>\n<table><tr><th></th><th>metric</th><th>" +
                     html_escape(la) + "</th><th>" + html_escape(lb) +
                     "</th><th>Δ (B vs A)</th></tr>\n";
  std::string group;
  for (const auto& [m, va, vb] : paired(a, b)) {
    std::string cls;
    if (va && vb && *va != *vb) cls = ((*vb < *va) == m.lower_is_better) ? "better" : "worse";
    body += fmt::format(
        "<tr><th>{}</th><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n {}\">{}</td></tr>\n",
        m.group == group ? "" : html_escape(m.group), html_escape(m.name),
        va ? human(*va, m.unit) : "—", vb ? human(*vb, m.unit) : "—", cls, delta_text(va, vb));
    group = m.group;
  }
  body += "</table>\n<h2>NeuroBench</h2>\n" + neurobench_table({{la, &a}, {lb, &b}});
  const std::vector<Chart> cs = charts({{la, &a}, {lb, &b}});
  std::string html = page("spikechip comparison: " + a.label + " vs " + b.label,
                          "A: " + run_subtitle(a) + "<br>B: " + run_subtitle(b), body, cs);
  std::string tail = "<h2>Conventions</h2>\n<h3>A</h3>" +
                     (a.report.contains("conventions") ? kv_table(a.report["conventions"]) : "") +
                     "<h3>B</h3>" +
                     (b.report.contains("conventions") ? kv_table(b.report["conventions"]) : "");
  tail += "<h2>Resolved configurations</h2>\n<h3>A</h3><pre>" + html_escape(a.arch_yaml) +
          "</pre><h3>B</h3><pre>" + html_escape(b.arch_yaml) + "</pre>\n";
  html.insert(html.find("<script type=\"application/json\" id=\"charts\">"), tail);
  return html;
}

std::string report_text(const RunFolder& r) {
  std::string out = fmt::format("{} ({})\n", r.label, r.dir.string());
  std::string group;
  for (const Metric& m : headline_metrics(r)) {
    out += fmt::format("  {:<11} {:<28} {:>16}\n", m.group == group ? "" : m.group, m.name,
                       metric_value(m));
    group = m.group;
  }
  return out;
}

std::string compare_text(const RunFolder& a, const RunFolder& b) {
  std::string out =
      fmt::format("A: {} ({})\nB: {} ({})\n", a.label, a.dir.string(), b.label, b.dir.string());
  out += fmt::format("  {:<11} {:<28} {:>16} {:>16} {:>10}\n", "", "metric", "A", "B", "delta");
  std::string group;
  for (const auto& [m, va, vb] : paired(a, b)) {
    out += fmt::format("  {:<11} {:<28} {:>16} {:>16} {:>10}\n", m.group == group ? "" : m.group,
                       m.name, va ? human(*va, m.unit) : "—", vb ? human(*vb, m.unit) : "—",
                       delta_text(va, vb));
    group = m.group;
  }
  return out;
}

std::string html_text(const std::string& s) {
  return html_escape(s);
}
nlohmann::ordered_json vega_lite_spec(const std::string& title, nlohmann::ordered_json values) {
  return base_spec(title, std::move(values));
}
std::string html_page(const std::string& title, const std::string& subtitle_html,
                      const std::string& body_html, const std::vector<Chart>& charts) {
  return page(title, subtitle_html, body_html, charts);
}

}  // namespace cli
