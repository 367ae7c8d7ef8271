// Workload inputs for golden/run: any file the workloads library reads, as frames shaped for
// the model's input layer, then quantised to the host's spike frames.
#pragma once
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "isa/program.h"
#include "model_options.h"
#include "workloads/binning.h"
#include "workloads/frames.h"

namespace cli {

struct InputOptions {
  std::string input, labels;
  uint32_t timesteps = 0;  // 0 = as many as the input has (--timesteps: 1 .. kMaxTimesteps)
  // Event recordings: how events become timesteps (docs/workloads.md).
  workloads::BinningOptions binning;
  std::string bin_mode = "time";
  std::string sensor;  // "WxH"
};

// `required`: --input must be given (golden, run); compile takes it to choose the input fixed
// point from it.
void add_input_options(boost::program_options::options_description& opts, InputOptions& in,
                       bool required = true);

// Frames for an input layer of shape `frame_shape` (throws InputError naming both shapes).
workloads::Frames load_input(const InputOptions& in, const std::vector<uint32_t>& frame_shape);

// [sample][step] spike frames, quantised for the image's input fixed point and precision.
std::vector<std::vector<isa::SpikeFrame>> to_spike_frames(const workloads::Frames& frames,
                                                          uint32_t frac_bits, uint32_t input_bits);

// A workload as golden and run consume it: frames for the image's input layer, labels (checked
// against the sample count; empty without --labels) and the host's quantised spike frames.
struct Workload {
  workloads::Frames frames;
  std::vector<int64_t> labels;
  std::vector<std::vector<isa::SpikeFrame>> inputs;  // [sample][step]
};
// `preloaded`: the frames the compiler already read to choose the input fixed point. Sets
// lm.input_quant when the compile did not measure it (a .scb), and warns when the inputs lose
// more than 1 % of their range to the fixed point.
Workload load_workload(const InputOptions& in, LoadedModel& lm,
                       std::optional<workloads::Frames> preloaded = std::nullopt);

// load_model for golden and run: the workload's frames are read once, when the compiler asks
// for them (to choose the input fixed point), and handed on to load_workload.
struct ModelAndWorkload {
  LoadedModel model;
  Workload workload;
};
ModelAndWorkload load_model_and_workload(const std::string& path, const ModelOptions& m,
                                         const InputOptions& in);

}  // namespace cli
