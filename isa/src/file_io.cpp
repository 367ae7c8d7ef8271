// Whole-file reads and atomic writes (temporary name + rename) for images and listings.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include <fmt/core.h>
#include <unistd.h>

#include "isa/error.h"
#include "isa/image.h"

namespace isa {

std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(
        fmt::format("{}: cannot open for reading: {}", path.string(), std::strerror(errno)));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(fmt::format("{}: read error", path.string()));
  return bytes;
}

void write_file_atomically(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  // The temporary lives in the target's folder so the rename stays on one file system.
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp{}", static_cast<long>(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw InputError(
          fmt::format("{}: cannot open for writing: {}", tmp.string(), std::strerror(errno)));
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      throw InputError(fmt::format("{}: write failed", tmp.string()));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw InputError(
        fmt::format("{}: cannot rename from {}: {}", path.string(), tmp.string(), ec.message()));
  }
}

void save_image(const ProgramImage& image, const std::filesystem::path& path) {
  write_file_atomically(path, write_image(image));
}

ProgramImage load_image(const std::filesystem::path& path) {
  return read_image(read_file_bytes(path), path.string());
}

}  // namespace isa
