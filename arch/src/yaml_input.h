// Reading YAML input with errors that name the place: "file:line:column: what was expected".
// Shared by the arch loader and the technology (energy table) loader.
#pragma once
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "arch/units.h"

namespace arch::detail {

// Where values come from: a file (marks give line:column) or a --set argument (no lines).
struct Source {
  std::string name;  // file name, "configs/loihi.yaml" or "--set 'core.neurons=0'"
  bool has_lines = true;
};

// "file:3:7" (1-based) or the --set text.
std::string where(const Source& src, const YAML::Mark& mark);
[[noreturn]] void fail(const Source& src, const YAML::Mark& mark, const std::string& what);

// Parses YAML text; malformed YAML becomes an InputError with the parser's line:column.
YAML::Node parse_yaml(std::string_view text, const Source& src);

// "a mapping", "a list", "a scalar", "nothing" for messages.
std::string_view node_kind(const YAML::Node& n);

// A scalar node as a quantity in base units, range-checked; `integral` demands a whole number.
// `what` names the key in messages.
double read_quantity(const YAML::Node& n, const Source& src, const std::string& what,
                     units::Quantity q, double min, double max, bool integral, double clock_hz = 0);

}  // namespace arch::detail
