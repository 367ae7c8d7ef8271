// An output folder written all-or-nothing: files go to hidden temporary names and are renamed
// into place by commit(); if the command fails first, the temporaries are removed and nothing
// that looks complete is left behind.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace cli {

class OutputDir {
 public:
  explicit OutputDir(std::filesystem::path dir);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  void write(const std::string& name, const std::string& content);
  // A file named by the user, anywhere: in this folder when its folder is this one, else
  // beside its final name under a hidden temporary name, renamed by commit() with the rest.
  // Throws isa::InputError when its folder does not exist.
  void write_file(const std::filesystem::path& file, const std::string& content);
  void commit();
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> pending_;  // tmp, final
  bool committed_ = false;
  std::filesystem::path created_;  // the outermost folder the constructor created ("" = none)
};

}  // namespace cli
