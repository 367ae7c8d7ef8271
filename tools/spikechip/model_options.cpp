#include "model_options.h"

#include <fmt/core.h>

#include "isa/error.h"
#include "isa/image.h"

namespace cli {

namespace po = boost::program_options;

void add_model_options(po::options_description& opts, ModelOptions& m) {
  opts.add_options()("arch", po::value<std::string>(&m.arch),
                     "chip: a YAML file or a preset name (default: the embedded default)")(
      "set", po::value<std::vector<std::string>>(&m.sets)->composing(),
      "override an arch key: key.path=value (repeatable)")(
      "dt", po::value<double>(&m.compile.dt),
      "time step in the exporter's time unit (NIR stores none; e.g. 1e-4 for snnTorch, 1 for "
      "Sinabs)")("discretisation", po::value<std::string>(&m.discretisation),
                 "euler (default) or exact")(
      "reset", po::value<std::string>(&m.reset),
      "after a spike: value (to v_reset, default) or subtract")(
      "spike-compare", po::value<std::string>(&m.compare),
      "spike when v > threshold (gt, NIR's rule, default) or v >= threshold (ge)")(
      "conv-mode", po::value<std::string>(&m.conv_mode),
      "dense (vanilla spike conv, default), sparse, or NODE=MODE,...")(
      "input-frac-bits", po::value<uint32_t>(&m.compile.input_frac_bits),
      "graded input fixed point: payload = round(x * 2^bits)");
}

void finish_model_options(ModelOptions& m) {
  auto& c = m.compile;
  c.keep_float_net = false;  // only golden --compare-float runs the float network
  if (m.discretisation == "euler")
    c.discretisation = compiler::Discretisation::euler;
  else if (m.discretisation == "exact")
    c.discretisation = compiler::Discretisation::exact;
  else
    throw isa::InputError(
        fmt::format("--discretisation {}: expected euler or exact", m.discretisation));
  if (m.reset == "value" || m.reset == "zero")
    c.reset = isa::ResetMode::to_value;
  else if (m.reset == "subtract")
    c.reset = isa::ResetMode::subtract;
  else
    throw isa::InputError(fmt::format("--reset {}: expected value or subtract", m.reset));
  if (m.compare == "gt")
    c.compare = isa::Compare::gt;
  else if (m.compare == "ge")
    c.compare = isa::Compare::ge;
  else
    throw isa::InputError(fmt::format("--spike-compare {}: expected gt or ge", m.compare));
  const auto mode_of = [](const std::string& s) {
    if (s == "dense") return compiler::ConvMode::dense;
    if (s == "sparse") return compiler::ConvMode::sparse;
    throw isa::InputError(
        fmt::format("--conv-mode: '{}' is not a mode (expected dense or sparse)", s));
  };
  size_t start = 0;
  while (start <= m.conv_mode.size()) {
    const size_t comma = m.conv_mode.find(',', start);
    const std::string item = m.conv_mode.substr(start, comma - start);
    if (const size_t eq = item.find('='); eq != std::string::npos)
      c.conv_mode_per_node.push_back({item.substr(0, eq), mode_of(item.substr(eq + 1))});
    else if (!item.empty())
      c.conv_mode = mode_of(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

static bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

LoadedModel load_model(const std::string& path, const ModelOptions& m) {
  LoadedModel lm;
  lm.arch = arch::load_arch(m.arch, m.sets);
  lm.path = path;
  if (ends_with(path, ".scb")) {
    lm.image = isa::load_image(path);
    if (lm.image.arch_hash != lm.arch.hash)
      throw isa::InputError(fmt::format(
          "{}: compiled for arch hash {:016x}, but the chip given ({}) resolves to {:016x}: "
          "recompile the model or pass the arch it was compiled for",
          path, lm.image.arch_hash, lm.arch.source, lm.arch.hash));
    return lm;
  }
  lm.from_nir = true;
  lm.compiled = compiler::compile_nir(path, lm.arch.config, lm.arch.hash, m.compile);
  for (const auto& w : lm.compiled.warnings) fmt::print(stderr, "spikechip: warning: {}\n", w);
  lm.image = std::move(lm.compiled.code.image);  // one copy of the weights, not two
  return lm;
}

}  // namespace cli
