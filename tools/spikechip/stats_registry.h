// The statistics registry of an output folder: every statistic a command reports, once, with
// its name, description and unit, and the writers of every output that holds statistics
// (stats.txt, stats.json, layers.csv, cores.csv, steps.csv and the counters in report.json).
// No writer lists fields: each walks the registry (docs/reports.md).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cli {

struct StatDef {
  std::string name;  // a chip-wide statistic's full dotted name ("chip.cycles"), or a column's
  std::string description;
  std::string unit;  // "cycles", "events", "pJ", "s", "bytes", "ratio", ...
};

// Statistics of like scopes (every layer, every core, every step): one column per statistic,
// one row per scope.
struct StatTable {
  std::string kind;                      // "layer", "core", "step" or "link"
  std::vector<std::string> key_columns;  // leading columns naming the row: "layer"; "core","x","y"
  std::vector<StatDef> defs;
  struct Row {
    std::vector<std::string> keys;  // one per key column
    std::vector<double> values;     // one per def
  };
  std::vector<Row> rows;

  size_t add_def(std::string name, std::string description, std::string unit);
  Row& add_row(std::vector<std::string> keys);  // values sized to defs, zero
  // Hierarchical name of a row's statistics in stats.txt: "layer.<name>", "core<N>",
  // "router.x<X>y<Y>.<port>".
  std::string prefix(const Row& row) const;
  std::string csv() const;
  const StatDef* find(const std::string& name) const;
  double value(const Row& row, const std::string& name) const;  // 0 when absent
};

class StatRegistry {
 public:
  void scalar(std::string name, std::string description, std::string unit, double value);
  const std::vector<StatDef>& scalar_defs() const { return scalar_defs_; }
  const std::vector<double>& scalar_values() const { return scalar_values_; }
  double scalar_value(const std::string& name) const;  // 0 when absent

  StatTable layers{"layer", {"layer"}, {}, {}};
  StatTable cores{"core", {"core", "x", "y"}, {}, {}};
  StatTable steps{"step", {"sample", "step"}, {}, {}};  // only with --stats-per-step
  // Every output port of every router: the links to its neighbours and its ejection ports.
  StatTable links{"link", {"router", "x", "y", "port"}, {}, {}};

  // gem5 style, one line per statistic: "name value # description (unit)"; chip-wide first,
  // then every core ("core<N>.<stat>"), every layer ("layer.<name>.<stat>") and every router
  // port ("router.x<X>y<Y>.<port>.<stat>").
  std::string text() const;
  // {"<full name>": {"value": v, "unit": u, "description": d}, ...} in the order of text().
  nlohmann::ordered_json json() const;
  // {"<full name>": value} of the chip-wide statistics (report.json "counters").
  nlohmann::ordered_json scalars_json() const;
  // {"<stat>": value} of one row (report.json layers[].counters, latency.per_core[].counters).
  static nlohmann::ordered_json row_json(const StatTable& t, const StatTable::Row& row);

 private:
  std::vector<StatDef> scalar_defs_;
  std::vector<double> scalar_values_;
};

// A statistic's value as text: integers without a decimal point, others shortest round-trip.
std::string format_stat(double v);

}  // namespace cli
