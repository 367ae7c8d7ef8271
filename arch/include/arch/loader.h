// Loading a chip description: a YAML file or an embedded preset, `base:` inheritance, `--set`
// overrides, validation with file:line:column errors (isa::InputError), energy resolution, and
// the canonical YAML plus its hash that identify the resolved chip.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "arch/config.h"

namespace arch {

struct ResolvedArch {
  ArchConfig config;           // every value in base units; config.energy holds every ERT key
  std::string canonical_yaml;  // the resolved config, fixed key order: printed and archived
  uint64_t hash = 0;           // FNV-1a 64 of canonical_yaml; program images store it
  std::string source;          // "preset default", "preset loihi" or the file path
};

// `file_or_preset`: "" (the embedded default), a preset name (see preset_names()) or a path to
// a YAML file. `overrides`: "key.path=value" strings as given to --set, applied in order after
// the file. Throws isa::InputError for any bad input.
ResolvedArch load_arch(const std::string& file_or_preset,
                       const std::vector<std::string>& overrides = {});

// The same from YAML text; `name_for_errors` is what messages call the text (a file name), and
// the folder of a path given there is where a relative `base:` file is looked up.
ResolvedArch load_arch_text(std::string_view yaml, const std::string& name_for_errors,
                            const std::vector<std::string>& overrides = {});

// The names the loader accepts as chip presets ("default", "loihi", ...), sorted.
std::vector<std::string> preset_names();
// The names accepted as energy.technology presets ("horowitz45", "loihi").
std::vector<std::string> technology_names();

// Every configs/*.yaml (key = stem) and configs/energy/*.yaml (key = "energy/<stem>") as text,
// compiled into the binary by arch/embed_presets.cmake.
const std::map<std::string, std::string>& embedded_presets();

// FNV-1a, 64 bit.
uint64_t fnv1a64(std::string_view bytes);

// docs/arch.md's key table (Markdown), generated from the schema the loader uses.
std::string arch_keys_markdown();

}  // namespace arch
