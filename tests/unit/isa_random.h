// Seeded random program images for the isa property tests: every field anywhere in its range,
// references (layers, cores) valid so the image reader accepts them.
#pragma once
#include <random>
#include <string>

#include "isa/program.h"
#include "isa/table.h"

namespace isa_test {

class RandomImage {
 public:
  explicit RandomImage(uint32_t seed) : rng_(seed) {}

  isa::ProgramImage make() {
    isa::ProgramImage img;
    img.arch_hash = (uint64_t{u32()} << 32) | u32();
    img.mesh_x = pick(1, 4);
    img.mesh_y = pick(1, 4);
    img.semantics = pick(0, 1) ? isa::Semantics::pipelined : isa::Semantics::layer_sequential;
    img.phases_per_step = pick(1, 5);
    img.input_frac_bits = pick(0, 3) == 0 ? u32() : pick(0, 8);
    const uint32_t n_cores = img.mesh_x * img.mesh_y;
    const uint32_t n_layers = pick(1, 5);
    for (uint32_t i = 0; i < n_layers; ++i) img.layers.push_back(layer());
    img.host_input = route(n_cores);
    for (uint32_t c = 0; c < n_cores; ++c)
      if (pick(0, 2) != 0) img.cores.push_back(core(c, n_cores, n_layers));
    return img;
  }

  uint32_t pick(uint32_t lo, uint32_t hi) {
    return std::uniform_int_distribution<uint32_t>(lo, hi)(rng_);
  }
  uint32_t u32() { return static_cast<uint32_t>(rng_()); }
  int32_t i32() { return static_cast<int32_t>(rng_()); }

  isa::Instr instr(uint32_t code_size) {
    const auto& table = isa::kInstructions;
    const isa::InstrInfo& info = table[pick(0, static_cast<uint32_t>(table.size() - 1))];
    isa::Instr in;
    in.op = info.op;
    for (size_t k = 0; k < info.operand_count; ++k) {
      const isa::OperandField& f = info.operands[k];
      // Branch targets mostly inside the code (labels), sometimes beyond (numbers).
      isa::operand(in, k) = f.name == "target" && pick(0, 3) != 0
                                ? pick(0, code_size)
                                : pick(0, pick(0, 1) ? f.max_value() : std::min(3u, f.max_value()));
    }
    return in;
  }

 private:
  std::string name() {
    static const std::string alphabet =
        "abcxyz_019.-/:=,;\" \\\t\n\x01\x7f"
        "\xc3\xa9";
    std::string s;
    const uint32_t n = pick(0, 3) == 0 ? pick(0, 12) : pick(1, 8);
    for (uint32_t i = 0; i < n; ++i)
      s += pick(0, 3) == 0 ? alphabet[pick(0, static_cast<uint32_t>(alphabet.size() - 1))]
                           : static_cast<char>('a' + pick(0, 25));
    return s;
  }

  isa::LayerInfo layer() {
    isa::LayerInfo l;
    l.name = name();
    const uint32_t rank = pick(0, 3);
    uint64_t size = 1;
    for (uint32_t i = 0; i < rank; ++i) {
      l.shape.push_back(pick(0, 9) == 0 ? u32() : pick(0, 64));
      size *= l.shape.back();
    }
    l.size = pick(0, 4) == 0 ? u32() : static_cast<uint32_t>(size);
    l.is_input = pick(0, 1);
    l.is_output = pick(0, 1);
    return l;
  }

  isa::Route route(uint32_t n_cores) {
    isa::Route r;
    const uint32_t n = pick(0, 4);
    for (uint32_t i = 0; i < n; ++i) r.dest_cores.push_back(pick(0, n_cores - 1));
    return r;
  }

  isa::CoreProgram core(uint32_t index, uint32_t n_cores, uint32_t n_layers) {
    isa::CoreProgram c;
    c.core = index;
    const uint32_t n_code = pick(0, 24);
    for (uint32_t i = 0; i < n_code; ++i) c.code.push_back(instr(n_code));
    for (uint32_t i = pick(0, 3); i > 0; --i)
      c.segments.push_back({.layer = pick(0, n_layers - 1),
                            .neuron_begin = u32(),
                            .neuron_count = u32(),
                            .membrane_base = u32(),
                            .param_base = u32(),
                            .param_count = u32(),
                            .partial = pick(0, 1)});
    for (uint32_t i = pick(0, 3); i > 0; --i) {
      isa::Projection p{.source_layer = pick(0, n_layers - 1),
                        .segment = u32(),
                        .delay_steps = u32(),
                        .source_neurons = u32(),
                        .weight_base = u32(),
                        .weight_count = u32(),
                        .weight_shift = pick(0, 1) ? pick(0, 31) : u32(),
                        .geom = {}};
      p.source_end = pick(0, 1) ? p.source_neurons : p.source_neurons / 2;
      p.source_begin = pick(0, 1) ? 0 : p.source_end / 3;
      if (pick(0, 1))
        p.geom = {u32(), u32(), u32(), u32(), u32(), u32(), u32(), u32(),
                  u32(), u32(), u32(), u32(), u32(), u32(), u32()};
      c.projections.push_back(p);
    }
    for (uint32_t i = pick(0, 40); i > 0; --i)
      c.weights.push_back(static_cast<int16_t>(pick(0, 65535)));
    for (uint32_t i = pick(0, 3); i > 0; --i)
      c.params.push_back({.threshold = i32(),
                          .v_reset = i32(),
                          .bias = i32(),
                          .input_bias = i32(),
                          .decay_v = static_cast<uint16_t>(pick(0, 65535)),
                          .decay_u = static_cast<uint16_t>(pick(0, 65535))});
    // Projections sometimes start inside the weights (the disassembler splits blocks there).
    for (auto& p : c.projections)
      if (!c.weights.empty() && pick(0, 1))
        p.weight_base = pick(0, static_cast<uint32_t>(c.weights.size() - 1));
    for (uint32_t i = pick(0, 3); i > 0; --i) c.routes.push_back(route(n_cores));
    return c;
  }

  std::mt19937 rng_;
};

}  // namespace isa_test
