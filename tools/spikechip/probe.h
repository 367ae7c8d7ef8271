// --probe LAYER[:NEURONS] --probe-out FILE.csv (run and golden): the membrane state of chosen
// neurons after every step, in hardware units, as CSV `sample,step,layer,neuron,v,u`. Row
// (sample, step) holds the state after that step's update and reset, the convention of the
// published traces (a spike step shows the reset value). `u` is filled for current-based layers
// (UPD.CUBA / UPD.CULI) and left empty for the others.
#pragma once
#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "isa/arith.h"
#include "isa/program.h"
#include "simmodel/run.h"

namespace cli {

struct ProbeOptions {
  std::vector<std::string> specs;  // LAYER[:NEURONS], NEURONS as 0 | 0-9 | 3,5,7 (mixable)
  std::string out = "probe.csv";   // a file name inside the output folder
};

void add_probe_options(boost::program_options::options_description& opts, ProbeOptions& p);

// Resolves the specs against the image's layers (by name, as in report.json); the neuron list
// of each result is explicit (all of the layer when the spec names none). Checks --probe-out.
// Throws isa::InputError naming the spec and what was expected, or when the CSV for
// `sample_steps` (samples x steps) rows per neuron would pass the memory budget.
std::vector<sim::Probe> parse_probes(const ProbeOptions& p, const isa::ProgramImage& image,
                                     uint64_t sample_steps);

class ProbeCsv {
 public:
  ProbeCsv(const std::vector<sim::Probe>& probes, const isa::ProgramImage& image);
  // The state of probe `k`'s neurons (in its order) after `step` of `sample`.
  void add(uint32_t sample, uint32_t step, size_t k, const std::vector<isa::NeuronState>& values);
  const std::string& text() const { return text_; }

 private:
  const std::vector<sim::Probe>& probes_;
  std::vector<std::string> names_;
  std::vector<bool> has_u_;  // per probe
  std::string text_;
};

}  // namespace cli
