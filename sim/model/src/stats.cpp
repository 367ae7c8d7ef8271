#include "simmodel/stats.h"

#include <cmath>

#include <fmt/format.h>

namespace sim {

namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", c);
      continue;
    }
    out += c;
  }
  return out;
}

void add_counters(Stats& s, const std::string& prefix, const Counters& c) {
#define SIM_X(m, doc, unit) s.add(prefix + "." #m, doc, unit, double(c.m));
  SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc) s.add(prefix + ".stall_cycles." #m, doc, "cycles", double(c.stalls.m));
  SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
}

}  // namespace

void Stats::add(std::string name, std::string description, std::string unit, double value) {
  entries_.push_back({std::move(name), std::move(description), std::move(unit), value});
}

std::string Stats::json() const {
  std::string out = "{\n";
  for (size_t k = 0; k < entries_.size(); ++k) {
    const Stat& e = entries_[k];
    const std::string v = std::isfinite(e.value) ? fmt::format("{}", e.value) : "null";
    out += fmt::format("  \"{}\": {{\"value\": {}, \"unit\": \"{}\", \"description\": \"{}\"}}{}\n",
                       escape(e.name), v, escape(e.unit), escape(e.description),
                       k + 1 < entries_.size() ? "," : "");
  }
  return out + "}\n";
}

Stats collect_stats(const RunResult& r, const isa::ProgramImage& image) {
  Stats s;
  s.add("chip.cycles", "cycles of all samples", "cycles", double(r.total_cycles));
  s.add("chip.seconds", "simulated time of all samples", "s", r.seconds);
  s.add("chip.samples", "samples run", "samples", double(r.samples.size()));
  s.add("sim.wall_seconds", "wall time of the simulate phase", "s", r.wall_seconds);
  Counters total;
  for (const Counters& c : r.cores) total += c;
  add_counters(s, "chip", total);
#define SIM_X(m, doc, unit) s.add("noc." #m, doc, unit, double(r.noc.m));
  SIM_NOC_FIELDS(SIM_X)
#undef SIM_X
  for (size_t k = 0; k < r.cores.size(); ++k)
    add_counters(s, fmt::format("core.{}", r.core_ids[k]), r.cores[k]);
  for (size_t l = 0; l < r.layers.size() && l < image.layers.size(); ++l)
    add_counters(s, "layer." + image.layers[l].name, r.layers[l]);
  for (size_t e = 0; e < arch::kNumEnergyEvents; ++e)
    s.add(fmt::format("energy.dynamic.{}", arch::kEnergyEventKeys[e]),
          std::string(arch::kEnergyEventDocs[e]), "pJ", r.energy.event_pj[e]);
  for (size_t b = 0; b < arch::kNumStaticBlocks; ++b)
    s.add(fmt::format("energy.static.{}", arch::kStaticBlockKeys[b]),
          std::string(arch::kStaticBlockDocs[b]), "pJ", r.energy.static_pj[b]);
  for (size_t l = 0; l < r.energy.layer_dynamic_pj.size() && l < image.layers.size(); ++l)
    s.add("energy.layer." + image.layers[l].name, "dynamic energy of the layer's core events", "pJ",
          r.energy.layer_dynamic_pj[l]);
  s.add("energy.dynamic_total", "dynamic energy", "pJ", r.energy.dynamic_pj);
  s.add("energy.static_total", "static energy", "pJ", r.energy.static_total_pj);
  s.add("energy.total", "total energy", "pJ", r.energy.total_pj);
  return s;
}

}  // namespace sim
