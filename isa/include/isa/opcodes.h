// Opcode enumeration, generated from the instruction table.
#pragma once
#include <cstdint>

namespace isa {

enum class Opcode : uint8_t {
#define INSTR(id, mnem, code, cost, energy, a, ab, b, bb, c, cb, doc) id = code,
#include "isa/instructions.def"
#undef INSTR
};

}  // namespace isa

namespace isa {

// AU.FC and its weight-layout variants (AU.FCZ compressed, AU.FCNM N:M): the same addressing
// (a source neuron's row to the segment's neurons), different weight-memory reads.
constexpr bool arms_fc(Opcode op) {
  return op == Opcode::au_fc || op == Opcode::au_fcz || op == Opcode::au_fcnm;
}

// The instructions that arm a projection in the AU (AU.*).
constexpr bool arms_projection(Opcode op) {
  return arms_fc(op) || op == Opcode::au_conv || op == Opcode::au_pool || op == Opcode::au_elt ||
         op == Opcode::au_ssc || op == Opcode::au_sscs;
}

}  // namespace isa
