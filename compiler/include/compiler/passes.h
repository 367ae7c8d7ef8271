// The compiler's passes, in order (DESIGN.md §6). Each is a function from IR to IR.
#pragma once
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arch/config.h"
#include "compiler/ir.h"

namespace compiler {

namespace nir {
struct Graph;
}

// How a model's continuous-time parameters become per-step ones (NIR stores no dt and
// prescribes no discretisation: ../shared/NIR.md §2). euler: a = dt/tau, input x a r;
// exact: a = 1 - exp(-dt/tau), input x a r; exact_unscaled: that decay, input added as it comes
// (Sinabs, Rockpool).
enum class Discretisation : uint8_t { euler, exact, exact_unscaled };

struct CompileOptions {
  double dt = 0;  // required when a node has dynamics
  Discretisation discretisation = Discretisation::euler;
  isa::ResetMode reset = isa::ResetMode::to_value;
  isa::Compare compare = isa::Compare::gt;
  ConvMode conv_mode = ConvMode::dense;  // Conv2d as vanilla or sparse convolution
  std::vector<std::pair<std::string, ConvMode>> conv_mode_per_node;
  // Graded input fixed point (payload = round(x * 2^bits)). Unset: chosen from input_values
  // (compiler/input_fixed_point.h), or 0 (spikes) when no inputs are given.
  std::optional<uint32_t> input_frac_bits;
  // The inputs the program will run, for choosing the input fixed point: called at most once,
  // after import, with the input layer's shape; returns every input value.
  std::function<std::span<const float>(const std::vector<uint32_t>& input_shape)> input_values;
  uint64_t max_dense_elements = uint64_t{1} << 28;  // limit when fusing ops into a matrix
  // compile_nir keeps the float network (CompileResult::float_net) for the float executor;
  // without it the float weights are released as soon as they are quantised (peak memory:
  // a dense float64 weight matrix is 8 bytes per position).
  bool keep_float_net = true;
  // Without keep_float_net, Linear/Affine weight matrices of at least this many elements are
  // not read with the graph: quantise streams them from the file in row blocks (0: never).
  int64_t stream_weight_elements = int64_t{1} << 16;
};

// import + validate + infer shapes + canonicalise: NIR graph -> float network. Throws
// isa::InputError naming the node, its type and what is supported. The graph is taken by
// value: its weight arrays move into the network instead of being copied (pass an rvalue).
Network import_nir(nir::Graph graph, const std::string& file, const CompileOptions& opt);

// Continuous-time parameters -> per-step decay, gain and bias for opt.dt; weights multiplied
// by each target neuron's input gain.
Network discretise(Network net, const std::string& file, const CompileOptions& opt);

// Per-layer quantisation at the arch's precisions, in the arch's mapping
// (arch.core.quantisation: power_of_two, or lava_loihi = quantise_lava_loihi below).
struct LayerQuantReport {
  std::string layer;
  double scale = 1;  // hardware units per membrane unit (2^k)
  uint64_t weights = 0, nonzero = 0, saturated = 0, zeroed = 0;
  double max_abs_error = 0;    // in membrane units
  double max_rel_error = 0;    // max_abs_error / max |w|
  double threshold_error = 0;  // |q/scale - threshold| max
  double decay_error = 0;      // |d/4096 - decay| max
  // What the mapping rounded, in words ("decay_v 0.04 -> 163/4096 (x4095, truncated); ..."):
  // filled by mappings whose rounding is prescribed rather than chosen (lava_loihi).
  std::string notes;
};
Network quantise(Network net, const arch::ArchConfig& arch, std::vector<LayerQuantReport>* report);
// The fixed-point mapping of the NIR repository's Lava script for Loihi (quantise_lava.cpp).
// Expects the input gain of graded input already folded into the input layer's weights.
Network quantise_lava_loihi(Network net, const arch::ArchConfig& arch,
                            std::vector<LayerQuantReport>* report);

}  // namespace compiler
