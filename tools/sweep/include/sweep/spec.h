// A sweep spec (DESIGN.md §13, docs/sweeps.md): the YAML file as parsed and checked, before
// any point is resolved. Paths are made absolute (relative ones are relative to the spec's
// folder); every item keeps its line:column for messages.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sweep {

struct Mark {
  int line = 0, column = 0;  // 1-based; 0 = no place (e.g. a value computed from a range)
};

struct Setting {  // an arch override (`set`) or a run option (`options`)
  std::string key, value;
  Mark mark;  // of the value
};

struct AxisValue {
  std::string text;  // as passed on the command line: `--set key=text` or `--name text`
  Mark mark;         // of the list item, or of the range mapping
};

struct Axis {
  std::string name;  // as written: "mesh.x" or "options.conv-mode"
  bool is_option = false;
  std::string key;  // the arch key, or the run option's name without "options."
  std::vector<AxisValue> values;
  Mark mark;  // of the axis name
};

struct Objective {
  std::string metric;  // a results.csv metric column (results.h)
  bool maximise = false;
  Mark mark;
};

struct Spec {
  std::string path;                        // the spec file, as given (messages name it so)
  std::string name;                        // `sweep:`
  std::string model, arch, input, labels;  // absolute paths; arch may be a preset name
  Mark model_mark, arch_mark, input_mark, labels_mark;
  std::vector<Setting> options;           // base run options, spec order
  std::vector<Setting> sets;              // base arch overrides, spec order
  std::vector<Axis> axes;                 // in spec order
  std::vector<std::vector<size_t>> zips;  // groups of axis indices that advance together
  std::vector<Objective> objectives;
};

// What the sweep knows of the run verb's options (implemented from the verb's own option
// table by the command line, tools/spikechip/sweep_run_options.cpp).
struct RunOptionRules {
  // "" when `--name value` is accepted by `spikechip run` and may be set in a spec; otherwise
  // what is wrong (unknown option, a bad value, an option the sweep sets itself).
  std::function<std::string(const std::string& name, const std::string& value)> check;
  // Takes no value on the command line (given as true or false in a spec).
  std::function<bool(const std::string& name)> is_switch;
  // Changes the compiled program image (`spikechip compile` takes it).
  std::function<bool(const std::string& name)> affects_compile;
};

// Throws isa::InputError "SPEC:line:column: what" for any bad key, value or missing file.
Spec parse_spec(const std::string& path, const RunOptionRules& rules);
Spec parse_spec_text(std::string_view text, const std::string& path, const RunOptionRules& rules);

// "SPEC:line:column" (or "SPEC" when the mark is empty).
std::string where(const std::string& path, const Mark& mark);
[[noreturn]] void fail(const std::string& path, const Mark& mark, const std::string& what);

}  // namespace sweep
