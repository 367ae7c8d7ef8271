// Real time for event sensors: when run's input is an event recording binned by time, whether
// the chip keeps up with the sensor (duty cycle = chip time of a step / sensor time of its bin,
// mean and worst) and the sensor-to-decision latency of every input event, from its timestamp
// to the end of the step whose output first reflects it (p50, p99, max). docs/reports.md.
#pragma once
#include <optional>

#include "inputs.h"
#include "simmodel/run.h"
#include "stats_registry.h"

namespace cli {

struct RealTime {
  double bin_seconds = 0;
  uint64_t steps = 0, events = 0;  // steps run; input events that fell in them
  double duty_mean = 0, duty_worst = 0;
  uint32_t worst_sample = 0, worst_step = 0;
  double worst_step_seconds = 0;
  uint32_t decision_delay_steps = 0;  // steps from an input's step to the output reflecting it
  double latency_p50 = 0, latency_p99 = 0, latency_max = 0;  // seconds
};

// Nothing when the input is not an event recording binned by time windows.
std::optional<RealTime> real_time(const InputOptions& in, const isa::ProgramImage& image,
                                  const sim::RunResult& r, double clock_hz);

// realtime.* statistics into the registry (report.json "real_time").
void add_real_time(StatRegistry& reg, const RealTime& rt);

}  // namespace cli
