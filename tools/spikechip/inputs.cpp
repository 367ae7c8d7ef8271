#include "inputs.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>

#include "compiler/golden.h"
#include "compiler/input_fixed_point.h"
#include "input_file.h"
#include "isa/error.h"

namespace cli {

namespace po = boost::program_options;

void add_input_options(po::options_description& opts, InputOptions& in, bool required) {
  // clang-format off
  opts.add_options()
      ("input", required ? po::value<std::string>(&in.input)->required() : po::value<std::string>(&in.input), "input: NPY tensor [T, *shape] or [N, T, *shape], or an event recording (AEDAT 2/3/4, EVT 2/3, DAT, N-MNIST .bin, CSV t,x,y,p, NPY events, SHD/SSC HDF5)")
      ("labels", po::value<std::string>(&in.labels), "NPY [N] integer class labels (adds accuracy)")
      ("timesteps", po::value<int64_t>()->notifier([&in](int64_t t) {
         constexpr int64_t kMaxTimesteps = 1 << 20;
         if (t < 1 || t > kMaxTimesteps)
           throw isa::InputError(fmt::format("--timesteps {}: expected 1 to {}", t, kMaxTimesteps));
         in.timesteps = static_cast<uint32_t>(t);
       }), "steps to run (default: all the input has; more steps than the input are fed zeros)")
      ("bin", po::value<std::string>(&in.bin_mode), "events: 'time' windows (default) or 'count' of events per step")
      ("bin-us", po::value<int64_t>(&in.binning.window_us), "events: microseconds per step (time binning; default 1000)")
      ("bin-events", po::value<uint64_t>(&in.binning.events_per_step), "events: events per step (count binning)")
      ("merge-polarity", po::bool_switch(&in.binning.merge_polarity), "events: one channel for both polarities")
      ("downsample", po::value<uint32_t>(&in.binning.downsample), "events: integer spatial down-sampling factor")
      ("sensor", po::value<std::string>(&in.sensor), "events: sensor size WxH when the file does not say")
      ("binarize", po::bool_switch(&in.binning.binarize), "events: a pixel spikes once per step however many events it had");
  // clang-format on
}

workloads::Frames load_input(const InputOptions& in, const std::vector<uint32_t>& frame_shape) {
  require_regular_file(in.input, "--input");
  if (!in.labels.empty()) require_regular_file(in.labels, "--labels");
  workloads::BinningOptions b = in.binning;
  if (in.bin_mode == "count") {
    b.mode = workloads::BinningOptions::Mode::kEventCount;
  } else if (in.bin_mode != "time") {
    throw isa::InputError(fmt::format("--bin {}: expected time or count", in.bin_mode));
  }
  // What the binning would refuse deep inside, said here with the option's name.
  if (b.downsample == 0) throw isa::InputError("--downsample 0: expected 1 or more");
  if (b.window_us <= 0)
    throw isa::InputError(fmt::format("--bin-us {}: expected 1 or more", b.window_us));
  if (b.mode == workloads::BinningOptions::Mode::kEventCount && b.events_per_step == 0)
    throw isa::InputError("--bin count needs --bin-events N (events per step, 1 or more)");
  if (!in.sensor.empty()) {
    unsigned w = 0, h = 0;
    char x = 0;
    if (std::sscanf(in.sensor.c_str(), "%u%c%u", &w, &x, &h) != 3 || x != 'x' || !w || !h)
      throw isa::InputError(
          fmt::format("--sensor {}: expected WIDTHxHEIGHT, e.g. 34x34", in.sensor));
    b.sensor_width = w, b.sensor_height = h;
  }
  workloads::Frames f = workloads::load_input_frames(in.input, frame_shape, b);
  if (f.samples == 0 || (f.timesteps == 0 && !in.timesteps))
    throw isa::InputError(fmt::format(
        "{}: the input holds {} samples of {} steps (expected at least one step of one sample; "
        "an event file with no events in range gives none: --timesteps N feeds N steps)",
        in.input, f.samples, f.timesteps));
  if (in.timesteps && in.timesteps != f.timesteps) {
    workloads::check_frames_memory(fmt::format("{}: --timesteps {}", in.input, in.timesteps),
                                   f.samples, in.timesteps, f.frame_size());
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

Workload load_workload(const InputOptions& in, LoadedModel& lm,
                       std::optional<workloads::Frames> preloaded) {
  Workload w;
  const isa::ProgramImage& image = lm.image;
  const uint32_t input_bits = lm.arch.config.core.input_bits;
  if (preloaded && preloaded->frame_shape == image.layers.at(0).shape)
    w.frames = std::move(*preloaded);
  else
    w.frames = load_input(in, image.layers.at(0).shape);
  if (!in.labels.empty()) {
    w.labels = workloads::load_labels(in.labels);
    if (w.labels.size() != w.frames.samples)
      throw isa::InputError(fmt::format("{}: {} labels for {} samples", in.labels, w.labels.size(),
                                        w.frames.samples));
    // A label is the index of the output neuron that should win: one the model has.
    uint32_t classes = 0;
    for (const isa::LayerInfo& l : image.layers)
      if (l.is_output) classes = std::max(classes, l.size);
    for (size_t i = 0; i < w.labels.size(); ++i)
      if (w.labels[i] < 0 || (classes && w.labels[i] >= classes))
        throw isa::InputError(fmt::format(
            "{}: element {}: label {} (expected a class 0 to {}: the model's output has {} "
            "neurons)",
            in.labels, i, w.labels[i], classes ? classes - 1 : 0, classes));
  }
  if (!lm.input_quant) {  // a program image: its fixed point was chosen without these inputs
    lm.input_quant =
        compiler::measure_input_quantisation(w.frames.values, image.input_frac_bits, input_bits);
    lm.input_quant->chosen_by = lm.from_nir ? "option" : "image";
    if (lm.input_quant->relative_error() > compiler::kInputWarnRelativeError)
      fmt::print(stderr,
                 "spikechip: warning: {}: the inputs lose {:.3g} % of their range to the fixed "
                 "point (more than {} %): {}; compile the NIR model with these inputs to have it "
                 "chosen from them\n",
                 in.input, 100 * lm.input_quant->relative_error(),
                 100 * compiler::kInputWarnRelativeError, compiler::describe(*lm.input_quant));
  }
  try {
    w.inputs = to_spike_frames(w.frames, image.input_frac_bits, input_bits);
  } catch (const isa::InputError& e) {
    throw isa::InputError(fmt::format("{}: {}", in.input, e.what()));
  }
  return w;
}

ModelAndWorkload load_model_and_workload(const std::string& path, const ModelOptions& m,
                                         const InputOptions& in) {
  std::optional<workloads::Frames> frames;
  const InputValues values = [&](const std::vector<uint32_t>& shape) {
    frames = load_input(in, shape);
    return std::span<const float>(frames->values);
  };
  ModelAndWorkload r;
  r.model = load_model(path, m, values);
  r.workload = load_workload(in, r.model, std::move(frames));
  return r;
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
