#include "sweep/plan.h"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "arch/loader.h"
#include "compiler/compile_key.h"
#include "isa/error.h"
#include "sweep/grid.h"
#include "sweep/identity.h"

namespace sweep {

namespace {

bool is_true(const std::string& v) {
  return v == "true" || v == "True" || v == "TRUE";
}

// Options as they go on a command line: `--name value`, or `--name` for a switch set true.
void append_options(std::vector<std::string>& args, const std::vector<Setting>& options,
                    const RunOptionRules& rules) {
  for (const auto& o : options) {
    if (rules.is_switch(o.key)) {
      if (is_true(o.value)) args.push_back("--" + o.key);
    } else {
      args.push_back("--" + o.key);
      args.push_back(o.value);
    }
  }
}

std::string yaml_scalar(const std::string& s) {
  YAML::Emitter e;
  e << s;
  return e.c_str();
}

std::string resolved_yaml(const Plan& plan) {
  const Spec& s = plan.spec;
  std::string y =
      fmt::format("# the sweep as resolved by spikechip {} (DESIGN.md §13)\n", plan.version);
  y += fmt::format("sweep: {}\nspec: {}\n", yaml_scalar(s.name), yaml_scalar(s.path));
  y += "base:\n";
  y += fmt::format("  model: {}\n  model_hash: {}\n", yaml_scalar(s.model), plan.model_hash);
  y += fmt::format("  arch: {}\n", yaml_scalar(s.arch));
  y += fmt::format("  input: {}\n  input_hash: {}\n", yaml_scalar(s.input), plan.input_hash);
  if (!s.labels.empty())
    y += fmt::format("  labels: {}\n  labels_hash: {}\n", yaml_scalar(s.labels), plan.labels_hash);
  y += "  options:";
  y += s.options.empty() ? " {}\n" : "\n";
  for (const auto& o : s.options) y += fmt::format("    {}: {}\n", o.key, yaml_scalar(o.value));
  y += "  set:";
  y += s.sets.empty() ? " {}\n" : "\n";
  for (const auto& o : s.sets) y += fmt::format("    {}: {}\n", o.key, yaml_scalar(o.value));
  y += "axes:";
  y += s.axes.empty() ? " {}\n" : "\n";
  for (const auto& a : s.axes) {
    std::string vals;
    for (const auto& v : a.values) vals += (vals.empty() ? "" : ", ") + yaml_scalar(v.text);
    y += fmt::format("  {}: [{}]\n", a.name, vals);
  }
  if (!s.zips.empty()) {
    y += "zip:\n";
    for (const auto& g : s.zips) {
      std::string names;
      for (size_t i : g) names += (names.empty() ? "" : ", ") + s.axes[i].name;
      y += fmt::format("  - [{}]\n", names);
    }
  }
  y += "objectives:";
  y += s.objectives.empty() ? " {}\n" : "\n";
  for (const auto& o : s.objectives)
    y += fmt::format("  {}: {}\n", o.metric, o.maximise ? "max" : "min");
  y += fmt::format("deterministic: {}\npoints: {}\n", plan.deterministic ? "true" : "false",
                   plan.points.size());
  return y;
}

}  // namespace

Plan make_plan(Spec spec, const RunOptionRules& rules, const std::string& version,
               bool deterministic) {
  Plan plan;
  plan.spec = std::move(spec);
  const Spec& s = plan.spec;
  plan.version = version;
  plan.deterministic = deterministic;
  const auto hash_or_fail = [&](const std::string& file, const Mark& m, const char* what) {
    try {
      return hash_path(file);
    } catch (const isa::InputError& e) {
      fail(s.path, m, fmt::format("{}: {}", what, e.what()));
    }
  };
  plan.model_hash = hash_or_fail(s.model, s.model_mark, "base.model");
  plan.input_hash = hash_or_fail(s.input, s.input_mark, "base.input");
  if (!s.labels.empty()) plan.labels_hash = hash_or_fail(s.labels, s.labels_mark, "base.labels");

  std::map<std::string, arch::ResolvedArch> chips;  // by joined sets
  std::map<std::string, size_t> compile_index;
  const auto grid = expand_grid(s);
  for (size_t k = 0; k < grid.size(); ++k) {
    PointPlan p;
    p.index = k;
    for (const auto& o : s.sets) p.sets.push_back(o.key + "=" + o.value);
    std::map<std::string, Setting> options;
    for (const auto& o : s.options) options[o.key] = o;
    for (size_t a = 0; a < s.axes.size(); ++a) {
      const Axis& axis = s.axes[a];
      const AxisValue& v = axis.values[grid[k][a]];
      p.values.push_back(v.text);
      p.label += (p.label.empty() ? "" : " ") + axis.name + "=" + v.text;
      if (axis.is_option)
        options[axis.key] = {axis.key, v.text, v.mark};
      else
        p.sets.push_back(axis.key + "=" + v.text);
    }
    for (auto& [name, o] : options)
      if (!(rules.is_switch(name) && !is_true(o.value))) p.options.push_back(o);

    std::string joined;
    for (const auto& x : p.sets) joined += x + '\n';
    auto it = chips.find(joined);
    if (it == chips.end()) {
      try {
        it = chips.emplace(joined, arch::load_arch(s.arch, p.sets)).first;
      } catch (const isa::InputError& e) {
        // The place: the axis value (or base.set entry) the loader names, else the point's
        // last arch axis, else base.arch.
        const std::string msg = e.what();
        Mark m = s.arch_mark;
        std::string what = "base.arch";
        for (const auto& o : s.sets)
          if (msg.find("'" + o.key + "=" + o.value + "'") != std::string::npos) {
            m = o.mark;
            what = fmt::format("base.set '{}' value '{}'", o.key, o.value);
          }
        for (size_t a = 0; a < s.axes.size(); ++a) {
          const Axis& axis = s.axes[a];
          if (axis.is_option) continue;
          const AxisValue& v = axis.values[grid[k][a]];
          if (msg.find("'" + axis.key + "=" + v.text + "'") != std::string::npos ||
              what == "base.arch") {
            m = v.mark;
            what = fmt::format("axis '{}' value '{}'", axis.name, v.text);
          }
        }
        fail(s.path, m, fmt::format("{} (point {}: {}): {}", what, k, p.label, msg));
      }
    }
    const arch::ResolvedArch& chip = it->second;
    p.arch_yaml = chip.canonical_yaml;

    // A program image as the model runs as it is (on chips it was compiled for).
    bool from_nir = s.model.size() > 4 && s.model.compare(s.model.size() - 4, 4, ".scb") == 0;
    std::vector<Setting> compile_opts;
    for (const auto& o : p.options) {
      if (o.key == "check-golden") from_nir = true;  // the golden executor needs the NIR
      if (rules.affects_compile(o.key)) compile_opts.push_back(o);
    }
    std::string opts_text;
    for (const auto& o : p.options)
      opts_text += fmt::format("  {}: {}\n", o.key, yaml_scalar(o.value));
    if (!from_nir) {
      // The input fixed point is chosen from the inputs: they are part of what is compiled.
      std::string ckey = fmt::format("spikechip: {}\nmodel: {}\ninput: {}\n", version,
                                     plan.model_hash, plan.input_hash);
      ckey += "options:\n";
      for (const auto& o : compile_opts)
        ckey += fmt::format("  {}: {}\n", o.key, yaml_scalar(o.value));
      ckey += "arch:\n" + compiler::compile_relevant_arch(chip.canonical_yaml);
      p.compile_key = hash_text(ckey);
      if (!compile_index.count(p.compile_key)) {
        compile_index[p.compile_key] = plan.compiles.size();
        plan.compiles.push_back({p.compile_key, p.sets, compile_opts, chip.canonical_yaml});
      }
    }
    p.identity = fmt::format(
        "# what identifies this point (DESIGN.md §13); its hash names the folder\n"
        "spikechip: {}\nmodel: {}\ninput: {}\nlabels: {}\ndeterministic: {}\narch: {:016x}\n"
        "options:{}\n{}",
        version, plan.model_hash, plan.input_hash,
        plan.labels_hash.empty() ? "none" : plan.labels_hash, deterministic ? "true" : "false",
        chip.hash, p.options.empty() ? " {}" : "", opts_text);
    p.id = hash_text(p.identity);
    plan.points.push_back(std::move(p));
  }
  // Two grid points with one identity (e.g. a value given as 8 and as "8"... or an axis over a
  // key base.set fixes) would share a folder: refuse the spec.
  std::map<std::string, size_t> seen;
  for (const auto& p : plan.points)
    if (auto [it, fresh] = seen.emplace(p.id, p.index); !fresh)
      fail(s.path, {},
           fmt::format("points {} ({}) and {} ({}) are the same run: an axis changes "
                       "nothing",
                       it->second, plan.points[it->second].label, p.index, p.label));
  plan.resolved_yaml = resolved_yaml(plan);
  return plan;
}

std::vector<std::string> run_args(const Plan& plan, const PointPlan& p, const std::string& model,
                                  const std::string& compiled_for, const std::string& out,
                                  const RunOptionRules& rules) {
  const Spec& s = plan.spec;
  std::vector<std::string> a = {"run", "--model", model, "--arch", s.arch};
  for (const auto& x : p.sets) a.insert(a.end(), {"--set", x});
  if (!compiled_for.empty()) a.insert(a.end(), {"--compiled-for", compiled_for});
  a.insert(a.end(), {"--input", s.input});
  if (!s.labels.empty()) a.insert(a.end(), {"--labels", s.labels});
  append_options(a, p.options, rules);
  if (plan.deterministic) a.push_back("--deterministic");
  // The sweep's own -j is the parallelism: a point is one process, and quiet.
  a.insert(a.end(), {"--threads", "1", "--quiet"});
  a.insert(a.end(), {"--out", out});
  return a;
}

std::vector<std::string> compile_args(const Plan& plan, const Plan::Compile& c,
                                      const std::string& out_scb, const RunOptionRules& rules) {
  std::vector<std::string> a = {"compile", plan.spec.model, "--arch", plan.spec.arch};
  for (const auto& x : c.sets) a.insert(a.end(), {"--set", x});
  a.insert(a.end(), {"--input", plan.spec.input});  // the input fixed point is chosen from it
  append_options(a, c.options, rules);
  a.insert(a.end(), {"-o", out_scb});
  return a;
}

}  // namespace sweep
