// The arithmetic of the spike ISA: the one definition of a neuron update, of graded-spike
// shift-add and of saturation. The golden executor and the simulator both call these
// functions, so they can differ only in data movement and timing.
#pragma once
#include <cstdint>

namespace isa {

// Neuron models the neuron unit runs (selected by the UPD.* opcode).
enum class NeuronModel : uint8_t {
  lif = 0,   // v = decay_v(v) + in + bias; fire; reset
  if_ = 1,   // LIF with decay_v = 0 (kept separate: costs no decay multiply)
  li = 2,    // leaky integrator, never fires (readout); state v
  cuba = 3,  // current-based: u = decay_u(u) + in; v = decay_v(v) + u + bias; fire; reset
  cuba_li = 4,  // current-based leaky integrator, never fires
};
enum class ResetMode : uint8_t { to_value = 0, subtract = 1 };
enum class Compare : uint8_t { gt = 0, ge = 1 };

// Fixed decay unit: a decay constant d means x *= (4096 - d) / 4096 (12-bit, as Loihi).
inline constexpr int kDecayShift = 12;
inline constexpr int32_t kDecayUnity = 1 << kDecayShift;

// Per-neuron (or per-segment, when uniform) parameters, in hardware units.
struct NeuronParams {
  int32_t threshold = 0;  // fires when v > threshold (or >= with Compare::ge)
  int32_t v_reset = 0;    // value after a spike (ResetMode::to_value)
  int32_t bias = 0;       // added to v every step (Loihi's bias; a leak towards v_leak)
  int32_t input_bias = 0; // constant input added to the synaptic input every step (into u for
                          // current-based models): a bias of the layer's synapse (Affine b)
  uint16_t decay_v = 0;   // 0 = no leak; 4096 = v forgets everything each step
  uint16_t decay_u = kDecayUnity;  // current decay (cuba models only)
  bool operator==(const NeuronParams&) const = default;
};

// How one UPD instruction treats its neurons (fields of the instruction word).
struct UpdateMode {
  NeuronModel model = NeuronModel::lif;
  ResetMode reset = ResetMode::to_value;
  Compare compare = Compare::gt;
  uint8_t spike_bits = 1;  // 1 = binary spikes; k > 1 = up to 2^k - 1 spikes per step (graded)
};

struct Precision {
  uint8_t v_bits = 24;  // membrane word, signed, saturating
  uint8_t u_bits = 24;  // current word, signed, saturating
};

struct NeuronState {
  int32_t v = 0;
  int32_t u = 0;
};

// Saturate to a signed field of `bits` bits, symmetric: [-(2^(b-1)-1), 2^(b-1)-1].
inline int32_t saturate(int64_t x, uint8_t bits) {
  const int64_t hi = (int64_t{1} << (bits - 1)) - 1;
  return static_cast<int32_t>(x > hi ? hi : (x < -hi ? -hi : x));
}

// x * (4096 - d) / 4096, the magnitude truncated (rounds toward zero), as Loihi's neuron core.
inline int32_t decay(int32_t x, uint16_t d) {
  const int64_t prod = int64_t{x} * (kDecayUnity - int64_t{d});
  return static_cast<int32_t>(prod < 0 ? -((-prod) >> kDecayShift) : (prod >> kDecayShift));
}

// A stored weight (mantissa) with its projection's exponent: w << shift, as Loihi's weight
// exponent. Wraps like the 32-bit accumulator it is added to.
inline int32_t scaled_weight(int32_t mantissa, uint32_t shift) {
  return static_cast<int32_t>(static_cast<uint32_t>(mantissa) << shift);
}

// Graded spike × weight by shift-add (no multiplier): the sum of w << b over set bits b,
// wrapping like the 32-bit accumulator (unsigned arithmetic: no signed overflow).
inline int32_t shift_add(int32_t weight, uint32_t payload) {
  uint32_t acc = 0;
  for (int b = 0; payload != 0; ++b, payload >>= 1)
    if (payload & 1u) acc += static_cast<uint32_t>(weight) << b;
  return static_cast<int32_t>(acc);
}

inline bool is_spiking(NeuronModel m) { return m != NeuronModel::li && m != NeuronModel::cuba_li; }
inline bool has_current(NeuronModel m) {
  return m == NeuronModel::cuba || m == NeuronModel::cuba_li;
}

// One timestep of one neuron. `input` is the step's accumulated synaptic input (already
// weighted). Returns the output payload: 0 for no spike, else the spike count (1 for binary).
inline uint32_t neuron_step(NeuronState& s, int32_t input, const NeuronParams& p,
                            const UpdateMode& m, const Precision& prec) {
  int64_t drive = int64_t{input} + p.input_bias;
  if (has_current(m.model)) {
    s.u = saturate(int64_t{decay(s.u, p.decay_u)} + drive, prec.u_bits);
    drive = s.u;
  }
  const int32_t leaked = m.model == NeuronModel::if_ ? s.v : decay(s.v, p.decay_v);
  int32_t v = saturate(int64_t{leaked} + drive + p.bias, prec.v_bits);
  uint32_t out = 0;
  if (is_spiking(m.model)) {
    const auto above = [&](int32_t x) {
      return m.compare == Compare::gt ? x > p.threshold : x >= p.threshold;
    };
    if (above(v)) {
      if (m.reset == ResetMode::to_value) {
        out = 1;
        v = p.v_reset;
      } else {
        // Reset by subtraction; with graded output, one subtraction per emitted spike
        // (repeated subtraction: the neuron unit has no divider).
        const uint32_t max_out = (1u << m.spike_bits) - 1u;
        do {
          ++out;
          v = saturate(int64_t{v} - p.threshold, prec.v_bits);
        } while (out < max_out && p.threshold > 0 && above(v));
      }
    }
  }
  s.v = v;
  return out;
}

}  // namespace isa
