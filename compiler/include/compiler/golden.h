// The golden executor: runs the quantised network functionally (no timing) with the ISA's
// integer arithmetic and the chosen timestep semantics (docs/execution-model.md). It is the
// reference the simulator must match spike for spike, and the speed floor the simulator is
// measured against.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "compiler/ir.h"
#include "isa/arith.h"
#include "isa/program.h"

namespace compiler {

// Called after every step with the spikes of every layer (index = layer, input included);
// return false to stop the run.
using StepObserver = std::function<bool(uint32_t sample, uint32_t step,
                                        const std::vector<isa::LayerSpikes>& layers)>;

struct ExecStats {
  std::vector<uint64_t> spikes;           // per layer, payload-weighted spike count
  std::vector<uint64_t> spike_packets;    // per layer, neurons that fired (packets)
  std::vector<uint64_t> synaptic_events;  // per target layer: non-zero fan-out pairs
  std::vector<uint64_t> dense_ops;        // per target layer: fan-out pairs, zeros included
  std::vector<uint64_t> neuron_updates;   // per layer: neurons with non-zero state or input
  // Per layer: neuron updates that changed v, a sample's first step excluded (NeuroBench's
  // membrane updates are these plus every neuron at the first step).
  std::vector<uint64_t> membrane_changes;
  // Sparse convolution (docs/execution-model.md): per target layer, fan-out pairs not generated
  // because the target site is inactive (zero weights included; dense_ops + skipped_ops is what
  // vanilla addressing would generate for the same spikes).
  std::vector<uint64_t> skipped_ops;
  // Per layer: site-activation messages it sent (one per newly active site per consumer
  // projection that keeps a set; layer 0: sent by the host).
  std::vector<uint64_t> site_activations;
  uint64_t total_synaptic_events() const;
  // Element-wise sum: the stats of two runs over different samples of one network.
  ExecStats& operator+=(const ExecStats& o);
};

struct SampleOutput {
  // Per output layer (in layer order): per neuron, the sum over steps of the spike payloads,
  // or of v for a non-spiking readout.
  std::vector<std::vector<int64_t>> counts;
  int64_t predicted = -1;  // argmax of the first output layer, ties to the lowest index
};

class GoldenExecutor {
 public:
  GoldenExecutor(const Network& net, isa::Semantics semantics, isa::Precision precision);
  ~GoldenExecutor();
  SampleOutput run_sample(uint32_t sample, const std::vector<isa::SpikeFrame>& steps,
                          const StepObserver& observer = {});
  bool stopped() const;  // the observer asked to stop
  // Layer `layer`'s neuron state (v, u per neuron, hardware units). Read from a StepObserver it
  // is the state after that step's update (and reset): what a probe records.
  const std::vector<isa::NeuronState>& state(size_t layer) const;
  const ExecStats& stats() const;
  // The layer's active sites now (one byte per site of its H x W grid, 1 = active); empty when
  // the layer keeps no active-site set (no sparse convolution needs it).
  std::vector<uint8_t> active_sites(size_t layer) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An input frame -> the host's spike frame: payload = round(x * 2^frac_bits), clipped to
// 2^input_bits - 1; zeros are dropped. Negative values are bad input (throws isa::InputError).
isa::SpikeFrame quantise_frame(std::span<const float> frame, uint32_t frac_bits,
                               uint32_t input_bits);

int64_t argmax_lowest(const std::vector<int64_t>& v);

}  // namespace compiler
