#include "measure.h"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "child.h"

namespace fs = std::filesystem;

namespace bench {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct OneRun {
  ChildResult child;
  nlohmann::json report;
};

OneRun run_verb(const std::string& verb, const Workload& w, const std::string& spikechip,
                const fs::path& out) {
  fs::remove_all(out);
  std::vector<std::string> args{verb,         "--model", w.model_path, "--input",
                                w.input_path, "--out",   out.string()};
  if (w.kind == Kind::trained) {  // as trained: its own options, layer_sequential, labels
    args.insert(args.end(), {"--labels", w.labels_path});
    args.insert(args.end(), w.options.begin(), w.options.end());
  } else {
    args.insert(args.end(), {"--dt", "1", "--set", "semantics=" + w.semantics});
    if (w.kind != Kind::file) args.insert(args.end(), {"--timesteps", std::to_string(w.timesteps)});
    if (!w.arch.empty()) args.insert(args.end(), {"--arch", w.arch});
    if (!w.conv_mode.empty()) args.insert(args.end(), {"--conv-mode", w.conv_mode});
  }
  if (w.threads > 0) args.insert(args.end(), {"--threads", std::to_string(w.threads)});
  for (const auto& s : w.sets) args.insert(args.end(), {"--set", s});
  OneRun r;
  r.child = run_child(spikechip, args, out.string() + "-" + verb);
  if (r.child.exit_code != 0)
    throw std::runtime_error(fmt::format("{}: spikechip {} exited {}:\n{}", w.name, verb,
                                         r.child.exit_code, tail_of(r.child.stderr_path)));
  std::ifstream in(out / "report.json");
  r.report = nlohmann::json::parse(in);
  return r;
}

}  // namespace

Measurement measure(const Workload& w, const std::string& spikechip, const std::string& work_dir,
                    int repeat) {
  const fs::path out = fs::path(work_dir) / "out";
  std::vector<double> run_total, run_sim, golden_total, golden_sim;
  Measurement m;
  m.repeats = repeat;
  for (int i = 0; i < repeat; ++i) {
    // Alternating run and golden, so both see the same machine load.
    const auto run = run_verb("run", w, spikechip, out);
    const auto golden = run_verb("golden", w, spikechip, out);
    run_total.push_back(run.child.wall_seconds);
    golden_total.push_back(golden.child.wall_seconds);
    run_sim.push_back(run.report.at("sim").at("wall_seconds").get<double>());
    golden_sim.push_back(golden.report.at("sim").at("wall_seconds").get<double>());
    m.run_rss_bytes = std::max(m.run_rss_bytes, run.child.peak_rss_bytes);
    m.golden_rss_bytes = std::max(m.golden_rss_bytes, golden.child.peak_rss_bytes);
    m.synaptic_events = run.report.at("sim").at("synaptic_events").get<double>();
    m.cycles = run.report.at("latency").at("total_cycles").get<double>();
    if (run.report.contains("accuracy") && run.report.at("accuracy").is_number())
      m.accuracy = run.report.at("accuracy").get<double>();
    const double g_events = golden.report.at("sim").at("synaptic_events").get<double>();
    if (g_events != m.synaptic_events)
      throw std::runtime_error(fmt::format("{}: run counts {} synaptic events, golden {}", w.name,
                                           m.synaptic_events, g_events));
  }
  m.run_total_s = median(run_total);
  m.run_sim_s = median(run_sim);
  m.golden_total_s = median(golden_total);
  m.golden_sim_s = median(golden_sim);
  fs::remove_all(out);
  return m;
}

}  // namespace bench
