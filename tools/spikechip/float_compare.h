// `golden --compare-float`: runs the unquantised network (compiler::FloatExecutor) on the same
// inputs as the quantised run and builds report.json's "float_compare" object.
#pragma once
#include <cstdint>
#include <vector>

#include "compiler/float_exec.h"
#include "report.h"
#include "workloads/frames.h"

namespace cli {

class FloatComparison {
 public:
  FloatComparison(const compiler::Network& float_net, isa::Semantics semantics);
  // Runs sample `s` of `frames` in float and compares it step by step with the quantised run's
  // spikes of the same sample (`quantised[step][layer]`).
  void run_sample(const workloads::Frames& frames, uint32_t s,
                  const std::vector<std::vector<isa::LayerSpikes>>& quantised);
  // "float_compare": per spiking layer spikes float vs quantised, spike agreement, first
  // divergence; prediction agreement; accuracies and their difference when labels are given.
  Json report(const std::vector<int64_t>& quantised_predicted,
              const std::vector<int64_t>& labels) const;

 private:
  compiler::FloatExecutor exec_;
  compiler::SpikeAgreement agreement_;
  std::vector<int64_t> predicted_;
};

}  // namespace cli
