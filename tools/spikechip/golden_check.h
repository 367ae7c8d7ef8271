// --check-golden: runs the golden executor beside the simulator, one sample ahead, and stops
// at the first step where any layer's spikes differ, naming sample, step, layer and neuron.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "compiler/golden.h"

namespace cli {

class GoldenChecker {
 public:
  GoldenChecker(const compiler::Network& net, isa::Semantics semantics, isa::Precision precision,
                const std::vector<std::vector<isa::SpikeFrame>>& inputs);
  // The simulator's observer: false (stop) at the first divergence.
  bool observe(uint32_t sample, uint32_t step, const std::vector<isa::LayerSpikes>& layers);
  const std::optional<std::string>& divergence() const { return divergence_; }
  uint64_t steps_checked() const { return steps_checked_; }

 private:
  const compiler::Network& net_;
  compiler::GoldenExecutor exec_;
  const std::vector<std::vector<isa::SpikeFrame>>& inputs_;
  int64_t sample_ = -1;
  std::vector<std::vector<isa::LayerSpikes>> expected_;  // [step][layer] of sample_
  std::optional<std::string> divergence_;
  uint64_t steps_checked_ = 0;
};

}  // namespace cli
