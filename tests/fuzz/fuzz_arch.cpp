// libFuzzer target: arbitrary bytes as an arch YAML file. Bad input must end in
// isa::InputError; a file that loads must reload from its canonical YAML to the same hash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "arch/loader.h"
#include "isa/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  arch::ResolvedArch r;
  try {
    r = arch::load_arch_text(std::string_view(reinterpret_cast<const char*>(data), size),
                             "fuzz.yaml");
  } catch (const isa::InputError&) {
    return 0;
  }
  // Accepted: the canonical form must describe the same chip (an exception here is a bug).
  if (arch::load_arch_text(r.canonical_yaml, "fuzz.canonical.yaml").hash != r.hash) std::abort();
  return 0;
}
