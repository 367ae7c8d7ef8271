// The float executor: runs the discretised network before quantisation
// (CompileResult::float_net) in double precision with the golden executor's structure and
// timestep semantics (same projection fan-out, same schedule, same observer), so that the
// difference between the two is exactly what quantisation costs. Its neuron update is the
// float form of isa::neuron_step, without saturation or decay truncation:
//   cuba models: u = (1 - decay_u) u + in + input_bias, drive = u; others: drive = in + input_bias
//   v = (1 - decay_v) v + drive + v_bias; spike when v > threshold (>= with Compare::ge);
//   reset to v_reset, or subtract threshold once per emitted spike (graded: up to
//   2^spike_bits - 1 spikes per step).
// Sparse convolution follows the golden executor's active-site rules (a site becomes active
// from the first non-zero input there, whatever its value).
// Input values are fed as they are (a graded input x adds x * w, not round(x * 2^frac) * w'):
// it is the unquantised reference.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "compiler/golden.h"
#include "compiler/ir.h"

namespace compiler {

// One input step: the non-zero elements of the frame and their values.
struct FloatFrame {
  std::vector<uint32_t> index;
  std::vector<double> value;
};
// The non-zero elements of a frame (negative values are bad input: throws isa::InputError,
// as quantise_frame does).
FloatFrame float_frame(std::span<const float> frame);

struct FloatSampleOutput {
  // Per output layer (in layer order): per neuron, the sum over steps of the spike payloads,
  // or of v (membrane units) for a non-spiking readout.
  std::vector<std::vector<double>> counts;
  int64_t predicted = -1;  // argmax of the first output layer, ties to the lowest index
};

class FloatExecutor {
 public:
  // `net` is a discretised network (float weights and per-step parameters); it must outlive
  // the executor.
  FloatExecutor(const Network& net, isa::Semantics semantics);
  ~FloatExecutor();
  // The observer sees every layer's spikes as the golden executor reports them; layer 0 (the
  // input) lists the non-zero input elements with payload max(1, round(value)).
  FloatSampleOutput run_sample(uint32_t sample, const std::vector<FloatFrame>& steps,
                               const StepObserver& observer = {});
  bool stopped() const;  // the observer asked to stop
  // Same counters as the golden executor's (spikes of layer 0 as the observer's payloads).
  const ExecStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

int64_t argmax_lowest(const std::vector<double>& v);

// Spike-by-spike comparison of two runs of the same network on the same inputs (float
// reference vs quantised). A decision is one (sample, step, neuron) of a spiking layer: its
// payload (0 = silent); the runs agree on it when the payloads are equal.
struct LayerAgreement {
  std::string layer;
  uint32_t index = 0;             // layer index in the network
  uint64_t reference_spikes = 0;  // payload-weighted, reference (float) run
  uint64_t compared_spikes = 0;   // payload-weighted, compared (quantised) run
  uint64_t decisions = 0, disagreements = 0;
  int64_t first_divergence_sample = -1;  // -1 = never diverged
  int64_t first_divergence_step = -1;
  double agreement() const;  // 1 - disagreements / decisions (1 when no decisions)
};

class SpikeAgreement {
 public:
  explicit SpikeAgreement(const Network& net);  // one entry per spiking layer
  // One step of both runs (every layer's spikes, ascending indices, as observers get them).
  void add_step(uint32_t sample, uint32_t step, const std::vector<isa::LayerSpikes>& reference,
                const std::vector<isa::LayerSpikes>& compared);
  const std::vector<LayerAgreement>& layers() const { return layers_; }
  LayerAgreement total() const;  // every spiking layer together (layer "all")

 private:
  std::vector<uint32_t> sizes_;
  std::vector<LayerAgreement> layers_;
};

}  // namespace compiler
