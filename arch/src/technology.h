// Resolving the energy table of a chip: the technology preset (configs/energy/<name>.yaml or a
// file), its scaling models, then the arch's own overrides, into ArchConfig::energy.
#pragma once
#include <map>
#include <string>

#include "arch/config.h"
#include "yaml_input.h"

namespace arch::detail {

struct EnergyOverrides {
  std::map<std::string, double> event_pj;   // from energy.events in files and --set
  std::map<std::string, double> static_mw;  // from energy.static
  std::string technology_dir;    // folder of the file that named energy.technology ("" = cwd)
  std::string technology_where;  // where energy.technology was set, for messages
  std::string ert_dir;           // folder of the file that named energy.ert ("" = cwd)
  std::string ert_where;         // where energy.ert was set, for messages
};

// An Accelergy ERT read back: events by ERT key (pJ) and static power by block (mW, from the
// "leak" actions, pJ per clock cycle). Only what the file gives.
struct ErtTable {
  std::map<std::string, double> event_pj;
  std::map<std::string, double> static_mw;
};
// Throws isa::InputError naming file:line and what was expected.
ErtTable read_accelergy_ert(std::string_view text, const Source& src, double clock_hz);

// Fills config.energy.event_pj / static_mw with every key: the arch's overrides, else the ERT
// file (energy.ert), else the technology. Throws isa::InputError.
void resolve_energy(ArchConfig& config, const EnergyOverrides& overrides);

}  // namespace arch::detail
