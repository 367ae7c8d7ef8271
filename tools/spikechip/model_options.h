// Options shared by the verbs that take a model (compile, golden, run): the chip, the time
// step and the compile choices, and loading a model from NIR (compiling it) or from a .scb.
#pragma once
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "arch/loader.h"
#include "compiler/compile.h"

namespace cli {

struct ModelOptions {
  std::string arch;               // file or preset; "" = embedded default
  std::vector<std::string> sets;  // --set key=value
  // With a .scb model: the canonical arch YAML the image was compiled for (its FNV-1a hash is
  // the image's arch hash). The image then runs on any chip that equals it in every key the
  // compiler reads (compiler/compile_key.h); without it the chip must be the very same.
  std::string compiled_for;
  std::string discretisation = "euler", reset = "value", compare = "gt", conv_mode = "dense";
  compiler::CompileOptions compile;
};

void add_model_options(boost::program_options::options_description& opts, ModelOptions& m);
// Parses the string options into m.compile (throws isa::InputError on a bad value).
void finish_model_options(ModelOptions& m);

struct LoadedModel {
  arch::ResolvedArch arch;
  std::string path;
  bool from_nir = false;
  compiler::CompileResult compiled;  // when from_nir (code.image moved out to `image`)
  isa::ProgramImage image;           // the compiled image, or the loaded .scb
};

LoadedModel load_model(const std::string& path, const ModelOptions& m);

}  // namespace cli
