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
