// libFuzzer target: arbitrary bytes as .sasm text. Bad input must end in isa::InputError;
// text that assembles must survive disassemble -> assemble and write -> read unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "isa/assembler.h"
#include "isa/error.h"
#include "isa/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  isa::ProgramImage img;
  try {
    img = isa::assemble(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.sasm");
  } catch (const isa::InputError&) {
    return 0;
  }
  // Accepted: every round trip must be exact (an exception here is a bug, not bad input).
  const std::string text = isa::disassemble(img);
  if (!(isa::assemble(text, "fuzz.dis.sasm") == img)) std::abort();
  if (!(isa::read_image(isa::write_image(img), "fuzz.scb") == img)) std::abort();
  return 0;
}
