// spikechip run --model M(.nir|.scb) [--arch A] [--set k=v ...] [--dt S] --input X
//               [--labels Y] [--timesteps T] --out DIR [--check-golden]
//               [--probe LAYER[:NEURONS] ... [--probe-out FILE.csv]]
//               [--perfetto FILE.json] [--vcd FILE.vcd] [--trace-steps A:B]
//               [--trace-samples LIST] [--trace-cores LIST]
#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "inputs.h"
#include "isa/error.h"
#include "model_options.h"
#include "output_dir.h"
#include "parallel_run.h"
#include "probe.h"
#include "progress.h"
#include "realtime.h"
#include "report.h"
#include "report_sim.h"
#include "report_stats.h"
#include "run_options.h"
#include "simmodel/timeline.h"

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
  const bool &check_golden = a.check_golden, &deterministic = a.deterministic, &quiet = a.quiet,
             &per_step = a.per_step;
  const std::optional<uint32_t>& threads = a.threads;
  // Timelines (docs/simulator.md): run's own options, not a sweep's.
  std::string perfetto, vcd, trace_steps, trace_samples, trace_cores;
  opts.add_options()(
      "perfetto", po::value<std::string>(&perfetto),
      "write the timeline as Chrome trace-event JSON (ui.perfetto.dev, chrome://tracing)")(
      "vcd", po::value<std::string>(&vcd),
      "write the timeline as a VCD (GTKWave): per-core state, queue depth, router ports, "
      "spikes per layer; 1 ns = 1 cycle")("trace-steps", po::value<std::string>(&trace_steps),
                                          "trace steps A:B only (A to B-1; A:, :B, or one step A)")(
      "trace-samples", po::value<std::string>(&trace_samples),
      "trace these samples only (e.g. 0,3,5-7)")(
      "trace-cores", po::value<std::string>(&trace_cores),
      "trace these cores only (index y * mesh_x + x, e.g. 0-3,8)");
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
  const std::vector<sim::Probe> probes = cli::parse_probes(
      probe_opts, image, uint64_t{mw.workload.frames.samples} * mw.workload.frames.timesteps);
  const cli::Workload& wl = mw.workload;
  const workloads::Frames& frames = wl.frames;
  const std::vector<int64_t>& labels = wl.labels;
  const auto& inputs = wl.inputs;
  const bool tracing = !perfetto.empty() || !vcd.empty();
  if (!tracing && !(trace_steps.empty() && trace_samples.empty() && trace_cores.empty()))
    throw isa::InputError(
        "--trace-steps, --trace-samples and --trace-cores bound a trace: "
        "give --perfetto FILE or --vcd FILE too");
  sim::TraceBounds bounds;
  if (!trace_steps.empty()) {
    sim::parse_trace_steps(trace_steps, "--trace-steps", bounds);
    if (bounds.step_begin >= frames.timesteps)
      throw isa::InputError(fmt::format("--trace-steps {}: the run has {} steps (0..{})",
                                        trace_steps, frames.timesteps, frames.timesteps - 1));
  }
  if (!trace_samples.empty()) {
    bounds.samples = sim::parse_index_list(trace_samples, "--trace-samples");
    if (bounds.samples.back() >= frames.samples)
      throw isa::InputError(fmt::format("--trace-samples {}: the run has {} samples (0..{})",
                                        trace_samples, frames.samples, frames.samples - 1));
  }
  if (!trace_cores.empty()) {
    bounds.cores = sim::parse_index_list(trace_cores, "--trace-cores");
    const uint32_t n = image.mesh_x * image.mesh_y;
    if (bounds.cores.back() >= n)
      throw isa::InputError(fmt::format("--trace-cores {}: the {}x{} mesh has cores 0..{}",
                                        trace_cores, image.mesh_x, image.mesh_y, n - 1));
  }
  cli::OutputDir dir(out);
  for (const std::string& f : {perfetto, vcd}) {  // before the run, not after it
    const std::filesystem::path folder =
        std::filesystem::path(f).has_parent_path() ? std::filesystem::path(f).parent_path() : ".";
    if (!f.empty() && !std::filesystem::is_directory(folder))
      throw isa::InputError(fmt::format(
          "{}: cannot write the trace there: folder {} does not exist", f, folder.string()));
  }

  const cli::Json layouts = cli::weight_layouts(lm);  // read from the IR, released next
  if (!check_golden)
    lm.compiled.net = compiler::Network{};  // the simulator runs the image; the IR's mantissas
                                            // would stay beside its weights for nothing
  sim::RunOptions ro;
  ro.timesteps = frames.timesteps;
  ro.probes = probes;
  ro.per_step_stats = per_step;
  // The timeline is recorded in this process: a traced run runs its samples in one process
  // (the trace's memory is not carried back from forked workers). Its results are the same as
  // with any --threads.
  std::optional<sim::Timeline> timeline;
  if (tracing) {
    timeline.emplace(image, lm.arch.config, bounds);
    ro.trace = &*timeline;
    if (threads.value_or(1) > 1)
      fmt::print(stderr,
                 "spikechip run: tracing runs the samples in one process (--threads {} "
                 "ignored)\n",
                 *threads);
  }
  cli::Progress progress("run", "samples", frames.samples, quiet);
  const cli::ParallelRun run =
      cli::run_samples(image, lm.arch.config, inputs, ro, check_golden ? &lm.compiled.net : nullptr,
                       tracing ? 1 : cli::worker_count(threads, frames.samples), progress);
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
  j["energy"] = cli::sim_energy(image, lm.arch.config, r);
  const compiler::ExecStats stats = cli::exec_stats_of(image, r, inputs);
  j["layers"] = cli::layer_counts(image, stats, frames.samples, frames.timesteps);
  j["sparsity"] = cli::sparsity(image, stats, frames.samples, frames.timesteps);
  j["quantisation"] = cli::quantisation(lm);
  j["weight_layouts"] = layouts;
  if (check_golden) j["golden_check"] = {{"passed", true}, {"steps_checked", run.steps_checked}};
  j["sim"] = {
      {"wall_seconds", deterministic ? 0.0 : r.wall_seconds},
      {"synaptic_events", r.synaptic_events},
      {"events_per_second",
       deterministic || r.wall_seconds <= 0 ? 0.0 : double(r.synaptic_events) / r.wall_seconds}};
  cli::StatsContext sc{lm, frames.samples, frames.timesteps, std::nullopt,
                       deterministic ? 0.0 : r.wall_seconds};
  if (!labels.empty()) sc.accuracy = cli::accuracy(predicted, labels);
  cli::StatRegistry reg = cli::run_stats(sc, r, inputs);
  if (const auto rt = cli::real_time(in, image, r, lm.arch.config.clock_hz))
    cli::add_real_time(reg, *rt);
  cli::attach_stats(j, reg);
  if (timeline) {
    const auto list = [](const std::vector<uint32_t>& v) {
      return v.empty() ? cli::Json("all") : cli::Json(v);
    };
    cli::Json t;
    uint64_t first = UINT64_MAX, last = 0;
    for (const auto& s : timeline->steps()) {
      first = std::min(first, s.begin);
      last = std::max(last, s.end);
    }
    t["steps"] = {bounds.step_begin, std::min<uint32_t>(bounds.step_end, frames.timesteps)};
    t["samples"] = list(bounds.samples);
    t["cores"] = list(bounds.cores);
    t["steps_traced"] = timeline->steps().size();
    t["cycles"] = timeline->steps().empty() ? cli::Json::array() : cli::Json{first, last};
    t["events"] = timeline->events();
    cli::Json files = cli::Json::object();
    if (!perfetto.empty()) {
      const std::string text = timeline->perfetto_json();
      dir.write_file(perfetto, text);
      files["perfetto"] = {{"path", perfetto}, {"bytes", text.size()}};
    }
    if (!vcd.empty()) {
      const std::string text = timeline->vcd();
      dir.write_file(vcd, text);
      files["vcd"] = {{"path", vcd}, {"bytes", text.size()}};
    }
    t["files"] = files;
    j["trace"] = t;
  }
  dir.write("report.json", cli::dump(j));
  cli::write_stats_files(dir, reg);
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
