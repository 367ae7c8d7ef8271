// Resolving the energy table of a chip: the technology preset (configs/energy/<name>.yaml or a
// file), its scaling models, then the arch's own overrides, into ArchConfig::energy.
#pragma once
#include <map>
#include <string>

#include "arch/config.h"

namespace arch::detail {

struct EnergyOverrides {
  std::map<std::string, double> event_pj;   // from energy.events in files and --set
  std::map<std::string, double> static_mw;  // from energy.static
  std::string technology_dir;    // folder of the file that named energy.technology ("" = cwd)
  std::string technology_where;  // where energy.technology was set, for messages
};

// Fills config.energy.event_pj / static_mw with every key. Throws isa::InputError.
void resolve_energy(ArchConfig& config, const EnergyOverrides& overrides);

}  // namespace arch::detail
