#include "compiler/conventions.h"

#include <array>

namespace compiler {

namespace {

constexpr std::array<std::pair<Discretisation, std::string_view>, 3> kDiscretisations{{
    {Discretisation::euler, "euler"},
    {Discretisation::exact, "exact"},
    {Discretisation::exact_unscaled, "exact-unscaled"},
}};
constexpr std::array<std::pair<isa::ResetMode, std::string_view>, 2> kResets{{
    {isa::ResetMode::to_value, "value"},
    {isa::ResetMode::subtract, "subtract"},
}};
constexpr std::array<std::pair<isa::Compare, std::string_view>, 2> kCompares{{
    {isa::Compare::gt, "gt"},
    {isa::Compare::ge, "ge"},
}};

template <class T, size_t N>
std::string_view name_in(const std::array<std::pair<T, std::string_view>, N>& table, T v) {
  for (const auto& [value, name] : table)
    if (value == v) return name;
  return "?";
}
template <class T, size_t N>
std::optional<T> parse_in(const std::array<std::pair<T, std::string_view>, N>& table,
                          std::string_view s) {
  for (const auto& [value, name] : table)
    if (name == s) return value;
  return std::nullopt;
}

using D = Discretisation;
using R = isa::ResetMode;
using C = isa::Compare;

// ../shared/NIR.md §3 ("Summary of conventions") for all but Nengo, which it does not cover.
constexpr std::array<FrameworkProfile, 8> kProfiles{{
    {"snntorch", 1e-4, D::euler, R::to_value, C::gt,
     "export hard-codes dt = 1e-4 and writes reset to 0 whatever reset_mechanism was; spike on "
     "mem - threshold > 0"},
    {"norse", 1e-3, D::euler, R::to_value, C::gt,
     "dt is not exported; the importer's default is 1e-3 (the NIR paper used 1e-4)"},
    {"sinabs", 1, D::exact_unscaled, R::subtract, C::ge,
     "tau in steps, v <- exp(-1/tau) v + x, MembraneSubtract; MultiSpike (several spikes per "
     "step) is not modelled: one spike per step"},
    {"spikingjelly", 1e-4, D::euler, R::to_value, C::ge,
     "export dt = 1e-4; soft reset is exported as reset to 0; heaviside(x >= 0)"},
    {"lava-dl", 1e-4, D::euler, R::to_value, C::gt,
     "lava-dl has no NIR code: the NIR repository's Lava script (dt = 1e-4, v > vth, v <- 0)"},
    {"rockpool", 1e-3, D::exact_unscaled, R::subtract, C::ge,
     "module dt (default 1e-3 s; the importer estimates tau/(1+r)); multi-spike not modelled"},
    {"spyx", 1, D::euler, R::subtract, C::gt,
     "to_nir(dt=1); Spyx fires from the previous step's V (one step later than here)"},
    {"nengo", 1e-3, D::exact, R::to_value, C::gt,
     "Nengo's LIF: dt = 1e-3, exact exponential, reset to 0; its refractory period is not "
     "modelled (not in ../shared/NIR.md)"},
}};

}  // namespace

std::string_view name_of(Discretisation d) {
  return name_in(kDiscretisations, d);
}
std::string_view name_of(isa::ResetMode r) {
  return name_in(kResets, r);
}
std::string_view name_of(isa::Compare c) {
  return name_in(kCompares, c);
}
std::optional<Discretisation> parse_discretisation(std::string_view s) {
  return parse_in(kDiscretisations, s);
}
std::optional<isa::ResetMode> parse_reset(std::string_view s) {
  return parse_in(kResets, s);
}
std::optional<isa::Compare> parse_compare(std::string_view s) {
  return parse_in(kCompares, s);
}

std::span<const FrameworkProfile> framework_profiles() {
  return kProfiles;
}

const FrameworkProfile* find_profile(std::string_view name) {
  for (const auto& p : kProfiles)
    if (p.name == name) return &p;
  return nullptr;
}

std::string profile_names() {
  std::string s;
  for (const auto& p : kProfiles) s += (s.empty() ? "" : ", ") + std::string(p.name);
  return s;
}

}  // namespace compiler
