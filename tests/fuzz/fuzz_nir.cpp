// libFuzzer target: arbitrary bytes as a NIR file, read from an in-memory HDF5 image.
// Bad input must end in isa::InputError; anything else (crash, other exception) is a bug.
// The import pass and discretisation run too (flattening, value and range checks, graph
// ordering, operator fusion) on whatever graphs the reader accepts. Seed corpus:
// tests/fuzz/corpus/fuzz_nir (tools/fuzz.sh passes it).
// Known: Debian's libhdf5 1.10.8 itself crashes or hangs on some corrupted variable-length
// string heaps (H5HG_read: memcpy-param-overlap; H5C_protect loops); such findings have only
// libhdf5 frames under H5Dread and are upstream bugs, not the reader's. Run with -timeout=10.
#include <cstddef>
#include <cstdint>

#include "compiler/nir.h"
#include "compiler/passes.h"
#include "isa/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    compiler::nir::Graph g = compiler::nir::read_memory(data, size, "fuzz.nir");
    compiler::CompileOptions opt;
    opt.dt = 1e-3;
    opt.max_dense_elements = uint64_t{1} << 20;  // keep fused matrices within libFuzzer's RSS
    compiler::discretise(compiler::import_nir(std::move(g), "fuzz.nir", opt), "fuzz.nir", opt);
  } catch (const isa::InputError&) {
  }
  return 0;
}
