// The `lava_loihi` quantisation (arch core.quantisation): the fixed-point mapping the NIR
// repository's Lava script uses for Loihi (docs/source/examples/lava/nir_to_lava.py,
// `_nir_node_to_lava`, fixed_pt), with the scalings of Lava's bit-accurate LIF (lava-nc/lava
// proc/lif/models.py, PyLifModelBitAcc). Every conversion truncates toward zero (Python's int()):
//   weight     mantissa = trunc(w x 256), exponent (weight_shift) 6: Loihi's activation is
//              MSB-aligned by 6 bits (act_shift), so a mantissa m adds m << 6 to the input.
//              When a projection's largest |w| x 256 does not fit the mantissa, its weight
//              exponent e (Loihi's weight_exp, 0..7) is raised until it does: mantissa =
//              trunc(w x 2^(8-e)), weight_shift 6 + e. The script has no such step (it
//              overflows); with e = 0 (every weight fits) the mapping is the script's exactly.
//   threshold  (trunc(theta x 131071) >> 9) << 6: the script's vth, then Loihi's vth_shift of 6;
//              vth is 17-bit unsigned (0..131071). v_reset the same way (Lava resets to 0).
//   biases     trunc(b x 256) << 6, in the weights' units (our biases are input-sized).
//   decay_v    trunc(a x 4095) (Loihi's dm_offset is 0; a = 1, a readout that forgets every
//              step, keeps 4096, which the ISA has and Loihi's v does not).
//   decay_u    trunc(a_s x 4095) + 1 for current-based neurons: Loihi adds ds_offset = 1 to du.
//              A plain LIF is Lava's LIF with du = 4095, i.e. an effective 4096: u = input
//              exactly every step, so the ISA's LIF (no current state) is bit-identical to it.
// So one membrane unit is 2^14 hardware units (256 << 6; 131071 >> 9 ~ 256). w is the
// discretised weight: a R W for LIF (a = dt/tau), a_m R a_s w_in W for CubaLIF. The Lava script
// uses dt/tau for LIF whatever the NIR weight and r (its w and ours agree when R W = 1, as in
// lif_norse.nir), and w_in dt/tau_syn W for CubaLIF, requiring r = tau_mem/dt (then a_m R = 1
// and they agree).
// Saturation: mantissas clip to +-(2^(weight_bits-1)-1); thresholds to Loihi's 17-bit vth;
// everything else to the v_bits membrane range. v and u saturate at v_bits/u_bits in
// isa::neuron_step (Lava clips v at +-(2^23-1) as we do at 24 bits; it wraps u, we saturate).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "compiler/passes.h"
#include "compiler/weight_blocks.h"

namespace compiler {
namespace {

constexpr int kActShift = 6;                               // Loihi's act_shift / vth_shift
constexpr double kWeightUnit = 256;                        // the script's weight scale
constexpr double kVthScale = 131071;                       // the script's threshold scale (17 bits)
constexpr int kVthDrop = 9;                                // ... then >> 9
constexpr int64_t kVthMax = 131071;                        // Loihi vth: 17-bit unsigned
constexpr double kScale = kWeightUnit * (1 << kActShift);  // hardware units per membrane unit

constexpr int kMaxWeightExp = 7;  // Loihi's weight_exp: -8..7

int64_t clip(int64_t x, int64_t lo, int64_t hi) {
  return std::clamp(x, lo, hi);
}

// The smallest weight exponent e in 0..7 at which every trunc(w x 256 / 2^e) fits +-wmax
// (7 if none does: the rest clip, and the report counts them).
int weight_exponent(const Projection& p, int64_t wmax) {
  double big = 0;
  for_each_weight_block(p, [&](size_t, const double* w, size_t n) {
    for (size_t i = 0; i < n; ++i) big = std::max(big, std::abs(w[i]));
  });
  for (int e = 0; e < kMaxWeightExp; ++e)
    if (std::trunc(big * std::ldexp(kWeightUnit, -e)) <= double(wmax)) return e;
  return kMaxWeightExp;
}

}  // namespace

Network quantise_lava_loihi(Network net, const arch::ArchConfig& arch,
                            std::vector<LayerQuantReport>* report) {
  const int64_t wmax = (int64_t{1} << (arch.core.weight_bits - 1)) - 1;
  const int64_t plim = (int64_t{1} << (arch.core.v_bits - 1)) - 1;
  const double input_gain = std::ldexp(1.0, -static_cast<int>(net.input_frac_bits));
  for (auto& l : net.layers) {
    if (l.kind == NeuronKind::input) continue;
    LayerQuantReport rep;
    rep.layer = l.name;
    rep.scale = kScale;
    l.scale = kScale;
    std::vector<std::string> notes;
    double max_w = 0;
    for (auto& p : l.inputs) {
      if (p.source == 0 && input_gain != 1.0) {
        scale_weights(p, input_gain);
        p.pool_gain *= input_gain;
      }
      const int exp = weight_exponent(p, wmax);
      const double unit = std::ldexp(kWeightUnit, -exp);  // hardware mantissa per weight unit
      p.weight_shift = static_cast<uint32_t>(kActShift + exp);
      p.qweight.resize(weight_count(p));
      double big = 0;  // the projection's largest |w|, shown in the notes
      int32_t big_q = 0;
      uint64_t clipped = 0;
      for_each_weight_block(p, [&](size_t first, const double* ws, size_t n) {
        for (size_t i = 0; i < n; ++i) {
          const double m = std::trunc(ws[i] * unit);
          const auto q = static_cast<int32_t>(std::clamp(m, double(-wmax), double(wmax)));
          p.qweight[first + i] = static_cast<int16_t>(q);  // |q| <= wmax < 2^15
          ++rep.weights;
          if (ws[i] != 0) ++rep.nonzero;
          if (std::abs(m) > double(wmax)) ++clipped;
          if (ws[i] != 0 && q == 0) ++rep.zeroed;
          rep.max_abs_error = std::max(rep.max_abs_error, std::abs(q / unit - ws[i]));
          if (std::abs(ws[i]) > big) {
            big = std::abs(ws[i]);
            big_q = q;
          }
        }
      });
      rep.saturated += clipped;
      max_w = std::max(max_w, big);
      if (!p.qweight.empty())
        notes.push_back(fmt::format(
            "weight{} {:.6g} -> {} << {} (x{:g}, truncated{}{})",
            p.origin.empty() ? "" : " (" + p.origin + ")", big_q < 0 ? -big : big, big_q,
            p.weight_shift, unit, exp ? fmt::format(", weight exponent {}", exp) : "",
            clipped ? fmt::format(", {} clipped to +-{}", clipped, wmax) : ""));
      release_float_weights(p);  // mantissas only from here, as quantise
    }
    rep.max_rel_error = max_w > 0 ? rep.max_abs_error / max_w : 0;

    const auto& S = l.step;
    const bool spiking = is_spiking(l.kind);
    const bool current = isa::has_current(neuron_model(l.kind));
    const auto vth_of = [&](double x) {  // (trunc(x * 131071) >> 9), 17-bit unsigned, << 6
      const int64_t m =
          clip(static_cast<int64_t>(std::trunc(x * kVthScale)) >> kVthDrop, 0, kVthMax);
      return static_cast<int32_t>(clip(m << kActShift, -plim, plim));
    };
    const auto bias_of = [&](double x) {
      const auto m = static_cast<int64_t>(std::trunc(x * kWeightUnit));
      return static_cast<int32_t>(clip(m * (int64_t{1} << kActShift), -plim, plim));
    };
    const auto decay_of = [](double a, int offset) {
      if (a >= 1) return isa::kDecayUnity;
      const auto d = static_cast<int32_t>(std::trunc(std::clamp(a, 0.0, 1.0) * 4095)) + offset;
      return std::min(d, isa::kDecayUnity);
    };
    const uint32_t N = l.size;
    std::vector<isa::NeuronParams> ps(N);
    for (uint32_t j = 0; j < N; ++j) {
      auto& p = ps[j];
      if (spiking) {
        p.threshold = vth_of(S.threshold[j]);
        p.v_reset = vth_of(S.v_reset[j]);
        rep.threshold_error =
            std::max(rep.threshold_error, std::abs(p.threshold / kScale - S.threshold[j]));
      } else {
        p.threshold = static_cast<int32_t>(plim);
      }
      p.bias = bias_of(S.v_bias[j]);
      p.input_bias = bias_of(S.input_bias[j]);
      const bool leaks = l.kind != NeuronKind::if_;
      p.decay_v = static_cast<uint16_t>(leaks ? decay_of(S.decay_v[j], 0) : 0);
      p.decay_u = static_cast<uint16_t>(current ? decay_of(S.decay_u[j], 1) : isa::kDecayUnity);
      rep.decay_error =
          std::max(rep.decay_error, std::abs(double(p.decay_v) / isa::kDecayUnity - S.decay_v[j]));
      if (current)
        rep.decay_error = std::max(rep.decay_error,
                                   std::abs(double(p.decay_u) / isa::kDecayUnity - S.decay_u[j]));
    }
    const bool uniform =
        std::all_of(ps.begin(), ps.end(), [&](const isa::NeuronParams& p) { return p == ps[0]; });
    if (N > 0) {  // neuron 0's parameters in words
      const isa::NeuronParams& p = ps[0];
      if (l.kind != NeuronKind::if_)
        notes.push_back(
            fmt::format("decay_v {:.6g} -> {}/4096 (x4095, truncated)", S.decay_v[0], p.decay_v));
      if (current)
        notes.push_back(
            fmt::format("decay_u {:.6g} -> {}/4096 (x4095, truncated, +1: Loihi's ds_offset)",
                        S.decay_u[0], p.decay_u));
      if (spiking) {
        notes.push_back(fmt::format("threshold {:.6g} -> {} << 6 = {} (x131071, truncated, >> 9)",
                                    S.threshold[0], p.threshold >> kActShift, p.threshold));
        if (S.v_reset[0] != 0)
          notes.push_back(fmt::format("v_reset {:.6g} -> {}", S.v_reset[0], p.v_reset));
      }
      if (p.bias != 0 || S.v_bias[0] != 0)
        notes.push_back(
            fmt::format("bias {:.6g} -> {} (x256, truncated, << 6)", S.v_bias[0], p.bias));
      if (p.input_bias != 0 || S.input_bias[0] != 0)
        notes.push_back(fmt::format("input bias {:.6g} -> {} (x256, truncated, << 6)",
                                    S.input_bias[0], p.input_bias));
      if (!uniform) notes.push_back("parameters differ per neuron; neuron 0 shown");
    }
    for (size_t k = 0; k < notes.size(); ++k) rep.notes += (k ? "; " : "") + notes[k];
    l.qparams = uniform ? std::vector<isa::NeuronParams>{ps[0]} : std::move(ps);
    if (report) report->push_back(rep);
  }
  return net;
}

}  // namespace compiler
