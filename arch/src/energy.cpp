#include "arch/energy.h"

#include <stdexcept>
#include <vector>

#include <fmt/core.h>

namespace arch {

std::optional<EnergyEvent> energy_event_from_key(std::string_view k) {
  for (size_t i = 0; i < kNumEnergyEvents; ++i)
    if (kEnergyEventKeys[i] == k) return static_cast<EnergyEvent>(i);
  return std::nullopt;
}

std::optional<StaticBlock> static_block_from_key(std::string_view k) {
  for (size_t i = 0; i < kNumStaticBlocks; ++i)
    if (kStaticBlockKeys[i] == k) return static_cast<StaticBlock>(i);
  return std::nullopt;
}

namespace {
double lookup(const std::map<std::string, double>& m, std::string_view k, const char* what) {
  const auto it = m.find(std::string(k));
  if (it == m.end()) throw std::out_of_range(fmt::format("energy table has no {} '{}'", what, k));
  return it->second;
}
}  // namespace

EnergyTable energy_table(const ArchConfig& c) {
  EnergyTable t;
  for (size_t i = 0; i < kNumEnergyEvents; ++i)
    t.event_pj[i] = lookup(c.energy.event_pj, kEnergyEventKeys[i], "event");
  for (size_t i = 0; i < kNumStaticBlocks; ++i)
    t.static_mw[i] = lookup(c.energy.static_mw, kStaticBlockKeys[i], "static block");
  return t;
}

double event_pj(const ArchConfig& c, std::string_view k) {
  if (!energy_event_from_key(k))
    throw std::out_of_range(fmt::format("'{}' is not an energy event", k));
  return lookup(c.energy.event_pj, k, "event");
}

std::string accelergy_ert(const ArchConfig& c) {
  // Components named as in an Accelergy hierarchy: per-core blocks under core[0..N-1], the
  // NoC under router[0..N-1], chip-wide blocks under chip. Static power becomes a "leak"
  // action: energy per clock cycle (mW / Hz = 1e9 pJ per cycle).
  const uint64_t n = uint64_t{c.mesh.x} * c.mesh.y;
  const std::string cores = fmt::format("{}.core[0..{}]", c.name, n - 1);
  const std::string routers = fmt::format("{}.router[0..{}]", c.name, n - 1);
  const std::string chip = c.name + ".chip";
  auto table_of = [&](std::string_view component) -> std::string {
    if (component == "router") return routers;
    if (component == "link") return routers + ".link";
    if (component == "barrier" || component == "host") return chip + "." + std::string(component);
    return cores + "." + std::string(component);
  };
  struct Action {
    std::string name;
    double pj;
  };
  std::vector<std::pair<std::string, std::vector<Action>>> tables;
  auto add = [&](const std::string& table, std::string action, double pj) {
    for (auto& [name, actions] : tables)
      if (name == table) return actions.push_back({std::move(action), pj});
    tables.push_back({table, {{std::move(action), pj}}});
  };
  for (size_t i = 0; i < kNumEnergyEvents; ++i) {
    const std::string_view k = kEnergyEventKeys[i];
    const size_t dot = k.find('.');
    add(table_of(k.substr(0, dot)), std::string(k.substr(dot + 1)),
        lookup(c.energy.event_pj, k, "event"));
  }
  const double pj_per_mw_cycle = 1e9 / c.clock_hz;
  add(cores, "leak", lookup(c.energy.static_mw, "core", "static block") * pj_per_mw_cycle);
  add(routers, "leak", lookup(c.energy.static_mw, "router", "static block") * pj_per_mw_cycle);
  add(chip, "leak", lookup(c.energy.static_mw, "chip", "static block") * pj_per_mw_cycle);

  std::string s = "ERT:\n  version: 0.4\n  tables:\n";
  for (const auto& [name, actions] : tables) {
    s += fmt::format("  - name: {}\n    actions:\n", name);
    for (const auto& a : actions)
      s += fmt::format("    - name: {}\n      arguments: null\n      energy: {}\n", a.name, a.pj);
  }
  return s;
}

}  // namespace arch
