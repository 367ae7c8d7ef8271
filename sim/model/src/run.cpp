#include "simmodel/run.h"

#include <fmt/core.h>

#include <algorithm>

#include "isa/error.h"

namespace sim {

RunRecorder::RunRecorder(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                         const RunOptions& options, const StepObserver& observer)
    : image_(image), arch_(arch), options_(options), observer_(observer) {
  for (const Probe& p : options_.probes) {
    if (p.layer >= image.layers.size())
      throw isa::InputError(fmt::format("probe: layer {} does not exist (the image has {})",
                                        p.layer, image.layers.size()));
    const isa::LayerInfo& l = image.layers[p.layer];
    if (l.is_input)
      throw isa::InputError(
          fmt::format("probe: layer '{}' is the input layer, which has no neuron state", l.name));
    ProbeTrace t;
    t.probe = p;
    if (t.probe.neurons.empty())
      for (uint32_t j = 0; j < l.size; ++j) t.probe.neurons.push_back(j);
    for (uint32_t j : t.probe.neurons)
      if (j >= l.size)
        throw isa::InputError(
            fmt::format("probe: layer '{}' has {} neurons, no neuron {}", l.name, l.size, j));
    result_.probes.push_back(std::move(t));
  }
}

void RunRecorder::begin_sample(uint32_t, uint64_t start) {
  SampleResult s;
  s.start_cycle = start;
  result_.samples.push_back(std::move(s));
  if (options_.record_layer_spikes) result_.layer_spikes.emplace_back();
  if (options_.per_step_stats) result_.step_layers.emplace_back();
  for (ProbeTrace& t : result_.probes) t.values.emplace_back();
}

void RunRecorder::record_probes(const ChipModel& chip) {
  if (probe_where_.empty()) {  // where each probed neuron lives: once, the mapping is fixed
    for (const ProbeTrace& t : result_.probes) {
      const uint32_t size = image_.layers[t.probe.layer].size;
      std::vector<std::array<uint32_t, 3>> at(size, {UINT32_MAX, 0, 0});
      for (uint32_t c = 0; c < chip.cores().size(); ++c) {
        const CoreModel& core = chip.cores()[c];
        for (uint32_t s = 0; s < core.segment_count(); ++s) {
          const isa::Segment& seg = core.segment(s);
          if (seg.layer != t.probe.layer || seg.partial) continue;  // partial: sums only
          for (uint32_t j = 0; j < seg.neuron_count; ++j) at[seg.neuron_begin + j] = {c, s, j};
        }
      }
      std::vector<std::array<uint32_t, 3>> where;
      for (uint32_t n : t.probe.neurons) {
        if (at[n][0] == UINT32_MAX)
          throw isa::InputError(fmt::format("probe: layer '{}' neuron {} is on no core",
                                            image_.layers[t.probe.layer].name, n));
        where.push_back(at[n]);
      }
      probe_where_.push_back(std::move(where));
    }
  }
  for (size_t k = 0; k < result_.probes.size(); ++k) {
    std::vector<isa::NeuronState> v;
    v.reserve(probe_where_[k].size());
    for (const auto& [c, s, j] : probe_where_[k]) v.push_back(chip.cores()[c].segment_state(s)[j]);
    result_.probes[k].values.back().push_back(std::move(v));
  }
}

void RunRecorder::begin_step(uint32_t sample, uint32_t step, uint64_t start, ChipModel& chip) {
  step_start_ = start;
  if (options_.trace)
    chip.set_trace(options_.trace->wants_step(sample, step) ? options_.trace : nullptr);
}

bool RunRecorder::end_step(uint32_t sample, uint32_t step, uint64_t release, ChipModel& chip) {
  result_.samples.back().step_cycles.push_back(release - step_start_);
  if (chip.trace()) {
    chip.trace()->step(sample, step, step_start_, release);
    chip.set_trace(nullptr);
  }
  if (!result_.probes.empty()) record_probes(chip);
  if (!wants_spikes()) return true;
  const std::vector<isa::LayerSpikes>& spikes = chip.step_spikes();
  if (options_.per_step_stats) {
    record_step_counters(chip);
    if (!spikes.empty() && !result_.step_layers.back().back().empty()) {
      Counters& in = result_.step_layers.back().back()[0];  // the host's injections
      in.spikes = spikes[0].index.size();
      in.spike_payload = 0;
      for (uint32_t p : spikes[0].payload) in.spike_payload += p;
    }
  }
  if (options_.record_layer_spikes) result_.layer_spikes.back().push_back(spikes);
  if (observer_ && !observer_(sample, step, spikes)) {
    result_.stopped_early = true;
    return false;
  }
  return true;
}

static std::vector<Counters> layer_totals(const ChipModel& chip, size_t layers) {
  std::vector<Counters> now(layers);
  for (const CoreModel& c : chip.cores())
    for (size_t l = 0; l < now.size() && l < c.layer_counters().size(); ++l)
      now[l] += c.layer_counters()[l];
  return now;
}

void RunRecorder::record_step_counters(const ChipModel& chip) {
  std::vector<Counters> now = layer_totals(chip, image_.layers.size());
  if (step_base_.size() != now.size()) step_base_.assign(now.size(), Counters{});
  std::vector<Counters> delta(now.size());
  for (size_t l = 0; l < now.size(); ++l) {
#define SIM_X(m, doc, unit) delta[l].m = now[l].m - step_base_[l].m;
    SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc) delta[l].stalls.m = now[l].stalls.m - step_base_[l].stalls.m;
    SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
  }
  step_base_ = std::move(now);
  result_.step_layers.back().push_back(std::move(delta));
}

void RunRecorder::end_sample(uint64_t end, const ChipModel& chip) {
  SampleResult& s = result_.samples.back();
  s.cycles = end - s.start_cycle;
  s.output_counts = chip.output_counts();
  // The sample's drain (after its last barrier) belongs to no step.
  if (options_.per_step_stats) step_base_ = layer_totals(chip, image_.layers.size());
  s.predicted = 0;
  if (!s.output_counts.empty()) {
    const std::vector<int64_t>& c = s.output_counts.front();
    s.predicted = static_cast<uint32_t>(std::max_element(c.begin(), c.end()) - c.begin());
    if (c.empty()) s.predicted = 0;
  }
  if (options_.on_sample) {
    uint64_t events = 0;
    for (const CoreModel& c : chip.cores()) events += c.counters().synaptic_events;
    options_.on_sample(static_cast<uint32_t>(result_.samples.size()), events);
  }
}

RunResult RunRecorder::finish(const ChipModel& chip, double wall_seconds) {
  RunResult r = std::move(result_);
  r.output_layers = chip.output_layers();
  r.total_cycles = 0;
  for (const SampleResult& s : r.samples) r.total_cycles += s.cycles;
  r.seconds = arch_.clock_hz > 0 ? static_cast<double>(r.total_cycles) / arch_.clock_hz : 0;
  r.layers.assign(image_.layers.size(), {});
  for (const CoreModel& c : chip.cores()) {
    r.core_ids.push_back(c.endpoint());
    r.cores.push_back(c.counters());
    for (size_t l = 0; l < r.layers.size(); ++l) r.layers[l] += c.layer_counters()[l];
    r.synaptic_events += c.counters().synaptic_events;
  }
  r.noc = chip.noc_counters();
  r.links = chip.noc_links();
  r.wall_seconds = wall_seconds;
  r.energy = compute_energy(r, arch_);
  return r;
}

RunResult run_model(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                    const std::vector<std::vector<isa::SpikeFrame>>& inputs,
                    const RunOptions& options, const StepObserver& observer) {
  ChipModel chip(image, arch);
  RunRecorder rec(image, arch, options, observer);
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t now = 0;
  bool go_on = true;
  for (uint32_t s = 0; s < inputs.size() && go_on; ++s) {
    chip.begin_sample(options.timesteps);
    rec.begin_sample(s, now);
    for (uint32_t t = 0; t < options.timesteps && go_on; ++t) {
      rec.begin_step(s, t, now, chip);
      for (uint32_t ph = 0; ph < image.phases_per_step; ++ph)
        now = chip.run_phase(now, t, ph, ph == 0 ? frame_at(inputs, s, t) : nullptr,
                             rec.wants_spikes());
      go_on = rec.end_step(s, t, now, chip);
    }
    if (!go_on) {
      rec.end_sample(now, chip);
      break;
    }
    now = chip.finish_sample(now);
    rec.end_sample(now, chip);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rec.finish(chip, wall);
}

}  // namespace sim
