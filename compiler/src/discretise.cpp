// Continuous-time NIR neurons -> per-step decay, input gain and bias (../shared/NIR.md §2-§3).
//
// Forward Euler (the default, as snnTorch, Norse, SpikingJelly and the Lava script assume) of
// tau dv/dt = (v_leak - v) + R I gives v' = (1 - a) v + a v_leak + a R I with a = dt/tau;
// `exact` uses a = 1 - exp(-dt/tau) with the same input gain; `exact_unscaled` is what Sinabs
// and Rockpool compute: that decay, and the input added as it comes (r ignored, gain 1).
// IF/I: v' = v + dt R I. CubaLIF: the current is kept in membrane units (u = a_m R I), so
// u' = (1 - a_s) u + a_m R a_s w_in S and v' = (1 - a_m) v + a_m v_leak + u', which is
// Loihi's CUBA neuron and reproduces snnTorch's Synaptic exactly (r = tau/dt, w_in = tau_syn/dt).
#include <fmt/core.h>

#include <cmath>
#include <stdexcept>

#include "compiler/passes.h"
#include "isa/error.h"

namespace compiler {
namespace {

double step_fraction(double dt, double tau, Discretisation d) {
  return d == Discretisation::euler ? dt / tau : 1.0 - std::exp(-dt / tau);
}

// The factor the input is multiplied by, for a step fraction a and the node's r.
double input_gain(double a, double r, Discretisation d) {
  return d == Discretisation::exact_unscaled ? 1.0 : a * r;
}

}  // namespace

Network discretise(Network net, const std::string& file, const CompileOptions& opt) {
  net.dt = opt.dt;
  for (auto& l : net.layers) {
    if (l.kind == NeuronKind::input) continue;
    const auto& P = l.nir;
    auto& S = l.step;
    const uint32_t N = l.size;
    const bool readout = !P.tau.empty() && P.tau[0] < 0;  // forgets every step: v = input
    if (!readout && !(opt.dt > 0))
      throw isa::InputError(fmt::format(
          "{}: node '{}' has dynamics and needs a time step: pass --dt (NIR stores none; "
          "snnTorch and SpikingJelly exports assume 1e-4 s, Norse 1e-3 s, Sinabs and Spyx 1 step)",
          file, l.name));
    S.decay_v.assign(N, 0.0);
    S.decay_u.assign(N, 1.0);
    S.v_bias.assign(N, 0.0);
    S.input_bias.assign(N, 0.0);
    S.threshold = P.v_threshold;
    S.v_reset = P.v_reset;
    std::vector<double> gain(N, 1.0);
    for (uint32_t j = 0; j < N; ++j) {
      const auto check = [&](double a, const char* what, double tau) {
        if (!(a >= 0 && a <= 1))
          throw isa::InputError(fmt::format(
              "{}: node '{}': dt/{} = {:.6g}/{:.6g} gives a per-step decay of {:.6g}, outside "
              "[0, 1]: forward Euler is unstable here (use a smaller --dt or --discretisation "
              "exact)",
              file, l.name, what, opt.dt, tau, a));
        return a;
      };
      if (readout) {
        S.decay_v[j] = 1.0;
        gain[j] = 1.0;
      } else if (l.kind == NeuronKind::if_ || (l.kind == NeuronKind::li && P.tau[j] == 0)) {
        gain[j] = opt.discretisation == Discretisation::exact_unscaled ? 1.0 : opt.dt * P.r[j];
      } else if (l.kind == NeuronKind::lif || l.kind == NeuronKind::li) {
        const double a =
            check(step_fraction(opt.dt, P.tau[j], opt.discretisation), "tau", P.tau[j]);
        S.decay_v[j] = a;
        gain[j] = input_gain(a, P.r[j], opt.discretisation);
        S.v_bias[j] = a * P.v_leak[j];
      } else {  // cuba, cuba_li
        const double am =
            check(step_fraction(opt.dt, P.tau[j], opt.discretisation), "tau_mem", P.tau[j]);
        const double as =
            check(step_fraction(opt.dt, P.tau_syn[j], opt.discretisation), "tau_syn", P.tau_syn[j]);
        S.decay_v[j] = am;
        S.decay_u[j] = as;
        gain[j] = input_gain(am, P.r[j], opt.discretisation) *
                  input_gain(as, 1.0, opt.discretisation) * P.w_in[j];
        S.v_bias[j] = am * P.v_leak[j];
      }
      S.input_bias[j] = gain[j] * P.bias[j];
    }
    for (auto& p : l.inputs) {
      switch (p.kind) {
        case ProjectionKind::fc: {
          if (p.stored) {  // applied row by row as the matrix is read (weight_blocks.h)
            if (!p.stored->row_gain.empty())
              throw std::logic_error("discretise: weights already discretised");
            p.stored->row_gain = gain;
            break;
          }
          const size_t in = p.weight.size() / N;
          for (uint32_t j = 0; j < N; ++j)
            for (size_t i = 0; i < in; ++i) p.weight[j * in + i] *= gain[j];
          break;
        }
        case ProjectionKind::elementwise:
          for (uint32_t j = 0; j < N; ++j) p.weight[j] *= gain[j];
          break;
        case ProjectionKind::conv:
        case ProjectionKind::pool: {
          const uint32_t oc = p.geom.out_c, per = N / oc;
          for (uint32_t c = 0; c < oc; ++c)
            for (uint32_t k = 1; k < per; ++k)
              if (gain[c * per + k] != gain[c * per])
                throw isa::InputError(fmt::format(
                    "{}: node '{}': neurons of one channel have different input gains (r, tau "
                    "or w_in vary within channel {}), which shared convolution weights cannot "
                    "express",
                    file, l.name, c));
          if (p.kind == ProjectionKind::pool) {
            for (uint32_t c = 1; c < oc; ++c)
              if (gain[c * per] != gain[0])
                throw isa::InputError(fmt::format(
                    "{}: node '{}': pooling into neurons with per-channel gains is not supported",
                    file, l.name));
            p.pool_gain *= gain[0];
          } else {
            const size_t per_oc = p.weight.size() / oc;
            for (uint32_t c = 0; c < oc; ++c)
              for (size_t k = 0; k < per_oc; ++k) p.weight[c * per_oc + k] *= gain[c * per];
          }
          break;
        }
      }
    }
  }
  return net;
}

}  // namespace compiler
