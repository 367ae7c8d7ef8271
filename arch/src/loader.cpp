#include "arch/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/core.h>

#include "arch/energy.h"
#include "arch/weight_layout.h"
#include "isa/error.h"
#include "schema.h"
#include "suggest.h"
#include "technology.h"
#include "yaml_input.h"

namespace arch {
namespace {

using detail::fail;
using detail::FieldSpec;
using detail::Source;
using detail::Value;
using detail::ValueKind;

constexpr int kMaxBaseDepth = 8;  // base: chains deeper than this are a cycle

// What the layers (base presets, the file, --set) build up before energy is resolved.
struct LoadState {
  ArchConfig config;
  detail::EnergyOverrides energy;
};

std::string dir_of(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw isa::InputError(fmt::format("{}: cannot open file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool is_chip_preset(const std::string& name) {
  const auto names = preset_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Every valid dotted path, for "did you mean" over the whole schema.
std::vector<std::string> all_paths() {
  std::vector<std::string> out;
  for (const auto& f : detail::arch_fields()) out.push_back(f.path);
  for (auto k : kEnergyEventKeys) out.push_back("energy.events." + std::string(k));
  for (auto k : kStaticBlockKeys) out.push_back("energy.static." + std::string(k));
  return out;
}

// The keys that may appear directly under `prefix` ("" = top level, "core." ...).
std::vector<std::string> child_keys(const std::string& prefix) {
  std::vector<std::string> out;
  auto add = [&](const std::string& path) {
    if (path.compare(0, prefix.size(), prefix) != 0) return;
    std::string rest = path.substr(prefix.size());
    // Event keys contain dots themselves ("au.address"): only split off known sections.
    if (prefix == "energy.events." || prefix == "energy.static.") {
      out.push_back(rest);
      return;
    }
    rest = rest.substr(0, rest.find('.'));
    if (std::find(out.begin(), out.end(), rest) == out.end()) out.push_back(rest);
  };
  for (const auto& p : all_paths()) add(p);
  if (prefix.empty()) out.push_back("base");
  return out;
}

// Converts a YAML node to a field value, validated against the field's type and range.
Value read_value(const FieldSpec& f, const YAML::Node& n, const Source& src, double clock_hz) {
  const std::string& key = f.path;
  if (n.IsNull())
    fail(src, n.Mark(), fmt::format("{}: no value; expected {}", key, detail::expected_text(f)));
  switch (f.kind) {
    case ValueKind::uint:
    case ValueKind::real:
      return detail::read_quantity(n, src, key, f.quantity, f.min, f.max, f.kind == ValueKind::uint,
                                   clock_hz);
    case ValueKind::boolean: {
      if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "false"))
        return n.Scalar() == "true";
      fail(src, n.Mark(),
           fmt::format("{}: expected true or false, got '{}'", key,
                       n.IsScalar() ? n.Scalar() : detail::node_kind(n)));
    }
    case ValueKind::text:
      if (!n.IsScalar() || (n.Scalar().empty() && !f.may_be_empty))
        fail(src, n.Mark(),
             fmt::format("{}: expected a non-empty string, got {}", key, detail::node_kind(n)));
      return n.Scalar();
    case ValueKind::choice: {
      if (!n.IsScalar())
        fail(src, n.Mark(),
             fmt::format("{}: expected one of {}, got {}", key, detail::join(f.choices),
                         detail::node_kind(n)));
      const std::string s = n.Scalar();
      if (std::find(f.choices.begin(), f.choices.end(), s) == f.choices.end())
        fail(src, n.Mark(),
             fmt::format("{}: '{}' is not valid{}; expected one of {}", key, s,
                         detail::did_you_mean(s, f.choices), detail::join(f.choices)));
      return s;
    }
    case ValueKind::choice_list: {
      if (!n.IsSequence() && !n.IsScalar())
        fail(src, n.Mark(),
             fmt::format("{}: expected one of {} or a list of them, got {}", key,
                         detail::join(f.choices), detail::node_kind(n)));
      // A single name is a list of one.
      std::vector<YAML::Node> given;
      if (n.IsScalar())
        given.push_back(n);
      else
        for (const auto& item : n) given.push_back(item);
      std::vector<std::string> items;
      for (const auto& item : given) {
        if (!item.IsScalar() ||
            std::find(f.choices.begin(), f.choices.end(), item.Scalar()) == f.choices.end())
          fail(src, item.Mark(),
               fmt::format("{}: '{}' is not valid{}; expected one of {}", key,
                           item.IsScalar() ? item.Scalar() : detail::node_kind(item),
                           item.IsScalar() ? detail::did_you_mean(item.Scalar(), f.choices) : "",
                           detail::join(f.choices)));
        if (std::find(items.begin(), items.end(), item.Scalar()) != items.end())
          fail(src, item.Mark(), fmt::format("{}: '{}' listed twice", key, item.Scalar()));
        items.push_back(item.Scalar());
      }
      if (items.empty())
        fail(src, n.Mark(), key + ": expected at least one of " + detail::join(f.choices));
      return items;
    }
  }
  fail(src, n.Mark(), key + ": unsupported value");
}

void set_energy_entry(LoadState& st, const std::string& section, const std::string& name,
                      const YAML::Node& value, const YAML::Node& key_node, const Source& src) {
  const bool events = section == "energy.events";
  const auto valid = child_keys(section + ".");
  if (std::find(valid.begin(), valid.end(), name) == valid.end())
    fail(src, key_node.Mark(),
         fmt::format("{}: unknown {} '{}'{}; expected one of {}", section,
                     events ? "energy event" : "static power block", name,
                     detail::did_you_mean(name, valid), detail::join(valid)));
  const std::string what = section + "." + name;
  if (events)
    st.energy.event_pj[name] =
        detail::read_quantity(value, src, what, units::Quantity::energy, 0, 1e9, false);
  else
    st.energy.static_mw[name] =
        detail::read_quantity(value, src, what, units::Quantity::power, 0, 1e6, false);
}

// One key found in a layer, applied later in schema order.
struct Pending {
  const FieldSpec* field;
  YAML::Node value;
};

// Walks a mapping under `prefix`, checking every key; leaves go to `pending`, energy maps are
// applied at once (their order does not matter).
void walk(LoadState& st, const YAML::Node& map, const std::string& prefix, const Source& src,
          std::vector<Pending>& pending) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) fail(src, kv.first.Mark(), "expected a plain key");
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second)
      fail(src, kv.first.Mark(), fmt::format("key '{}{}' given twice", prefix, key));
    const std::string path = prefix + key;
    if (path == "base") continue;  // handled by the caller
    if (path == "energy.events" || path == "energy.static") {
      if (!kv.second.IsMap())
        fail(src, kv.second.Mark(),
             fmt::format("{}: expected a mapping, got {}", path, detail::node_kind(kv.second)));
      for (const auto& e : kv.second) {
        if (!e.first.IsScalar()) fail(src, e.first.Mark(), path + ": expected a plain key");
        set_energy_entry(st, path, e.first.Scalar(), e.second, e.first, src);
      }
      continue;
    }
    if (const FieldSpec* f = detail::find_field(path)) {
      pending.push_back({f, kv.second});
      continue;
    }
    const auto children = child_keys(path + ".");
    if (!children.empty()) {  // a section
      if (!kv.second.IsMap())
        fail(src, kv.second.Mark(),
             fmt::format("{}: expected a mapping with keys {}, got {}", path,
                         detail::join(children), detail::node_kind(kv.second)));
      walk(st, kv.second, path + ".", src, pending);
      continue;
    }
    // A valid key at the wrong level ("n_pe" at the top) is the likeliest mistake; then a typo
    // among the siblings; then a typo anywhere.
    std::string hint;
    for (const auto& p : all_paths())
      if (hint.empty() && p.size() > key.size() && p.ends_with("." + key))
        hint = " (did you mean '" + p + "'?)";
    if (hint.empty()) hint = detail::did_you_mean(key, child_keys(prefix));
    if (hint.empty()) hint = detail::did_you_mean(path, all_paths());
    fail(src, kv.first.Mark(),
         fmt::format("unknown key '{}'{}; expected one of {}", path, hint,
                     detail::join(child_keys(prefix))));
  }
}

// Applies the collected keys in schema order, so `clock` is set before cycle counts given as
// times are converted.
void apply(LoadState& st, const std::vector<Pending>& pending, const Source& src,
           const std::string& layer_dir) {
  // Sorted by index: YAML::Node assignment rebinds the referenced node, so Nodes must not be
  // moved around by std::sort.
  std::vector<size_t> order(pending.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return pending[a].field < pending[b].field;  // one vector: addresses follow schema order
  });
  for (const size_t i : order) {
    const Pending& p = pending[i];
    p.field->set(st.config, read_value(*p.field, p.value, src, st.config.clock_hz));
    if (p.field->path == "energy.technology") {
      st.energy.technology_dir = layer_dir;
      st.energy.technology_where = detail::where(src, p.value.Mark());
    }
    if (p.field->path == "energy.ert") {
      st.energy.ert_dir = layer_dir;
      st.energy.ert_where = detail::where(src, p.value.Mark());
    }
  }
  // N:M needs N < M; the error points at the last of the two this layer set (the other may
  // come from a base preset).
  const Pending* nm = nullptr;
  for (const Pending& p : pending)
    if (p.field->path == "core.nm_n" || p.field->path == "core.nm_m") nm = &p;
  const CoreConfig& core = st.config.core;
  if (nm != nullptr && core.nm_n >= core.nm_m)
    fail(src, nm->value.Mark(),
         fmt::format("{}: N:M sparsity keeps core.nm_n = {} of every core.nm_m = {} weights; "
                     "expected core.nm_n < core.nm_m",
                     nm->field->path, core.nm_n, core.nm_m));
}

std::string preset_text(const std::string& name) {
  return embedded_presets().at(name);
}

void load_layer(LoadState& st, std::string_view text, const Source& src, const std::string& dir,
                int depth) {
  if (depth > kMaxBaseDepth)
    throw isa::InputError(fmt::format(
        "{}: 'base:' chain deeper than {} (a file that is its own base?)", src.name, depth - 1));
  const YAML::Node root = detail::parse_yaml(text, src);
  if (!root.IsMap())
    fail(src, root.Mark(),
         fmt::format("expected a mapping with keys {}, got {}", detail::join(child_keys("")),
                     detail::node_kind(root)));
  const YAML::Node base = root["base"];
  if (base) {
    if (!base.IsScalar() || base.Scalar().empty())
      fail(src, base.Mark(), "base: expected a preset name or a file path");
    const std::string b = base.Scalar();
    if (is_chip_preset(b)) {
      load_layer(st, preset_text(b), Source{"configs/" + b + ".yaml"}, "", depth + 1);
    } else {
      std::filesystem::path p(b);
      if (p.is_relative() && !dir.empty()) p = std::filesystem::path(dir) / p;
      if (std::error_code ec; !std::filesystem::is_regular_file(p, ec))
        fail(src, base.Mark(),
             fmt::format("base: '{}' is neither a preset ({}){} nor a readable file", b,
                         detail::join(preset_names()), detail::did_you_mean(b, preset_names())));
      load_layer(st, read_file(p.string()), Source{p.string()}, dir_of(p.string()), depth + 1);
    }
  } else {
    // A file that starts from nothing must say what the chip is.
    for (const auto& f : detail::arch_fields()) {
      if (!f.required) continue;
      YAML::Node n = root;
      std::string_view rest = f.path;
      bool present = true;
      while (present && !rest.empty()) {
        const size_t dot = rest.find('.');
        const std::string part(rest.substr(0, dot));
        if (!n.IsMap() || !n[part])
          present = false;
        else
          n.reset(n[part]);  // reset, not =: assignment would overwrite the referenced node
        rest = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
      }
      if (!present)
        fail(src, root.Mark(),
             fmt::format("missing required key '{}' ({}; expected {}), or start from a preset "
                         "with 'base: NAME'",
                         f.path, f.doc, detail::expected_text(f)));
    }
  }
  std::vector<Pending> pending;
  walk(st, root, "", src, pending);
  apply(st, pending, src, dir);
}

void apply_override(LoadState& st, const std::string& arg) {
  const Source src{"--set '" + arg + "'", false};
  const size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    fail(src, YAML::Mark::null_mark(), "expected KEY=VALUE, e.g. core.neurons=512");
  const std::string path = arg.substr(0, eq);
  const YAML::Node value = detail::parse_yaml(arg.substr(eq + 1), src);
  for (const std::string section : {"energy.events", "energy.static"}) {
    if (path.compare(0, section.size() + 1, section + ".") == 0) {
      set_energy_entry(st, section, path.substr(section.size() + 1), value, YAML::Node(), src);
      return;
    }
  }
  const FieldSpec* f = detail::find_field(path);
  if (!f) {
    const auto children = child_keys(path + ".");
    if (!children.empty())
      fail(src, YAML::Mark::null_mark(),
           fmt::format("'{}' is a section; set one of its keys: {}", path, detail::join(children)));
    fail(src, YAML::Mark::null_mark(),
         fmt::format("unknown key '{}'{}", path, detail::did_you_mean(path, all_paths())));
  }
  std::vector<Pending> pending = {{f, value}};
  apply(st, pending, src, "");
}

// Constraints between keys, checked once everything is set.
void check_consistency(const ArchConfig& c, const std::string& name) {
  auto bad = [&](const std::string& what) {
    throw isa::InputError(fmt::format("{}: {}", name, what));
  };
  // The name becomes part of Accelergy component names and output folders.
  if (c.name.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
    bad(fmt::format("name: '{}' may hold only letters, digits, '_' and '-'", c.name));
  const auto& core = c.core;
  if (core.synapse_word_bits % 8 != 0)
    bad(fmt::format("core.synapse_word_bits: {} is not a multiple of 8", core.synapse_word_bits));
  if (core.membrane_word_bits % 8 != 0)
    bad(fmt::format("core.membrane_word_bits: {} is not a multiple of 8", core.membrane_word_bits));
  const uint64_t stripe = uint64_t{core.synapse_word_bits} / 8 * core.synapse_banks;
  if (core.synapse_memory_bytes % stripe != 0)
    bad(
        fmt::format("core.synapse_memory: {} bytes is not a whole number of {}-bit words in "
                    "each of {} banks (a multiple of {} bytes)",
                    core.synapse_memory_bytes, core.synapse_word_bits, core.synapse_banks, stripe));
  if (core.weight_bits > core.synapse_word_bits)
    bad(fmt::format("core.weight_bits: {} is wider than core.synapse_word_bits ({})",
                    core.weight_bits, core.synapse_word_bits));
  for (const WeightLayout l : core.weight_layouts)
    if (entry_bits(l, core) > core.synapse_word_bits)
      bad(
          fmt::format("core.weight_layout: a {} entry ({} bits: weight and index) is wider than "
                      "core.synapse_word_bits ({})",
                      layout_name(l), entry_bits(l, core), core.synapse_word_bits));
  if (core.neurons % core.membrane_banks != 0 && core.membrane_banks > core.neurons)
    bad(fmt::format("core.membrane_banks: {} banks for {} neurons", core.membrane_banks,
                    core.neurons));
  if (c.map.neurons_per_core > core.neurons)
    bad(fmt::format("map.neurons_per_core: {} neurons per core exceeds core.neurons ({}) by {}",
                    c.map.neurons_per_core, core.neurons, c.map.neurons_per_core - core.neurons));
}

std::string canonical_yaml(const ArchConfig& c) {
  std::string out;
  std::string section;  // the section whose header was printed last
  for (const auto& f : detail::arch_fields()) {
    const size_t dot = f.path.find('.');
    const std::string sec = dot == std::string::npos ? "" : f.path.substr(0, dot);
    if (sec != section && !sec.empty()) out += sec + ":\n";
    section = sec;
    const std::string leaf = dot == std::string::npos ? f.path : f.path.substr(dot + 1);
    out +=
        fmt::format("{}{}: {}\n", sec.empty() ? "" : "  ", leaf, detail::format_value(f, f.get(c)));
  }
  out += "  events:\n";
  for (auto k : kEnergyEventKeys)
    out += fmt::format(
        "    {}: {}\n", k,
        units::format_quantity(c.energy.event_pj.at(std::string(k)), units::Quantity::energy));
  out += "  static:\n";
  for (auto k : kStaticBlockKeys)
    out += fmt::format(
        "    {}: {}\n", k,
        units::format_quantity(c.energy.static_mw.at(std::string(k)), units::Quantity::power));
  return out;
}

ResolvedArch resolve(std::string_view text, const Source& src, const std::string& dir,
                     const std::vector<std::string>& overrides, std::string source) {
  LoadState st;
  st.energy.technology_where = src.name;
  st.energy.ert_where = src.name;
  try {
    load_layer(st, text, src, dir, 0);
    for (const auto& o : overrides) apply_override(st, o);
    check_consistency(st.config, src.name);
    detail::resolve_energy(st.config, st.energy);
  } catch (const YAML::Exception& e) {
    // Every node is checked before use; this is the net for anything yaml-cpp still rejects.
    fail(src, e.mark, "unexpected YAML: " + e.msg);
  }
  ResolvedArch r;
  r.config = std::move(st.config);
  r.canonical_yaml = canonical_yaml(r.config);
  r.hash = fnv1a64(r.canonical_yaml);
  r.source = std::move(source);
  return r;
}

}  // namespace

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const auto& [k, v] : embedded_presets())
    if (k.find('/') == std::string::npos) out.push_back(k);
  return out;
}

std::vector<std::string> technology_names() {
  std::vector<std::string> out;
  for (const auto& [k, v] : embedded_presets())
    if (k.rfind("energy/", 0) == 0) out.push_back(k.substr(7));
  return out;
}

ResolvedArch load_arch_text(std::string_view yaml, const std::string& name_for_errors,
                            const std::vector<std::string>& overrides) {
  return resolve(yaml, Source{name_for_errors}, dir_of(name_for_errors), overrides,
                 name_for_errors);
}

ResolvedArch load_arch(const std::string& file_or_preset,
                       const std::vector<std::string>& overrides) {
  const std::string name = file_or_preset.empty() ? "default" : file_or_preset;
  if (is_chip_preset(name))
    return resolve(preset_text(name), Source{"configs/" + name + ".yaml"}, "", overrides,
                   "preset " + name);
  if (std::error_code ec; !std::filesystem::is_regular_file(name, ec))
    throw isa::InputError(fmt::format("'{}' is neither a preset ({}){} nor a readable file", name,
                                      detail::join(preset_names()),
                                      detail::did_you_mean(name, preset_names())));
  return resolve(read_file(name), Source{name}, dir_of(name), overrides, name);
}

std::string arch_keys_markdown() {
  const ArchConfig defaults;
  std::string s = "| key | unit | default | range / values | meaning |\n|---|---|---|---|---|\n";
  for (const auto& f : detail::arch_fields()) {
    std::string range;
    if (f.kind == ValueKind::uint || f.kind == ValueKind::real)
      range = units::format_quantity(f.min, f.quantity) + " … " +
              units::format_quantity(f.max, f.quantity);
    else if (f.kind == ValueKind::boolean)
      range = "true, false";
    else if (!f.choices.empty())
      range = detail::join(f.choices);
    const std::string unit = f.kind == ValueKind::uint || f.kind == ValueKind::real
                                 ? std::string(units::base_unit(f.quantity))
                                 : "";
    s += fmt::format("| `{}`{} | {} | {} | {} | {} |\n", f.path, f.required ? " (required)" : "",
                     unit, f.path == "name" ? "default" : detail::format_value(f, f.get(defaults)),
                     range, f.doc);
  }
  for (size_t i = 0; i < kNumEnergyEvents; ++i)
    s += fmt::format("| `energy.events.{}` | pJ | from technology | ≥ 0 | {} |\n",
                     kEnergyEventKeys[i], kEnergyEventDocs[i]);
  for (size_t i = 0; i < kNumStaticBlocks; ++i)
    s += fmt::format("| `energy.static.{}` | mW | from technology | ≥ 0 | static power of {} |\n",
                     kStaticBlockKeys[i], kStaticBlockDocs[i]);
  return s;
}

}  // namespace arch
