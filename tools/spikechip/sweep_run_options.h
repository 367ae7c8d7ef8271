// The run verb's option table as the sweep spec's rules (sweep/spec.h): which `options:` a
// spec may set, whether a value parses, which options are switches and which change the
// compiled image.
#pragma once
#include "sweep/spec.h"

namespace cli {

const sweep::RunOptionRules& sweep_run_option_rules();

}  // namespace cli
