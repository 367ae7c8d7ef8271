// spikechip golden --model M [--arch A] [--dt S] --input X [--labels Y] --out DIR
//                  [--compare-float] [--probe LAYER[:NEURONS] ... [--probe-out FILE.csv]]
// Runs the quantised network functionally (no timing): the reference for `run`. With
// --compare-float, also runs the unquantised network (float executor) on the same inputs and
// reports what quantisation costs (report.json "float_compare").
#include <fmt/core.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "cli.h"
#include "compiler/golden.h"
#include "float_compare.h"
#include "inputs.h"
#include "isa/error.h"
#include "model_options.h"
#include "output_dir.h"
#include "parallel_run.h"
#include "probe.h"
#include "progress.h"
#include "report.h"
#include "report_stats.h"
#include "simmodel/run_shards.h"
#include "workloads/frames.h"

namespace {

namespace po = boost::program_options;

int run_golden(const std::vector<std::string>& args) {
  po::options_description opts("spikechip golden --model M --input X --out DIR [options]");
  cli::ModelOptions m;
  cli::InputOptions in;
  cli::ProbeOptions probe_opts;
  std::string model, out;
  bool deterministic = false, compare_float = false, quiet = false, per_step = false;
  std::optional<uint32_t> threads;
  opts.add_options()("help,h", "show this help")(
      "model", po::value<std::string>(&model)->required(), "NIR model (.nir)")(
      "out", po::value<std::string>(&out)->required(), "output folder")(
      "deterministic", po::bool_switch(&deterministic),
      "leave wall-clock figures out of the report (byte-identical reruns)")(
      "quiet,q", po::bool_switch(&quiet), "no progress line on a terminal")(
      "threads,j", po::value<uint32_t>()->notifier([&](uint32_t n) { threads = n; }),
      "threads, each running a shard of the samples with an executor of its own (default: the "
      "machine's cores; 1 with --compare-float); the report is the same for any number")(
      "stats-per-step", po::bool_switch(&per_step),
      "also write steps.csv: every step of every sample (counters, spikes and synaptic events "
      "per layer)")(
      "compare-float", po::bool_switch(&compare_float),
      "also run the unquantised network in double precision and report spike agreement and "
      "accuracy difference (report.json float_compare)");
  cli::add_model_options(opts, m);
  cli::add_input_options(opts, in);
  cli::add_probe_options(opts, probe_opts);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return cli::kExitOk;
  }
  po::notify(vm);
  cli::finish_model_options(m);
  m.compile.keep_float_net = compare_float;
  cli::ModelAndWorkload mw = cli::load_model_and_workload(model, m, in);
  const cli::LoadedModel& lm = mw.model;
  if (!lm.from_nir)
    throw isa::InputError(
        fmt::format("{}: golden needs the NIR model (it runs the quantised network, which a .scb "
                    "does not hold)",
                    model));
  const auto& net = lm.compiled.net;
  const std::vector<sim::Probe> probes = cli::parse_probes(
      probe_opts, lm.image, uint64_t{mw.workload.frames.samples} * mw.workload.frames.timesteps);
  const cli::Workload& wl = mw.workload;
  const workloads::Frames& frames = wl.frames;
  const std::vector<int64_t>& labels = wl.labels;
  const auto& inputs = wl.inputs;
  cli::OutputDir dir(out);
  // --compare-float: the float network runs beside, sample by sample, in one thread.
  const uint32_t workers =
      compare_float ? 1 : cli::worker_count(threads, std::max(frames.samples, 1u));
  std::unique_ptr<cli::FloatComparison> cmp;
  if (compare_float)
    cmp = std::make_unique<cli::FloatComparison>(lm.compiled.float_net, lm.arch.config.semantics);
  std::chrono::steady_clock::duration float_wall{};
  cli::Progress progress("golden", "samples", frames.samples, quiet);
  std::vector<std::atomic<uint64_t>> done(workers), events(workers);

  // What one worker thread produces for its samples (consecutive), joined in sample order.
  struct Shard {
    std::vector<int64_t> predicted;
    std::string spikes_csv, probe_rows;
    compiler::ExecStats stats;
    std::vector<std::vector<compiler::ExecStats>> step_stats;  // --stats-per-step
    double setup_seconds = 0;
  };
  std::vector<Shard> shards(workers);
  const auto run_shard = [&](uint32_t w) {
    Shard& out = shards[w];
    const sim::SampleRange range = sim::shard_range(frames.samples, w, workers);
    // Building the executor (weight preparation) is timed apart from the simulate phase, as
    // `run` leaves elaboration out of its wall_seconds: the ratio compares like with like.
    const auto setup0 = std::chrono::steady_clock::now();
    compiler::GoldenExecutor exec(net, lm.arch.config.semantics,
                                  compiler::precision_of(lm.arch.config));
    out.setup_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - setup0).count();
    cli::ProbeCsv probe_csv(probes, lm.image);
    std::vector<isa::NeuronState> probed;
    std::vector<std::vector<isa::LayerSpikes>> sample_spikes;
    compiler::ExecStats before = exec.stats();
    for (uint32_t s = range.begin; s < range.end; ++s) {
      sample_spikes.clear();
      if (per_step) out.step_stats.emplace_back();
      auto observer = [&](uint32_t sample, uint32_t step,
                          const std::vector<isa::LayerSpikes>& layers) {
        for (size_t l = 0; l < layers.size(); ++l) {
          if (!net.layers[l].is_output) continue;
          for (size_t k = 0; k < layers[l].index.size(); ++k)
            out.spikes_csv += fmt::format("{},{},{},{},{}\n", sample, step, net.layers[l].name,
                                          layers[l].index[k], layers[l].payload[k]);
        }
        if (cmp) sample_spikes.push_back(layers);
        if (per_step) {
          out.step_stats.back().push_back(cli::exec_stats_delta(exec.stats(), before));
          before = exec.stats();
        }
        for (size_t k = 0; k < probes.size(); ++k) {  // state after this step's update
          const std::vector<isa::NeuronState>& st = exec.state(probes[k].layer);
          probed.clear();
          for (uint32_t j : probes[k].neurons) probed.push_back(st[j]);
          probe_csv.add(sample, step, k, probed);
        }
        return true;
      };
      out.predicted.push_back(exec.run_sample(s, inputs[s], observer).predicted);
      done[w].store(s + 1 - range.begin, std::memory_order_relaxed);
      events[w].store(exec.stats().total_synaptic_events(), std::memory_order_relaxed);
      if (workers == 1) progress.update(s + 1, exec.stats().total_synaptic_events());
      if (cmp) {  // not part of the golden run's wall time
        const auto f0 = std::chrono::steady_clock::now();
        cmp->run_sample(frames, s, sample_spikes);
        float_wall += std::chrono::steady_clock::now() - f0;
      }
    }
    out.stats = exec.stats();
    const std::string& text = probe_csv.text();  // rows after the header line
    out.probe_rows = text.substr(std::min(text.size(), text.find('\n') + 1));
  };
  const auto t0 = std::chrono::steady_clock::now();
  if (workers == 1) {
    run_shard(0);
  } else {
    std::vector<std::exception_ptr> errors(workers);
    std::vector<std::thread> pool;
    for (uint32_t w = 0; w < workers; ++w)
      pool.emplace_back([&, w] {
        try {
          run_shard(w);
        } catch (...) {
          errors[w] = std::current_exception();
        }
      });
    for (bool running = true; running;) {  // progress from this thread while they work
      uint64_t n = 0, e = 0;
      for (uint32_t w = 0; w < workers; ++w) n += done[w], e += events[w];
      progress.update(n, e);
      running = n < frames.samples;
      for (const auto& err : errors) running = running && !err;
      if (running) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (auto& t : pool) t.join();
    for (const auto& err : errors)
      if (err) std::rethrow_exception(err);
  }
  double setup = 0;
  for (const Shard& sh : shards) setup = std::max(setup, sh.setup_seconds);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0 - float_wall).count() -
      setup;
  std::vector<int64_t> predicted;
  std::string spikes_csv = "sample,step,layer,neuron,payload\n";
  std::string probe_text = cli::ProbeCsv(probes, lm.image).text();
  compiler::ExecStats stats = shards[0].stats;
  std::vector<std::vector<compiler::ExecStats>> step_stats;  // [sample][step]
  for (uint32_t w = 0; w < workers; ++w) {
    predicted.insert(predicted.end(), shards[w].predicted.begin(), shards[w].predicted.end());
    spikes_csv += shards[w].spikes_csv;
    probe_text += shards[w].probe_rows;
    if (w > 0) stats += shards[w].stats;
    for (auto& x : shards[w].step_stats) step_stats.push_back(std::move(x));
  }
  cli::Json j = cli::report_header("golden", lm, in.input, frames.samples, frames.timesteps);
  if (!labels.empty()) j["accuracy"] = cli::accuracy(predicted, labels);
  j["layers"] = cli::layer_counts(lm.image, stats, frames.samples, frames.timesteps);
  j["sparsity"] = cli::sparsity(lm.image, stats, frames.samples, frames.timesteps);
  j["quantisation"] = cli::quantisation(lm);
  j["weight_layouts"] = cli::weight_layouts(lm);
  if (cmp) j["float_compare"] = cmp->report(predicted, labels);
  const uint64_t syn = stats.total_synaptic_events();
  j["sim"] = {{"wall_seconds", deterministic ? 0.0 : wall},
              {"setup_seconds", deterministic ? 0.0 : setup},
              {"synaptic_events", syn},
              {"events_per_second", deterministic || wall <= 0 ? 0.0 : double(syn) / wall}};
  cli::StatsContext sc{lm, frames.samples, frames.timesteps, std::nullopt,
                       deterministic ? 0.0 : wall};
  if (!labels.empty()) sc.accuracy = cli::accuracy(predicted, labels);
  const cli::StatRegistry reg = cli::golden_stats(sc, stats, step_stats);
  cli::attach_stats(j, reg);
  dir.write("report.json", cli::dump(j));
  cli::write_stats_files(dir, reg);
  dir.write("predictions.csv", cli::predictions_csv(predicted, labels));
  dir.write("output_spikes.csv", spikes_csv);
  dir.write("arch.yaml", lm.arch.canonical_yaml);
  if (!probes.empty()) dir.write(probe_opts.out, probe_text);
  dir.commit();
  return cli::kExitOk;
}

const bool registered = cli::register_verb(
    {"golden", "run the quantised network functionally (the reference, no timing)", &run_golden});

}  // namespace
