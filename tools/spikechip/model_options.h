// Options shared by the verbs that take a model (compile, golden, run): the chip, the time
// step, the conventions (or a framework profile) and the compile choices, and loading a model
// from NIR (compiling it) or from a .scb.
#pragma once
#include <boost/program_options.hpp>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arch/loader.h"
#include "compiler/compile.h"
#include "compiler/input_fixed_point.h"

namespace cli {

struct ModelOptions {
  std::string arch;               // file or preset; "" = embedded default
  std::vector<std::string> sets;  // --set key=value
  std::string profile;            // --profile: a framework's conventions ("" = none)
  // Explicit conventions override the profile's (unset: the profile's, else the defaults).
  std::optional<double> dt;
  std::optional<std::string> discretisation, reset, compare;
  std::optional<uint32_t> input_frac_bits;
  std::string conv_mode = "dense";
  bool fit = false;  // grow the mesh to the smallest that holds the network
  // With a .scb model: the canonical arch YAML the image was compiled for (its FNV-1a hash is
  // the image's arch hash). The image then runs on any chip that equals it in every key the
  // compiler reads (compiler/compile_key.h); without it the chip must be the very same.
  std::string compiled_for;
  compiler::CompileOptions compile;
};

void add_model_options(boost::program_options::options_description& opts, ModelOptions& m);
// Resolves the profile and the explicit options into m.compile (throws isa::InputError on a bad
// value).
void finish_model_options(ModelOptions& m);

struct LoadedModel {
  arch::ResolvedArch arch;
  std::string path;
  bool from_nir = false;
  std::string profile;               // the profile it was compiled with ("" = none)
  compiler::CompileOptions options;  // the conventions it was compiled with (from_nir)
  std::string fitted;                // --fit: what was chosen, in words ("" = nothing changed)
  compiler::CompileResult compiled;  // when from_nir (code.image moved out to `image`)
  isa::ProgramImage image;           // the compiled image, or the loaded .scb
  // The input fixed point and its error on the workload (set by load_workload for a .scb).
  std::optional<compiler::InputQuantReport> input_quant;
};

// The workload's values for the compiler to choose the input fixed point from, given the
// model's input shape (empty: the compile sees no inputs).
using InputValues = std::function<std::span<const float>(const std::vector<uint32_t>& shape)>;

LoadedModel load_model(const std::string& path, const ModelOptions& m,
                       const InputValues& input_values = {});

// The conventions a model ran with, for reports ("conventions") and `compile`'s summary.
std::string describe_conventions(const LoadedModel& lm);

}  // namespace cli
