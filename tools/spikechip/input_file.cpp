#include "input_file.h"

#include <fmt/core.h>

#include <filesystem>

#include "isa/error.h"

namespace cli {

void require_regular_file(const std::string& path, std::string_view what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || st.type() == fs::file_type::not_found)
    throw isa::InputError(fmt::format("{}: {} does not exist", path, what));
  if (st.type() == fs::file_type::regular) return;
  const char* kind = st.type() == fs::file_type::directory ? "a folder"
                     : st.type() == fs::file_type::fifo    ? "a FIFO"
                     : st.type() == fs::file_type::socket  ? "a socket"
                     : st.type() == fs::file_type::block || st.type() == fs::file_type::character
                         ? "a device"
                         : "not a regular file";
  throw isa::InputError(fmt::format("{}: {} is {} (expected a regular file)", path, what, kind));
}

}  // namespace cli
