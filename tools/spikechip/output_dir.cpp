#include "output_dir.h"

#include <fmt/core.h>
#include <unistd.h>

#include <fstream>

#include "isa/error.h"

namespace cli {

namespace fs = std::filesystem;

OutputDir::OutputDir(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  // The first folder of the path that is missing: removed again if the command fails.
  for (fs::path p = dir_; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    created_ = p;
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_))
    throw isa::InputError(fmt::format("{}: cannot create the output folder ({})", dir_.string(),
                                      ec ? ec.message() : "not a folder"));
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;
  for (const auto& [tmp, final] : pending_) fs::remove(tmp, ec);
  // Folders this command made, if nothing else was put in them meanwhile.
  for (fs::path p = dir_; !created_.empty(); p = p.parent_path()) {
    if (!fs::is_empty(p, ec) || ec || !fs::remove(p, ec)) break;
    if (p == created_) break;
  }
}

void OutputDir::write(const std::string& name, const std::string& content) {
  const fs::path final = dir_ / name;
  for (const auto& [tmp, other] : pending_)
    if (other == final)
      throw isa::InputError(fmt::format(
          "{}: two outputs of this command would have this name (an option such as --probe-out "
          "names a file the command writes itself)",
          final.string()));
  std::error_code ec;
  if (fs::is_directory(final, ec))
    throw isa::InputError(
        fmt::format("{}: is a folder, where this command writes a file", final.string()));
  const fs::path tmp = dir_ / fmt::format(".{}.tmp{}", name, getpid());
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write", tmp.string()));
  pending_.push_back({tmp, final});
}

void OutputDir::write_file(const fs::path& file, const std::string& content) {
  const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::equivalent(folder, dir_, ec)) return write(file.filename().string(), content);
  if (!fs::is_directory(folder, ec))
    throw isa::InputError(fmt::format("{}: cannot write there: folder {} does not exist",
                                      file.string(), folder.string()));
  if (file.filename().empty())
    throw isa::InputError(fmt::format("{}: expected a file name", file.string()));
  const fs::path tmp = folder / fmt::format(".{}.tmp{}", file.filename().string(), getpid());
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write", tmp.string()));
  pending_.push_back({tmp, file});
}

void OutputDir::commit() {
  for (const auto& [tmp, final] : pending_) fs::rename(tmp, final);
  committed_ = true;
}

}  // namespace cli
