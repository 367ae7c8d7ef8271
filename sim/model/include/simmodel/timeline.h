// A run's timeline (DESIGN.md §14): a TraceSink that keeps the events of the traced steps,
// samples and cores in memory, and renders them as Chrome trace-event JSON (ui.perfetto.dev,
// chrome://tracing) and as a VCD (GTKWave). One recording, two renderings: both files show the
// same events. Track layout and value codes: docs/simulator.md, "Timelines".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arch/config.h"
#include "isa/program.h"
#include "simmodel/trace.h"

namespace sim {

// What is traced. Steps are the half-open range [step_begin, step_end); empty lists mean all.
struct TraceBounds {
  uint32_t step_begin = 0, step_end = UINT32_MAX;
  std::vector<uint32_t> samples;  // ascending
  std::vector<uint32_t> cores;    // ascending core indices (y * mesh_x + x)
  bool has_step(uint32_t t) const { return t >= step_begin && t < step_end; }
  bool has_sample(uint32_t s) const;
  bool has_core(uint32_t c) const;
};

// "A:B" (steps A..B-1), "A:" (A to the end), ":B", or "A" (that step alone). Throws
// isa::InputError naming `option` for anything else.
void parse_trace_steps(const std::string& text, const std::string& option, TraceBounds& b);
// "0,3,5-7": ascending, without duplicates. Throws isa::InputError naming `option`.
std::vector<uint32_t> parse_index_list(const std::string& text, const std::string& option);

// Codes of the VCD's per-core wires (docs/simulator.md).
enum class CtrlState : uint8_t { idle = 0, run = 1, update = 2, send = 3, barrier_wait = 4 };
enum class PipeState : uint8_t { idle = 0, spike = 1, site = 2, psum = 3 };

class Timeline final : public TraceSink {
 public:
  Timeline(const isa::ProgramImage& image, const arch::ArchConfig& arch, TraceBounds bounds);

  bool wants_step(uint32_t sample, uint32_t step) const override {
    return bounds_.has_step(step) && bounds_.has_sample(sample);
  }
  bool wants_core(uint32_t core) const override { return bounds_.has_core(core); }
  void step(uint32_t sample, uint32_t step, uint64_t begin, uint64_t end) override;
  void phase(uint32_t step, uint32_t phase, uint64_t start, uint64_t release) override;
  void controller_run(uint32_t core, uint64_t begin, uint64_t end) override;
  void controller_busy(uint32_t core, TraceBusy kind, uint32_t layer, uint64_t begin, uint64_t end,
                       uint64_t count) override;
  void barrier_wait(uint32_t core, uint64_t begin, uint64_t end) override;
  void integration(uint32_t core, const TraceIntegration& t) override;
  void delivery(uint32_t source, uint32_t dest, uint32_t layer, TracePacket kind, uint64_t inject,
                uint64_t arrival, uint64_t contention, uint64_t service_start) override;
  void port_busy(uint32_t router, uint32_t port, uint64_t begin, uint64_t end) override;

  // What was recorded (the tests read these).
  struct CtrlSlice {
    uint32_t core;
    CtrlState kind;  // run, update, send or barrier_wait
    uint32_t layer;  // update, send; UINT32_MAX otherwise
    uint64_t begin, end, count;
  };
  struct Integration {
    uint32_t core;
    TraceIntegration t;
  };
  struct Delivery {
    uint32_t source, dest, layer;  // endpoints: the host is mesh_x * mesh_y
    TracePacket kind;
    uint64_t inject, arrival, contention, service_start;
  };
  struct PortBusy {
    uint32_t router, port;
    uint64_t begin, end;
  };
  struct Phase {
    uint32_t sample, step, phase;
    uint64_t start, release;
  };
  struct Step {
    uint32_t sample, step;
    uint64_t begin, end;
  };
  const std::vector<CtrlSlice>& ctrl() const { return ctrl_; }
  const std::vector<Integration>& integrations() const { return integ_; }
  const std::vector<Delivery>& deliveries() const { return deliveries_; }
  const std::vector<PortBusy>& ports() const { return ports_; }
  const std::vector<Phase>& phases() const { return phases_; }
  const std::vector<Step>& steps() const { return steps_; }
  const TraceBounds& bounds() const { return bounds_; }
  uint32_t host() const { return n_cores_; }
  // Events recorded (slices, packets, port reservations, phases and steps).
  uint64_t events() const;
  // The traced cores that have a program, ascending.
  std::vector<uint32_t> traced_cores() const;

  std::string perfetto_json() const;
  std::string vcd() const;

 private:
  TraceBounds bounds_;
  uint32_t mesh_x_, n_cores_;
  double cycles_per_us_;
  std::vector<std::string> layer_names_;
  std::vector<std::vector<uint32_t>> core_layers_;  // [core]: layers of its segments
  std::vector<uint8_t> has_program_;                // [core]
  uint64_t host_latency_;

  std::vector<CtrlSlice> ctrl_;
  std::vector<Integration> integ_;
  std::vector<Delivery> deliveries_;
  std::vector<PortBusy> ports_;
  std::vector<Phase> phases_;
  std::vector<Step> steps_;
};

}  // namespace sim
