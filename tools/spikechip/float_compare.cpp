#include "float_compare.h"

#include <fmt/core.h>

#include "isa/error.h"

namespace cli {

FloatComparison::FloatComparison(const compiler::Network& float_net, isa::Semantics semantics)
    : exec_(float_net, semantics), agreement_(float_net) {}

void FloatComparison::run_sample(const workloads::Frames& frames, uint32_t s,
                                 const std::vector<std::vector<isa::LayerSpikes>>& quantised) {
  std::vector<compiler::FloatFrame> steps;
  steps.reserve(frames.timesteps);
  for (uint32_t t = 0; t < frames.timesteps; ++t) {
    try {
      steps.push_back(compiler::float_frame(frames.frame(s, t)));
    } catch (const isa::InputError& e) {
      throw isa::InputError(fmt::format("input sample {}, step {}: {}", s, t, e.what()));
    }
  }
  const auto out = exec_.run_sample(
      s, steps, [&](uint32_t sample, uint32_t step, const std::vector<isa::LayerSpikes>& layers) {
        agreement_.add_step(sample, step, layers, quantised.at(step));
        return true;
      });
  predicted_.push_back(out.predicted);
}

static Json divergence(const compiler::LayerAgreement& a) {
  if (a.first_divergence_sample < 0) return nullptr;
  return {{"sample", a.first_divergence_sample}, {"step", a.first_divergence_step}};
}

static Json entry(const compiler::LayerAgreement& a) {
  return {{"layer", a.layer},
          {"spikes_float", a.reference_spikes},
          {"spikes_quantised", a.compared_spikes},
          {"decisions", a.decisions},
          {"disagreements", a.disagreements},
          {"spike_agreement", a.agreement()},
          {"first_divergence", divergence(a)}};
}

Json FloatComparison::report(const std::vector<int64_t>& quantised_predicted,
                             const std::vector<int64_t>& labels) const {
  Json j;
  j["reference"] = "float executor: the discretised network before quantisation, in double";
  j["total"] = entry(agreement_.total());
  Json layers = Json::array();
  for (const auto& a : agreement_.layers()) layers.push_back(entry(a));
  j["layers"] = std::move(layers);
  size_t same = 0;
  for (size_t i = 0; i < predicted_.size() && i < quantised_predicted.size(); ++i)
    same += predicted_[i] == quantised_predicted[i];
  j["prediction_agreement"] = predicted_.empty() ? 1.0 : double(same) / double(predicted_.size());
  if (!labels.empty()) {
    const double af = accuracy(predicted_, labels), aq = accuracy(quantised_predicted, labels);
    j["accuracy_float"] = af;
    j["accuracy_quantised"] = aq;
    j["accuracy_difference"] = aq - af;  // quantised minus float: < 0 when quantisation costs
  }
  return j;
}

}  // namespace cli
