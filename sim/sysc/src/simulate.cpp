#include "simsysc/simulate.h"

#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include "simsysc/chip_top.h"

// libsystemc's main() refers to sc_main; programs using sim::simulate have their own main, so
// this one is never called. It lives here so that linking simulate() always provides it.
int sc_main(int, char*[]) {
  return 1;
}

namespace sim {

RunResult simulate(const isa::ProgramImage& image, const arch::ArchConfig& arch,
                   const std::vector<std::vector<isa::SpikeFrame>>& inputs,
                   const RunOptions& options, const StepObserver& observer) {
  static bool elaborated = false;
  if (elaborated)
    throw std::logic_error(
        "sim::simulate: SystemC elaborates once per process; simulate() "
        "was already called");
  elaborated = true;
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
  // Reports of severity info (e.g. "simulation stopped") would go to stdout, which carries
  // the CLI's output.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  ChipModel chip(image, arch);  // validates the image before elaboration
  RunRecorder recorder(image, arch, options, observer);
  ChipTop top("chip", chip, recorder, inputs, options, image.phases_per_step);
  const auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (top.error()) std::rethrow_exception(top.error());
  return recorder.finish(chip, wall);
}

}  // namespace sim
