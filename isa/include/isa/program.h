// The program image in memory: what `spikechip compile` produces, what `.scb` files hold and
// what the simulator loads. The encoder (image.h) writes and reads it; the assembler and
// disassembler translate it to and from `.sasm` text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "isa/arith.h"
#include "isa/opcodes.h"

namespace isa {

inline constexpr char kImageMagic[4] = {'S', 'C', 'B', '1'};
inline constexpr uint32_t kImageFormatVersion = 3;  // 2: Projection::weight_shift; 3: fan-in split

// Timestep semantics, shared by compiler, golden executor and simulator (DESIGN.md §4).
enum class Semantics : uint8_t { layer_sequential = 0, pipelined = 1 };

// One decoded instruction. Which operands an opcode uses, and their bit widths in the 64-bit
// instruction word, are defined by the table in isa/instructions.def.
struct Instr {
  Opcode op = Opcode::nop;
  uint32_t a = 0, b = 0, c = 0;  // operand fields, meaning per opcode
  bool operator==(const Instr&) const = default;
};

// A slice of one layer's neurons held by one core: neurons [neuron_begin, neuron_begin+count)
// of layer `layer`, stored from `membrane_base` in the core's membrane memory.
// A partial segment (fan-in splitting, docs/execution-model.md) holds only accumulators: its
// projections take a share of the layer's sources, PSUM forwards its sums to the core that
// owns the neurons, and it is never updated (its params are unused).
struct Segment {
  uint32_t layer = 0;
  uint32_t neuron_begin = 0;
  uint32_t neuron_count = 0;
  uint32_t membrane_base = 0;
  uint32_t param_base = 0;   // index into CoreProgram::params
  uint32_t param_count = 1;  // 1 = uniform for the segment, else neuron_count
  uint32_t partial = 0;      // 1 = a partial-sum segment (above)
  bool operator==(const Segment&) const = default;
};

// Geometry of a convolution/pooling projection, CHW, PyTorch conventions.
struct ConvGeometry {
  uint32_t in_c = 0, in_h = 0, in_w = 0;
  uint32_t out_c = 0, out_h = 0, out_w = 0;
  uint32_t k_h = 1, k_w = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dil_h = 1, dil_w = 1,
           groups = 1;
  bool operator==(const ConvGeometry&) const = default;
};

// How spikes of one source layer reach one segment. The AU mode is given by the AU.* opcode
// that arms the projection; the descriptor holds the data it walks.
// The projection takes source neurons [source_begin, source_end) only (fan-in splitting; the
// whole layer [0, source_neurons) otherwise); spikes of other neurons never reach it.
//  fc:          weights row-major [source_end - source_begin][segment.neuron_count]
//  conv, ssc*:  weights [out-channel slice][in_c/groups][k_h][k_w]; the segment holds whole
//               output channels: channels neuron_begin/(out_h*out_w) ...
//  pool:        no weights (sum of the window, gain 1); `weight_base` unused
//  elementwise: one weight per segment neuron (identity shortcut with gain)
struct Projection {
  uint32_t source_layer = 0;
  uint32_t segment = 0;      // index into CoreProgram::segments
  uint32_t delay_steps = 0;  // 0: same step; 1: next step (recurrent edges, pipelined chips)
  uint32_t source_neurons = 0;
  uint32_t weight_base = 0;  // index into CoreProgram::weights
  uint32_t weight_count = 0;
  uint32_t weight_shift = 0;  // weight exponent: a stored weight w adds w << weight_shift
  uint32_t source_begin = 0, source_end = 0;  // the source neurons it takes (above)
  ConvGeometry geom;
  bool operator==(const Projection&) const = default;
};

// Where a segment's spikes go: a multicast set of cores (HOUT sends to the host instead).
struct Route {
  std::vector<uint32_t> dest_cores;  // core indices (y * mesh_x + x)
  bool operator==(const Route&) const = default;
};

struct CoreProgram {
  uint32_t core = 0;  // index y * mesh_x + x
  std::vector<Instr> code;
  std::vector<Segment> segments;
  std::vector<Projection> projections;
  std::vector<int16_t> weights;  // at the arch's weight precision, stored widened
  std::vector<NeuronParams> params;
  std::vector<Route> routes;
  bool operator==(const CoreProgram&) const = default;
};

// A layer of the compiled network, as reports and the host see it.
struct LayerInfo {
  std::string name;             // NIR node name (the neuron node, or the input node)
  std::vector<uint32_t> shape;  // e.g. {C,H,W} or {N}
  uint32_t size = 0;            // product of shape
  bool is_input = false;
  bool is_output = false;
  bool operator==(const LayerInfo&) const = default;
};

struct ProgramImage {
  uint64_t arch_hash = 0;  // hash of the resolved arch the image targets
  uint32_t mesh_x = 1, mesh_y = 1;
  Semantics semantics = Semantics::layer_sequential;
  uint32_t phases_per_step = 1;
  // Graded host input is fixed point: payload = round(x * 2^input_frac_bits), 1..2^input_bits-1.
  uint32_t input_frac_bits = 0;
  std::vector<LayerInfo> layers;
  Route host_input;                // cores that receive the input layer's spikes
  std::vector<CoreProgram> cores;  // only cores with a program; sorted by core index
  bool operator==(const ProgramImage&) const = default;
};

// The input of one timestep as the host injects it: the non-zero elements of the input
// frame (flat index into the input layer) and their payloads (1 for a binary spike, else the
// quantised graded value, 1 .. 2^input_bits - 1). Indices ascend.
struct SpikeFrame {
  std::vector<uint32_t> index;
  std::vector<uint32_t> payload;
  bool operator==(const SpikeFrame&) const = default;
};

// The spikes one layer emits in one step: neuron (flat index in the layer) and payload,
// ascending by neuron. The golden executor and the simulator both produce these; the
// spike-exact check compares them.
using LayerSpikes = SpikeFrame;

}  // namespace isa
