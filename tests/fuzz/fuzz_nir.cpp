// libFuzzer target: arbitrary bytes as a NIR file, read from an in-memory HDF5 image.
// Bad input must end in isa::InputError; anything else (crash, other exception) is a bug.
// Flattening runs too, so the edge rewiring sees whatever graphs the reader accepts.
// Known: Debian's libhdf5 1.10.8 itself crashes or hangs on some corrupted variable-length
// string heaps (H5HG_read: memcpy-param-overlap; H5C_protect loops); such findings have only
// libhdf5 frames under H5Dread and are upstream bugs, not the reader's. Run with -timeout=10.
#include <cstddef>
#include <cstdint>

#include "compiler/nir.h"
#include "isa/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    compiler::nir::Graph g = compiler::nir::read_memory(data, size, "fuzz.nir");
    compiler::nir::flatten(g);
  } catch (const isa::InputError&) {
  }
  return 0;
}
