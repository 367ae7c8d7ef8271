#include "sweep/identity.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "isa/error.h"

namespace sweep {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kOffset = 0xcbf29ce484222325ull, kPrime = 0x100000001b3ull;

void mix(uint64_t& h, const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= kPrime;
  }
}

void mix_file(uint64_t& h, const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw isa::InputError(fmt::format("{}: cannot read", p.string()));
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    mix(h, buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw isa::InputError(fmt::format("{}: read error", p.string()));
}

}  // namespace

std::string hex64(uint64_t h) {
  return fmt::format("{:016x}", h);
}

std::string hash_text(std::string_view text) {
  uint64_t h = kOffset;
  mix(h, text.data(), text.size());
  return hex64(h);
}

std::string hash_path(const std::string& path) {
  uint64_t h = kOffset;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(path))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const std::string rel = fs::relative(f, path).generic_string();
      mix(h, rel.data(), rel.size() + 1);  // with its NUL: names and bytes cannot run together
      mix_file(h, f);
    }
  } else {
    mix_file(h, path);
  }
  return hex64(h);
}

}  // namespace sweep
