// An axis's values in a spec: a list of scalars (or of flow lists, for list-valued arch keys),
// or a numeric range {from, to, steps, scale: linear|log} (docs/sweeps.md).
#pragma once
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sweep/spec.h"

namespace sweep {

// `node` is the axis's value; `axis` names it in messages; `path` is the spec file.
std::vector<AxisValue> read_axis_values(const YAML::Node& node, const std::string& axis,
                                        const std::string& path);

// The numbers of a range, in order: `steps` values from `from` to `to` inclusive, evenly spaced
// (linear) or evenly spaced in log (log: from and to > 0). With `integral`, each is rounded to
// the nearest whole number. Values are rounded to 12 significant digits (so 1e-4..1e-2 gives
// 0.001, not 0.0009999999999999998). Throws std::invalid_argument with what is wrong.
std::vector<double> range_values(double from, double to, int steps, bool log, bool integral);

// Shortest text that reads back as `v` ("16", "0.5", "1e-05").
std::string number_text(double v);

}  // namespace sweep
