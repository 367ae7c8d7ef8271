// A sweep resolved into points: each point's arch (resolved and validated by the arch loader),
// run options, compile key and identity. Everything is checked here, before anything runs.
#pragma once
#include <string>
#include <vector>

#include "sweep/spec.h"

namespace sweep {

struct PointPlan {
  size_t index = 0;                 // in grid order
  std::vector<std::string> values;  // per axis, the value's text
  std::vector<std::string> sets;    // "key=value" for --set: base set, then the arch axes
  std::vector<Setting> options;     // effective run options (base, then axes), sorted by name
  std::string arch_yaml;            // the resolved chip, canonical YAML
  std::string compile_key;          // cache name of its image; "" = runs from the NIR
  std::string identity;             // the text whose hash is `id` (point.yaml)
  std::string id;                   // 16 hex digits: DIR/points/<id>/
  std::string label;                // "mesh.x=2 core.n_pe=4"
};

struct Plan {
  Spec spec;
  std::string version;  // the tool's: part of every identity
  bool deterministic = false;
  std::string model_hash, input_hash, labels_hash;
  std::vector<PointPlan> points;
  // Compile configurations: key -> the options `spikechip compile` takes and the chip.
  struct Compile {
    std::string key;
    std::vector<std::string> sets;
    std::vector<Setting> options;  // the compile-affecting run options
    std::string arch_yaml;         // canonical YAML of the chip it compiles for
  };
  std::vector<Compile> compiles;  // in order of first use
  std::string resolved_yaml;      // DIR/sweep.yaml
};

// Throws isa::InputError "SPEC:line:column: axis A value V (point k: ...): what" for a point
// the arch loader rejects, and for files it cannot read.
Plan make_plan(Spec spec, const RunOptionRules& rules, const std::string& version,
               bool deterministic);

// The command-line arguments (after the verb) of a point's run and of a compile.
std::vector<std::string> run_args(const Plan& plan, const PointPlan& p, const std::string& model,
                                  const std::string& compiled_for, const std::string& out,
                                  const RunOptionRules& rules);
std::vector<std::string> compile_args(const Plan& plan, const Plan::Compile& c,
                                      const std::string& out_scb, const RunOptionRules& rules);

}  // namespace sweep
