// Helpers for the workloads tests: temp folders and the shared reference data.
#pragma once
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace workloads_test {

inline std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() /
           ("spikechip_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

// Path of a shared event file, or "" when the shared data is absent (callers WARN and return).
inline std::string shared_event_file(const std::string& rel) {
  auto p = std::filesystem::path(SPIKECHIP_SHARED_DATA) / "events" / rel;
  return std::filesystem::exists(p) ? p.string() : "";
}

inline std::vector<char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string write_bytes(const std::filesystem::path& path, const std::vector<char>& b) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(b.data(), static_cast<std::streamsize>(b.size()));
  return path.string();
}

}  // namespace workloads_test
