#include "report_sweep.h"

#include <fmt/core.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "isa/error.h"
#include "report_page.h"

namespace cli {

namespace fs = std::filesystem;
using J = nlohmann::ordered_json;

namespace {

// The metric columns' units, for axis titles and readable values.
std::string unit_of(const std::string& metric) {
  if (metric.ends_with("_pj")) return "pJ";
  if (metric.ends_with("seconds") || metric.ends_with("seconds_per_step")) return "s";
  return "";
}

// Vega-Lite reads "a.b" as field b of object a: the data's keys carry no dots.
std::string field(const std::string& name) {
  std::string f = name;
  for (char& c : f)
    if (c == '.') c = '_';
  return f;
}

// The unit a metric's values read best in, and its size in the metric's own unit.
struct Scaled {
  std::string unit;
  double factor = 1;
};
Scaled scale_for(double largest, const std::string& unit) {
  const std::vector<std::pair<std::string, double>> steps =
      unit == "s"    ? std::vector<std::pair<std::string, double>>{{"ns", 1e-9},
                                                                   {"µs", 1e-6},
                                                                   {"ms", 1e-3},
                                                                   {"s", 1}}
      : unit == "pJ" ? std::vector<std::pair<std::string, double>>{{"pJ", 1},
                                                                   {"nJ", 1e3},
                                                                   {"µJ", 1e6},
                                                                   {"mJ", 1e9}}
                     : std::vector<std::pair<std::string, double>>{{unit, 1}};
  Scaled best{steps.front().first, steps.front().second};
  for (const auto& [u, f] : steps)
    if (largest >= f) best = {u, f};
  return best;
}

J load_results(const fs::path& dir) {
  const fs::path file = dir / "results.json";
  std::ifstream in(file);
  if (!in) throw isa::InputError(fmt::format("{}: cannot open for reading", file.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  J j;
  try {
    j = J::parse(ss.str());
  } catch (const std::exception& e) {
    throw isa::InputError(fmt::format("{}: not JSON ({})", file.string(), e.what()));
  }
  if (!j.is_object() || !j.contains("rows") || !j["rows"].is_array() || !j.contains("axes") ||
      !j.contains("objectives"))
    throw isa::InputError(fmt::format(
        "{}: not a sweep's results (expected rows, axes and objectives)", file.string()));
  return j;
}

std::vector<std::pair<std::string, std::string>> objectives_of(const J& j) {
  std::vector<std::pair<std::string, std::string>> o;  // metric, min|max
  if (j["objectives"].is_object())
    for (const auto& [k, v] : j["objectives"].items())
      o.emplace_back(k, v.is_string() ? v.get<std::string>() : "min");
  else
    for (const auto& x : j["objectives"])
      o.emplace_back(x.value("metric", ""), x.value("goal", x.value("direction", "min")));
  return o;
}

std::vector<std::string> axes_of(const J& j) {
  std::vector<std::string> a;
  for (const auto& x : j["axes"])
    a.push_back(x.is_string() ? x.get<std::string>() : x.value("name", ""));
  return a;
}

// One data row per ok point: its axes (as text), every objective, pareto, its id.
J point_rows(const J& j, const std::vector<std::string>& axes,
             const std::vector<std::pair<std::string, std::string>>& objectives) {
  J rows = J::array();
  for (const auto& r : j["rows"]) {
    if (r.value("status", "") != "ok") continue;
    J row = {{"point", r.value("point", "")}, {"pareto", r.value("pareto", false)}};
    for (const auto& a : axes)
      row[field(a)] = r["axes"].contains(a) ? r["axes"][a].get<std::string>() : "";
    for (const auto& [m, goal] : objectives)
      if (r["metrics"].contains(m) && r["metrics"][m].is_number()) row[field(m)] = r["metrics"][m];
    rows.push_back(row);
  }
  return rows;
}

// Rescales each objective's column into a readable unit; returns the axis titles.
std::map<std::string, std::string> rescale_objectives(
    J& rows, const std::vector<std::pair<std::string, std::string>>& objectives) {
  std::map<std::string, std::string> titles;
  for (const auto& [m, goal] : objectives) {
    double largest = 0;
    for (const auto& r : rows)
      if (r.contains(field(m))) largest = std::max(largest, std::abs(r[field(m)].get<double>()));
    const Scaled sc = scale_for(largest, unit_of(m));
    for (auto& r : rows)
      if (r.contains(field(m))) r[field(m)] = r[field(m)].get<double>() / sc.factor;
    titles[m] = sc.unit.empty() ? m : fmt::format("{} ({})", m, sc.unit);
  }
  return titles;
}

J pareto_chart(const J& rows, const std::string& x, const std::string& y,
               const std::vector<std::string>& axes,
               const std::map<std::string, std::string>& titles) {
  J s = vega_lite_spec("Pareto front", rows);
  s["width"] = 520;
  s["height"] = 320;
  J tooltip = J::array({{{"field", "point"}}});
  for (const auto& a : axes) tooltip.push_back({{"field", field(a)}, {"title", a}});
  tooltip.push_back({{"field", field(x)}, {"type", "quantitative"}, {"title", x}});
  tooltip.push_back({{"field", field(y)}, {"type", "quantitative"}, {"title", y}});
  s["mark"] = {{"type", "point"}, {"filled", true}, {"size", 70}};
  s["encoding"] = {{"x",
                    {{"field", field(x)},
                     {"type", "quantitative"},
                     {"scale", {{"zero", false}}},
                     {"title", titles.at(x)}}},
                   {"y",
                    {{"field", field(y)},
                     {"type", "quantitative"},
                     {"scale", {{"zero", false}}},
                     {"title", titles.at(y)}}},
                   {"color",
                    {{"field", "pareto"},
                     {"type", "nominal"},
                     {"title", "Pareto"},
                     {"scale", {{"domain", {true, false}}, {"range", {"#d62728", "#9ecae1"}}}}}},
                   {"tooltip", tooltip}};
  return s;
}

J against_axis(const J& rows, const std::string& metric, const std::string& axis,
               const std::string& title) {
  J s = vega_lite_spec(metric + " by " + axis, rows);
  s["width"] = 280;
  s["height"] = 200;
  s["mark"] = {{"type", "point"}, {"tooltip", true}};
  s["encoding"] = {
      {"x", {{"field", field(axis)}, {"type", "ordinal"}, {"title", axis}, {"sort", nullptr}}},
      {"y",
       {{"field", field(metric)},
        {"type", "quantitative"},
        {"scale", {{"zero", false}}},
        {"title", title}}},
      {"color",
       {{"field", "pareto"},
        {"type", "nominal"},
        {"title", "Pareto"},
        {"scale", {{"domain", {true, false}}, {"range", {"#d62728", "#9ecae1"}}}}}}};
  return s;
}

std::string cell(const J& v, const std::string& unit) {
  if (v.is_number()) return html_text(human(v.get<double>(), unit));
  if (v.is_string()) return html_text(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "";
  return "";
}

}  // namespace

bool is_sweep_folder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "results.json", ec) && fs::is_directory(dir / "points", ec);
}

std::string sweep_html(const fs::path& dir) {
  const J j = load_results(dir);
  const auto axes = axes_of(j);
  const auto objectives = objectives_of(j);
  J rows = point_rows(j, axes, objectives);
  const std::map<std::string, std::string> titles = rescale_objectives(rows, objectives);
  std::vector<Chart> charts;
  if (objectives.size() >= 2 && !rows.empty())
    charts.push_back({"pareto", "Pareto front",
                      fmt::format("{} ({}) against {} ({}); red: no other ok point is at least as "
                                  "good in every objective and better in one",
                                  objectives[0].first, objectives[0].second, objectives[1].first,
                                  objectives[1].second),
                      pareto_chart(rows, objectives[0].first, objectives[1].first, axes, titles)});
  int k = 0;
  for (const auto& [metric, goal] : objectives)
    for (const auto& axis : axes)
      if (!rows.empty())
        charts.push_back(
            {fmt::format("axis{}", k++), metric + " by " + axis,
             fmt::format("every ok point; {} is better", goal == "max" ? "higher" : "lower"),
             against_axis(rows, metric, axis, titles.at(metric))});
  // Every point, linking its run folder (its report.html when `spikechip report` made one).
  std::string body = "<h2>Points</h2>\n<table><tr><th>point</th><th>status</th>";
  for (const auto& a : axes) body += "<th>" + html_text(a) + "</th>";
  for (const auto& [m, g] : objectives) body += "<th>" + html_text(m + " (" + g + ")") + "</th>";
  body += "<th>Pareto</th></tr>\n";
  for (const auto& r : j["rows"]) {
    const std::string id = r.value("point", "");
    const fs::path folder = fs::path("points") / id;
    std::error_code ec;
    const std::string target = fs::exists(dir / folder / "report.html", ec)
                                   ? (folder / "report.html").string()
                                   : (folder / "report.json").string();
    body += fmt::format("<tr><td><a href=\"{}\">{}</a></td><td>{}</td>", html_text(target),
                        html_text(id), html_text(r.value("status", "")));
    for (const auto& a : axes)
      body += "<td>" + (r["axes"].contains(a) ? cell(r["axes"][a], "") : std::string()) + "</td>";
    for (const auto& [m, g] : objectives)
      body += "<td class=\"n\">" +
              (r["metrics"].contains(m) ? cell(r["metrics"][m], unit_of(m)) : std::string("—")) +
              "</td>";
    body += fmt::format("<td>{}</td></tr>\n", r.value("pareto", false) ? "yes" : "");
  }
  body += "</table>\n";
  const std::string name = j.contains("sweep") && j["sweep"].is_string()
                               ? j["sweep"].get<std::string>()
                               : dir.filename().string();
  return html_page(
      "spikechip sweep: " + name,
      html_text(fmt::format("{} points ({} ok) over {} axes, from {}", j["rows"].size(),
                            rows.size(), axes.size(), (dir / "results.json").string())),
      body, charts);
}

std::string sweep_text(const fs::path& dir) {
  const J j = load_results(dir);
  const auto axes = axes_of(j);
  const auto objectives = objectives_of(j);
  std::string t = fmt::format("{:<18}", "point");
  for (const auto& a : axes) t += fmt::format("  {:<12}", a);
  for (const auto& [m, g] : objectives) t += fmt::format("  {:>14}", m.substr(m.rfind('.') + 1));
  t += "  pareto\n";
  for (const auto& r : j["rows"]) {
    t += fmt::format("{:<18}", r.value("point", ""));
    for (const auto& a : axes)
      t += fmt::format("  {:<12}", r["axes"].contains(a) ? r["axes"][a].get<std::string>() : "");
    for (const auto& [m, g] : objectives)
      t += fmt::format("  {:>14}", r["metrics"].contains(m) && r["metrics"][m].is_number()
                                       ? human(r["metrics"][m].get<double>(), unit_of(m))
                                       : r.value("status", ""));
    t += r.value("pareto", false) ? "  *\n" : "\n";
  }
  return t;
}

}  // namespace cli
