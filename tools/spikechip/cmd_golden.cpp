// spikechip golden --model M [--arch A] [--dt S] --input X [--labels Y] --out DIR
//                  [--compare-float] [--probe LAYER[:NEURONS] ... [--probe-out FILE.csv]]
// Runs the quantised network functionally (no timing): the reference for `run`. With
// --compare-float, also runs the unquantised network (float executor) on the same inputs and
// reports what quantisation costs (report.json "float_compare").
#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <memory>

#include "cli.h"
#include "compiler/golden.h"
#include "float_compare.h"
#include "inputs.h"
#include "isa/error.h"
#include "model_options.h"
#include "output_dir.h"
#include "probe.h"
#include "progress.h"
#include "report.h"
#include "report_stats.h"
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
  opts.add_options()("help,h", "show this help")(
      "model", po::value<std::string>(&model)->required(), "NIR model (.nir)")(
      "out", po::value<std::string>(&out)->required(), "output folder")(
      "deterministic", po::bool_switch(&deterministic),
      "leave wall-clock figures out of the report (byte-identical reruns)")(
      "quiet,q", po::bool_switch(&quiet), "no progress line on a terminal")(
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
  const std::vector<sim::Probe> probes = cli::parse_probes(probe_opts, lm.image);
  cli::ProbeCsv probe_csv(probes, lm.image);
  std::vector<isa::NeuronState> probed;
  const cli::Workload& wl = mw.workload;
  const workloads::Frames& frames = wl.frames;
  const std::vector<int64_t>& labels = wl.labels;
  const auto& inputs = wl.inputs;
  cli::OutputDir dir(out);
  // Building the executor (weight preparation) is timed apart from the simulate phase, as
  // `run` leaves elaboration out of its wall_seconds: the ratio compares like with like.
  const auto setup0 = std::chrono::steady_clock::now();
  compiler::GoldenExecutor exec(net, lm.arch.config.semantics,
                                compiler::precision_of(lm.arch.config));
  const auto t0 = std::chrono::steady_clock::now();
  const double setup = std::chrono::duration<double>(t0 - setup0).count();
  std::vector<int64_t> predicted;
  std::string spikes_csv = "sample,step,layer,neuron,payload\n";
  // --compare-float: the quantised run's spikes of the current sample, per step, for the
  // float run to be compared against.
  std::unique_ptr<cli::FloatComparison> cmp;
  if (compare_float)
    cmp = std::make_unique<cli::FloatComparison>(lm.compiled.float_net, lm.arch.config.semantics);
  std::vector<std::vector<isa::LayerSpikes>> sample_spikes;
  std::chrono::steady_clock::duration float_wall{};
  cli::Progress progress("golden", "samples", frames.samples, quiet);
  std::vector<std::vector<compiler::ExecStats>> step_stats;  // --stats-per-step
  compiler::ExecStats before = exec.stats();
  for (uint32_t s = 0; s < frames.samples; ++s) {
    sample_spikes.clear();
    if (per_step) step_stats.emplace_back();
    auto observer = [&](uint32_t sample, uint32_t step,
                        const std::vector<isa::LayerSpikes>& layers) {
      for (size_t l = 0; l < layers.size(); ++l) {
        if (!net.layers[l].is_output) continue;
        for (size_t k = 0; k < layers[l].index.size(); ++k)
          spikes_csv += fmt::format("{},{},{},{},{}\n", sample, step, net.layers[l].name,
                                    layers[l].index[k], layers[l].payload[k]);
      }
      if (cmp) sample_spikes.push_back(layers);
      if (per_step) {
        step_stats.back().push_back(cli::exec_stats_delta(exec.stats(), before));
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
    predicted.push_back(exec.run_sample(s, inputs[s], observer).predicted);
    progress.update(s + 1, exec.stats().total_synaptic_events());
    if (cmp) {  // not part of the golden run's wall time
      const auto f0 = std::chrono::steady_clock::now();
      cmp->run_sample(frames, s, sample_spikes);
      float_wall += std::chrono::steady_clock::now() - f0;
    }
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0 - float_wall).count();
  cli::Json j = cli::report_header("golden", lm, in.input, frames.samples, frames.timesteps);
  if (!labels.empty()) j["accuracy"] = cli::accuracy(predicted, labels);
  j["layers"] = cli::layer_counts(lm.image, exec.stats(), frames.samples, frames.timesteps);
  j["sparsity"] = cli::sparsity(lm.image, exec.stats(), frames.samples, frames.timesteps);
  j["quantisation"] = cli::quantisation(lm);
  if (cmp) j["float_compare"] = cmp->report(predicted, labels);
  const uint64_t syn = exec.stats().total_synaptic_events();
  j["sim"] = {{"wall_seconds", deterministic ? 0.0 : wall},
              {"setup_seconds", deterministic ? 0.0 : setup},
              {"synaptic_events", syn},
              {"events_per_second", deterministic || wall <= 0 ? 0.0 : double(syn) / wall}};
  cli::StatsContext sc{lm, frames.samples, frames.timesteps, std::nullopt,
                       deterministic ? 0.0 : wall};
  if (!labels.empty()) sc.accuracy = cli::accuracy(predicted, labels);
  const cli::StatRegistry reg = cli::golden_stats(sc, exec.stats(), step_stats);
  cli::attach_stats(j, reg);
  dir.write("report.json", cli::dump(j));
  cli::write_stats_files(dir, reg);
  dir.write("predictions.csv", cli::predictions_csv(predicted, labels));
  dir.write("output_spikes.csv", spikes_csv);
  dir.write("arch.yaml", lm.arch.canonical_yaml);
  if (!probes.empty()) dir.write(probe_opts.out, probe_csv.text());
  dir.commit();
  return cli::kExitOk;
}

const bool registered = cli::register_verb(
    {"golden", "run the quantised network functionally (the reference, no timing)", &run_golden});

}  // namespace
