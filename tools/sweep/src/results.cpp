#include "sweep/results.h"

#include <fmt/core.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sweep/axis_values.h"
#include "sweep/metrics.h"
#include "sweep/pareto.h"

namespace sweep {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::vector<Row> collect_rows(const Plan& plan, const Store& store,
                              const std::vector<size_t>& which) {
  const auto& cols = metric_columns();
  std::vector<Row> rows;
  for (size_t k : which) {
    const PointPlan& p = plan.points[k];
    Row r;
    r.index = k;
    r.id = p.id;
    r.values = p.values;
    r.metrics.assign(cols.size(), std::nullopt);
    const auto st = store.status(p.id);
    if (!st) {
      r.status = "missing";
    } else if (!st->ok) {
      r.status = st->error.empty() ? "failed" : st->error;
    } else {
      r.status = "ok";
      const auto report =
          nlohmann::json::parse(read_text(store.point_dir(p.id) / "report.json"), nullptr, false);
      if (report.is_discarded()) {
        r.status = "report.json unreadable";
      } else {
        for (size_t c = 0; c < cols.size(); ++c) r.metrics[c] = metric_of(report, cols[c]);
      }
    }
    rows.push_back(std::move(r));
  }
  mark_pareto(plan, rows);
  return rows;
}

void mark_pareto(const Plan& plan, std::vector<Row>& rows) {
  const auto& objs = plan.spec.objectives;
  if (objs.empty()) return;
  const auto& cols = metric_columns();
  std::vector<size_t> col_of;
  std::vector<bool> maximise;
  for (const auto& o : objs) {
    col_of.push_back(size_t(std::find(cols.begin(), cols.end(), o.metric) - cols.begin()));
    maximise.push_back(o.maximise);
  }
  std::vector<std::vector<double>> values;
  std::vector<size_t> who;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].status != "ok") continue;
    std::vector<double> v;
    for (size_t c : col_of)
      if (rows[i].metrics[c]) v.push_back(*rows[i].metrics[c]);
    if (v.size() != col_of.size()) {
      rows[i].pareto = false;  // an objective it has no value for
      continue;
    }
    values.push_back(v);
    who.push_back(i);
  }
  const auto front = pareto_front(values, maximise);
  for (size_t j = 0; j < who.size(); ++j) rows[who[j]].pareto = front[j];
}

namespace {
std::string metric_text(const std::optional<double>& v) {
  return v ? number_text(*v) : "";
}
}  // namespace

std::string results_csv(const Plan& plan, const std::vector<Row>& rows) {
  std::string s = "point,status";
  for (const auto& a : plan.spec.axes) s += "," + csv_field(a.name);
  for (const auto& c : metric_columns()) s += "," + std::string(c);
  s += ",pareto\n";
  for (const auto& r : rows) {
    s += r.id + "," + csv_field(r.status);
    for (const auto& v : r.values) s += "," + csv_field(v);
    for (const auto& m : r.metrics) s += "," + metric_text(m);
    s += "," + std::string(r.pareto ? (*r.pareto ? "1" : "0") : "");
    s += "\n";
  }
  return s;
}

std::string results_json(const Plan& plan, const std::vector<Row>& rows) {
  nlohmann::ordered_json j;
  j["schema"] = "spikechip.sweep-results/1";
  j["sweep"] = plan.spec.name;
  nlohmann::ordered_json axes = nlohmann::ordered_json::array();
  for (const auto& a : plan.spec.axes) axes.push_back(a.name);
  j["axes"] = axes;
  nlohmann::ordered_json objectives = nlohmann::ordered_json::object();
  for (const auto& o : plan.spec.objectives) objectives[o.metric] = o.maximise ? "max" : "min";
  j["objectives"] = objectives;
  size_t ok = 0, failed = 0, missing = 0;
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  const auto& cols = metric_columns();
  for (const auto& r : rows) {
    (r.status == "ok" ? ok : r.status == "missing" ? missing : failed)++;
    nlohmann::ordered_json row;
    row["point"] = r.id;
    row["index"] = r.index;
    row["status"] = r.status;
    nlohmann::ordered_json values = nlohmann::ordered_json::object();
    for (size_t a = 0; a < r.values.size(); ++a) values[plan.spec.axes[a].name] = r.values[a];
    row["axes"] = values;
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
    for (size_t c = 0; c < cols.size(); ++c)
      metrics[std::string(cols[c])] =
          r.metrics[c] ? nlohmann::ordered_json(*r.metrics[c]) : nullptr;
    row["metrics"] = metrics;
    row["pareto"] = r.pareto ? nlohmann::ordered_json(*r.pareto) : nullptr;
    out.push_back(std::move(row));
  }
  j["summary"] = {{"points", rows.size()}, {"ok", ok}, {"failed", failed}, {"missing", missing}};
  j["rows"] = out;
  return j.dump(2) + "\n";
}

std::string pareto_table(const Plan& plan, const std::vector<Row>& rows) {
  const auto& objs = plan.spec.objectives;
  if (objs.empty()) return "";
  const auto& cols = metric_columns();
  std::vector<std::string> head = {"point"};
  for (const auto& a : plan.spec.axes) head.push_back(a.name);
  for (const auto& o : objs) head.push_back(o.metric + (o.maximise ? " (max)" : " (min)"));
  std::vector<std::vector<std::string>> body;
  for (const auto& r : rows) {
    if (!r.pareto || !*r.pareto) continue;
    std::vector<std::string> line = {r.id};
    for (const auto& v : r.values) line.push_back(v);
    for (const auto& o : objs) {
      const size_t c = size_t(std::find(cols.begin(), cols.end(), o.metric) - cols.begin());
      line.push_back(r.metrics[c] ? fmt::format("{:.6g}", *r.metrics[c]) : "");
    }
    body.push_back(line);
  }
  std::vector<size_t> width(head.size(), 0);
  for (size_t i = 0; i < head.size(); ++i) width[i] = head[i].size();
  for (const auto& l : body)
    for (size_t i = 0; i < l.size(); ++i) width[i] = std::max(width[i], l[i].size());
  const auto fmt_line = [&](const std::vector<std::string>& l) {
    std::string s;
    for (size_t i = 0; i < l.size(); ++i)
      s += (i ? "  " : "") + l[i] + std::string(width[i] - l[i].size(), ' ');
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string s = fmt::format("Pareto front ({} of {} points):\n", body.size(), rows.size());
  s += fmt_line(head);
  for (const auto& l : body) s += fmt_line(l);
  return s;
}

}  // namespace sweep
