#include "sweep_bench.h"

#include <fmt/core.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "child.h"

namespace bench {

namespace fs = std::filesystem;

namespace {

struct Axes {
  std::vector<std::string> n_pe, router, banks, fidelity;
};

Axes axes(bool quick) {
  if (quick) return {{"1", "4", "16"}, {"1", "3"}, {"2", "8"}, {"reservation"}};  // 12 points
  return {{"1", "2", "4", "8", "16"},
          {"1", "2", "3", "4", "5"},
          {"1", "2", "4", "8"},
          {"reservation", "flit"}};  // 200 points
}

std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return "[" + s + "]";
}

double timed(const std::string& spikechip, const std::vector<std::string>& args,
             const fs::path& log) {
  const ChildResult r = run_child(spikechip, args, log.string());
  if (r.exit_code != 0)
    throw std::runtime_error(fmt::format("{} {} failed (exit {}): {}", spikechip, args[0],
                                         r.exit_code, tail_of(r.stderr_path)));
  return r.wall_seconds;
}

}  // namespace

int run_sweep_bench(const std::string& spikechip, const std::string& work, bool quick) {
  const fs::path dir = fs::path(work) / "sweep";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string ex = std::string(SPIKECHIP_SOURCE_DIR) + "/workloads/examples/";
  const Axes a = axes(quick);
  std::ofstream(dir / "spec.yaml") << fmt::format(
      "sweep: bench\nbase:\n  model: {0}bars.nir\n  input: {0}bars_events.npy\n"
      "  labels: {0}bars_labels.npy\n  options: {{dt: 1e-3}}\naxes:\n  core.n_pe: {1}\n"
      "  noc.router_latency: {2}\n  core.membrane_banks: {3}\n  noc.fidelity: {4}\n"
      "objectives: {{energy.per_inference_pj: min, latency.seconds_per_step: min}}\n",
      ex, list(a.n_pe), list(a.router), list(a.banks), list(a.fidelity));
  size_t points = 0;
  try {
    // 1. Every point as a bare run from the NIR, one after the other.
    std::vector<std::vector<std::string>> runs;
    for (const auto& pe : a.n_pe)
      for (const auto& rl : a.router)
        for (const auto& b : a.banks)
          for (const auto& f : a.fidelity)
            runs.push_back({"run",
                            "--model",
                            ex + "bars.nir",
                            "--dt",
                            "1e-3",
                            "--input",
                            ex + "bars_events.npy",
                            "--labels",
                            ex + "bars_labels.npy",
                            "--set",
                            "core.n_pe=" + pe,
                            "--set",
                            "noc.router_latency=" + rl,
                            "--set",
                            "core.membrane_banks=" + b,
                            "--set",
                            "noc.fidelity=" + f,
                            "--deterministic",
                            "--threads",
                            "1",
                            "--out"});
    points = runs.size();
    double bare = 0;
    for (auto r : runs) {
      r.push_back((dir / "bare").string());
      bare += timed(spikechip, r, dir / "bare");
    }
    // The machine's own parallelism, as a control: the same bare runs two at a time (two
    // threads each running half of them one after the other, as xargs -P 2 would).
    const auto t0 = std::chrono::steady_clock::now();
    std::string thread_error;
    const auto half = [&](size_t first) {
      try {
        for (size_t i = first; i < runs.size(); i += 2) {
          auto r = runs[i];
          r.push_back((dir / fmt::format("bare{}", first)).string());
          timed(spikechip, r, dir / fmt::format("bare{}", first));
        }
      } catch (const std::exception& e) {
        thread_error = e.what();
      }
    };
    std::thread other(half, 1);
    half(0);
    other.join();
    if (!thread_error.empty()) throw std::runtime_error(thread_error);
    const double bare2 =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // 2. and 3. The sweep, -j 1 and -j 2, each into a fresh folder.
    const auto sweep = [&](const char* jobs) {
      return timed(spikechip,
                   {"sweep", (dir / "spec.yaml").string(), "--out",
                    (dir / fmt::format("j{}", jobs)).string(), "--deterministic", "-j", jobs},
                   dir / fmt::format("sweep-j{}", jobs));
    };
    const double j1 = sweep("1"), j2 = sweep("2");
    const double per_bare = bare / double(points), per_j1 = j1 / double(points);
    fmt::print(
        "sweep bench: {} points of the bundled workload (bars, 1 compile configuration), "
        "{} hardware threads\n"
        "  bare runs from the NIR, one after the other: {:8.2f} s  ({:.1f} ms per point)\n"
        "  spikechip sweep -j 1:                         {:8.2f} s  ({:.1f} ms per point, "
        "{:+.1f} ms per point over a bare run)\n"
        "  spikechip sweep -j 2:                         {:8.2f} s  ({:.2f} of the sum of bare "
        "runs)\n"
        "  control: the bare runs two at a time:         {:8.2f} s  ({:.2f} of the sum: what "
        "this machine gives two processes now)\n",
        points, std::thread::hardware_concurrency(), bare, per_bare * 1e3, j1, per_j1 * 1e3,
        (per_j1 - per_bare) * 1e3, j2, j2 / bare, bare2, bare2 / bare);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sweep bench: {}\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace bench
