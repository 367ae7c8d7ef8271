// Content hashes: of input files (a point's identity covers the model's and inputs' bytes, not
// their names) and of identity texts. FNV-1a 64, printed as 16 hex digits.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace sweep {

std::string hex64(uint64_t h);
std::string hash_text(std::string_view text);  // hex FNV-1a 64 of the bytes
// A regular file's bytes, or a folder's files (relative names and bytes, in sorted order).
// Throws isa::InputError naming the path when it cannot be read.
std::string hash_path(const std::string& path);

}  // namespace sweep
