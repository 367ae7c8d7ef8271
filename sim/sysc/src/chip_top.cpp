#include "simsysc/chip_top.h"

#include <string>

namespace sim {

using sc_core::SC_NS;
using sc_core::SC_ZERO_TIME;

uint64_t ChipTop::now() {
  return static_cast<uint64_t>(sc_core::sc_time_stamp().value() /
                               sc_core::sc_time(1, SC_NS).value());
}

void ChipTop::wait_until(uint64_t cycle) {
  const uint64_t t = now();
  if (cycle > t) sc_core::wait(sc_core::sc_time(static_cast<double>(cycle - t), SC_NS));
}

ChipTop::ChipTop(sc_core::sc_module_name name, ChipModel& chip, RunRecorder& recorder,
                 const std::vector<std::vector<isa::SpikeFrame>>& inputs, const RunOptions& options,
                 uint32_t phases_per_step)
    : sc_module(name),
      chip_(chip),
      recorder_(recorder),
      inputs_(inputs),
      options_(options),
      phases_per_step_(phases_per_step) {
  for (size_t k = 0; k < chip.core_count(); ++k)
    cores_.push_back(std::make_unique<CoreModule>(
        ("core_" + std::to_string(chip.cores()[k].endpoint())).c_str(), *this, k));
  noc_ = std::make_unique<NocModule>("noc", *this);
  host_ = std::make_unique<HostModule>("host", *this);
  barrier_ = std::make_unique<BarrierModule>("barrier", *this);
}

void ChipTop::fail(std::exception_ptr e) {
  if (!error_) error_ = e;
  sc_core::sc_stop();
}

void ChipTop::source_posted() {
  if (++posted_ == cores_.size() + 1) all_posted_.notify(SC_ZERO_TIME);
}
void ChipTop::core_arrived() {
  ++arrived_;
  check_complete();
}
void ChipTop::noc_drained() {
  drained_ = true;
  check_complete();
}
void ChipTop::check_complete() {
  if (drained_ && arrived_ == cores_.size()) phase_complete_.notify(SC_ZERO_TIME);
}

CoreModule::CoreModule(sc_core::sc_module_name name, ChipTop& top, size_t slot)
    : sc_module(name), top_(top), slot_(slot) {
  SC_THREAD(run);
}

void CoreModule::run() {
  try {
    for (;;) {
      sc_core::wait(top_.phase_start_);
      const uint64_t bar = top_.chip_.run_core(slot_);
      top_.source_posted();
      ChipTop::wait_until(bar);
      top_.core_arrived();
    }
  } catch (...) {
    top_.fail(std::current_exception());
  }
}

NocModule::NocModule(sc_core::sc_module_name name, ChipTop& top) : sc_module(name), top_(top) {
  SC_THREAD(run);
}

void NocModule::run() {
  try {
    for (;;) {
      sc_core::wait(top_.all_posted_);
      const uint64_t done = top_.chip_.route();
      ChipTop::wait_until(done);
      top_.noc_drained();
    }
  } catch (...) {
    top_.fail(std::current_exception());
  }
}

HostModule::HostModule(sc_core::sc_module_name name, ChipTop& top) : sc_module(name), top_(top) {
  SC_THREAD(run);
}

void HostModule::run() {
  try {
    for (;;) {
      sc_core::wait(top_.phase_start_);
      if (top_.phase_ == 0)
        top_.chip_.inject_input(frame_at(top_.inputs_, top_.sample_, top_.step_));
      top_.source_posted();
    }
  } catch (...) {
    top_.fail(std::current_exception());
  }
}

BarrierModule::BarrierModule(sc_core::sc_module_name name, ChipTop& top)
    : sc_module(name), top_(top) {
  SC_THREAD(run);
}

void BarrierModule::run() {
  try {
    ChipModel& chip = top_.chip_;
    RunRecorder& rec = top_.recorder_;
    const uint32_t T = top_.options_.timesteps;
    bool go_on = true;
    for (uint32_t s = 0; s < top_.inputs_.size() && go_on; ++s) {
      chip.begin_sample(T);
      rec.begin_sample(s, ChipTop::now());
      for (uint32_t t = 0; t < T && go_on; ++t) {
        rec.begin_step(s, t, ChipTop::now(), chip);
        for (uint32_t ph = 0; ph < top_.phases_per_step_; ++ph) {
          // The cores and the host start the phase; the host queues the input (phase 0).
          chip.begin_phase(ChipTop::now(), t, ph, nullptr, rec.wants_spikes());
          top_.sample_ = s;
          top_.step_ = t;
          top_.phase_ = ph;
          top_.posted_ = top_.arrived_ = 0;
          top_.drained_ = false;
          top_.phase_start_.notify(SC_ZERO_TIME);
          sc_core::wait(top_.phase_complete_);
          const uint64_t release = chip.completion() + chip.barrier_cycles();
          ChipTop::wait_until(release);
          chip.release(release);
        }
        go_on = rec.end_step(s, t, ChipTop::now(), chip);
      }
      if (!go_on) {
        rec.end_sample(ChipTop::now(), chip);
        break;
      }
      const uint64_t end = chip.finish_sample(ChipTop::now());
      ChipTop::wait_until(end);
      rec.end_sample(end, chip);
    }
    // Returning leaves every other process waiting for an event no one notifies: sc_start()
    // returns (no sc_stop, whose report would print on stdout).
  } catch (...) {
    top_.fail(std::current_exception());
  }
}

}  // namespace sim
