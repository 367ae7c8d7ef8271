// Per-layer quantisation. A layer's membrane scale is a power of two, 2^k hardware units per
// membrane unit, as large as the membrane and the accumulator allow: fine membrane resolution
// keeps the 12-bit decay's truncation negligible. Each projection stores weights as mantissas
// of weight_bits with a power-of-two exponent (weight_shift), as Loihi does. Powers of two keep
// integer-valued weights and thresholds exact, so an integer network runs bit-identically to
// its float form.
//   k: threshold, reset and biases stay within 2^(v_bits-4) (16x headroom before saturation),
//      and the largest possible accumulation of one step (the largest L1 norm of a neuron's
//      incoming weights times the largest payload) stays within 2^30, so the 32-bit
//      accumulator never wraps.
//      A layer without decay stops where its largest weight fills the mantissa (finer
//      resolution buys nothing there, and an IF membrane needs the range).
//   shift: the smallest exponent that fits the projection's largest weight in the mantissa.
// The returned network holds the mantissas only: each projection's float weights are freed
// once quantised (the caller keeps its own copy if it needs them).
// Saturation: mantissas clip to ±(2^(weight_bits-1)-1) (never happens by construction);
// thresholds, resets and biases clip to the membrane range; decays round to 12 bits (x 4096).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "compiler/passes.h"
#include "compiler/weight_blocks.h"
#include "isa/error.h"

namespace compiler {
namespace {

// Adds, per target neuron, the sum of |w| x payload over the projection's inputs; returns its
// largest |w| (one pass: a streamed matrix is read once for both).
double accumulate_l1(const Projection& p, uint32_t targets, uint32_t sources, double payload,
                     std::vector<double>& l1) {
  double max_w = 0;
  switch (p.kind) {
    case ProjectionKind::fc:
      if (sources == 0) break;
      // Blocks hold whole rows ([target][source]).
      for_each_weight_block(p, [&](size_t first, const double* w, size_t n) {
        for (size_t r = 0; r < n / sources; ++r) {
          double s = 0;
          for (uint32_t i = 0; i < sources; ++i) s += std::abs(w[r * sources + i]);
          l1[first / sources + r] += s * payload;
        }
        for (size_t k = 0; k < n; ++k) max_w = std::max(max_w, std::abs(w[k]));
      });
      return max_w;
    case ProjectionKind::elementwise:
      for (uint32_t j = 0; j < targets; ++j) l1[j] += std::abs(p.weight[j]) * payload;
      break;
    case ProjectionKind::conv: {
      const size_t per_oc = p.weight.size() / p.geom.out_c;
      const uint32_t per = targets / p.geom.out_c;
      for (uint32_t c = 0; c < p.geom.out_c; ++c) {
        double s = 0;
        for (size_t t = 0; t < per_oc; ++t) s += std::abs(p.weight[c * per_oc + t]);
        for (uint32_t k = 0; k < per; ++k) l1[c * per + k] += s * payload;
      }
      break;
    }
    case ProjectionKind::pool:
      for (auto& v : l1) v += std::abs(p.pool_gain) * p.geom.k_h * p.geom.k_w * payload;
      return std::abs(p.pool_gain);
  }
  for (double w : p.weight) max_w = std::max(max_w, std::abs(w));
  return max_w;
}

}  // namespace

Network quantise(Network net, const arch::ArchConfig& arch, std::vector<LayerQuantReport>* report) {
  if (arch.core.quantisation == arch::QuantisationMode::lava_loihi)
    return quantise_lava_loihi(std::move(net), arch, report);
  const int32_t wmax = (1 << (arch.core.weight_bits - 1)) - 1;
  const double vlim = std::ldexp(1.0, static_cast<int>(arch.core.v_bits) - 4);  // headroom
  const double input_gain = std::ldexp(1.0, -static_cast<int>(net.input_frac_bits));
  for (auto& l : net.layers) {
    if (l.kind == NeuronKind::input) continue;
    LayerQuantReport rep;
    rep.layer = l.name;
    double max_w = 0;
    // Largest possible input of one step to one neuron (per-neuron L1 norm x max payload).
    std::vector<double> l1(l.size, 0.0);
    std::vector<double> proj_max;  // per projection: its largest |w|
    for (auto& p : l.inputs) {
      if (p.source == 0 && input_gain != 1.0) {
        scale_weights(p, input_gain);
        p.pool_gain *= input_gain;
      }
      const Layer& src = net.layers[p.source];
      const double payload = p.source == 0 ? std::ldexp(1.0, arch.core.input_bits) - 1
                                           : std::ldexp(1.0, src.spike_bits) - 1;
      proj_max.push_back(accumulate_l1(p, l.size, src.size, payload, l1));
      max_w = std::max(max_w, proj_max.back());
    }
    double max_v = 0;
    const auto& S = l.step;
    for (const auto* v : {&S.threshold, &S.v_reset, &S.v_bias, &S.input_bias})
      for (double x : *v) max_v = std::max(max_v, std::abs(x));
    const double max_l1 = *std::max_element(l1.begin(), l1.end());
    int k = 30;
    if (max_v > 0) k = std::min(k, static_cast<int>(std::floor(std::log2(vlim / max_v))));
    if (max_l1 > 0)
      k = std::min(k, static_cast<int>(std::floor(std::log2(std::ldexp(1.0, 30) / max_l1))));
    // Without decay, resolution finer than the weights' buys nothing and costs range (an IF
    // membrane drifts without bound): stop where the largest weight fills the mantissa.
    const bool decays =
        std::any_of(S.decay_v.begin(), S.decay_v.end(), [](double a) { return a > 0; }) ||
        isa::has_current(neuron_model(l.kind));
    if (!decays && max_w > 0)
      k = std::min(k, static_cast<int>(std::floor(std::log2(wmax / max_w))));
    k = std::max(k, -30);
    const double scale = std::ldexp(1.0, k);
    l.scale = rep.scale = scale;
    const auto q = [&](double x, double lim) {
      return static_cast<int32_t>(std::clamp(std::nearbyint(x * scale), -lim, lim));
    };
    for (size_t k = 0; k < l.inputs.size(); ++k) {
      Projection& p = l.inputs[k];
      const double pmax = proj_max[k];
      int shift = 0;
      while (shift < 30 && pmax * scale > wmax * std::ldexp(1.0, shift)) ++shift;
      p.weight_shift = static_cast<uint32_t>(shift);
      const double unit = scale / std::ldexp(1.0, shift);  // mantissa units per weight unit
      p.qweight.resize(weight_count(p));
      for_each_weight_block(p, [&](size_t first, const double* ws, size_t n) {
        for (size_t k = 0; k < n; ++k) {
          const double exact = ws[k] * unit;
          const int32_t qi =
              static_cast<int32_t>(std::clamp(std::nearbyint(exact), double(-wmax), double(wmax)));
          p.qweight[first + k] = static_cast<int16_t>(qi);  // |qi| <= wmax < 2^15
          ++rep.weights;
          if (ws[k] != 0) ++rep.nonzero;
          if (std::abs(std::nearbyint(exact)) > wmax) ++rep.saturated;
          if (ws[k] != 0 && qi == 0) ++rep.zeroed;
          rep.max_abs_error = std::max(rep.max_abs_error, std::abs(qi / unit - ws[k]));
        }
      });
      // The mantissas are what the rest of the compiler reads; freeing the float weights here
      // (not after the whole network) keeps one layer's mantissas and float blocks at most.
      release_float_weights(p);
    }
    rep.max_rel_error = max_w > 0 ? rep.max_abs_error / max_w : 0;
    // Neuron parameters; one block when every neuron has the same.
    const uint32_t N = l.size;
    const double plim = std::ldexp(1.0, static_cast<int>(arch.core.v_bits) - 1) - 1;
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
