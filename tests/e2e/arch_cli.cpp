// `spikechip arch` on presets and files: output, --set, --ert and exit code 2 for bad input.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct ArchRun {
  int exit_code;
  std::string out;
  std::string err;
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs `spikechip arch ARGS` with stdout and stderr captured in a temporary folder.
ArchRun run_arch(const std::string& args) {
  const fs::path dir =
      fs::temp_directory_path() / ("spikechip_e2e_arch_run_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string cmd = std::string("'") + SPIKECHIP_BINARY + "' arch " + args + " > '" +
                          (dir / "out").string() + "' 2> '" + (dir / "err").string() + "'";
  const int status = std::system(cmd.c_str());
  ArchRun r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_all(dir / "out"),
            read_all(dir / "err")};
  fs::remove_all(dir);
  return r;
}

}  // namespace

TEST_CASE("e2e arch: the default chip with derived figures", "[arch][e2e]") {
  const auto r = run_arch("");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("name: default\n") && Catch::Contains("clock: 1 GHz\n") &&
                        Catch::Contains("derived:\n  cores: 16\n") &&
                        Catch::Contains("peak_synops_per_second: 128000000000\n"));
}

TEST_CASE("e2e arch: --set overrides and reports bad keys", "[arch][e2e]") {
  const auto r = run_arch("loihi --set mesh.x=2 --set 'core.synapse_memory=64 KiB'");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("  x: 2\n") && Catch::Contains("synapse_memory: 64 KiB\n") &&
                        Catch::Contains("  cores: 32\n"));
  const auto bad = run_arch("--set core.neuron=5");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("did you mean 'core.neurons'"));
}

TEST_CASE("e2e arch: loihi --ert prints Accelergy's ERT", "[arch][e2e]") {
  const auto r = run_arch("loihi --ert");
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("ERT:\n  version: 0.4\n  tables:\n"));
  CHECK_THAT(r.out, Catch::Contains("- name: loihi.core[0..127].neuron\n    actions:\n"
                                    "    - name: update_active\n      arguments: null\n"
                                    "      energy: 81\n"));
}

TEST_CASE("e2e arch: a malformed file exits 2 with line:column", "[arch][e2e]") {
  const fs::path dir =
      fs::temp_directory_path() / ("spikechip_e2e_arch_bad_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path bad = dir / "bad.yaml";
  std::ofstream(bad) << "name: bad\nclock: 1 GHz\nmesh:\n  x: 4\n  y: 4\ncore:\n  n_pe: lots\n";
  const auto r = run_arch("'" + bad.string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.yaml:7:9") && Catch::Contains("core.n_pe"));
  CHECK(r.out.empty());
  std::ofstream(bad) << "name: bad\nmesh: {x: 4\n";  // not YAML at all
  const auto m = run_arch("'" + bad.string() + "'");
  CHECK(m.exit_code == 2);
  CHECK_THAT(m.err, Catch::Contains("bad.yaml:") && Catch::Contains("malformed YAML"));
  fs::remove_all(dir);
  CHECK(run_arch("no-such-chip").exit_code == 2);
}
