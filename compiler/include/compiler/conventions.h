// The time-stepping conventions a NIR graph is compiled with (NIR prescribes none:
// ../shared/NIR.md §2-§3), their names as options and reports spell them, and the frameworks'
// conventions as named profiles. One table each: the CLI, the reports and the docs read these.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "compiler/passes.h"
#include "isa/arith.h"

namespace compiler {

// Option and report spellings.
std::string_view name_of(Discretisation d);  // euler | exact | exact-unscaled
std::string_view name_of(isa::ResetMode r);  // value | subtract
std::string_view name_of(isa::Compare c);    // gt | ge
std::optional<Discretisation> parse_discretisation(std::string_view s);
std::optional<isa::ResetMode> parse_reset(std::string_view s);
std::optional<isa::Compare> parse_compare(std::string_view s);

// A framework's conventions as its NIR exporter and its own simulator use them.
struct FrameworkProfile {
  std::string_view name;  // --profile NAME
  double dt;              // the exporter's time step, in its time unit
  Discretisation discretisation;
  isa::ResetMode reset;
  isa::Compare compare;
  std::string_view note;  // where the figures come from; what the chip does not model
};

std::span<const FrameworkProfile> framework_profiles();
const FrameworkProfile* find_profile(std::string_view name);
std::string profile_names();  // "snntorch, norse, ..." for messages

}  // namespace compiler
