#include "isa/table.h"

#include <stdexcept>

#include <fmt/core.h>

#include "isa/error.h"

namespace isa {
namespace {

// Table row index per opcode byte, -1 when unused.
constexpr std::array<int16_t, 256> make_opcode_index() {
  std::array<int16_t, 256> idx{};
  for (auto& i : idx) i = -1;
  for (size_t i = 0; i < kInstructions.size(); ++i)
    idx[static_cast<uint8_t>(kInstructions[i].op)] = static_cast<int16_t>(i);
  return idx;
}
constexpr std::array<int16_t, 256> kOpcodeIndex = make_opcode_index();

}  // namespace

const InstrInfo* find_instr(Opcode op) {
  const int16_t i = kOpcodeIndex[static_cast<uint8_t>(op)];
  return i < 0 ? nullptr : &kInstructions[static_cast<size_t>(i)];
}

const InstrInfo* find_instr(std::string_view mnemonic) {
  for (const InstrInfo& r : kInstructions)
    if (r.mnemonic == mnemonic) return &r;
  return nullptr;
}

const InstrInfo& instr_info(Opcode op) {
  const InstrInfo* r = find_instr(op);
  if (!r)
    throw std::out_of_range(
        fmt::format("opcode 0x{:02x} is not in the instruction table", static_cast<int>(op)));
  return *r;
}

uint32_t operand(const Instr& in, size_t i) {
  return i == 0 ? in.a : (i == 1 ? in.b : in.c);
}
uint32_t& operand(Instr& in, size_t i) {
  return i == 0 ? in.a : (i == 1 ? in.b : in.c);
}

uint64_t encode(const Instr& in) {
  const InstrInfo* r = find_instr(in.op);
  if (!r)
    throw InputError(fmt::format("cannot encode unknown opcode 0x{:02x}", static_cast<int>(in.op)));
  uint64_t word = uint64_t{static_cast<uint8_t>(in.op)} << kOpcodeShift;
  for (size_t k = 0; k < kMaxOperands; ++k) {
    const uint32_t v = operand(in, k);
    if (k >= r->operand_count) {
      if (v != 0)
        throw InputError(fmt::format("{}: operand {} is unused and must be 0, got {}", r->mnemonic,
                                     "abc"[k], v));
      continue;
    }
    const OperandField& f = r->operands[k];
    if (v > f.max_value())
      throw InputError(fmt::format("{}: operand {} = {} does not fit {} bits (expected 0..{})",
                                   r->mnemonic, f.name, v, f.bits, f.max_value()));
    word |= uint64_t{v} << f.shift;
  }
  return word;
}

Instr decode(uint64_t word) {
  const auto op = static_cast<Opcode>(word >> kOpcodeShift);
  const InstrInfo* r = find_instr(op);
  if (!r)
    throw InputError(fmt::format("unknown opcode 0x{:02x} in instruction word 0x{:016x}",
                                 static_cast<int>(op), word));
  Instr in;
  in.op = op;
  uint64_t rest = word & ((uint64_t{1} << kOpcodeShift) - 1);
  for (size_t k = 0; k < r->operand_count; ++k) {
    const OperandField& f = r->operands[k];
    const uint64_t mask = uint64_t{f.max_value()} << f.shift;
    operand(in, k) = static_cast<uint32_t>((rest & mask) >> f.shift);
    rest &= ~mask;
  }
  if (rest != 0)
    throw InputError(fmt::format("{}: instruction word 0x{:016x} has non-zero unused bits 0x{:x}",
                                 r->mnemonic, word, rest));
  return in;
}

}  // namespace isa
