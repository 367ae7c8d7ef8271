#include "golden_check.h"

#include <fmt/core.h>

namespace cli {

GoldenChecker::GoldenChecker(const compiler::Network& net, isa::Semantics semantics,
                             isa::Precision precision,
                             const std::vector<std::vector<isa::SpikeFrame>>& inputs)
    : net_(net), exec_(net, semantics, precision), inputs_(inputs) {}

static std::string describe(const isa::LayerSpikes& s, size_t k) {
  return k < s.index.size() ? fmt::format("neuron {} (payload {})", s.index[k], s.payload[k])
                            : "no further spike";
}

bool GoldenChecker::observe(uint32_t sample, uint32_t step,
                            const std::vector<isa::LayerSpikes>& layers) {
  if (int64_t(sample) != sample_) {
    sample_ = sample;
    expected_.clear();
    exec_.run_sample(sample, inputs_.at(sample),
                     [&](uint32_t, uint32_t, const std::vector<isa::LayerSpikes>& l) {
                       expected_.push_back(l);
                       return true;
                     });
  }
  const isa::LayerSpikes empty;
  for (size_t l = 0; l < net_.layers.size(); ++l) {
    const isa::LayerSpikes& want = step < expected_.size() ? expected_[step][l] : empty;
    const isa::LayerSpikes& got = l < layers.size() ? layers[l] : empty;
    if (want == got) continue;
    size_t k = 0;
    while (k < want.index.size() && k < got.index.size() && want.index[k] == got.index[k] &&
           want.payload[k] == got.payload[k])
      ++k;
    divergence_ = fmt::format(
        "golden mismatch at sample {}, step {}, layer '{}': simulator has {}, golden executor "
        "has {} (spike #{} of the step; simulator {} spikes, golden {})",
        sample, step, net_.layers[l].name, describe(got, k), describe(want, k), k, got.index.size(),
        want.index.size());
    return false;
  }
  ++steps_checked_;
  return true;
}

}  // namespace cli
