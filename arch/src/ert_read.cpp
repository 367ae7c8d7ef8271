// Reading an Accelergy ERT (energy reference table) back into event and static-power maps: the
// inverse of arch::accelergy_ert, so users can bring Accelergy/CACTI-generated tables.
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/core.h>

#include "arch/energy.h"
#include "suggest.h"
#include "technology.h"

namespace arch::detail {
namespace {

constexpr double kMaxEnergyPj = 1e9;

// "loihi.core[0..127].au" -> "au": the last component of the hierarchy, instance ranges
// dropped (they may hold dots themselves).
std::string component_of(const std::string& table) {
  std::string flat;
  int depth = 0;
  for (char ch : table) {
    if (ch == '[') ++depth;
    if (depth == 0) flat += ch;
    if (ch == ']' && depth > 0) --depth;
  }
  const size_t dot = flat.rfind('.');
  return dot == std::string::npos ? flat : flat.substr(dot + 1);
}

std::vector<std::string> known_components() {
  std::set<std::string> out(kStaticBlockKeys.begin(), kStaticBlockKeys.end());
  for (auto k : kEnergyEventKeys) out.insert(std::string(k.substr(0, k.find('.'))));
  return {out.begin(), out.end()};
}

YAML::Node child(const YAML::Node& map, const char* key, const Source& src,
                 const std::string& what) {
  if (!map.IsMap())
    fail(src, map.Mark(), what + ": expected a mapping, got " + std::string(node_kind(map)));
  YAML::Node n = map[key];
  if (!n) fail(src, map.Mark(), fmt::format("{}: missing required key '{}'", what, key));
  return n;
}

}  // namespace

ErtTable read_accelergy_ert(std::string_view text, const Source& src, double clock_hz) {
  const YAML::Node root = parse_yaml(text, src);
  const YAML::Node ert = child(root, "ERT", src, "ERT file");
  const YAML::Node tables = child(ert, "tables", src, "ERT");
  if (!tables.IsSequence())
    fail(src, tables.Mark(),
         "ERT.tables: expected a list of tables, got " + std::string(node_kind(tables)));
  const auto components = known_components();
  ErtTable out;
  for (const auto& table : tables) {
    const YAML::Node name = child(table, "name", src, "ERT table");
    if (!name.IsScalar()) fail(src, name.Mark(), "ERT table name: expected text");
    const std::string component = component_of(name.Scalar());
    if (std::find(components.begin(), components.end(), component) == components.end())
      fail(src, name.Mark(),
           fmt::format("ERT table '{}': unknown component '{}'{}; expected the last part of the "
                       "name to be one of {}",
                       name.Scalar(), component, did_you_mean(component, components),
                       join(components)));
    const YAML::Node actions = child(table, "actions", src, "ERT table " + name.Scalar());
    if (!actions.IsSequence())
      fail(src, actions.Mark(),
           fmt::format("ERT table '{}': actions: expected a list, got {}", name.Scalar(),
                       node_kind(actions)));
    for (const auto& action : actions) {
      const YAML::Node an = child(action, "name", src, "ERT action");
      if (!an.IsScalar()) fail(src, an.Mark(), "ERT action name: expected text");
      if (const YAML::Node args = action["arguments"]; args && !args.IsNull())
        fail(src, args.Mark(),
             fmt::format("ERT action '{}.{}': actions with arguments are not supported (each "
                         "event has one energy); expected 'arguments: null'",
                         component, an.Scalar()));
      const YAML::Node e = child(action, "energy", src, "ERT action " + an.Scalar());
      const std::string what = component + "." + an.Scalar();
      // Accelergy ERT energies are plain numbers in pJ.
      const double pj =
          read_quantity(e, src, what, units::Quantity::energy, 0, kMaxEnergyPj, false);
      if (an.Scalar() == "leak") {
        if (std::find(kStaticBlockKeys.begin(), kStaticBlockKeys.end(), component) ==
            kStaticBlockKeys.end())
          fail(src, an.Mark(),
               fmt::format("ERT action '{}': leak is static power of a block, one of {}", what,
                           join(std::vector<std::string>(kStaticBlockKeys.begin(),
                                                         kStaticBlockKeys.end()))));
        // pJ per clock cycle -> mW; 12 significant digits so a written table reads back exact.
        const double mw = std::stod(fmt::format("{:.12g}", pj * clock_hz / 1e9));
        if (!out.static_mw.emplace(component, mw).second)
          fail(src, an.Mark(), fmt::format("ERT action '{}' given twice", what));
        continue;
      }
      if (!energy_event_from_key(what)) {
        std::vector<std::string> valid;
        for (auto k : kEnergyEventKeys)
          if (k.substr(0, k.find('.')) == component)
            valid.push_back(std::string(k.substr(k.find('.') + 1)));
        if (std::find(kStaticBlockKeys.begin(), kStaticBlockKeys.end(), component) !=
            kStaticBlockKeys.end())
          valid.push_back("leak");
        fail(src, an.Mark(),
             fmt::format("ERT action '{}': unknown action '{}' of component '{}'{}; expected one "
                         "of {}",
                         what, an.Scalar(), component, did_you_mean(an.Scalar(), valid),
                         join(valid)));
      }
      if (!out.event_pj.emplace(what, pj).second)
        fail(src, an.Mark(), fmt::format("ERT action '{}' given twice", what));
    }
  }
  return out;
}

}  // namespace arch::detail
