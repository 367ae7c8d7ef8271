// The chip as SystemC modules that own time and ports only; the behaviour is sim::ChipModel
// (plain C++). One kernel activation per core, one for the NoC and one for the barrier per
// phase (DESIGN.md §7): a core's controller runs its whole phase ahead in C++ and the kernel
// only meets it where its result is seen by another block (its packets, its BAR arrival).
//
//   BarrierModule  sequences samples, steps and phases; opens the barrier at completion +
//                  barrier_cycles
//   HostModule     the host interface: queues each step's input at phase 0
//   CoreModule     per core: at phase start, runs the controller to BAR (time-stamped packets),
//                  then waits until its BAR cycle and reports arrival
//   NocModule      once every core and the host have posted their packets: routes them (reservation
//   or flit)
//                  into the cores' input pipelines, then waits until the last is integrated
// Time: one SystemC nanosecond is one clock cycle.
#pragma once
#include <systemc>

#include <exception>
#include <memory>
#include <vector>

#include "simmodel/chip_model.h"
#include "simmodel/run.h"

namespace sim {

class ChipTop;

class CoreModule : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(CoreModule);
  CoreModule(sc_core::sc_module_name name, ChipTop& top, size_t slot);

 private:
  void run();
  ChipTop& top_;
  size_t slot_;
};

class NocModule : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(NocModule);
  NocModule(sc_core::sc_module_name name, ChipTop& top);

 private:
  void run();
  ChipTop& top_;
};

// The host interface at router (0, 0): queues each step's input frame at phase 0.
class HostModule : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(HostModule);
  HostModule(sc_core::sc_module_name name, ChipTop& top);

 private:
  void run();
  ChipTop& top_;
};

class BarrierModule : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(BarrierModule);
  BarrierModule(sc_core::sc_module_name name, ChipTop& top);

 private:
  void run();
  ChipTop& top_;
};

class ChipTop : public sc_core::sc_module {
 public:
  ChipTop(sc_core::sc_module_name name, ChipModel& chip, RunRecorder& recorder,
          const std::vector<std::vector<isa::SpikeFrame>>& inputs, const RunOptions& options,
          uint32_t phases_per_step);

  // The current cycle (SystemC time in ns).
  static uint64_t now();
  static void wait_until(uint64_t cycle);
  // An exception thrown inside a process: stops the kernel; simulate() rethrows it.
  void fail(std::exception_ptr e);
  std::exception_ptr error() const { return error_; }

 private:
  friend class CoreModule;
  friend class NocModule;
  friend class BarrierModule;
  friend class HostModule;
  void source_posted();  // a core (run to BAR) or the host has queued its packets
  void core_arrived();   // a core's BAR cycle has come
  void noc_drained();    // every packet of the phase is integrated
  void check_complete();

  ChipModel& chip_;
  RunRecorder& recorder_;
  const std::vector<std::vector<isa::SpikeFrame>>& inputs_;
  RunOptions options_;
  uint32_t phases_per_step_;
  sc_core::sc_event phase_start_, all_posted_, phase_complete_;
  size_t posted_ = 0, arrived_ = 0;
  uint32_t sample_ = 0, step_ = 0, phase_ = 0;  // the phase being run
  bool drained_ = false;
  std::exception_ptr error_;
  std::vector<std::unique_ptr<CoreModule>> cores_;
  std::unique_ptr<NocModule> noc_;
  std::unique_ptr<HostModule> host_;
  std::unique_ptr<BarrierModule> barrier_;
};

}  // namespace sim
