// libFuzzer target: arbitrary bytes as a .scb program image. Bad input must end in
// isa::InputError; an accepted image must write back to the same bytes and survive
// disassemble -> assemble.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "isa/assembler.h"
#include "isa/error.h"
#include "isa/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  isa::ProgramImage img;
  try {
    img = isa::read_image(bytes, "fuzz.scb");
  } catch (const isa::InputError&) {
    return 0;
  }
  const std::vector<uint8_t> again = isa::write_image(img);
  if (!std::equal(again.begin(), again.end(), bytes.begin(), bytes.end())) std::abort();
  if (!(isa::assemble(isa::disassemble(img), "fuzz.sasm") == img)) std::abort();
  return 0;
}
