// Bad input found by hostile use (issue 24), outside the NIR importer: each is exit 2 with a
// message naming the option or file, and nothing left behind.
#include <fmt/core.h>
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "compiler_test_util.h"
#include "run_binary.h"

using testutil::spikechip;

namespace {

std::string bars() {
  return fmt::format("--model '{}' --dt 1e-3 --input '{}'",
                     testutil::source("workloads/examples/bars.nir"),
                     testutil::source("workloads/examples/bars_events.npy"));
}

void expect_bad(const std::string& args, const std::string& message) {
  const auto r = spikechip(args);
  CAPTURE(args);
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(message));
}

}  // namespace

TEST_CASE("e2e hostile: options out of range are refused by name") {
  const auto dir = testutil::fresh_dir("hostile-opts");
  const std::string out = fmt::format("--out '{}/o'", dir.string());
  expect_bad(fmt::format("run {} --timesteps -1 {}", bars(), out), "--timesteps -1: expected 1 to");
  expect_bad(fmt::format("golden {} --timesteps 0 {}", bars(), out), "--timesteps 0");
  expect_bad(fmt::format("golden {} --downsample 0 {}", bars(), out), "--downsample 0");
  expect_bad(fmt::format("golden {} --bin-us 0 {}", bars(), out), "--bin-us 0");
  expect_bad(fmt::format("golden {} --bin count {}", bars(), out),
             "--bin count needs --bin-events");
  expect_bad(fmt::format("golden {} --input-frac-bits 99 {}", bars(), out),
             "--input-frac-bits 99: expected 0 to 24");
  expect_bad(fmt::format("golden {} --reset zero {}", bars(), out), "--reset zero");
  CHECK_FALSE(std::filesystem::exists(dir / "o"));
}

TEST_CASE("e2e hostile: a FIFO, a folder or a missing file is refused before it is read") {
  const auto dir = testutil::fresh_dir("hostile-files");
  const std::string fifo = (dir / "fifo").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const std::string model = testutil::source("workloads/examples/bars.nir");
  // Each would block on the FIFO's open if it were read.
  expect_bad(fmt::format("golden --model '{}' --dt 1e-3 --input '{}' --out '{}/o'", model, fifo,
                         dir.string()),
             "--input is a FIFO (expected a regular file)");
  expect_bad(
      fmt::format("run --model '{}' --dt 1e-3 --input '{}' --out '{}/o'", fifo, fifo, dir.string()),
      "the model is a FIFO");
  expect_bad(fmt::format("inspect '{}'", fifo), "is a FIFO");
  expect_bad(fmt::format("disasm '{}'", fifo), "is a FIFO");
  expect_bad(fmt::format("asm '{}' -o '{}/x.scb'", fifo, dir.string()), "is a FIFO");
  expect_bad(fmt::format("inspect '{}'", dir.string()), "is a folder");
  expect_bad(fmt::format("golden {} --labels '{}/none.npy' --out '{}/o'", bars(), dir.string(),
                         dir.string()),
             "none.npy: --labels does not exist");
  CHECK_FALSE(std::filesystem::exists(dir / "o"));
}

TEST_CASE("e2e hostile: outputs never overwrite inputs or each other") {
  const auto dir = testutil::fresh_dir("hostile-outputs");
  const auto model = dir / "m.nir";
  std::filesystem::copy_file(testutil::source("workloads/examples/bars.nir"), model);
  const auto before = std::filesystem::file_size(model);
  expect_bad(fmt::format("compile '{0}' --dt 1e-3 -o '{0}'", model.string()),
             "is the model itself");
  CHECK(std::filesystem::file_size(model) == before);
  expect_bad(fmt::format("golden {} --probe lines.lif:0 --probe-out report.json --out '{}/o'",
                         bars(), dir.string()),
             "two outputs of this command would have this name");
  CHECK_FALSE(std::filesystem::exists(dir / "o"));
  std::filesystem::create_directories(dir / "p" / "report.json");
  expect_bad(fmt::format("golden {} --out '{}/p'", bars(), dir.string()),
             "is a folder, where this command writes a file");
}
