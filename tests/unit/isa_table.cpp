// The instruction table, the encoder/decoder and the cost rules.
#include <catch2/catch.hpp>
#include <set>

#include "isa/cost.h"
#include "isa/error.h"
#include "isa/table.h"
#include "isa_random.h"

using isa::Instr;

namespace {
Instr with_operands(const isa::InstrInfo& info, bool max) {
  Instr in;
  in.op = info.op;
  for (size_t k = 0; k < info.operand_count; ++k)
    isa::operand(in, k) =
        max ? info.operands[k].max_value()
            : std::min(info.operands[k].max_value(), static_cast<uint32_t>(k + 1));
  return in;
}
}  // namespace

TEST_CASE("isa table: every opcode round-trips through encode and decode", "[isa]") {
  std::set<uint64_t> words;
  for (const isa::InstrInfo& info : isa::kInstructions) {
    INFO(info.mnemonic);
    for (bool max : {false, true}) {
      const Instr in = with_operands(info, max);
      const uint64_t w = isa::encode(in);
      CHECK(w >> isa::kOpcodeShift == static_cast<uint8_t>(info.op));
      CHECK(isa::decode(w) == in);
      CHECK(isa::encode(isa::decode(w)) == w);
      words.insert(w);
    }
  }
  // Distinct instructions give distinct words (opcodes with no operands give one word each).
  size_t expected = 0;
  for (const isa::InstrInfo& info : isa::kInstructions) expected += info.operand_count ? 2 : 1;
  CHECK(words.size() == expected);
}

TEST_CASE("isa table: lookups by opcode and by mnemonic agree", "[isa]") {
  for (const isa::InstrInfo& info : isa::kInstructions) {
    REQUIRE(isa::find_instr(info.op) == &info);
    REQUIRE(isa::find_instr(info.mnemonic) == &info);
    CHECK(&isa::instr_info(info.op) == &info);
    // Operands are packed from bit 55 downwards without gaps.
    int next = isa::kOperandWordBits;
    for (const isa::OperandField& f : info.used_operands()) {
      CHECK(f.shift + f.bits == next);
      next = f.shift;
    }
  }
  CHECK(isa::find_instr("NOPE") == nullptr);
  CHECK(isa::find_instr(static_cast<isa::Opcode>(0xff)) == nullptr);
  CHECK_THROWS_AS(isa::instr_info(static_cast<isa::Opcode>(0xff)), std::out_of_range);
  CHECK(isa::find_instr("UPD.LIF")->operands[0].name == "seg");
}

TEST_CASE("isa table: energy events are split from the table's keys", "[isa]") {
  const isa::InstrInfo& bar = isa::instr_info(isa::Opcode::bar);
  REQUIRE(bar.energy_keys().size() == 2);
  CHECK(bar.energy_keys()[0] == "controller.instr");
  CHECK(bar.energy_keys()[1] == "barrier.sync");
  CHECK(isa::instr_info(isa::Opcode::nop).energy_keys().size() == 1);
  CHECK(isa::instr_info(isa::Opcode::upd_lif).cost == isa::CostClass::update);
}

TEST_CASE("isa encode: an operand wider than its field is an error naming the range", "[isa]") {
  for (const isa::InstrInfo& info : isa::kInstructions) {
    for (size_t k = 0; k < info.operand_count; ++k) {
      if (info.operands[k].bits >= 32) continue;
      Instr in = with_operands(info, true);
      isa::operand(in, k) = info.operands[k].max_value() + 1;
      INFO(info.mnemonic << " " << info.operands[k].name);
      CHECK_THROWS_WITH(isa::encode(in), Catch::Contains(std::string(info.operands[k].name)) &&
                                             Catch::Contains("expected 0.."));
    }
  }
  Instr nop;
  nop.a = 1;  // NOP has no operands
  CHECK_THROWS_WITH(isa::encode(nop), Catch::Contains("unused"));
  Instr bad;
  bad.op = static_cast<isa::Opcode>(0xee);
  CHECK_THROWS_AS(isa::encode(bad), isa::InputError);
}

TEST_CASE("isa decode: unknown opcodes and stray bits are errors", "[isa]") {
  CHECK_THROWS_WITH(isa::decode(uint64_t{0xee} << 56), Catch::Contains("unknown opcode 0xee"));
  const uint64_t halt = isa::encode(Instr{isa::Opcode::halt});
  CHECK_THROWS_WITH(isa::decode(halt | 1), Catch::Contains("non-zero unused bits"));
  // SEND uses 32 operand bits: bit 23 is below them.
  const uint64_t send = isa::encode(Instr{isa::Opcode::send, 3, 4, 0});
  CHECK_NOTHROW(isa::decode(send));
  CHECK_THROWS_AS(isa::decode(send | (uint64_t{1} << 23)), isa::InputError);
}

TEST_CASE("isa encode/decode: random instructions round-trip (property)", "[isa]") {
  isa_test::RandomImage gen(12345);
  for (int i = 0; i < 20000; ++i) {
    const Instr in = gen.instr(1000);
    const uint64_t w = isa::encode(in);
    REQUIRE(isa::decode(w) == in);
    REQUIRE(isa::encode(isa::decode(w)) == w);
  }
  // Random words: either rejected or decoded to an instruction that encodes back to them.
  std::mt19937_64 rng(7);
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    uint64_t w = rng();
    w = (w & 0x00ffffffffffffffull) |
        (uint64_t{static_cast<uint8_t>(isa::kInstructions[i % isa::kInstructions.size()].op)}
         << 56);
    if (i % 2) w &= 0xffffff0000000000ull;  // keep only high operand bits: more decodable words
    try {
      const Instr in = isa::decode(w);
      REQUIRE(isa::encode(in) == w);
      ++decoded;
    } catch (const isa::InputError&) {
    }
  }
  CHECK(decoded > 0);
}

TEST_CASE("isa cost: classes follow their rules", "[isa]") {
  using isa::CostClass;
  CHECK(isa::cost_cycles(CostClass::fixed, 0) == 1);
  CHECK(isa::cost_cycles(CostClass::branch, 0) == 1);
  CHECK(isa::cost_cycles(CostClass::branch, 0, 1, true) == 2);
  CHECK(isa::cost_cycles(CostClass::update, 100, 8) == 13);  // ceil(100 / 8)
  CHECK(isa::cost_cycles(CostClass::update, 96, 8) == 12);
  CHECK(isa::cost_cycles(CostClass::send, 7) == 7);
  CHECK(isa::cost_cycles(CostClass::send, 0) == 1);  // the issue cycle
  CHECK(isa::cost_cycles(CostClass::host_out, 3) == 3);
  CHECK(isa::cost_cycles(CostClass::config, 5) == 5);
  CHECK(isa::cost_cycles(CostClass::barrier, 250) == 250);
  CHECK(isa::cost_rule(CostClass::update).per_cycle == "neuron_unit.throughput");
  for (const isa::InstrInfo& info : isa::kInstructions)
    CHECK(isa::cost_rule(info.cost).cls == info.cost);
}
