// Runs the spikechip binary for end-to-end tests, capturing exit code, stdout and stderr in a
// temporary folder private to this process and call (ctest runs cases in parallel).
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace testutil {

struct Run {
  int exit_code = -1;
  std::string out, err;
};

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A fresh empty folder for one test: <tmp>/spikechip-e2e/<pid>-<n>-<name>.
inline std::filesystem::path fresh_dir(const std::string& name) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path() / "spikechip-e2e" /
                   (std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// `args` is passed to the shell as it is (quote paths with spaces yourself).
inline Run spikechip(const std::string& args) {
  const auto dir = fresh_dir("run");
  const std::string cmd = std::string("'") + SPIKECHIP_BINARY + "' " + args + " > '" +
                          (dir / "out").string() + "' 2> '" + (dir / "err").string() + "'";
  const int status = std::system(cmd.c_str());
  Run r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(dir / "out"),
        read_text(dir / "err")};
  std::filesystem::remove_all(dir);
  return r;
}

inline std::string source(const std::string& rel) {
  return std::string(SPIKECHIP_SOURCE_DIR) + "/" + rel;
}

}  // namespace testutil
