// Which parts of a chip description the compiler reads. Points of a sweep that differ only in
// timing or energy keys share one program image (DESIGN.md §13); `run --compiled-for` checks
// that an image compiled for one chip may run on another.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace compiler {

// Arch keys (dotted paths, as --set) that no compiler pass reads: they change timing or energy
// only. Conservative: a key is listed only when neither compiler/ nor isa/ reads it; every
// other key, and anything added later, counts as compile-relevant. The energy section
// (energy.*) is never read by the compiler either. tests/unit/compile_key_test.cpp compiles a
// model with each of these changed and checks the images are equal but for the arch hash.
const std::vector<std::string_view>& timing_only_arch_keys();

// The canonical arch YAML (arch::ResolvedArch::canonical_yaml) without the timing-only keys and
// the energy section: two chips with equal results compile every model to the same image.
std::string compile_relevant_arch(std::string_view canonical_yaml);

}  // namespace compiler
