#include "stats_registry.h"

#include <fmt/core.h>

#include <cmath>

namespace cli {

std::string format_stat(double v) {
  if (!std::isfinite(v)) return "nan";
  if (v == std::floor(v) && std::fabs(v) < 9.007199254740992e15)
    return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

static nlohmann::ordered_json json_value(double v) {
  if (!std::isfinite(v)) return nullptr;
  if (v == std::floor(v) && std::fabs(v) < 9.007199254740992e15) return static_cast<int64_t>(v);
  return v;
}

size_t StatTable::add_def(std::string name, std::string description, std::string unit) {
  defs.push_back({std::move(name), std::move(description), std::move(unit)});
  for (Row& r : rows) r.values.resize(defs.size(), 0.0);
  return defs.size() - 1;
}

StatTable::Row& StatTable::add_row(std::vector<std::string> keys) {
  rows.push_back({std::move(keys), std::vector<double>(defs.size(), 0.0)});
  return rows.back();
}

std::string StatTable::prefix(const Row& row) const {
  if (kind == "core") return "core" + row.keys.at(0);
  if (kind == "step") return fmt::format("sample{}.step{}", row.keys.at(0), row.keys.at(1));
  if (kind == "link")
    return fmt::format("router.x{}y{}.{}", row.keys.at(1), row.keys.at(2), row.keys.at(3));
  return kind + "." + row.keys.at(0);
}

const StatDef* StatTable::find(const std::string& name) const {
  for (const StatDef& d : defs)
    if (d.name == name) return &d;
  return nullptr;
}

double StatTable::value(const Row& row, const std::string& name) const {
  for (size_t k = 0; k < defs.size(); ++k)
    if (defs[k].name == name) return row.values[k];
  return 0.0;
}

// A CSV field: quoted when it holds a comma, quote or line break.
static std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string StatTable::csv() const {
  std::string out;
  for (size_t k = 0; k < key_columns.size(); ++k) out += (k ? "," : "") + key_columns[k];
  for (const StatDef& d : defs) out += "," + csv_field(d.name);
  out += "\n";
  for (const Row& r : rows) {
    for (size_t k = 0; k < r.keys.size(); ++k) out += (k ? "," : "") + csv_field(r.keys[k]);
    for (double v : r.values) out += "," + format_stat(v);
    out += "\n";
  }
  return out;
}

void StatRegistry::scalar(std::string name, std::string description, std::string unit,
                          double value) {
  scalar_defs_.push_back({std::move(name), std::move(description), std::move(unit)});
  scalar_values_.push_back(value);
}

double StatRegistry::scalar_value(const std::string& name) const {
  for (size_t k = 0; k < scalar_defs_.size(); ++k)
    if (scalar_defs_[k].name == name) return scalar_values_[k];
  return 0.0;
}

namespace {
template <class F>
void for_each_stat(const StatRegistry& r, F&& f) {
  for (size_t k = 0; k < r.scalar_defs().size(); ++k)
    f(r.scalar_defs()[k].name, r.scalar_defs()[k], r.scalar_values()[k]);
  for (const StatTable* t : {&r.cores, &r.layers, &r.links})
    for (const StatTable::Row& row : t->rows) {
      const std::string p = t->prefix(row);
      for (size_t k = 0; k < t->defs.size(); ++k)
        f(p + "." + t->defs[k].name, t->defs[k], row.values[k]);
    }
}
}  // namespace

std::string StatRegistry::text() const {
  std::string out = "---------- Begin Simulation Statistics ----------\n";
  for_each_stat(*this, [&](const std::string& name, const StatDef& d, double v) {
    out += fmt::format("{:<56} {:>20} # {} ({})\n", name, format_stat(v), d.description, d.unit);
  });
  return out + "---------- End Simulation Statistics   ----------\n";
}

nlohmann::ordered_json StatRegistry::json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  // Appended, not looked up: an ordered_json key lookup is a linear search, and a 16x16 mesh
  // has thousands of link statistics. Names are unique (the registry's tests check it).
  auto& members = j.get_ref<nlohmann::ordered_json::object_t&>();
  for_each_stat(*this, [&](const std::string& name, const StatDef& d, double v) {
    members.emplace_back(
        name, nlohmann::ordered_json{
                  {"value", json_value(v)}, {"unit", d.unit}, {"description", d.description}});
  });
  return j;
}

nlohmann::ordered_json StatRegistry::scalars_json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (size_t k = 0; k < scalar_defs_.size(); ++k)
    j[scalar_defs_[k].name] = json_value(scalar_values_[k]);
  return j;
}

nlohmann::ordered_json StatRegistry::row_json(const StatTable& t, const StatTable::Row& row) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (size_t k = 0; k < t.defs.size(); ++k) j[t.defs[k].name] = json_value(row.values[k]);
  return j;
}

}  // namespace cli
