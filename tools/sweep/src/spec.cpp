#include "sweep/spec.h"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "arch/loader.h"
#include "isa/error.h"
#include "sweep/axis_values.h"
#include "sweep/metrics.h"

namespace sweep {

namespace fs = std::filesystem;

std::string where(const std::string& path, const Mark& mark) {
  if (mark.line <= 0) return path;
  return fmt::format("{}:{}:{}", path, mark.line, mark.column);
}

void fail(const std::string& path, const Mark& mark, const std::string& what) {
  throw isa::InputError(fmt::format("{}: {}", where(path, mark), what));
}

namespace {

Mark mark_of(const YAML::Node& n) {
  return {n.Mark().line + 1, n.Mark().column + 1};
}

std::string join(const std::vector<std::string_view>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + std::string(x);
  return s;
}

struct Reader {
  const std::string& path;
  fs::path dir;  // the spec's folder, absolute
  const RunOptionRules& rules;

  std::string scalar(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar() || n.Scalar().empty())
      fail(path, mark_of(n), fmt::format("{}: expected a non-empty scalar", what));
    return n.Scalar();
  }

  // A path relative to the spec's folder, which must name an existing file (or folder).
  std::string file(const YAML::Node& n, const std::string& what) const {
    const std::string s = scalar(n, what);
    fs::path p(s);
    if (p.is_relative()) p = dir / p;
    p = p.lexically_normal();
    std::error_code ec;
    if (!fs::exists(p, ec))
      fail(path, mark_of(n),
           fmt::format("{}: '{}' does not exist (looked for {}; paths are relative to the spec "
                       "file)",
                       what, s, p.string()));
    return p.string();
  }

  // A map of plain keys, each at most once.
  template <class Fn>
  void each(const YAML::Node& map, const std::string& what, Fn fn) const {
    if (!map.IsMap()) fail(path, mark_of(map), fmt::format("{}: expected a mapping", what));
    std::set<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar())
        fail(path, mark_of(kv.first), fmt::format("{}: expected a plain key", what));
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second)
        fail(path, mark_of(kv.first), fmt::format("{}: key '{}' given twice", what, key));
      fn(key, kv.first, kv.second);
    }
  }

  void option(const std::string& name, const YAML::Node& value, const std::string& what,
              std::vector<Setting>& into) const {
    if (!value.IsScalar())
      fail(path, mark_of(value), fmt::format("{} '{}': expected a scalar value", what, name));
    if (const std::string err = rules.check(name, value.Scalar()); !err.empty())
      fail(path, mark_of(value),
           fmt::format("{} '{}' value '{}': {}", what, name, value.Scalar(), err));
    into.push_back({name, value.Scalar(), mark_of(value)});
  }

  void base(Spec& s, const YAML::Node& b) const {
    bool have_model = false, have_input = false;
    each(b, "base", [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      if (key == "model") {
        s.model = file(v, "base.model");
        s.model_mark = mark_of(v);
        have_model = true;
      } else if (key == "input") {
        s.input = file(v, "base.input");
        s.input_mark = mark_of(v);
        have_input = true;
      } else if (key == "labels") {
        s.labels = file(v, "base.labels");
        s.labels_mark = mark_of(v);
      } else if (key == "arch") {
        const std::string a = scalar(v, "base.arch");
        const auto presets = arch::preset_names();
        s.arch = std::find(presets.begin(), presets.end(), a) != presets.end()
                     ? a
                     : file(v, "base.arch (a preset name or a YAML file)");
        s.arch_mark = mark_of(v);
      } else if (key == "options") {
        each(v, "base.options",
             [&](const std::string& name, const YAML::Node&, const YAML::Node& val) {
               option(name, val, "base.options", s.options);
             });
      } else if (key == "set") {
        each(v, "base.set", [&](const std::string& name, const YAML::Node&, const YAML::Node& val) {
          if (!val.IsScalar() && !val.IsSequence())
            fail(path, mark_of(val), fmt::format("base.set '{}': expected a value", name));
          std::string text = val.IsScalar() ? val.Scalar() : "";
          if (val.IsSequence()) {
            YAML::Emitter e;
            e << YAML::Flow << val;
            text = e.c_str();
          }
          s.sets.push_back({name, text, mark_of(val)});
        });
      } else {
        fail(path, mark_of(k),
             fmt::format("base: unknown key '{}'; expected model, arch, input, labels, options, "
                         "set",
                         key));
      }
    });
    if (!have_model) fail(path, mark_of(b), "base: missing 'model' (the NIR model to run)");
    if (!have_input) fail(path, mark_of(b), "base: missing 'input' (the workload)");
  }

  void zip(Spec& s, const YAML::Node& z) const {
    if (!z.IsSequence())
      fail(path, mark_of(z), "zip: expected a list of groups, e.g. [[mesh.x, mesh.y]]");
    std::set<size_t> used;
    for (const auto& g : z) {
      if (!g.IsSequence() || g.size() < 2)
        fail(path, mark_of(g), "zip: each group is a list of at least two axis names");
      std::vector<size_t> group;
      for (const auto& n : g) {
        const std::string name = n.IsScalar() ? n.Scalar() : "";
        size_t i = 0;
        while (i < s.axes.size() && s.axes[i].name != name) ++i;
        if (i == s.axes.size())
          fail(path, mark_of(n), fmt::format("zip: '{}' is not an axis", name));
        if (!used.insert(i).second)
          fail(path, mark_of(n), fmt::format("zip: axis '{}' is in more than one group", name));
        if (s.axes[i].values.size() != s.axes[group.empty() ? i : group[0]].values.size())
          fail(path, mark_of(n),
               fmt::format("zip: axis '{}' has {} values, axis '{}' has {}: zipped axes need "
                           "as many values each",
                           name, s.axes[i].values.size(), s.axes[group[0]].name,
                           s.axes[group[0]].values.size()));
        group.push_back(i);
      }
      s.zips.push_back(group);
    }
  }
};

}  // namespace

Spec parse_spec_text(std::string_view text, const std::string& path, const RunOptionRules& rules) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    fail(path, {e.mark.line + 1, e.mark.column + 1}, "malformed YAML: " + e.msg);
  }
  std::error_code ec;
  const fs::path dir = fs::absolute(fs::path(path).parent_path(), ec);
  const Reader r{path, dir, rules};
  Spec s;
  s.path = path;
  s.arch = "default";
  if (!root.IsMap())
    fail(path, mark_of(root), "expected a mapping with keys sweep, base, axes, zip, objectives");
  YAML::Node zip_node, axes_zip;
  bool have_base = false, have_zip = false, have_axes_zip = false;
  try {
    r.each(root, "the spec", [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      if (key == "sweep") {
        s.name = r.scalar(v, "sweep");
      } else if (key == "base") {
        r.base(s, v);
        have_base = true;
      } else if (key == "axes") {
        r.each(v, "axes", [&](const std::string& name, const YAML::Node& nk, const YAML::Node& nv) {
          if (name == "zip") {  // DESIGN.md §13 writes it among the axes; top level works too
            axes_zip.reset(nv);
            have_axes_zip = true;
            return;
          }
          Axis a;
          a.name = name;
          a.mark = mark_of(nk);
          if (name.rfind("options.", 0) == 0) {
            a.is_option = true;
            a.key = name.substr(8);
          } else {
            a.key = name;
          }
          a.values = read_axis_values(nv, name, path);
          if (a.is_option)
            for (const auto& val : a.values)
              if (const std::string err = rules.check(a.key, val.text); !err.empty())
                fail(path, val.mark, fmt::format("axis '{}' value '{}': {}", name, val.text, err));
          s.axes.push_back(std::move(a));
        });
      } else if (key == "zip") {
        zip_node.reset(v);
        have_zip = true;
      } else if (key == "objectives") {
        r.each(v, "objectives",
               [&](const std::string& metric, const YAML::Node& mk, const YAML::Node& mv) {
                 const auto& cols = metric_columns();
                 if (std::find(cols.begin(), cols.end(), metric) == cols.end())
                   fail(path, mark_of(mk),
                        fmt::format("objectives: '{}' is not a metric; expected one of {}", metric,
                                    join(cols)));
                 const std::string dir_text = mv.IsScalar() ? mv.Scalar() : "";
                 if (dir_text != "min" && dir_text != "max")
                   fail(path, mark_of(mv),
                        fmt::format("objectives: {}: expected min or max, got '{}'", metric,
                                    dir_text));
                 s.objectives.push_back({metric, dir_text == "max", mark_of(mk)});
               });
      } else {
        fail(path, mark_of(k),
             fmt::format("unknown key '{}'; expected sweep, base, axes, zip, objectives", key));
      }
    });
    if (have_zip && have_axes_zip)
      fail(path, mark_of(axes_zip), "zip: given both at the top level and under axes");
    if (have_zip) r.zip(s, zip_node);
    if (have_axes_zip) r.zip(s, axes_zip);
  } catch (const YAML::Exception& e) {
    fail(path, {e.mark.line + 1, e.mark.column + 1}, "unexpected YAML: " + e.msg);
  }
  if (s.name.empty()) fail(path, mark_of(root), "missing 'sweep: NAME'");
  if (!have_base) fail(path, mark_of(root), "missing 'base:' (model, arch, input, ...)");
  for (const auto& o : s.objectives)
    if (o.metric == "accuracy" && s.labels.empty())
      fail(path, o.mark, "objectives: accuracy needs base.labels");
  return s;
}

Spec parse_spec(const std::string& path, const RunOptionRules& rules) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw isa::InputError(fmt::format("{}: cannot read the sweep spec", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_spec_text(text, path, rules);
}

}  // namespace sweep
