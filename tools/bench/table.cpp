#include "table.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "suites.h"

namespace bench {
namespace {

constexpr double MiB = 1024.0 * 1024.0;

double per_second(double count, double seconds) {
  return seconds > 0 ? count / seconds : 0;
}

// "8x4" from the row's --set mesh.x / mesh.y (the default chip is 4x4, loihi 8x16).
std::string mesh_of(const Workload& w) {
  std::string x = w.arch == "loihi" ? "8" : "4", y = w.arch == "loihi" ? "16" : "4";
  for (const auto& s : w.sets) {
    if (s.rfind("mesh.x=", 0) == 0) x = s.substr(7);
    if (s.rfind("mesh.y=", 0) == 0) y = s.substr(7);
  }
  return x + "x" + y;
}

std::string si(double v) {
  if (v >= 1e9) return fmt::format("{:.2f}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

void print(const std::vector<std::string>& head,
           const std::vector<std::vector<std::string>>& body) {
  std::vector<size_t> width(head.size());
  for (size_t c = 0; c < head.size(); ++c) {
    width[c] = head[c].size();
    for (const auto& r : body) width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& r) {
    std::string s;
    for (size_t c = 0; c < r.size(); ++c)
      s += c == 0 ? fmt::format("{:<{}}", r[c], width[c]) : fmt::format("  {:>{}}", r[c], width[c]);
    fmt::print("{}\n", s);
  };
  line(head);
  for (const auto& r : body) line(r);
}

}  // namespace

void print_tables(const std::vector<Row>& rows) {
  std::vector<std::vector<std::string>> speed, sanafe, trained;
  for (const auto& r : rows) {
    const auto& w = r.workload;
    const auto& m = r.m;
    if (!r.error.empty()) {
      fmt::print("{}: FAILED: {}\n", w.name, r.error);
      continue;
    }
    if (w.suite == "trained") {
      trained.push_back(
          {w.name, fmt::format("{}x{}", w.samples, w.timesteps),
           w.conv_mode.empty() ? "-" : w.conv_mode, fmt::format("{:.3f}", m.run_sim_s),
           fmt::format("{:.3f}", m.golden_sim_s),
           fmt::format("{:.2f}", m.golden_sim_s > 0 ? m.run_sim_s / m.golden_sim_s : 0),
           fmt::format("{:.2f}", m.run_total_s), fmt::format("{:.2f}", m.golden_total_s),
           si(m.synaptic_events), si(per_second(m.synaptic_events, m.run_sim_s)),
           si(per_second(m.synaptic_events, m.golden_sim_s)),
           m.accuracy >= 0 ? fmt::format("{:.4f}", m.accuracy) : "-",
           fmt::format("{:.0f}", m.run_rss_bytes / MiB),
           fmt::format("{:.0f}", m.golden_rss_bytes / MiB)});
    } else if (w.suite == "speed") {
      speed.push_back(
          {w.name, si(double(w.neurons)), si(double(w.synapses)), mesh_of(w),
           fmt::format("{:.3f}", m.run_sim_s), fmt::format("{:.3f}", m.golden_sim_s),
           fmt::format("{:.2f}", m.golden_sim_s > 0 ? m.run_sim_s / m.golden_sim_s : 0),
           fmt::format("{:.2f}", m.run_total_s), fmt::format("{:.2f}", m.golden_total_s),
           si(m.synaptic_events), si(m.cycles), si(per_second(m.synaptic_events, m.run_sim_s)),
           si(per_second(m.synaptic_events, m.golden_sim_s)), si(per_second(m.cycles, m.run_sim_s)),
           fmt::format("{:.0f}", m.run_rss_bytes / MiB),
           fmt::format("{:.0f}", m.golden_rss_bytes / MiB)});
    } else {
      const auto ref = sanafe_figures(w.name);
      const double whole_eps = per_second(m.synaptic_events, m.run_total_s);
      const double ref_whole_eps = ref ? ref->synaptic_events / ref->whole_run_seconds : 0;
      sanafe.push_back(
          {w.name, si(double(w.synapses)), fmt::format("{:.2f}", m.run_total_s),
           fmt::format("{:.3f}", m.run_sim_s), si(m.synaptic_events), si(whole_eps),
           si(per_second(m.synaptic_events, m.run_sim_s)),
           fmt::format("{:.0f}", m.run_rss_bytes / MiB),
           fmt::format("{:.1f}", m.run_rss_bytes / double(std::max<int64_t>(w.synapses, 1))),
           ref ? fmt::format("{:.1f}", ref->whole_run_seconds) : "-", ref ? si(ref_whole_eps) : "-",
           ref ? si(ref->synaptic_events / ref->simulate_seconds) : "-",
           ref ? fmt::format("{:.0f}", ref->peak_rss_bytes / MiB) : "-",
           ref ? fmt::format("{:.1f}x", whole_eps / ref_whole_eps) : "-"});
    }
  }
  if (!speed.empty()) {
    fmt::print("\nspeed suite (medians; ratio = run_sim / golden_sim; ev/s over the sim phase)\n");
    print({"workload", "neurons", "synapses", "mesh", "run_sim_s", "gold_sim_s", "ratio", "run_s",
           "gold_s", "syn_events", "cycles", "run_ev/s", "gold_ev/s", "cycles/s", "run_MiB",
           "gold_MiB"},
          speed);
  }
  if (!trained.empty()) {
    fmt::print(
        "\ntrained suite (workloads/trained/ as trained, every sample, --threads 1; medians; ratio "
        "= run_sim / golden_sim; ev/s over the sim phase)\n");
    print({"workload", "samples", "conv", "run_sim_s", "gold_sim_s", "ratio", "run_s", "gold_s",
           "syn_events", "run_ev/s", "gold_ev/s", "accuracy", "run_MiB", "gold_MiB"},
          trained);
  }
  if (!sanafe.empty()) {
    fmt::print(
        "\nsanafe suite (spikechip run, pipelined, --dt 1; SANA-FE 8951ab0 from issue 11)\n");
    print({"workload", "synapses", "whole_s", "sim_s", "syn_events", "whole_ev/s", "sim_ev/s",
           "RSS_MiB", "B/syn", "sfe_whole_s", "sfe_whole_ev/s", "sfe_sim_ev/s", "sfe_MiB",
           "whole_speedup"},
          sanafe);
  }
}

void write_csv(const std::vector<Row>& rows, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << "suite,workload,kind,neurons,synapses,mesh,input_rate,timesteps,semantics,repeats,"
           "run_total_s,run_sim_s,golden_total_s,golden_sim_s,ratio_sim,ratio_total,"
           "synaptic_events,cycles,run_sim_events_per_s,run_total_events_per_s,"
           "golden_sim_events_per_s,cycles_per_s,run_peak_rss_bytes,golden_peak_rss_bytes,"
           "run_rss_bytes_per_synapse,sanafe_whole_s,sanafe_sim_s,sanafe_events,"
           "sanafe_peak_rss_bytes,note,error,samples,threads,accuracy\n";
    for (const auto& r : rows) {
      const auto& w = r.workload;
      const auto& m = r.m;
      const char* kind = w.kind == Kind::fc          ? "fc"
                         : w.kind == Kind::recurrent ? "recurrent"
                         : w.kind == Kind::conv ? (w.conv_mode == "sparse" ? "sparse_conv" : "conv")
                         : w.kind == Kind::trained ? "trained"
                                                   : "file";
      const auto ref = sanafe_figures(w.name);
      out << fmt::format(
          "{},{},{},{},{},{},{},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{:.4f},{:.4f},{:.0f},{:.0f},"
          "{:.0f},{:.0f},{:.0f},{:.0f},{:.0f},{:.0f},{:.2f},{},{},{},{},\"{}\",\"{}\",{},{},{}\n",
          w.suite, w.name, kind, w.neurons, w.synapses, mesh_of(w), w.input_rate, w.timesteps,
          w.semantics, m.repeats, m.run_total_s, m.run_sim_s, m.golden_total_s, m.golden_sim_s,
          m.golden_sim_s > 0 ? m.run_sim_s / m.golden_sim_s : 0,
          m.golden_total_s > 0 ? m.run_total_s / m.golden_total_s : 0, m.synaptic_events, m.cycles,
          per_second(m.synaptic_events, m.run_sim_s), per_second(m.synaptic_events, m.run_total_s),
          per_second(m.synaptic_events, m.golden_sim_s), per_second(m.cycles, m.run_sim_s),
          m.run_rss_bytes, m.golden_rss_bytes,
          m.run_rss_bytes / double(std::max<int64_t>(w.synapses, 1)),
          ref ? fmt::format("{}", ref->whole_run_seconds) : "",
          ref ? fmt::format("{}", ref->simulate_seconds) : "",
          ref ? fmt::format("{:.0f}", ref->synaptic_events) : "",
          ref ? fmt::format("{:.0f}", ref->peak_rss_bytes) : "", w.note, r.error, w.samples,
          w.threads, m.accuracy >= 0 ? fmt::format("{:.4f}", m.accuracy) : "");
    }
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace bench
