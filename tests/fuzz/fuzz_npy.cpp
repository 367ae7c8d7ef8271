// libFuzzer target: arbitrary bytes as an NPY file, read as --input and --labels read it: the
// header parser (nesting, shapes, dtypes), the size checks against the file and the memory
// budget, conversion to float and int64, and the fit to a model input shape picked by the
// first byte. Bad input must end in InputError; anything else (crash, other exception) is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "isa/error.h"
#include "isa/memory_budget.h"
#include "workloads/error.h"
#include "workloads/frames.h"
#include "workloads/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  isa::set_memory_budget(uint64_t{64} << 20);  // within libFuzzer's RSS limit
  static const std::vector<std::vector<uint32_t>> kShapes = {{4}, {2, 3}, {2, 4, 4}, {1}};
  const std::vector<uint32_t>& shape = kShapes[data[0] % kShapes.size()];
  const std::string path = "/tmp/fuzz_npy_" + std::to_string(::getpid()) + ".npy";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data + 1, 1, size - 1, f);
    std::fclose(f);
  } else {
    return 0;
  }
  try {
    workloads::load_tensor_input(path, shape);
  } catch (const workloads::InputError&) {
  } catch (const isa::InputError&) {
  }
  try {
    workloads::load_labels(path);
  } catch (const workloads::InputError&) {
  } catch (const isa::InputError&) {
  }
  try {
    const workloads::NpyArray a = workloads::read_npy(path);
    if (a.structured() && !a.fields.empty()) workloads::field_to_float(a, a.fields.front().name);
  } catch (const workloads::InputError&) {
  } catch (const isa::InputError&) {
  }
  std::remove(path.c_str());
  return 0;
}
