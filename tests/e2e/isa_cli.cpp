// `spikechip asm` and `spikechip disasm` on files: round trip through the binary, bad input.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Run {
  int exit_code;
  std::string err;
};

// Runs `spikechip ARGS`, stderr captured to a file in `dir`.
Run spikechip(const fs::path& dir, const std::string& args) {
  const fs::path err = dir / "stderr.txt";
  const std::string cmd =
      std::string("'") + SPIKECHIP_BINARY + "' " + args + " 2> '" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  std::ifstream in(err);
  std::stringstream ss;
  ss << in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary) << s;
}

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("spikechip_e2e_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

const char* kProgram = R"(; written by the e2e test
.arch_hash 0xabc
.mesh 2 1
.phases 1
.layer in shape=3 input
.layer out shape=2 output
.host_input cores=0
.core 0
        AU.FC 0
top:    UPD.IF seg=0, reset=1, cmp=0
        HOUT 0
        BAR
        LOOPT top
        HALT
.segment 0 layer=1 count=2
.projection 0 source=0 segment=0 neurons=3 nweights=6
.params 0 threshold=5
.weights 0 1 2 3 -4 -5 -6
)";

}  // namespace

TEST_CASE("isa cli: asm -> disasm -> asm through the binary is byte-identical", "[isa][e2e]") {
  TempDir dir("isa_roundtrip");
  const fs::path d = dir.path;
  spit(d / "p.sasm", kProgram);
  REQUIRE(spikechip(d, "asm '" + (d / "p.sasm").string() + "' -o '" + (d / "p.scb").string() + "'")
              .exit_code == 0);
  REQUIRE(
      spikechip(d, "disasm '" + (d / "p.scb").string() + "' -o '" + (d / "p2.sasm").string() + "'")
          .exit_code == 0);
  REQUIRE(
      spikechip(d, "asm '" + (d / "p2.sasm").string() + "' -o '" + (d / "p2.scb").string() + "'")
          .exit_code == 0);
  const std::string a = slurp(d / "p.scb"), b = slurp(d / "p2.scb");
  CHECK(a.substr(0, 4) == "SCB1");
  CHECK(a == b);
  // Without -o the text goes to stdout, identical to the file.
  REQUIRE(
      spikechip(d, "disasm '" + (d / "p2.scb").string() + "' > '" + (d / "p3.sasm").string() + "'")
          .exit_code == 0);
  CHECK(slurp(d / "p3.sasm") == slurp(d / "p2.sasm"));
  CHECK_THAT(slurp(d / "p3.sasm"), Catch::Contains("LOOPT target=L1"));
}

TEST_CASE("isa cli: the bundled example assembles", "[isa][e2e]") {
  TempDir dir("isa_example");
  const Run r = spikechip(dir.path, std::string("asm '") + SPIKECHIP_SOURCE_DIR +
                                        "/isa/examples/fc2.sasm' -o '" +
                                        (dir.path / "fc2.scb").string() + "'");
  CHECK(r.exit_code == 0);
  CHECK(fs::file_size(dir.path / "fc2.scb") > 24);
}

TEST_CASE("isa cli: bad input exits 2 with a located message and no output", "[isa][e2e]") {
  TempDir dir("isa_bad");
  const fs::path d = dir.path;
  std::string bad = kProgram;
  bad.replace(bad.find("HOUT"), 4, "HOTU");
  spit(d / "bad.sasm", bad);
  Run r =
      spikechip(d, "asm '" + (d / "bad.sasm").string() + "' -o '" + (d / "bad.scb").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("bad.sasm:11:9: unknown mnemonic 'HOTU' (did you mean "
                                    "'HOUT'?)"));
  CHECK_FALSE(fs::exists(d / "bad.scb"));

  spit(d / "junk.scb", "SCB2 not an image");
  r = spikechip(d, "disasm '" + (d / "junk.scb").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("junk.scb: byte 0: bad magic"));

  r = spikechip(d, "asm '" + (d / "bad.sasm").string() + "'");  // no -o
  CHECK(r.exit_code == 2);
}
