#include "technology.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "arch/derived.h"
#include "arch/energy.h"
#include "arch/loader.h"
#include "isa/error.h"
#include "suggest.h"
#include "yaml_input.h"

namespace arch::detail {
namespace {

using units::Quantity;
using Curve = std::vector<std::pair<double, double>>;  // (x, pJ), x ascending

struct Technology {
  std::map<std::string, double> event_pj;
  std::map<std::string, double> static_mw;
  Curve sram_read_64b;  // (array bytes, pJ per 64-bit read)
  Curve int_add;        // (adder bits, pJ)
};

constexpr double kMaxEnergyPj = 1e9;  // 1 mJ per event: anything above is a unit mistake
constexpr double kMaxPowerMw = 1e6;   // 1 kW per block

std::vector<std::string> to_strings(const auto& keys) {
  return std::vector<std::string>(keys.begin(), keys.end());
}

Curve read_curve(const YAML::Node& n, const Source& src, const std::string& what, Quantity xq) {
  if (!n.IsSequence() || n.size() < 2)
    fail(src, n.Mark(), what + ": expected a list of at least two [size, energy] pairs");
  Curve c;
  for (const auto& p : n) {
    if (!p.IsSequence() || p.size() != 2)
      fail(src, p.Mark(), what + ": expected a pair [size, energy]");
    const double x = read_quantity(p[0], src, what, xq, 1, 1e15, false);
    const double e = read_quantity(p[1], src, what, Quantity::energy, 1e-6, kMaxEnergyPj, false);
    if (!c.empty() && x <= c.back().first)
      fail(src, p.Mark(), what + ": sizes must increase from one pair to the next");
    c.emplace_back(x, e);
  }
  return c;
}

void read_energy_map(const YAML::Node& n, const Source& src, const std::string& section,
                     bool events, std::map<std::string, double>& out) {
  if (!n.IsMap())
    fail(src, n.Mark(), section + ": expected a mapping, got " + std::string(node_kind(n)));
  const auto valid = events ? to_strings(kEnergyEventKeys) : to_strings(kStaticBlockKeys);
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) fail(src, kv.first.Mark(), section + ": expected a plain key");
    const std::string k = kv.first.Scalar();
    if (std::find(valid.begin(), valid.end(), k) == valid.end())
      fail(src, kv.first.Mark(),
           fmt::format("{}: unknown {} '{}'{}; expected one of {}", section,
                       events ? "energy event" : "static power block", k, did_you_mean(k, valid),
                       join(valid)));
    if (out.count(k)) fail(src, kv.first.Mark(), fmt::format("{}: '{}' given twice", section, k));
    out[k] = events ? read_quantity(kv.second, src, section + "." + k, Quantity::energy, 0,
                                    kMaxEnergyPj, false)
                    : read_quantity(kv.second, src, section + "." + k, Quantity::power, 0,
                                    kMaxPowerMw, false);
  }
}

Technology parse_technology(std::string_view text, const Source& src) {
  const YAML::Node root = parse_yaml(text, src);
  if (!root.IsMap()) fail(src, root.Mark(), "expected a mapping (technology, events, static)");
  const std::vector<std::string> keys = {"technology", "description", "events", "static", "models"};
  Technology t;
  for (const auto& kv : root) {
    if (!kv.first.IsScalar()) fail(src, kv.first.Mark(), "expected a plain key");
    const std::string k = kv.first.Scalar();
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      fail(src, kv.first.Mark(),
           fmt::format("unknown key '{}'{}; expected one of {}", k, did_you_mean(k, keys),
                       join(keys)));
    if (k == "events") read_energy_map(kv.second, src, "events", true, t.event_pj);
    if (k == "static") read_energy_map(kv.second, src, "static", false, t.static_mw);
    if (k == "models") {
      if (!kv.second.IsMap()) fail(src, kv.second.Mark(), "models: expected a mapping");
      const std::vector<std::string> models = {"sram_read_64b", "int_add"};
      for (const auto& m : kv.second) {
        const std::string name = m.first.IsScalar() ? m.first.Scalar() : "";
        if (name == "sram_read_64b")
          t.sram_read_64b = read_curve(m.second, src, "models." + name, Quantity::bytes);
        else if (name == "int_add")
          t.int_add = read_curve(m.second, src, "models." + name, Quantity::bits);
        else
          fail(src, m.first.Mark(),
               fmt::format("unknown model '{}'{}; expected one of {}", name,
                           did_you_mean(name, models), join(models)));
      }
    }
  }
  if (!root["technology"] || !root["technology"].IsScalar())
    fail(src, root.Mark(), "missing required key 'technology' (the preset's name)");
  return t;
}

// Piecewise-linear interpolation, extrapolating the end segments.
double interpolate(const Curve& c, double x, bool log_log) {
  auto f = [&](double v) { return log_log ? std::log(v) : v; };
  size_t i = 1;
  while (i + 1 < c.size() && x > c[i].first) ++i;
  const double x0 = f(c[i - 1].first), x1 = f(c[i].first);
  const double y0 = f(c[i - 1].second), y1 = f(c[i].second);
  const double y = y0 + (y1 - y0) * (f(x) - x0) / (x1 - x0);
  return log_log ? std::exp(y) : y;
}

// Model results keep 6 significant digits: the models are not more precise than that, and
// the canonical YAML stays readable ("19.9999999 pJ" would be noise).
double round6(double v) {
  return std::stod(fmt::format("{:.6g}", v));
}

// SRAM read energy of one word of `word_bits` from an array of `array_bytes`: the 64-bit
// figure interpolated in log-log over array size, scaled linearly by word width.
double sram_word_pj(const Curve& c, double array_bytes, uint32_t word_bits) {
  return round6(interpolate(c, std::max(array_bytes, 1.0), true) * word_bits / 64.0);
}

std::pair<std::string, Source> technology_text(const std::string& name, const EnergyOverrides& ov) {
  const auto& presets = embedded_presets();
  if (const auto it = presets.find("energy/" + name); it != presets.end())
    return {it->second, Source{"configs/energy/" + name + ".yaml"}};
  std::filesystem::path p(name);
  if (p.is_relative() && !ov.technology_dir.empty())
    p = std::filesystem::path(ov.technology_dir) / p;
  std::ifstream in;
  if (std::error_code ec; std::filesystem::is_regular_file(p, ec))
    in.open(p, std::ios::binary);  // not /dev/zero
  if (!in.is_open())
    throw isa::InputError(fmt::format(
        "{}: energy.technology: '{}' is neither a technology preset ({}){} nor a readable file",
        ov.technology_where, name, join(technology_names()),
        did_you_mean(name, technology_names())));
  std::stringstream ss;
  ss << in.rdbuf();
  return {ss.str(), Source{p.string()}};
}

}  // namespace

namespace {

// The ERT file's entries under the arch's own overrides (which win).
void apply_ert(ArchConfig& cfg, const EnergyOverrides& ov) {
  std::filesystem::path p(cfg.energy.ert);
  if (p.is_relative() && !ov.ert_dir.empty()) p = std::filesystem::path(ov.ert_dir) / p;
  std::ifstream in;
  if (std::error_code ec; std::filesystem::is_regular_file(p, ec)) in.open(p, std::ios::binary);
  if (!in.is_open())
    throw isa::InputError(
        fmt::format("{}: energy.ert: '{}' is not a readable file", ov.ert_where, p.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  const ErtTable t = read_accelergy_ert(ss.str(), Source{p.string()}, cfg.clock_hz);
  cfg.energy.event_pj.insert(t.event_pj.begin(), t.event_pj.end());  // keeps existing keys
  cfg.energy.static_mw.insert(t.static_mw.begin(), t.static_mw.end());
}

}  // namespace

void resolve_energy(ArchConfig& cfg, const EnergyOverrides& ov) {
  auto& events = cfg.energy.event_pj;
  auto& statics = cfg.energy.static_mw;
  events = ov.event_pj;
  statics = ov.static_mw;
  const auto complete = [&] {
    return events.size() == kNumEnergyEvents && statics.size() == kNumStaticBlocks;
  };
  // Fully specified (e.g. a canonical YAML): neither the ERT nor the technology is needed.
  if (complete()) return;
  if (!cfg.energy.ert.empty()) apply_ert(cfg, ov);
  if (complete()) return;

  const auto [text, src] = technology_text(cfg.energy.technology, ov);
  const Technology t = parse_technology(text, src);
  const double weight_bank_bytes =
      static_cast<double>(cfg.core.synapse_memory_bytes) / cfg.core.synapse_banks;
  const double membrane_bank_bytes =
      static_cast<double>(membrane_bytes_per_core(cfg.core)) / cfg.core.membrane_banks;

  for (const auto k : kEnergyEventKeys) {
    const std::string key(k);
    if (events.count(key)) continue;
    if (const auto it = t.event_pj.find(key); it != t.event_pj.end()) {
      events[key] = it->second;
    } else if (!t.sram_read_64b.empty() && key == "weight_mem.read") {
      events[key] = sram_word_pj(t.sram_read_64b, weight_bank_bytes, cfg.core.synapse_word_bits);
    } else if (!t.sram_read_64b.empty() &&
               (key == "membrane_mem.read" || key == "membrane_mem.write")) {
      // Writes cost as much as reads: Horowitz gives reads only (assumed).
      events[key] = sram_word_pj(t.sram_read_64b, membrane_bank_bytes, cfg.core.membrane_word_bits);
    } else if (!t.int_add.empty() && key == "pe.add") {
      events[key] = round6(interpolate(t.int_add, cfg.core.v_bits, false));
    } else if (key == "link.traverse_ns" && events.count("link.traverse")) {
      events[key] = events["link.traverse"];  // direction-blind tables: one figure for both
    } else if (key == "host.out" && events.count("spike_out.packet") && events.count("host.io")) {
      events[key] = events["spike_out.packet"] + events["host.io"];  // its two parts
    } else {
      fail(src, YAML::Mark::null_mark(),
           fmt::format("technology '{}' gives no energy for event '{}' and has no model for it",
                       cfg.energy.technology, key));
    }
  }
  for (const auto k : kStaticBlockKeys) {
    const std::string key(k);
    if (statics.count(key)) continue;
    const auto it = t.static_mw.find(key);
    if (it == t.static_mw.end())
      fail(src, YAML::Mark::null_mark(),
           fmt::format("technology '{}' gives no static power for block '{}'",
                       cfg.energy.technology, key));
    statics[key] = it->second;
  }
}

}  // namespace arch::detail
