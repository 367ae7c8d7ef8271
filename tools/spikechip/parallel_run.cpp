#include "parallel_run.h"

#include <fmt/core.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "compiler/compile.h"
#include "golden_check.h"
#include "isa/error.h"
#include "simmodel/run_shards.h"
#include "simsysc/simulate.h"

namespace cli {

namespace {

// What a worker leaves in its file: a status byte, then the serialised result (ok) or the
// error message.
enum class Status : char { ok = 'o', bad_input = 'b', internal = 'i' };

// Per worker, in memory shared with the parent: samples done and synaptic events (progress).
struct SharedProgress {
  std::atomic<uint64_t> samples{0}, events{0};
};

struct WorkerOutcome {
  sim::RunResult result;
  std::optional<std::string> divergence;
  uint64_t steps_checked = 0;
};

std::string run_worker(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                       const std::vector<std::vector<isa::SpikeFrame>>& inputs,
                       sim::RunOptions options, const compiler::Network* golden,
                       sim::SampleRange range, SharedProgress& progress) {
  const std::vector<std::vector<isa::SpikeFrame>> shard(inputs.begin() + range.begin,
                                                        inputs.begin() + range.end);
  std::optional<GoldenChecker> checker;
  if (golden) checker.emplace(*golden, arch.semantics, compiler::precision_of(arch), inputs);
  sim::StepObserver observer;
  if (checker)  // the checker knows samples by their index in the whole workload
    observer = [&](uint32_t s, uint32_t t, const std::vector<isa::LayerSpikes>& l) {
      return checker->observe(range.begin + s, t, l);
    };
  options.on_sample = [&](uint32_t done, uint64_t events) {
    progress.samples.store(done, std::memory_order_relaxed);
    progress.events.store(events, std::memory_order_relaxed);
  };
  const sim::RunResult r = sim::simulate(image, arch, shard, options, observer);
  std::string out(1, static_cast<char>(Status::ok));
  const uint64_t checked = checker ? checker->steps_checked() : 0;
  out.append(reinterpret_cast<const char*>(&checked), sizeof checked);
  const std::string divergence = checker && checker->divergence() ? *checker->divergence() : "";
  const uint64_t n = divergence.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out += divergence;
  out += sim::serialise(r);
  return out;
}

WorkerOutcome read_outcome(const std::string& bytes, uint32_t worker) {
  if (bytes.empty()) throw std::runtime_error(fmt::format("run worker {} left no result", worker));
  const auto status = static_cast<Status>(bytes[0]);
  if (status == Status::bad_input) throw isa::InputError(bytes.substr(1));
  if (status != Status::ok) throw std::runtime_error(bytes.substr(1));
  WorkerOutcome w;
  size_t at = 1;
  uint64_t n = 0;
  if (bytes.size() < at + 2 * sizeof n) throw std::runtime_error("run worker: truncated result");
  std::memcpy(&w.steps_checked, bytes.data() + at, sizeof n);
  at += sizeof n;
  std::memcpy(&n, bytes.data() + at, sizeof n);
  at += sizeof n;
  if (n > bytes.size() - at) throw std::runtime_error("run worker: truncated result");
  if (n > 0) w.divergence = bytes.substr(at, n);
  at += n;
  w.result = sim::deserialise(std::string_view(bytes).substr(at));
  return w;
}

void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f.flush()) _exit(1);
}

}  // namespace

uint32_t worker_count(std::optional<uint32_t> requested, uint32_t samples) {
  uint32_t n = requested.value_or(std::max(1u, std::thread::hardware_concurrency()));
  if (n == 0) throw isa::InputError("--threads 0: expected at least 1");
  return std::max(1u, std::min(n, samples));
}

ParallelRun run_samples(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                        const std::vector<std::vector<isa::SpikeFrame>>& inputs,
                        const sim::RunOptions& options, const compiler::Network* golden,
                        uint32_t workers, Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto samples = static_cast<uint32_t>(inputs.size());
  if (workers <= 1) {  // in this process, as one run
    ParallelRun p;
    std::optional<GoldenChecker> checker;
    if (golden) checker.emplace(*golden, arch.semantics, compiler::precision_of(arch), inputs);
    sim::StepObserver observer;
    if (checker)
      observer = [&](uint32_t s, uint32_t t, const std::vector<isa::LayerSpikes>& l) {
        return checker->observe(s, t, l);
      };
    sim::RunOptions o = options;
    if (progress.enabled())
      o.on_sample = [&](uint32_t done, uint64_t events) { progress.update(done, events); };
    p.result = sim::simulate(image, arch, inputs, o, observer);
    if (checker) {
      p.divergence = checker->divergence();
      p.steps_checked = checker->steps_checked();
    }
    return p;
  }

  // Progress counters the workers write and the parent reads.
  void* mem = mmap(nullptr, sizeof(SharedProgress) * workers, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw std::runtime_error("run: mmap of the progress counters failed");
  auto* shared = new (mem) SharedProgress[workers];
  std::string dir_template =
      (std::filesystem::temp_directory_path() / "spikechip-run-XXXXXX").string();
  if (!mkdtemp(dir_template.data())) throw std::runtime_error("run: mkdtemp failed");
  const std::filesystem::path dir = dir_template;
  const auto file_of = [&](uint32_t k) { return dir / fmt::format("worker-{}", k); };

  std::fflush(nullptr);  // nothing buffered may be written twice
  std::vector<pid_t> pids;
  for (uint32_t k = 0; k < workers; ++k) {
    const sim::SampleRange range = sim::shard_range(samples, k, workers);
    const pid_t pid = fork();
    if (pid < 0) break;  // the workers started so far are waited for, then this fails below
    if (pid == 0) {      // worker: never returns, never runs the parent's destructors
      std::string bytes;
      int code = 0;
      try {
        bytes = run_worker(image, arch, inputs, options, golden, range, shared[k]);
      } catch (const isa::InputError& e) {
        bytes = std::string(1, static_cast<char>(Status::bad_input)) + e.what();
        code = 2;
      } catch (const std::exception& e) {
        bytes = std::string(1, static_cast<char>(Status::internal)) + e.what();
        code = 1;
      }
      write_file(file_of(k), bytes);
      std::fflush(nullptr);
      _exit(code);
    }
    pids.push_back(pid);
  }
  std::vector<int> status(pids.size(), -1);
  size_t running = pids.size();
  while (running > 0) {
    for (size_t k = 0; k < pids.size(); ++k) {
      if (status[k] != -1) continue;
      int st = 0;
      if (waitpid(pids[k], &st, WNOHANG) == pids[k]) {
        status[k] = st;
        --running;
      }
    }
    uint64_t done = 0, events = 0;
    for (uint32_t k = 0; k < workers; ++k) {
      done += shared[k].samples.load(std::memory_order_relaxed);
      events += shared[k].events.load(std::memory_order_relaxed);
    }
    progress.update(done, events);
    if (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  munmap(mem, sizeof(SharedProgress) * workers);

  std::vector<sim::RunResult> parts;
  ParallelRun p;
  std::exception_ptr error;
  for (uint32_t k = 0; k < workers && !error; ++k) {
    try {
      if (k >= pids.size()) throw std::runtime_error("run: fork of a worker failed");
      if (WIFSIGNALED(status[k]))
        throw std::runtime_error(fmt::format("run worker {} (samples {}..{}) died of signal {}", k,
                                             sim::shard_range(samples, k, workers).begin,
                                             sim::shard_range(samples, k, workers).end - 1,
                                             WTERMSIG(status[k])));
      std::ifstream f(file_of(k), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
      WorkerOutcome w = read_outcome(bytes, k);
      p.steps_checked += w.steps_checked;
      parts.push_back(std::move(w.result));
      if (w.divergence) {  // samples after the first divergence do not count
        p.divergence = w.divergence;
        break;
      }
    } catch (...) {
      error = std::current_exception();
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (error) std::rethrow_exception(error);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  p.result = sim::join_shards(std::move(parts), arch, wall);
  return p;
}

}  // namespace cli
