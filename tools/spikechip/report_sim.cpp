#include "report_sim.h"

#include <fmt/core.h>

#include <numeric>

#include "arch/energy.h"

namespace cli {

static Json stalls_json(const sim::StallCycles& s) {
  Json j;
#define SIM_X(m, doc) j[#m] = s.m;
  SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
  return j;
}

Json sim_latency(const isa::ProgramImage& image, const sim::RunResult& r, double clock_hz) {
  Json j;
  j["total_cycles"] = r.total_cycles;
  j["seconds"] = r.seconds;
  uint64_t steps = 0, step_cycles = 0;
  Json per_sample = Json::array();
  for (const auto& s : r.samples) {
    steps += s.step_cycles.size();
    step_cycles += std::accumulate(s.step_cycles.begin(), s.step_cycles.end(), uint64_t{0});
    per_sample.push_back({{"cycles", s.cycles}, {"seconds", double(s.cycles) / clock_hz}});
  }
  j["cycles_per_step"] = steps ? double(step_cycles) / double(steps) : 0.0;
  j["seconds_per_step"] = steps ? double(step_cycles) / double(steps) / clock_hz : 0.0;
  if (!r.samples.empty()) j["step_cycles_sample0"] = r.samples[0].step_cycles;
  j["per_sample"] = per_sample;
  sim::StallCycles total;
  for (const auto& c : r.cores) total += c.stalls;
  j["stall_cycles"] = stalls_json(total);
  Json layers = Json::array();
  for (size_t l = 0; l < r.layers.size() && l < image.layers.size(); ++l) {
    if (image.layers[l].is_input) continue;
    const auto& c = r.layers[l];
    layers.push_back({{"layer", image.layers[l].name},
                      {"busy_cycles", c.busy_cycles()},
                      {"integration_cycles", c.integration_busy_cycles},
                      {"update_cycles", c.controller_busy_cycles},
                      {"stall_cycles", stalls_json(c.stalls)}});
  }
  j["per_layer"] = layers;
  Json cores = Json::array();
  for (size_t k = 0; k < r.cores.size(); ++k) {
    const auto& c = r.cores[k];
    const uint32_t id = r.core_ids[k];
    cores.push_back(
        {{"core", id},
         {"x", id % image.mesh_x},
         {"y", id / image.mesh_x},
         {"busy_cycles", c.busy_cycles()},
         {"utilisation", r.total_cycles ? double(c.busy_cycles()) / double(r.total_cycles) : 0.0},
         {"stall_cycles", stalls_json(c.stalls)}});
  }
  j["per_core"] = cores;
  uint64_t psum = 0;  // fan-in splitting's partial sums (also in packets)
  for (const auto& c : r.cores) psum += c.psum_packets;
  Json noc;
#define SIM_X(m, doc, unit) noc[#m] = r.noc.m;
  SIM_NOC_FIELDS(SIM_X)
#undef SIM_X
  noc["partial_sum_packets"] = psum;
  j["noc"] = noc;
  return j;
}

std::vector<double> static_energy_by_layer(const isa::ProgramImage& image,
                                           const arch::ArchConfig& arch,
                                           const sim::EnergyBreakdown& e) {
  const size_t L = image.layers.size();
  std::vector<double> out(L, 0.0);
  const double instances = double(std::max<uint32_t>(arch.mesh.x, 1)) * arch.mesh.y;
  if (instances <= 0) return out;
  // Every core of the mesh burns the same static power, its router likewise.
  const double per_core = (e.static_pj[size_t(arch::StaticBlock::core)] +
                           e.static_pj[size_t(arch::StaticBlock::router)]) /
                          instances;
  std::vector<double> chip_neurons(L, 0.0);  // [layer] over every core
  double shared = e.static_pj[size_t(arch::StaticBlock::chip)] + per_core * instances;
  for (const isa::CoreProgram& core : image.cores) {
    std::vector<double> on_core(L, 0.0);
    double n = 0;
    for (const isa::Segment& seg : core.segments)
      if (seg.layer < L) {
        on_core[seg.layer] += seg.neuron_count;
        n += seg.neuron_count;
      }
    if (n == 0) continue;
    shared -= per_core;
    for (size_t l = 0; l < L; ++l) {
      out[l] += per_core * on_core[l] / n;
      chip_neurons[l] += on_core[l];
    }
  }
  double all = 0;
  for (double v : chip_neurons) all += v;
  if (all > 0)
    for (size_t l = 0; l < L; ++l) out[l] += shared * chip_neurons[l] / all;
  return out;
}

Json sim_energy(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                const sim::RunResult& r) {
  const auto& e = r.energy;
  Json j;
  j["total_pj"] = e.total_pj;
  j["dynamic_pj"] = e.dynamic_pj;
  j["static_pj"] = e.static_total_pj;
  const double samples = r.samples.empty() ? 1.0 : double(r.samples.size());
  j["per_inference_pj"] = e.total_pj / samples;
  j["per_synaptic_event_pj"] = r.synaptic_events ? e.total_pj / double(r.synaptic_events) : 0.0;
  Json by_event;
  for (size_t i = 0; i < arch::kNumEnergyEvents; ++i)
    by_event[std::string(arch::kEnergyEventKeys[i])] = e.event_pj[i];
  j["by_event"] = by_event;
  Json by_static;
  for (size_t i = 0; i < arch::kNumStaticBlocks; ++i)
    by_static[std::string(arch::kStaticBlockKeys[i])] = e.static_pj[i];
  j["static_by_block"] = by_static;
  const std::vector<double> stat = static_energy_by_layer(image, arch, e);
  Json layers = Json::array();
  for (size_t l = 0; l < e.layer_dynamic_pj.size() && l < image.layers.size(); ++l)
    if (!image.layers[l].is_input)
      layers.push_back({{"layer", image.layers[l].name},
                        {"dynamic_pj", e.layer_dynamic_pj[l]},
                        {"static_pj", stat[l]}});
  j["per_layer"] = layers;
  return j;
}

compiler::ExecStats exec_stats_of(const isa::ProgramImage& image, const sim::RunResult& r,
                                  const std::vector<std::vector<isa::SpikeFrame>>& inputs) {
  compiler::ExecStats s;
  const size_t L = image.layers.size();
  for (auto* v : {&s.spikes, &s.spike_packets, &s.synaptic_events, &s.dense_ops, &s.neuron_updates,
                  &s.skipped_ops, &s.site_activations, &s.membrane_changes})
    v->assign(L, 0);
  for (size_t l = 0; l < L && l < r.layers.size(); ++l) {
    const auto& c = r.layers[l];
    s.spikes[l] = c.spike_payload;  // ExecStats::spikes is payload-weighted
    s.spike_packets[l] = c.spikes;
    s.synaptic_events[l] = c.synaptic_events;
    s.dense_ops[l] = c.au_addresses;
    s.neuron_updates[l] = c.neuron_updates_active;
    s.membrane_changes[l] = c.membrane_changes;
    s.skipped_ops[l] = c.skipped_pairs;
    // Site-activation messages the layer's cores received (packets, not golden's logical
    // new-site x consumer-projection count: see docs/simulator.md).
    s.site_activations[l] = c.site_messages;
  }
  // The input layer's spikes are the host's injections.
  s.spikes[0] = s.spike_packets[0] = 0;
  for (size_t smp = 0; smp < r.samples.size() && smp < inputs.size(); ++smp)
    for (const auto& f : inputs[smp]) {
      s.spike_packets[0] += f.index.size();
      for (uint32_t p : f.payload) s.spikes[0] += p;
    }
  return s;
}

}  // namespace cli
