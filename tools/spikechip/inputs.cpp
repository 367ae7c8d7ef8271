#include "inputs.h"

#include <fmt/core.h>

#include "compiler/golden.h"
#include "isa/error.h"

namespace cli {

namespace po = boost::program_options;

void add_input_options(po::options_description& opts, InputOptions& in) {
  opts.add_options()("input", po::value<std::string>(&in.input)->required(),
                     "input: NPY tensor [T, *shape] or [N, T, *shape]")(
      "labels", po::value<std::string>(&in.labels), "NPY [N] integer class labels (adds accuracy)")(
      "timesteps", po::value<uint32_t>(&in.timesteps),
      "steps to run (default: all the input has; more steps than the input are fed zeros)");
}

workloads::Frames load_input(const InputOptions& in, const std::vector<uint32_t>& frame_shape) {
  workloads::Frames f = workloads::load_tensor_input(in.input, frame_shape);
  if (in.timesteps && in.timesteps != f.timesteps) {
    workloads::Frames g = workloads::Frames::zeros(f.samples, in.timesteps, f.frame_shape);
    const uint32_t copy = std::min(f.timesteps, in.timesteps);
    for (uint32_t s = 0; s < f.samples; ++s)
      for (uint32_t t = 0; t < copy; ++t) {
        auto src = f.frame(s, t);
        std::copy(src.begin(), src.end(), g.frame(s, t).begin());
      }
    f = std::move(g);
  }
  return f;
}

std::vector<std::vector<isa::SpikeFrame>> to_spike_frames(const workloads::Frames& frames,
                                                          uint32_t frac_bits, uint32_t input_bits) {
  std::vector<std::vector<isa::SpikeFrame>> out(frames.samples);
  for (uint32_t s = 0; s < frames.samples; ++s) {
    out[s].reserve(frames.timesteps);
    for (uint32_t t = 0; t < frames.timesteps; ++t) {
      try {
        out[s].push_back(compiler::quantise_frame(frames.frame(s, t), frac_bits, input_bits));
      } catch (const isa::InputError& e) {
        throw isa::InputError(fmt::format("input sample {}, step {}: {}", s, t, e.what()));
      }
    }
  }
  return out;
}

}  // namespace cli
