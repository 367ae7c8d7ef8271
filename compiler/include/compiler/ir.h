// The compiler's one IR: a network of layers (neuron populations) joined by projections
// (synapse operators). Every pass is a function from Network to Network (or to the mapping
// structures in mapping.h); the golden and float executors run it directly.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arch/config.h"
#include "compiler/stored_matrix.h"
#include "isa/arith.h"
#include "isa/program.h"

namespace compiler {

enum class ProjectionKind : uint8_t { fc, conv, pool, elementwise };
enum class ConvMode : uint8_t { dense, sparse };  // vanilla spike conv, or submanifold/strided SSC

// A projection from `source` (a layer index, always < the target's index unless recurrent)
// into the layer that holds it.
struct Projection {
  uint32_t source = 0;
  ProjectionKind kind = ProjectionKind::fc;
  ConvMode conv_mode = ConvMode::dense;
  uint32_t delay_steps = 0;  // 1 for an edge that closes a cycle (recurrent)
  isa::ConvGeometry geom;    // conv and pool
  // Float weights (after canonicalisation, before discretisation the NIR values; after
  // discretisation multiplied by the target neuron's input gain):
  //   fc: [target][source] (NIR's (out, in));  conv: [oc][ic/groups][kh][kw];
  //   elementwise: [target];  pool: empty (gain 1 per window tap, scaled by `pool_gain`)
  std::vector<double> weight;
  double pool_gain = 1.0;  // AvgPool2d's 1/(kh*kw), or the folded Scale
  // fc weights left in the NIR file when the compile streams them (`weight` is empty then):
  // the float weight [j][i] is matrix[j][i] * row_gain[j] * gain, multiplied in that order as
  // the in-memory path multiplies (so both quantise identically). Read in row blocks by
  // for_each_weight_block (weight_blocks.h).
  struct Stored {
    std::shared_ptr<const nir::StoredMatrix> matrix;
    std::vector<double> row_gain;  // discretise's input gain per target; empty before it
    double gain = 1.0;             // quantise's graded-input scaling
  };
  std::optional<Stored> stored;
  // Quantised weight mantissas (same layout), by quantise: |w| <= 2^(weight_bits - 1) - 1 and
  // weight_bits <= 16 (arch schema), so 16 bits hold them (half the compiler's peak memory on
  // large FC layers, whose positions are mostly zeros).
  std::vector<int16_t> qweight;
  uint32_t weight_shift = 0;  // exponent: a mantissa w adds w << weight_shift
  // How the synapse memory stores it (choose_weight_layouts, after quantise; fc projections
  // may differ from dense when the arch allows), and why, for the report.
  arch::WeightLayout layout = arch::WeightLayout::dense;
  std::string layout_reason;
  std::string origin;  // NIR node names this projection came from ("conv1+pool1")
};

enum class NeuronKind : uint8_t { input, lif, if_, li, cuba, cuba_li };

// Continuous-time NIR parameters, one value per neuron (broadcast from NIR's arrays).
struct NeuronParamsNir {
  std::vector<double> tau, tau_syn, r, v_leak, v_threshold, v_reset, w_in;
  std::vector<double> bias;  // constant input (the synapse biases folded in), in input units
};

// Per-step parameters after discretisation, per neuron, in float "membrane units".
struct NeuronParamsStep {
  std::vector<double> decay_v, decay_u;  // fraction lost per step, 0..1
  std::vector<double> threshold, v_reset;
  std::vector<double> v_bias;      // added to v every step
  std::vector<double> input_bias;  // added to the input every step
};

struct Layer {
  std::string name;             // NIR node name of the neuron node (or the Input node)
  std::vector<uint32_t> shape;  // CHW, or {N}
  uint32_t size = 0;
  NeuronKind kind = NeuronKind::input;
  bool is_output = false;
  // A static path into an Output node (import): a leaky integrator that forgets every step
  // (v = input). Its nir.tau is 0 and means nothing.
  bool readout = false;
  isa::ResetMode reset = isa::ResetMode::to_value;
  isa::Compare compare = isa::Compare::gt;
  uint8_t spike_bits = 1;
  std::vector<Projection> inputs;
  NeuronParamsNir nir;
  NeuronParamsStep step;
  // Quantised (filled by quantise): one entry, or one per neuron when they differ.
  std::vector<isa::NeuronParams> qparams;
  double scale = 1.0;  // hardware units per float membrane unit (a power of two)
  uint32_t level = 0;  // schedule level (layer_sequential phase), set by validate
};

struct Network {
  std::vector<Layer> layers;     // layers[0] is the input; others in topological order
  double dt = 0;                 // seconds (or the exporter's unit), as discretised
  uint32_t input_frac_bits = 0;  // graded input fixed point
};

inline bool is_spiking(NeuronKind k) {
  return k == NeuronKind::lif || k == NeuronKind::if_ || k == NeuronKind::cuba;
}
inline isa::NeuronModel neuron_model(NeuronKind k) {
  switch (k) {
    case NeuronKind::lif:
      return isa::NeuronModel::lif;
    case NeuronKind::if_:
      return isa::NeuronModel::if_;
    case NeuronKind::li:
      return isa::NeuronModel::li;
    case NeuronKind::cuba:
      return isa::NeuronModel::cuba;
    case NeuronKind::cuba_li:
      return isa::NeuronModel::cuba_li;
    case NeuronKind::input:
      break;
  }
  return isa::NeuronModel::lif;
}

// Number of (source, target) pairs of a projection, zeros included (dense-equivalent ops
// per source spike are computed from geometry in the executors).
uint64_t synapse_count(const Layer& target, const Projection& p, const Network& net);

}  // namespace compiler
