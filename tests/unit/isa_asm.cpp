// The .sasm assembler and disassembler: the example program, round trips, located errors.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "isa/assembler.h"
#include "isa/error.h"
#include "isa/image.h"
#include "isa_random.h"

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string example() {
  return read_text(SPIKECHIP_SOURCE_DIR "/isa/examples/fc2.sasm");
}

const char* kHeader =
    ".mesh 2 1\n"
    ".layer in shape=4 input\n"
    ".layer out shape=2 output\n";

// Assembles `kHeader + body` and returns the error message ("" when it assembles).
std::string error_of(const std::string& body) {
  try {
    isa::assemble(std::string(kHeader) + body, "t.sasm");
  } catch (const isa::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("isa asm: the fc2 example assembles to the program it describes", "[isa]") {
  const isa::ProgramImage img = isa::assemble(example(), "fc2.sasm");
  CHECK(img.arch_hash == 0xc0ffee01);
  CHECK(img.mesh_x == 2);
  CHECK(img.phases_per_step == 2);
  REQUIRE(img.layers.size() == 3);
  CHECK(img.layers[0].is_input);
  CHECK(img.layers[2].is_output);
  CHECK(img.layers[1].size == 8);
  CHECK(img.host_input.dest_cores == std::vector<uint32_t>{0});
  REQUIRE(img.cores.size() == 2);
  const isa::CoreProgram& c0 = img.cores[0];
  REQUIRE(c0.code.size() == 7);
  CHECK(c0.code[1] == isa::Instr{isa::Opcode::upd_lif, 0, 0, 0});
  CHECK(c0.code[5] == isa::Instr{isa::Opcode::loopt, 1, 0, 0});  // label step = address 1
  CHECK(c0.weights.size() == 128);
  CHECK(c0.weights[1] == -3);
  CHECK(c0.params[0].decay_v == 410);
  CHECK(c0.routes[0].dest_cores == std::vector<uint32_t>{1});
  const isa::CoreProgram& c1 = img.cores[1];
  CHECK(c1.code[2] == isa::Instr{isa::Opcode::upd_lif, 0, 1, 1});  // positional operands
  CHECK(c1.code[5] == isa::Instr{isa::Opcode::loopt, 1, 0, 0});
  CHECK(c1.weights.size() == 32);
  CHECK(c1.weights[31] == -7);
  CHECK(c1.params[0].decay_u == isa::kDecayUnity);  // default of an omitted field
  CHECK(c1.routes[0].dest_cores.empty());
}

TEST_CASE("isa asm: example asm -> disasm -> asm is byte-identical", "[isa]") {
  const isa::ProgramImage img = isa::assemble(example(), "fc2.sasm");
  const std::string text = isa::disassemble(img);
  const isa::ProgramImage again = isa::assemble(text, "fc2.dis.sasm");
  CHECK(again == img);
  CHECK(isa::write_image(again) == isa::write_image(img));
  CHECK(isa::disassemble(again) == text);
  CHECK_THAT(text, Catch::Contains("L1:") && Catch::Contains("LOOPT target=L1") &&
                       Catch::Contains("; fc1"));
}

TEST_CASE("isa asm: random images disasm -> asm -> disasm round-trip (property)", "[isa]") {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    const isa::ProgramImage img = isa_test::RandomImage(seed).make();
    const std::string text = isa::disassemble(img);
    isa::ProgramImage back;
    try {
      back = isa::assemble(text, "random.sasm");
    } catch (const isa::InputError& e) {
      FAIL("seed " << seed << ": " << e.what() << "\n" << text);
    }
    REQUIRE(back == img);
    REQUIRE(isa::write_image(back) == isa::write_image(img));
    REQUIRE(isa::disassemble(back) == text);
  }
}

TEST_CASE("isa asm: named and positional operands, case and separators", "[isa]") {
  const std::string a = error_of(".core 0\n UPD.LIF seg=3, reset=1, cmp=0\n");
  REQUIRE(a.empty());
  const auto img = [](const std::string& body) {
    return isa::assemble(std::string(kHeader) + body, "t.sasm").cores.at(0).code.at(0);
  };
  const isa::Instr want{isa::Opcode::upd_lif, 3, 1, 0};
  CHECK(img(".core 0\n UPD.LIF seg=3, reset=1, cmp=0\n") == want);
  CHECK(img(".core 0\n UPD.LIF 3 1 0\n") == want);
  CHECK(img(".core 0\n upd.lif 3,1,0 ; comment\n") == want);
  CHECK(img(".core 0\n UPD.LIF cmp=0, 3, reset=1\n") == want);
  CHECK(img(".core 0\n UPD.LIF 0x3, 1, 0\n") == want);
  CHECK(img(".core 0\nx: JMP x\n") == isa::Instr{isa::Opcode::jmp, 0, 0, 0});
  CHECK(img(".core 0\n JMP 77\n") == isa::Instr{isa::Opcode::jmp, 77, 0, 0});
}

TEST_CASE("isa asm: unknown mnemonic names the place and the nearest mnemonic", "[isa]") {
  CHECK(error_of(".core 0\n  UPD.LFI 0, 0, 0\n") ==
        "t.sasm:5:3: unknown mnemonic 'UPD.LFI' (did you mean 'UPD.LIF'?)");
  CHECK(error_of(".core 0\n  SNED 0, 0\n") ==
        "t.sasm:5:3: unknown mnemonic 'SNED' (did you mean 'SEND'?)");
  CHECK(error_of(".core 0\n  FROBNICATE\n") == "t.sasm:5:3: unknown mnemonic 'FROBNICATE'");
}

TEST_CASE("isa asm: bad operands say the range and the column", "[isa]") {
  CHECK(error_of(".core 0\n  UPD.LIF 0, 2, 0\n") ==
        "t.sasm:5:14: UPD.LIF operand reset = 2 is out of range (expected 0..1)");
  CHECK(error_of(".core 0\n  AU.FC proj=70000\n") ==
        "t.sasm:5:14: AU.FC operand proj = 70000 is out of range (expected 0..65535)");
  CHECK_THAT(error_of(".core 0\n  SEND 0\n"),
             Catch::StartsWith("t.sasm:5:9: SEND: missing operand 'route'"));
  CHECK_THAT(error_of(".core 0\n  HALT 1\n"),
             Catch::StartsWith("t.sasm:5:8: HALT: too many operands"));
  CHECK_THAT(error_of(".core 0\n  SEND seg=1, rout=2\n"),
             Catch::StartsWith("t.sasm:5:15: SEND has no operand 'rout' (did you mean 'route'?)"));
  CHECK_THAT(error_of(".core 0\n  AU.FC abc\n"),
             Catch::StartsWith("t.sasm:5:9: AU.FC operand proj: expected a number 0..65535"));
  CHECK_THAT(error_of(".core 0\n.weights 0 1 2 40000\n"),
             Catch::StartsWith("t.sasm:5:16: weight = 40000 is out of range (expected "
                               "-32768..32767)"));
}

TEST_CASE("isa asm: labels: undefined, duplicated, out of core", "[isa]") {
  CHECK(error_of(".core 0\nloop: NOP\n  JMP lop\n") ==
        "t.sasm:6:7: undefined label 'lop' in core 0 (did you mean 'loop'?)");
  CHECK(error_of(".core 0\na: NOP\na: NOP\n") ==
        "t.sasm:6:1: label 'a' defined twice (first at line 5)");
  // Labels belong to their core.
  CHECK(error_of(".core 0\na: NOP\n.core 1\n  JMP a\n") ==
        "t.sasm:7:7: undefined label 'a' in core 1");
  CHECK_THAT(error_of("x: NOP\n"), Catch::StartsWith("t.sasm:4:1: label outside a core"));
}

TEST_CASE("isa asm: directive errors are located and say what was expected", "[isa]") {
  CHECK(error_of(".core 0\n.mesh 1 1\n") ==
        "t.sasm:5:1: .mesh after .core (top-level directives come before the first .core)");
  CHECK(error_of(".mesh 3 3\n") == "t.sasm:4:1: .mesh given twice (first at line 1)");
  CHECK(error_of(".core 2\n") == "t.sasm:4:7: .core = 2 is out of range (expected 0..1)");
  CHECK_THAT(error_of(".core 1\n.core 0\n"),
             Catch::StartsWith("t.sasm:5:7: .core 0 after .core 1"));
  CHECK(error_of(".core 0\n.segment 1 layer=0\n") ==
        "t.sasm:5:10: .segment 1: indices count up from 0 in a core (expected 0)");
  CHECK_THAT(error_of(".core 0\n.segment 0 layr=1\n"),
             Catch::StartsWith("t.sasm:5:12: .segment: unknown field 'layr' (did you mean "
                               "'layer'?)"));
  CHECK_THAT(error_of(".core 0\n.segment 0 layer=2\n"),
             Catch::StartsWith("t.sasm:5:18: layer = 2 is not a layer"));
  CHECK_THAT(error_of(".core 0\n.weights 3\n"),
             Catch::StartsWith("t.sasm:5:10: .weights 3: the base must be the number of "
                               "weights so far in this core (expected 0)"));
  CHECK_THAT(error_of(".core 0\n 1 2 3\n"), Catch::StartsWith("t.sasm:5:2: unexpected number"));
  CHECK_THAT(error_of(".core 0\n.route 0 cores=0,5\n"),
             Catch::StartsWith("t.sasm:5:18: core 5 is outside the 2x1 mesh"));
  CHECK_THAT(error_of(".host_input cores=9\n"),
             Catch::StartsWith("t.sasm:4:19: core 9 is outside the 2x1 mesh"));
  CHECK_THAT(error_of(".semantics pipelind\n"), Catch::Contains("(did you mean 'pipelined'?)"));
  CHECK_THAT(error_of(".cor 0\n"), Catch::Contains("unknown directive '.cor' (did you mean "
                                                   "'.core'?)"));
  CHECK_THAT(error_of(".projection 0 source=0\n"),
             Catch::StartsWith("t.sasm:4:1: .projection outside a core"));
  CHECK_THAT(error_of(".core 0\n.projection 0 k=3\n"),
             Catch::StartsWith("t.sasm:5:17: .projection k: expected two numbers HxW"));
  CHECK_THAT(error_of(".layer \"open shape=1\n"),
             Catch::StartsWith("t.sasm:4:8: unterminated string"));
}

TEST_CASE("isa asm: layer names with odd characters survive the round trip", "[isa]") {
  isa::ProgramImage img;
  img.layers = {{"", {}, 0, false, false},
                {"a b;c\"d\\e\n", {2, 3}, 6, true, false},
                {"input", {7}, 99, false, true},
                {"caf\xc3\xa9.0", {1}, 1, false, false}};
  const std::string text = isa::disassemble(img);
  CHECK(isa::assemble(text, "n.sasm") == img);
}

TEST_CASE("isa asm: listing annotations are comments and do not change the image", "[isa]") {
  const isa::ProgramImage img = isa::assemble(example(), "fc2.sasm");
  const std::string text =
      isa::disassemble(img, [](const isa::CoreProgram& c, isa::ListingItem item, size_t i) {
        if (item == isa::ListingItem::instruction)
          return "core " + std::to_string(c.core) + " pc " + std::to_string(i);
        if (item == isa::ListingItem::segment) return std::string("partition 0/1\nnext");
        return std::string();
      });
  CHECK_THAT(text, Catch::Contains("; core 1 pc 2") && Catch::Contains("; partition 0/1 next") &&
                       !Catch::Contains("; fc1; partition"));
  CHECK(isa::assemble(text, "listing.sasm") == img);
}
