// `spikechip inspect` on event recordings, NPY tensors and bad files.
#include <sys/wait.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "workloads/npy.h"
#include "workloads_test_util.h"

namespace fs = std::filesystem;

namespace {

struct Run {
  int exit_code;
  std::string out, err;
};

Run inspect(const std::string& file) {
  const fs::path dir = workloads_test::temp_dir("e2e_inspect_run");
  const std::string cmd = std::string("'") + SPIKECHIP_BINARY + "' inspect '" + file + "' > '" +
                          (dir / "out").string() + "' 2> '" + (dir / "err").string() + "'";
  const int status = std::system(cmd.c_str());
  auto slurp = [](const fs::path& p) {
    auto b = workloads_test::read_bytes(p.string());
    return std::string(b.begin(), b.end());
  };
  Run r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "out"), slurp(dir / "err")};
  fs::remove_all(dir);
  return r;
}

}  // namespace

TEST_CASE("e2e workloads: inspect summarises an N-MNIST recording", "[workloads][e2e]") {
  const std::string path = workloads_test::shared_event_file("tonic/sample_nmnist.bin");
  if (path.empty()) {
    WARN("shared data absent, skipping");
    return;
  }
  const Run r = inspect(path);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"format\": \"nmnist\"") &&
                        Catch::Contains("\"events\": 4325") &&
                        Catch::Contains("\"sensor\": [34, 34]") &&
                        Catch::Contains("\"polarity\": {\"on\": 2145, \"off\": 2180}") &&
                        Catch::Contains("\"t_first_us\": 654") &&
                        Catch::Contains("\"duration_us\": 310521"));
}

TEST_CASE("e2e workloads: inspect an AEDAT 4 recording", "[workloads][e2e]") {
  const std::string path = workloads_test::shared_event_file("tonic/sample.aedat4");
  if (path.empty()) {
    WARN("shared data absent, skipping");
    return;
  }
  const Run r = inspect(path);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out,
             Catch::Contains("\"events\": 111954") && Catch::Contains("\"sensor\": [320, 240]"));
}

TEST_CASE("e2e workloads: inspect an NPY tensor prints dtype and shape", "[workloads][e2e]") {
  const auto path = (workloads_test::temp_dir("e2e_inspect") / "x.npy").string();
  std::vector<float> v = {0, 1.5f, 0, 2, 0, 0};
  workloads::write_npy(path, std::span<const float>(v), {1, 2, 3});
  const Run r = inspect(path);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"dtype\": \"<f4\"") &&
                        Catch::Contains("\"shape\": [1, 2, 3]") &&
                        Catch::Contains("\"nonzero\": 2"));
}

TEST_CASE("e2e workloads: inspect rejects unknown and truncated files with exit 2",
          "[workloads][e2e]") {
  const auto dir = workloads_test::temp_dir("e2e_inspect_bad");
  const auto junk = workloads_test::write_bytes(dir / "junk.xyz", {'a', 'b'});
  const Run a = inspect(junk);
  CHECK(a.exit_code == 2);
  CHECK_THAT(a.err, Catch::Contains("junk.xyz"));
  const auto cut = workloads_test::write_bytes(dir / "cut.bin", {1, 2, 3, 4, 5, 6, 7});
  const Run b = inspect(cut);
  CHECK(b.exit_code == 2);
  CHECK_THAT(b.err, Catch::Contains("byte 5") && Catch::Contains("truncated"));
}
