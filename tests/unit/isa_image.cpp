// The .scb program image: write/read round trips and located errors for bad files.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "isa/error.h"
#include "isa/image.h"
#include "isa_random.h"

namespace {

// Rewrites the header's size and checksum after a test edits the payload, so the reader gets
// past the checksum to the structural error under test.
void reseal(std::vector<uint8_t>& bytes) {
  const uint64_t n = bytes.size() - isa::kImageHeaderBytes;
  const uint64_t sum = isa::fnv1a64(std::span(bytes).subspan(isa::kImageHeaderBytes));
  for (int i = 0; i < 8; ++i) {
    bytes[8 + static_cast<size_t>(i)] = static_cast<uint8_t>(n >> (8 * i));
    bytes[16 + static_cast<size_t>(i)] = static_cast<uint8_t>(sum >> (8 * i));
  }
}

void put_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}

isa::ProgramImage small_image() {
  isa::ProgramImage img;
  img.arch_hash = 0x1234;
  img.mesh_x = 2;
  img.layers = {{"in", {4}, 4, true, false}, {"out", {2}, 2, false, true}};
  img.host_input.dest_cores = {0};
  isa::CoreProgram c;
  c.core = 1;
  c.code = {{isa::Opcode::au_fc, 0, 0, 0}, {isa::Opcode::halt, 0, 0, 0}};
  c.segments.resize(1);
  c.segments[0].layer = 1;
  c.segments[0].neuron_count = 2;
  c.projections.resize(1);
  c.projections[0].source_neurons = 4;
  c.projections[0].source_end = 4;
  c.projections[0].weight_count = 8;
  c.weights = {1, -2, 3, -4, 5, -6, 7, -8};
  c.params.resize(1);
  c.params[0].threshold = 10;
  img.cores.push_back(c);
  return img;
}

}  // namespace

TEST_CASE("isa image: random images round-trip write -> read (property)", "[isa]") {
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    const isa::ProgramImage img = isa_test::RandomImage(seed).make();
    const std::vector<uint8_t> bytes = isa::write_image(img);
    const isa::ProgramImage back = isa::read_image(bytes, "random.scb");
    REQUIRE(back == img);
    REQUIRE(isa::write_image(back) == bytes);
  }
}

TEST_CASE("isa image: every truncation is a located error", "[isa]") {
  const std::vector<uint8_t> bytes = isa::write_image(small_image());
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
    if (n >= isa::kImageHeaderBytes) reseal(cut);  // reach the structural checks
    INFO("prefix of " << n << " bytes");
    CHECK_THROWS_WITH(isa::read_image(cut, "cut.scb"),
                      Catch::StartsWith("cut.scb: byte ") && Catch::Contains("truncated"));
  }
}

TEST_CASE("isa image: a short core section says which section and what was expected", "[isa]") {
  std::vector<uint8_t> bytes = isa::write_image(small_image());
  // Drop the last 8 bytes (the params record's tail) of core section 0.
  bytes.erase(bytes.end() - 8, bytes.end());
  reseal(bytes);
  CHECK_THROWS_WITH(isa::read_image(bytes, "f.scb"),
                    Catch::Contains("truncated core section 0 (expected 20 bytes of params"));
}

TEST_CASE("isa image: bad magic, version, checksum and trailing bytes", "[isa]") {
  const std::vector<uint8_t> good = isa::write_image(small_image());
  std::vector<uint8_t> b = good;
  b[0] = 'X';
  CHECK_THROWS_WITH(isa::read_image(b, "m.scb"),
                    "m.scb: byte 0: bad magic: expected \"SCB1\" (a "
                    "spikechip program image)");
  b = good;
  b[4] = 9;
  CHECK_THROWS_WITH(isa::read_image(b, "v.scb"), Catch::Contains("byte 4: unsupported format "
                                                                 "version 9"));
  b = good;
  b.back() ^= 0x40;
  CHECK_THROWS_WITH(isa::read_image(b, "c.scb"), Catch::Contains("c.scb: byte 16: checksum "
                                                                 "mismatch"));
  b = good;
  b.push_back(0);
  CHECK_THROWS_WITH(isa::read_image(b, "t.scb"), Catch::Contains("trailing bytes"));
  b.push_back(0);
  reseal(b);
  CHECK_THROWS_WITH(isa::read_image(b, "t.scb"), Catch::Contains("2 unexpected bytes after"));
}

TEST_CASE("isa image: references outside the image are errors", "[isa]") {
  const std::vector<uint8_t> good = isa::write_image(small_image());
  // The payload starts with arch_hash (8), mesh_x (4), mesh_y (4): set mesh_y to 0.
  std::vector<uint8_t> b = good;
  put_u32(b, isa::kImageHeaderBytes + 12, 0);
  reseal(b);
  CHECK_THROWS_WITH(isa::read_image(b, "f.scb"), Catch::Contains("expected both dimensions >= 1"));

  isa::ProgramImage img = small_image();
  img.cores[0].core = 2;  // the mesh is 2x1
  CHECK_THROWS_WITH(isa::read_image(isa::write_image(img), "f.scb"),
                    Catch::Contains("core 2, outside the mesh (expected 0..1)"));
  img = small_image();
  img.cores[0].segments[0].layer = 5;
  CHECK_THROWS_WITH(isa::read_image(isa::write_image(img), "f.scb"),
                    Catch::Contains("segment layer = 5 is not a layer"));
  img = small_image();
  img.cores.insert(img.cores.begin(), img.cores[0]);
  CHECK_THROWS_WITH(isa::read_image(isa::write_image(img), "f.scb"),
                    Catch::Contains("expected ascending core indices"));
}

TEST_CASE("isa image: a bad instruction word names the instruction", "[isa]") {
  std::vector<uint8_t> b = isa::write_image(small_image());
  // Core section 0: core (4) + counts (24), then instruction 0; its opcode is byte 7.
  const size_t payload_core0 = b.size() - (28 + 16 + 28 + 96 + 16 + 20);
  b[payload_core0 + 28 + 8 + 7] = 0xee;  // instruction 1
  reseal(b);
  CHECK_THROWS_WITH(isa::read_image(b, "f.scb"),
                    Catch::Contains("core section 0: instruction 1: unknown opcode 0xee"));
}

TEST_CASE("isa image: save writes atomically and load reads it back", "[isa]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("spikechip_isa_image_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto path = dir / "p.scb";
  isa::save_image(small_image(), path);
  CHECK(isa::load_image(path) == small_image());
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 1);  // no temporary left behind
  CHECK_THROWS_WITH(isa::load_image(dir / "missing.scb"), Catch::Contains("missing.scb"));
  std::ofstream(dir / "empty.scb").flush();
  CHECK_THROWS_WITH(isa::load_image(dir / "empty.scb"),
                    Catch::Contains("empty.scb: byte 0: truncated"));
  std::filesystem::remove_all(dir);
}
