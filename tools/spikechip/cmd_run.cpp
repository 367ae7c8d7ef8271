// spikechip run --model M(.nir|.scb) [--arch A] [--set k=v ...] [--dt S] --input X
//               [--labels Y] [--timesteps T] --out DIR [--check-golden]
//               [--probe LAYER[:NEURONS] ... [--probe-out FILE.csv]]
#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "cli.h"
#include "inputs.h"
#include "isa/error.h"
#include "model_options.h"
#include "output_dir.h"
#include "parallel_run.h"
#include "probe.h"
#include "progress.h"
#include "report.h"
#include "report_sim.h"
#include "run_options.h"

namespace {

namespace po = boost::program_options;

int run_run(const std::vector<std::string>& args) {
  po::options_description opts("spikechip run --model M --input X --out DIR [options]");
  cli::RunArgs a;
  cli::add_run_options(opts, a);
  cli::ModelOptions& m = a.m;
  cli::InputOptions& in = a.in;
  cli::ProbeOptions& probe_opts = a.probe;
  const std::string &model = a.model, &out = a.out;
  const bool &check_golden = a.check_golden, &deterministic = a.deterministic, &quiet = a.quiet;
  const std::optional<uint32_t>& threads = a.threads;
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return cli::kExitOk;
  }
  po::notify(vm);
  cli::finish_model_options(m);
  cli::ModelAndWorkload mw = cli::load_model_and_workload(model, m, in);
  cli::LoadedModel& lm = mw.model;
  if (check_golden && !lm.from_nir)
    throw isa::InputError(fmt::format(
        "{}: --check-golden needs the NIR model (the golden executor runs the quantised network)",
        model));
  const auto& image = lm.image;
  const std::vector<sim::Probe> probes = cli::parse_probes(probe_opts, image);
  const cli::Workload& wl = mw.workload;
  const workloads::Frames& frames = wl.frames;
  const std::vector<int64_t>& labels = wl.labels;
  const auto& inputs = wl.inputs;
  cli::OutputDir dir(out);

  if (!check_golden)
    lm.compiled.net = compiler::Network{};  // the simulator runs the image; the IR's mantissas
                                            // would stay beside its weights for nothing
  sim::RunOptions ro;
  ro.timesteps = frames.timesteps;
  ro.probes = probes;
  cli::Progress progress("run", "samples", frames.samples, quiet);
  const cli::ParallelRun run =
      cli::run_samples(image, lm.arch.config, inputs, ro, check_golden ? &lm.compiled.net : nullptr,
                       cli::worker_count(threads, frames.samples), progress);
  if (run.divergence) {
    fmt::print(stderr, "spikechip run: {}\n", *run.divergence);
    return cli::kExitMismatch;  // nothing written: the output folder is not committed
  }
  const sim::RunResult& r = run.result;

  std::vector<int64_t> predicted;
  for (const auto& s : r.samples) predicted.push_back(s.predicted);
  cli::Json j = cli::report_header("run", lm, in.input, frames.samples, frames.timesteps);
  if (!labels.empty()) j["accuracy"] = cli::accuracy(predicted, labels);
  j["latency"] = cli::sim_latency(image, r, lm.arch.config.clock_hz);
  j["energy"] = cli::sim_energy(image, r);
  const compiler::ExecStats stats = cli::exec_stats_of(image, r, inputs);
  j["layers"] = cli::layer_counts(image, stats, frames.samples, frames.timesteps);
  j["sparsity"] = cli::sparsity(image, stats, frames.samples, frames.timesteps);
  j["quantisation"] = cli::quantisation(lm);
  if (check_golden) j["golden_check"] = {{"passed", true}, {"steps_checked", run.steps_checked}};
  j["sim"] = {
      {"wall_seconds", deterministic ? 0.0 : r.wall_seconds},
      {"synaptic_events", r.synaptic_events},
      {"events_per_second",
       deterministic || r.wall_seconds <= 0 ? 0.0 : double(r.synaptic_events) / r.wall_seconds}};
  dir.write("report.json", cli::dump(j));
  dir.write("predictions.csv", cli::predictions_csv(predicted, labels));
  dir.write("arch.yaml", lm.arch.canonical_yaml);
  if (!probes.empty()) {
    cli::ProbeCsv csv(probes, image);
    for (uint32_t s = 0; s < r.samples.size(); ++s)  // rows by sample, step, then probe
      for (uint32_t t = 0; t < r.probes[0].values[s].size(); ++t)
        for (size_t k = 0; k < r.probes.size(); ++k) csv.add(s, t, k, r.probes[k].values[s][t]);
    dir.write(probe_opts.out, csv.text());
  }
  dir.commit();
  fmt::print(
      stderr,
      "{}: {} samples x {} steps on {} ({}x{} mesh): {} cycles ({:.4g} s), {:.4g} uJ, {} "
      "synaptic events{}{}\nreport: {}/report.json\n",
      model, frames.samples, frames.timesteps, lm.arch.config.name, lm.arch.config.mesh.x,
      lm.arch.config.mesh.y, r.total_cycles, r.seconds, r.energy.total_pj * 1e-6, r.synaptic_events,
      labels.empty() ? "" : fmt::format(", accuracy {:.3f}", cli::accuracy(predicted, labels)),
      check_golden ? fmt::format(", golden check passed ({} steps)", run.steps_checked) : "", out);
  return cli::kExitOk;
}

const bool registered = cli::register_verb(
    {"run", "simulate a model on the chip, cycle by cycle; latency, energy and sparsity report",
     &run_run});

}  // namespace
