// What a simulation run takes and returns; the same for the plain-C++ driver (run_model, used
// by the unit tests) and the SystemC one (sim::simulate in simsysc/simulate.h).
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "arch/config.h"
#include "arch/energy.h"
#include "isa/program.h"
#include "simmodel/chip_model.h"
#include "simmodel/counters.h"
#include "simmodel/trace.h"

namespace sim {

// Records the state (v, u, hardware units) of some neurons of a layer after every step's
// update (and reset), as the golden executor's state() does.
struct Probe {
  uint32_t layer = 0;             // a layer of the image (not the input layer)
  std::vector<uint32_t> neurons;  // flat indices in the layer; empty = all of them
};

struct RunOptions {
  uint32_t timesteps = 0;            // steps per sample; missing input frames count as empty
  bool record_layer_spikes = false;  // keep every layer's spikes in RunResult::layer_spikes
  std::vector<Probe> probes;         // their values: RunResult::probes
  bool per_step_stats = false;       // keep every step's counters: RunResult::step_layers
  // The timeline (simmodel/trace.h; nullptr: off). Not owned. The steps, samples and cores it
  // wants are traced (TraceSink::wants_step, wants_core); the run's results do not change.
  TraceSink* trace = nullptr;
  // Called after each sample with the samples done and the synaptic events so far (progress).
  std::function<void(uint32_t samples_done, uint64_t synaptic_events)> on_sample;
};

struct ProbeTrace {
  Probe probe;  // neurons resolved: all of the layer when the probe named none
  std::vector<std::vector<std::vector<isa::NeuronState>>> values;  // [sample][step][k]
};

// Called after every step of every sample with the spikes of every layer that step ([layer],
// ascending neuron; the input layer holds the injected frame). Return false to stop the run
// early (RunResult::stopped_early).
using StepObserver = std::function<bool(uint32_t sample, uint32_t step,
                                        const std::vector<isa::LayerSpikes>& layers)>;

struct SampleResult {
  std::vector<std::vector<int64_t>> output_counts;  // [output layer][neuron]: payloads received
  uint32_t predicted = 0;  // argmax of the first output layer's counts, ties to the lowest
  uint64_t start_cycle = 0;
  uint64_t cycles = 0;                // from the sample's start to the last core's HALT
  std::vector<uint64_t> step_cycles;  // per step: first phase start to last barrier release
};

// Energy = counters x the arch's energy table + static power x time (DESIGN.md §8).
struct EnergyBreakdown {
  std::array<double, arch::kNumEnergyEvents> event_pj{};   // dynamic, by event kind (ERT key)
  std::array<double, arch::kNumStaticBlocks> static_pj{};  // by block kind, all instances
  std::vector<double> layer_dynamic_pj;  // [layer]: the core events of its work (no NoC)
  std::vector<double> core_dynamic_pj;   // [core slot]: the core's own events (no NoC)
  double dynamic_pj = 0, static_total_pj = 0, total_pj = 0;
};

struct RunResult {
  std::vector<SampleResult> samples;    // the samples run (fewer when stopped early)
  std::vector<uint32_t> output_layers;  // layer index of each output_counts entry
  uint64_t total_cycles = 0;            // all samples
  double seconds = 0;                   // total_cycles / clock
  std::vector<uint32_t> core_ids;       // [core slot] -> core index (y * mesh_x + x)
  std::vector<Counters> cores;          // [core slot]
  std::vector<Counters> layers;         // [layer]
  NocCounters noc;
  std::vector<LinkCounters> links;  // [router * kPorts + port] (kPorts, kPortNames: noc.h)
  uint64_t synaptic_events = 0;     // pairs with a non-zero weight (NeuroBench effective ACs)
  EnergyBreakdown energy;
  double wall_seconds = 0;  // the simulate phase (elaboration excluded)
  bool stopped_early = false;
  std::vector<std::vector<std::vector<isa::LayerSpikes>>> layer_spikes;  // [sample][step][layer]
  std::vector<ProbeTrace> probes;  // one per RunOptions::probes entry, in order
  // With RunOptions::per_step_stats: [sample][step][layer] what the layer's cores did in that
  // step (from the step's start to its barrier release); the input layer's `spikes` and
  // `spike_payload` are the host's injections of that step.
  std::vector<std::vector<std::vector<Counters>>> step_layers;
};

// The bookkeeping both drivers share: samples, steps, observer, results.
class RunRecorder {
 public:
  // Throws isa::InputError for a probe of a missing layer or neuron, or of the input layer.
  RunRecorder(const isa::ProgramImage& image, const arch::ArchConfig& arch,
              const RunOptions& options, const StepObserver& observer);
  bool wants_spikes() const {
    return options_.record_layer_spikes || options_.per_step_stats || bool(observer_);
  }
  void begin_sample(uint32_t sample, uint64_t start);
  // Step `step` of sample `sample` starts at `start`: hands the trace sink to the chip when
  // the step is traced (and takes it back at end_step).
  void begin_step(uint32_t sample, uint32_t step, uint64_t start, ChipModel& chip);
  // Returns false when the observer stops the run.
  bool end_step(uint32_t sample, uint32_t step, uint64_t release, ChipModel& chip);
  void end_sample(uint64_t end, const ChipModel& chip);
  RunResult finish(const ChipModel& chip, double wall_seconds);

 private:
  const isa::ProgramImage& image_;
  const arch::ArchConfig& arch_;
  RunOptions options_;
  const StepObserver& observer_;
  RunResult result_;
  // Per probe, per probed neuron: (core slot, segment, index in segment), found on first use.
  std::vector<std::vector<std::array<uint32_t, 3>>> probe_where_;
  void record_probes(const ChipModel& chip);
  uint64_t step_start_ = 0;
  std::vector<Counters> step_base_;  // per_step_stats: per layer, the counters before this step
  void record_step_counters(const ChipModel& chip);
};

// The input frame of `step` of a sample, or nullptr (no spikes) beyond its frames.
inline const isa::SpikeFrame* frame_at(const std::vector<std::vector<isa::SpikeFrame>>& inputs,
                                       uint32_t sample, uint32_t step) {
  return step < inputs[sample].size() ? &inputs[sample][step] : nullptr;
}

// Runs every sample in plain C++ (no SystemC kernel): the reference driver and the unit tests'.
// Throws isa::InputError for a bad image or input.
RunResult run_model(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                    const std::vector<std::vector<isa::SpikeFrame>>& inputs,
                    const RunOptions& options, const StepObserver& observer = {});

// Energy of a finished run from its counters (energy_model.cpp).
EnergyBreakdown compute_energy(const RunResult& r, const arch::ArchConfig& arch);

}  // namespace sim
