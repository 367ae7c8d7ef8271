#include "realtime.h"

#include <algorithm>
#include <cmath>

#include "workloads/events.h"

namespace cli {

namespace {
// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * double(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}
}  // namespace

std::optional<RealTime> real_time(const InputOptions& in, const isa::ProgramImage& image,
                                  const sim::RunResult& r, double clock_hz) {
  if (in.bin_mode != "time" || workloads::sniff_event_format(in.input).empty() ||
      in.binning.window_us <= 0 || clock_hz <= 0)
    return std::nullopt;
  RealTime rt;
  const double W = double(in.binning.window_us) * 1e-6;  // seconds per bin
  rt.bin_seconds = W;
  // Layer-sequential chips finish every layer within the step; a pipelined chip moves a spike
  // one layer per step, so the output reflects an input (layers - 2) steps later.
  uint32_t hidden = 0;
  for (const auto& l : image.layers) hidden += !l.is_input;
  rt.decision_delay_steps =
      image.semantics == isa::Semantics::pipelined && hidden > 1 ? hidden - 1 : 0;
  std::vector<double> latencies;
  double duty_sum = 0;
  for (uint32_t s = 0; s < r.samples.size(); ++s) {
    const std::vector<uint64_t>& cycles = r.samples[s].step_cycles;
    if (cycles.empty()) continue;
    workloads::OpenOptions oo;
    oo.sample = s;
    auto reader = workloads::open_events(in.input, oo);
    const std::vector<workloads::Event> events = workloads::read_all(*reader);
    if (events.empty()) continue;
    // The sensor's clock, in seconds from the start of bin 0 (binning's t0: --t-start or the
    // first event).
    const int64_t t0 = in.binning.t_start_us >= 0 ? in.binning.t_start_us : events.front().t_us;
    // Bin k closes at (k + 1) W; the chip starts step k then, or when step k - 1 ends if it
    // is still busy, and ends it step_cycles[k] / clock later.
    std::vector<double> end(cycles.size());
    double prev = 0;
    for (size_t k = 0; k < cycles.size(); ++k) {
      const double d = double(cycles[k]) / clock_hz;
      end[k] = std::max(double(k + 1) * W, prev) + d;
      prev = end[k];
      const double duty = d / W;
      duty_sum += duty;
      ++rt.steps;
      if (duty > rt.duty_worst) {
        rt.duty_worst = duty;
        rt.worst_sample = s;
        rt.worst_step = uint32_t(k);
        rt.worst_step_seconds = d;
      }
    }
    for (const workloads::Event& e : events) {
      if (e.t_us < t0) continue;
      const double t = double(e.t_us - t0) * 1e-6;
      const size_t k = size_t(t / W);
      if (k >= cycles.size()) continue;  // after the last step run
      const size_t decided = std::min(k + rt.decision_delay_steps, cycles.size() - 1);
      latencies.push_back(end[decided] - t);
      ++rt.events;
    }
  }
  rt.duty_mean = rt.steps ? duty_sum / double(rt.steps) : 0;
  std::sort(latencies.begin(), latencies.end());
  rt.latency_p50 = percentile(latencies, 50);
  rt.latency_p99 = percentile(latencies, 99);
  rt.latency_max = latencies.empty() ? 0 : latencies.back();
  return rt;
}

void add_real_time(StatRegistry& reg, const RealTime& rt) {
  reg.scalar("realtime.bin_seconds", "sensor time per timestep (the input's time window)", "s",
             rt.bin_seconds);
  reg.scalar("realtime.duty_cycle_mean", "mean over steps of chip time / sensor time per bin",
             "ratio", rt.duty_mean);
  reg.scalar("realtime.duty_cycle_worst",
             "worst step's chip time / sensor time per bin (above 1: the chip falls behind)",
             "ratio", rt.duty_worst);
  reg.scalar("realtime.worst_step_seconds", "chip time of the worst step", "s",
             rt.worst_step_seconds);
  reg.scalar("realtime.worst_step_sample", "sample of the worst step", "sample", rt.worst_sample);
  reg.scalar("realtime.worst_step", "index of the worst step in its sample", "step", rt.worst_step);
  reg.scalar("realtime.keeps_up", "1 when every step ends within its bin's sensor time", "bool",
             rt.duty_worst <= 1.0 ? 1 : 0);
  reg.scalar("realtime.events", "input events in the steps run", "events", double(rt.events));
  reg.scalar("realtime.decision_delay_steps",
             "steps from an input's step to the step whose output reflects it (pipelined: "
             "layers - 1)",
             "steps", rt.decision_delay_steps);
  reg.scalar("realtime.latency_p50",
             "sensor-to-decision latency per input event, median: from the event's timestamp "
             "to the end of the step whose output first reflects it",
             "s", rt.latency_p50);
  reg.scalar("realtime.latency_p99", "sensor-to-decision latency, 99th percentile", "s",
             rt.latency_p99);
  reg.scalar("realtime.latency_max", "sensor-to-decision latency, worst event", "s",
             rt.latency_max);
}

}  // namespace cli
