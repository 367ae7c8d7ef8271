// `spikechip sweep` end to end on the bundled workload: results, the compile cache, failures,
// kill -9 of the driver and of a worker then resume, shards merged: each compared byte for byte
// with an uninterrupted sweep (--deterministic).
#include <fcntl.h>
#include <fmt/core.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "run_binary.h"

namespace fs = std::filesystem;
using testutil::read_text;
using testutil::spikechip;

namespace {

// 8 points: a 2x2 or 4x4 mesh x 2 PE counts x 2 NoC fidelities (2 compile configurations).
fs::path write_spec(const fs::path& dir, const std::string& extra_axes = "",
                    const std::string& name = "spec.yaml") {
  const std::string ex = testutil::source("workloads/examples/");
  const fs::path p = dir / name;
  std::ofstream(p) << fmt::format(
      "sweep: e2e\n"
      "base:\n"
      "  model: {0}bars.nir\n"
      "  input: {0}bars_events.npy\n"
      "  labels: {0}bars_labels.npy\n"
      "  options: {{dt: 1e-3}}\n"
      "axes:\n"
      "  mesh.x: [2, 4]\n"
      "  mesh.y: [2, 4]\n"
      "  core.n_pe: [1, 8]\n"
      "  noc.fidelity: [reservation, flit]\n"
      "{1}"
      "zip: [[mesh.x, mesh.y]]\n"
      "objectives: {{energy.per_inference_pj: min, latency.seconds_per_step: min}}\n",
      ex, extra_axes);
  return p;
}

size_t finished_points(const fs::path& out) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out / "points", ec))
    n += fs::exists(e.path() / "status.json");
  return n;
}

size_t temp_folders(const fs::path& out) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out / "points", ec))
    n += e.path().filename().string().rfind(".tmp-", 0) == 0;
  return n;
}

// Starts `spikechip args...` in the background (output to log); returns its pid.
pid_t start(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv = {const_cast<char*>(SPIKECHIP_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(SPIKECHIP_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// The children of `pid` (from /proc/*/stat).
std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == pid)
      out.push_back(std::stoi(name));
  }
  return out;
}

std::string sweep_cmd(const fs::path& spec, const fs::path& out, const std::string& more = "") {
  return fmt::format("sweep '{}' --out '{}' --deterministic {}", spec.string(), out.string(), more);
}

// The uninterrupted reference sweep (-j 2), shared by the cases of this process.
const fs::path& reference() {
  static const fs::path out = [] {
    const fs::path dir = testutil::fresh_dir("sweep-ref");
    const auto r = spikechip(sweep_cmd(write_spec(dir), dir / "out", "-j 2"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return dir / "out";
  }();
  return out;
}

}  // namespace

TEST_CASE("e2e sweep: results.csv, results.json, the Pareto table and the compile cache") {
  const fs::path dir = testutil::fresh_dir("sweep-basic");
  const auto r = spikechip(sweep_cmd(write_spec(dir), dir / "out", "-j 2"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string csv = read_text(dir / "out" / "results.csv");
  CHECK(csv.rfind("point,status,mesh.x,mesh.y,core.n_pe,noc.fidelity,accuracy,latency.total_cycles",
                  0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 9);
  CHECK_THAT(csv, Catch::Contains(",ok,2,2,1,reservation,1,"));
  CHECK_THAT(r.out, Catch::Contains("Pareto front ("));
  CHECK_THAT(r.err, Catch::Contains("compiled 2 images (0 failed), 8 runs from a cached image "
                                    "(6 cache hits)"));
  CHECK_THAT(read_text(dir / "out" / "results.json"), Catch::Contains("\"ok\": 8"));
  CHECK_THAT(read_text(dir / "out" / "sweep.yaml"), Catch::Contains("points: 8"));
  CHECK(temp_folders(dir / "out") == 0);
  // Same bytes as a -j 1 sweep.
  CHECK(csv == read_text(reference() / "results.csv"));
  // A rerun runs nothing and writes the same.
  const auto again = spikechip(sweep_cmd(write_spec(dir), dir / "out", "-j 2"));
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.err, Catch::Contains("0 to run (8 done before)"));
  CHECK(read_text(dir / "out" / "results.csv") == csv);
  // Each point's folder holds the run's report, its identity and status.
  for (const auto& e : fs::directory_iterator(dir / "out" / "points")) {
    CHECK(fs::exists(e.path() / "report.json"));
    CHECK_THAT(read_text(e.path() / "status.json"), Catch::Contains("\"status\": \"ok\""));
    CHECK_THAT(read_text(e.path() / "point.yaml"), Catch::Contains("spikechip: "));
  }
}

TEST_CASE("e2e sweep: kill -9 of the driver part-way, then the same command finishes it") {
  const fs::path dir = testutil::fresh_dir("sweep-kill");
  const fs::path spec = write_spec(dir), out = dir / "out";
  const pid_t pid = start(
      {"sweep", spec.string(), "--out", out.string(), "--deterministic", "-j", "1"}, dir / "log1");
  // Wait for the first finished point (and not the last), then kill the driver.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (finished_points(out) < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  const size_t done = finished_points(out);
  INFO(read_text(dir / "log1"));
  REQUIRE(done >= 1);
  REQUIRE(done < 8);  // killed part-way
  CHECK_FALSE(fs::exists(out / "results.csv"));
  const auto r = spikechip(sweep_cmd(spec, out, "-j 2"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains(fmt::format("{} to run ({} done before)", 8 - done, done)));
  CHECK(read_text(out / "results.csv") == read_text(reference() / "results.csv"));
  CHECK(temp_folders(out) == 0);
  CHECK(finished_points(out) == 8);
}

TEST_CASE("e2e sweep: a worker killed with -9 leaves its point missing (exit 5), a rerun runs it") {
  const fs::path dir = testutil::fresh_dir("sweep-kill-worker");
  const fs::path spec = write_spec(dir), out = dir / "out";
  const pid_t pid = start(
      {"sweep", spec.string(), "--out", out.string(), "--deterministic", "-j", "1"}, dir / "log1");
  // Kill the first `spikechip run` child the driver starts.
  bool killed = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!killed && std::chrono::steady_clock::now() < deadline) {
    for (pid_t c : children_of(pid)) {
      const std::string cmd = read_text(fs::path("/proc") / std::to_string(c) / "cmdline");
      if (cmd.find(std::string("run") + '\0') != std::string::npos) {
        kill(c, SIGKILL);
        killed = true;
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  INFO(read_text(dir / "log1"));
  REQUIRE(killed);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 5);
  CHECK_THAT(read_text(dir / "log1"), Catch::Contains("7 ok, 0 failed, 1 missing"));
  CHECK_THAT(read_text(out / "results.csv"), Catch::Contains(",missing,"));
  const auto r = spikechip(sweep_cmd(spec, out));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("1 to run (7 done before)"));
  CHECK(read_text(out / "results.csv") == read_text(reference() / "results.csv"));
}

TEST_CASE("e2e sweep: shards (--shard, SLURM_ARRAY_*) merged give the one-run results") {
  const fs::path dir = testutil::fresh_dir("sweep-shards");
  const fs::path spec = write_spec(dir);
  auto r = spikechip(sweep_cmd(spec, dir / "s0", "--shard 0/3"));
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("shard 0/3 from --shard: 3"));
  r = spikechip(sweep_cmd(spec, dir / "s1", "--shard 1/3"));
  REQUIRE(r.exit_code == 0);
  // Slurm arrays may start at 1: --array=1-3 gives ids 1..3 with SLURM_ARRAY_TASK_MIN=1.
  const std::string env = "SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1 ";
  const std::string cmd = fmt::format("{}'{}' {} > '{}' 2>&1", env, SPIKECHIP_BINARY,
                                      sweep_cmd(spec, dir / "s2"), (dir / "s2.log").string());
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK_THAT(read_text(dir / "s2.log"), Catch::Contains("shard 2/3 from SLURM_ARRAY_TASK_ID: 2"));
  // Merging only two shards: the third's points are missing (exit 5).
  r = spikechip(
      sweep_cmd(spec, dir / "m",
                fmt::format("--merge '{}' '{}'", (dir / "s0").string(), (dir / "s1").string())));
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.err, Catch::Contains("6 ok, 0 failed, 2 missing"));
  r = spikechip(sweep_cmd(spec, dir / "m", fmt::format("--merge '{}'", (dir / "s2").string())));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "m" / "results.csv") == read_text(reference() / "results.csv"));
  r = spikechip(sweep_cmd(spec, dir / "m2", "--merge /nonexistent"));
  CHECK(r.exit_code == 2);
}

TEST_CASE("e2e sweep: failing points are rows (exit 4), --retry-failed runs them again") {
  const fs::path dir = testutil::fresh_dir("sweep-fail");
  const std::string ex = testutil::source("workloads/examples/");
  std::ofstream(dir / "f.yaml") << fmt::format(
      "sweep: f\nbase:\n  model: {0}bars.nir\n  input: {0}bars_events.npy\n"
      "  options: {{dt: 1e-3}}\naxes:\n  core.neurons: [8, 1024]\n",
      ex);
  auto r = spikechip(sweep_cmd(dir / "f.yaml", dir / "out"));
  INFO(r.err);
  CHECK(r.exit_code == 4);
  const std::string csv = read_text(dir / "out" / "results.csv");
  CHECK_THAT(csv, Catch::Contains("bars.nir: layer 'lines.lif' does not fit: one output "
                                  "channel has 256 neurons, the core holds 8 (short by 248)\",8,"));
  CHECK_THAT(csv, Catch::Contains(",ok,1024,"));
  r = spikechip(sweep_cmd(dir / "f.yaml", dir / "out"));
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("0 to run (2 done before)"));
  r = spikechip(sweep_cmd(dir / "f.yaml", dir / "out", "--retry-failed"));
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("1 to run (1 done before), 1 images to compile"));
}

TEST_CASE("e2e sweep: a bad spec exits 2 naming file:line:column, axis and value, runs nothing") {
  const fs::path dir = testutil::fresh_dir("sweep-bad");
  const fs::path spec = write_spec(dir, "  core.membrane_banks: [4, 0]\n");
  auto r = spikechip(sweep_cmd(spec, dir / "out"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(spec.string() + ":12:28: axis 'core.membrane_banks' value "
                                                    "'0' (point 1:"));
  CHECK_FALSE(fs::exists(dir / "out"));
  const fs::path spec2 = write_spec(dir, "  options.conv-mod: [dense]\n", "s2.yaml");
  r = spikechip(sweep_cmd(spec2, dir / "out"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(":12:22: axis 'options.conv-mod' value 'dense': not an "
                                    "option of spikechip run"));
  const fs::path spec3 = write_spec(dir, "  options.out: [x]\n", "s3.yaml");
  r = spikechip(sweep_cmd(spec3, dir / "out"));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("set by the sweep"));
  r = spikechip(sweep_cmd(spec, dir / "out", "--shard 3/3"));
  CHECK(r.exit_code == 2);
}

TEST_CASE("e2e run --compiled-for: an image runs on a chip that differs only in timing keys") {
  const fs::path dir = testutil::fresh_dir("compiled-for");
  const std::string model = testutil::source("workloads/examples/bars.nir");
  REQUIRE(spikechip(fmt::format("compile '{}' --dt 1e-3 -o '{}/m.scb'", model, dir.string()))
              .exit_code == 0);
  // The canonical arch the image was compiled for, as the sweep writes it (`spikechip arch`
  // prints it between its comment lines and the derived figures).
  const auto canon = spikechip("arch default");
  REQUIRE(canon.exit_code == 0);
  const size_t from = canon.out.find("name: "), to = canon.out.find("derived:");
  const std::string yaml = canon.out.substr(from, to - from);
  std::ofstream(dir / "c.yaml") << yaml;
  const std::string in =
      fmt::format("--input '{}'", testutil::source("workloads/examples/bars_events.npy"));
  auto r =
      spikechip(fmt::format("run --model '{0}/m.scb' {1} --set core.n_pe=2 --compiled-for "
                            "'{0}/c.yaml' --out '{0}/o'",
                            dir.string(), in));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  r =
      spikechip(fmt::format("run --model '{0}/m.scb' {1} --set core.neurons=512 --compiled-for "
                            "'{0}/c.yaml' --out '{0}/o2'",
                            dir.string(), in));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("in a key the compiler reads"));
  std::ofstream(dir / "c2.yaml") << yaml << "# edited\n";
  r =
      spikechip(fmt::format("run --model '{0}/m.scb' {1} --compiled-for '{0}/c2.yaml' --out "
                            "'{0}/o3'",
                            dir.string(), in));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("not the arch"));
}
