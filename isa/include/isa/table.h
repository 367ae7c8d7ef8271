// The instruction table as data, built from instructions.def: lookups by opcode and mnemonic,
// and the 64-bit instruction word's encoder and decoder.
//
// Word layout: opcode in bits 63..56; the operands of the row packed from bit 55 downwards in
// table order (a, then b, then c); every other bit is zero.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "isa/cost.h"
#include "isa/opcodes.h"
#include "isa/program.h"

namespace isa {

inline constexpr int kOpcodeShift = 56;
inline constexpr int kOperandWordBits = 56;  // bits 55..0 hold the operands
inline constexpr size_t kMaxOperands = 3;
inline constexpr size_t kMaxEnergyEvents = 4;

struct OperandField {
  std::string_view name;  // "" = unused
  uint8_t bits = 0;       // width in the instruction word (0 = unused)
  uint8_t shift = 0;      // bit position of the field's least significant bit
  constexpr bool used() const { return bits != 0; }
  constexpr uint32_t max_value() const {
    return bits == 0 ? 0 : static_cast<uint32_t>((uint64_t{1} << bits) - 1);
  }
};

struct InstrInfo {
  Opcode op;
  std::string_view id;  // C++ enumerator name
  std::string_view mnemonic;
  CostClass cost;
  std::string_view energy;  // the '|'-separated ERT keys, as written in the table
  std::array<std::string_view, kMaxEnergyEvents> energy_events;  // split, first n used
  size_t energy_event_count = 0;
  std::array<OperandField, kMaxOperands> operands;  // first operand_count used
  size_t operand_count = 0;
  std::string_view doc;

  constexpr std::span<const OperandField> used_operands() const {
    return {operands.data(), operand_count};
  }
  constexpr std::span<const std::string_view> energy_keys() const {
    return {energy_events.data(), energy_event_count};
  }
};

namespace detail {
constexpr InstrInfo make_info(Opcode op, std::string_view id, std::string_view mnem, CostClass cost,
                              std::string_view energy, std::string_view a, int ab,
                              std::string_view b, int bb, std::string_view c, int cb,
                              std::string_view doc) {
  InstrInfo r{op, id, mnem, cost, energy, {}, 0, {}, 0, doc};
  for (size_t pos = 0; pos <= energy.size() && r.energy_event_count < kMaxEnergyEvents;) {
    size_t end = energy.find('|', pos);
    if (end == std::string_view::npos) end = energy.size();
    if (end > pos) r.energy_events[r.energy_event_count++] = energy.substr(pos, end - pos);
    pos = end + 1;
  }
  const std::string_view names[] = {a, b, c};
  const int bits[] = {ab, bb, cb};
  int next_bit = kOperandWordBits;
  for (size_t i = 0; i < kMaxOperands; ++i) {
    if (bits[i] == 0) continue;
    next_bit -= bits[i];
    r.operands[r.operand_count++] = {names[i], static_cast<uint8_t>(bits[i]),
                                     static_cast<uint8_t>(next_bit)};
  }
  return r;
}
}  // namespace detail

// Every instruction, in table order.
inline constexpr std::array kInstructions = {
#define INSTR(id, mnem, code, cost, energy, a, ab, b, bb, c, cb, doc) \
  detail::make_info(Opcode::id, #id, mnem, CostClass::cost, energy, a, ab, b, bb, c, cb, doc),
#include "isa/instructions.def"
#undef INSTR
};

// What each operand name means (OPERAND_KIND rows of instructions.def).
struct OperandKind {
  std::string_view name;
  std::string_view doc;
};
inline constexpr std::array kOperandKinds = {
#define OPERAND_KIND(name, doc) OperandKind{name, doc},
#include "isa/instructions.def"
#undef OPERAND_KIND
};

namespace detail {
// The table's invariants, checked at compile time: unique opcodes and mnemonics, operands
// fit the word, names unique per row and each an OPERAND_KIND.
constexpr bool table_is_consistent() {
  for (size_t i = 0; i < kInstructions.size(); ++i) {
    const InstrInfo& r = kInstructions[i];
    int total = 0;
    for (size_t k = 0; k < r.operand_count; ++k) {
      total += r.operands[k].bits;
      if (r.operands[k].bits > 32 || r.operands[k].name.empty()) return false;
      for (size_t m = 0; m < k; ++m)
        if (r.operands[m].name == r.operands[k].name) return false;
      bool has_kind = false;
      for (const OperandKind& kind : kOperandKinds) has_kind |= kind.name == r.operands[k].name;
      if (!has_kind) return false;
    }
    if (total > kOperandWordBits || r.energy_event_count == 0) return false;
    for (size_t j = 0; j < i; ++j)
      if (kInstructions[j].op == r.op || kInstructions[j].mnemonic == r.mnemonic) return false;
  }
  return true;
}
static_assert(table_is_consistent(), "instructions.def: duplicate or malformed row");

// Operand k of a row is field k of Instr (a, b, c): a row may not skip a field.
constexpr bool operands_packed(int ab, int bb, int cb) {
  return (ab || !bb) && (bb || !cb);
}
#define INSTR(id, mnem, code, cost, energy, a, ab, b, bb, c, cb, doc) \
  static_assert(operands_packed(ab, bb, cb),                          \
                "instructions.def: " mnem ": unused operand before a used one");
#include "isa/instructions.def"
#undef INSTR
}  // namespace detail

// nullptr when the opcode is not in the table.
const InstrInfo* find_instr(Opcode op);
const InstrInfo* find_instr(std::string_view mnemonic);  // exact, case-sensitive
// The table row of a valid opcode (throws std::out_of_range for an invalid one).
const InstrInfo& instr_info(Opcode op);

// Operand i (0..2) of an instruction: the fields a, b, c in table order.
uint32_t operand(const Instr& in, size_t i);
uint32_t& operand(Instr& in, size_t i);

// Throws InputError when the opcode is unknown or an operand does not fit its width
// (an unused operand must be 0).
uint64_t encode(const Instr& in);
// Throws InputError on an unknown opcode or non-zero bits outside the row's operands.
Instr decode(uint64_t word);

}  // namespace isa
