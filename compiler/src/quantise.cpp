// Per-layer quantisation: one power-of-two scale per layer maps membrane units to hardware
// units. A power of two keeps integer-valued weights and thresholds exact (an integer network
// runs bit-identically to its float form) and costs at most one bit of weight resolution.
// Saturation: weights clip to ±(2^(weight_bits-1)-1); thresholds, resets and biases clip to the
// membrane range; decays round to 12 bits (x 4096).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "compiler/passes.h"
#include "isa/error.h"

namespace compiler {

Network quantise(Network net, const arch::ArchConfig& arch, std::vector<LayerQuantReport>* report) {
  const int32_t wmax = (1 << (arch.core.weight_bits - 1)) - 1;
  const double vlim = std::ldexp(1.0, static_cast<int>(arch.core.v_bits) - 2);  // headroom
  const double input_gain = std::ldexp(1.0, -static_cast<int>(net.input_frac_bits));
  for (auto& l : net.layers) {
    if (l.kind == NeuronKind::input) continue;
    LayerQuantReport rep;
    rep.layer = l.name;
    double max_w = 0;
    for (auto& p : l.inputs) {
      if (p.source == 0 && input_gain != 1.0) {
        for (double& w : p.weight) w *= input_gain;
        p.pool_gain *= input_gain;
      }
      if (p.kind == ProjectionKind::pool) max_w = std::max(max_w, std::abs(p.pool_gain));
      for (double w : p.weight) max_w = std::max(max_w, std::abs(w));
    }
    double max_v = 0;
    const auto& S = l.step;
    for (const auto* v : {&S.threshold, &S.v_reset, &S.v_bias, &S.input_bias})
      for (double x : *v) max_v = std::max(max_v, std::abs(x));
    int k = max_w > 0 ? static_cast<int>(std::floor(std::log2(wmax / max_w))) : 0;
    k = std::clamp(k, -30, 30);
    while (k > -30 && max_v * std::ldexp(1.0, k) > vlim) --k;
    const double scale = std::ldexp(1.0, k);
    l.scale = rep.scale = scale;
    const auto q = [&](double x, double lim) {
      return static_cast<int32_t>(std::clamp(std::nearbyint(x * scale), -lim, lim));
    };
    for (auto& p : l.inputs) {
      std::vector<double> ws = p.weight;
      if (p.kind == ProjectionKind::pool) ws = {p.pool_gain};
      p.qweight.resize(ws.size());
      for (size_t i = 0; i < ws.size(); ++i) {
        const double exact = ws[i] * scale;
        const int32_t qi = q(ws[i], wmax);
        p.qweight[i] = qi;
        ++rep.weights;
        if (ws[i] != 0) ++rep.nonzero;
        if (std::abs(std::nearbyint(exact)) > wmax) ++rep.saturated;
        if (ws[i] != 0 && qi == 0) ++rep.zeroed;
        rep.max_abs_error = std::max(rep.max_abs_error, std::abs(qi / scale - ws[i]));
      }
    }
    rep.max_rel_error = max_w > 0 ? rep.max_abs_error / max_w : 0;
    // Neuron parameters; one block when every neuron has the same.
    const uint32_t N = l.size;
    const double plim = vlim * 2 - 1;
    std::vector<isa::NeuronParams> ps(N);
    for (uint32_t j = 0; j < N; ++j) {
      auto& p = ps[j];
      if (is_spiking(l.kind)) {
        p.threshold = q(S.threshold[j], plim);
        p.v_reset = q(S.v_reset[j], plim);
        rep.threshold_error =
            std::max(rep.threshold_error, std::abs(p.threshold / scale - S.threshold[j]));
      } else {
        p.threshold = static_cast<int32_t>(plim);
      }
      p.bias = q(S.v_bias[j], plim);
      p.input_bias = q(S.input_bias[j], plim);
      const auto dq = [&](double a) {
        const long d = std::lround(std::clamp(a, 0.0, 1.0) * isa::kDecayUnity);
        rep.decay_error = std::max(rep.decay_error, std::abs(double(d) / isa::kDecayUnity - a));
        return static_cast<uint16_t>(d);
      };
      p.decay_v = dq(S.decay_v[j]);
      p.decay_u = isa::has_current(neuron_model(l.kind)) ? dq(S.decay_u[j]) : isa::kDecayUnity;
    }
    const bool uniform =
        std::all_of(ps.begin(), ps.end(), [&](const isa::NeuronParams& p) { return p == ps[0]; });
    l.qparams = uniform ? std::vector<isa::NeuronParams>{ps[0]} : std::move(ps);
    if (report) report->push_back(rep);
  }
  return net;
}

}  // namespace compiler
