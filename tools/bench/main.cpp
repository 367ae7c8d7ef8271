// bench: the speed suite of issue 8 and the SANA-FE comparison of issue 11 (docs/performance.md).
// Generates seeded networks and inputs, runs `spikechip run` and `spikechip golden` on each as
// child processes, prints the tables and writes CSV.
#include <fmt/core.h>

#include <sys/wait.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "measure.h"
#include "suites.h"
#include "sweep_bench.h"
#include "table.h"
#include "trained_suite.h"
#include "workload.h"

namespace po = boost::program_options;

namespace {

// One line, no double quotes: fit for a CSV field and a table line.
std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r')
      c = ' ';
    else if (c == '"')
      c = '\'';
  return s;
}

// Writes the workload's files in a forked child, then reads back what it wrote (cached). The
// children's peak RSS (wait4) starts from this process's own high-water mark (spawning shares
// or copies its memory before exec), so this process must never hold a large network.
void generate_small(bench::Workload& w, const std::string& dir) {
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    try {
      bench::Workload copy = w;
      bench::generate(copy, dir);
      _exit(0);
    } catch (const std::exception& e) {
      fmt::print(stderr, "{}: cannot generate: {}\n", w.name, e.what());
      _exit(1);
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(w.name + ": generating the network failed");
  bench::generate(w, dir);  // the files exist now: fills paths and counts only
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description opts("bench [options]");
  std::string suite = "all", csv, work, spikechip = SPIKECHIP_BINARY, only;
  int repeat = 3;
  opts.add_options()("help,h", "show this help")(
      "quick", "a small subset (under a minute): one small workload per kind and family")(
      "suite", po::value(&suite)->default_value(suite),
      "speed, sanafe, trained (workloads/trained/ as users run them), all (the three), or sweep "
      "(the sweep driver's overhead, docs/sweeps.md)")(
      "repeat", po::value(&repeat)->default_value(repeat), "runs per workload (medians)")(
      "csv", po::value(&csv), "write every column to this CSV file")(
      "work", po::value(&work),
      "scratch folder for generated networks and inputs (kept, reused; "
      "default <tmp>/spikechip-bench)")("only", po::value(&only),
                                        "run only the workloads whose name contains this")(
      "spikechip", po::value(&spikechip)->default_value(spikechip), "the spikechip binary");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "bench: {}\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if ((suite != "speed" && suite != "sanafe" && suite != "trained" && suite != "all" &&
       suite != "sweep") ||
      repeat < 1) {
    fmt::print(stderr,
               "bench: --suite must be speed, sanafe, trained, all or sweep and --repeat at least "
               "1\n");
    return 2;
  }
  if (work.empty()) work = (std::filesystem::temp_directory_path() / "spikechip-bench").string();
  if (suite == "sweep") return bench::run_sweep_bench(spikechip, work, vm.count("quick") > 0);

  auto workloads = bench::make_suite(suite, vm.count("quick") > 0, SPIKECHIP_SHARED_DATA);
  // The trained networks run whole (every sample): not part of --quick unless asked for.
  if (suite == "trained" || (suite == "all" && !vm.count("quick"))) {
    try {
      for (auto& w : bench::trained_suite(SPIKECHIP_SOURCE_DIR "/workloads/trained"))
        workloads.push_back(std::move(w));
    } catch (const std::exception& e) {
      fmt::print(stderr, "bench: {}\n", e.what());
      return 2;
    }
  }
  std::vector<bench::Row> rows;
  bool failed = false;
  for (auto& w : workloads) {
    if (!only.empty() && w.name.find(only) == std::string::npos) continue;
    bench::Row row;
    try {
      generate_small(w, work);
      row.workload = w;
      if (w.kind == bench::Kind::trained)
        fmt::print(stderr, "{}: {} samples x {} steps ...\n", w.name, w.samples, w.timesteps);
      else
        fmt::print(stderr, "{}: {} neurons, {} synapses ...\n", w.name, w.neurons, w.synapses);
      row.m = bench::measure(w, spikechip, work, repeat);
    } catch (const std::exception& e) {
      row.workload = w;
      row.error = one_line(e.what());
      failed = true;
    }
    rows.push_back(row);
  }
  bench::print_tables(rows);
  if (!csv.empty()) bench::write_csv(rows, csv);
  return failed ? 1 : 0;
}
