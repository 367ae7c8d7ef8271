#include "model_options.h"

#include <fmt/core.h>

#include <string_view>

#include "compiler/compile_key.h"
#include "compiler/conventions.h"
#include "compiler/mapping.h"
#include "input_file.h"
#include "isa/error.h"
#include "isa/image.h"

namespace cli {

namespace po = boost::program_options;

void add_model_options(po::options_description& opts, ModelOptions& m) {
  const auto store = [](auto& field) {
    using T = typename std::decay_t<decltype(field)>::value_type;
    return po::value<T>()->notifier([&field](const T& v) { field = v; });
  };
  opts.add_options()("arch", po::value<std::string>(&m.arch),
                     "chip: a YAML file or a preset name (default: the embedded default)")(
      "set", po::value<std::vector<std::string>>(&m.sets)->composing(),
      "override an arch key: key.path=value (repeatable)")(
      "compiled-for", po::value<std::string>(&m.compiled_for),
      "with a .scb model: the canonical arch YAML it was compiled for; the image then runs on "
      "any chip equal to it in the keys the compiler reads (timing and energy may differ)")(
      "fit", po::bool_switch(&m.fit),
      "when the network needs more cores than the mesh has, grow the mesh to the smallest that "
      "holds it (the core stays as chosen)")(
      "profile", po::value<std::string>(&m.profile),
      ("the exporting framework's conventions (dt, discretisation, reset, spike comparison): " +
       compiler::profile_names() + "; explicit options override it")
          .c_str())("dt", store(m.dt),
                    "time step in the exporter's time unit (NIR stores none; e.g. 1e-4 for "
                    "snnTorch, 1 for Sinabs)")(
      "discretisation", store(m.discretisation),
      "euler (default), exact (exponential decay, input x dt/tau r) or exact-unscaled "
      "(exponential decay, input added as it comes: Sinabs, Rockpool)")(
      "reset", store(m.reset), "after a spike: value (to v_reset, default) or subtract")(
      "spike-compare", store(m.compare),
      "spike when v > threshold (gt, NIR's rule, default) or v >= threshold (ge)")(
      "conv-mode", po::value<std::string>(&m.conv_mode),
      "dense (vanilla spike conv, default), sparse, or NODE=MODE,...")(
      "input-frac-bits", store(m.input_frac_bits),
      "graded input fixed point, payload = round(x * 2^bits) (default: chosen from the inputs)");
}

void finish_model_options(ModelOptions& m) {
  auto& c = m.compile;
  c.keep_float_net = false;  // only golden --compare-float runs the float network
  if (!m.profile.empty()) {
    const compiler::FrameworkProfile* p = compiler::find_profile(m.profile);
    if (!p)
      throw isa::InputError(fmt::format("--profile {}: not a profile (expected one of: {})",
                                        m.profile, compiler::profile_names()));
    c.dt = p->dt;
    c.discretisation = p->discretisation;
    c.reset = p->reset;
    c.compare = p->compare;
  }
  if (m.dt) c.dt = *m.dt;  // its domain is checked by the compiler, naming the model
  if (m.discretisation) {
    const auto d = compiler::parse_discretisation(*m.discretisation);
    if (!d)
      throw isa::InputError(fmt::format(
          "--discretisation {}: expected euler, exact or exact-unscaled", *m.discretisation));
    c.discretisation = *d;
  }
  if (m.reset) {
    const auto r = compiler::parse_reset(*m.reset);
    if (!r) throw isa::InputError(fmt::format("--reset {}: expected value or subtract", *m.reset));
    c.reset = *r;
  }
  if (m.compare) {
    const auto r = compiler::parse_compare(*m.compare);
    if (!r) throw isa::InputError(fmt::format("--spike-compare {}: expected gt or ge", *m.compare));
    c.compare = *r;
  }
  if (m.input_frac_bits) {
    if (*m.input_frac_bits > 24)  // a float's mantissa: more bits represent nothing finer
      throw isa::InputError(
          fmt::format("--input-frac-bits {}: expected 0 to 24", *m.input_frac_bits));
    c.input_frac_bits = *m.input_frac_bits;
  }
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

// --compiled-for FILE: FILE is the chip the image was compiled for (its hash is the image's),
// and it equals the chip given in every key the compiler reads.
static void check_compiled_for(const std::string& path, const isa::ProgramImage& image,
                               const std::string& file, const arch::ResolvedArch& chip) {
  const std::vector<uint8_t> bytes = isa::read_file_bytes(file);
  const std::string text(bytes.begin(), bytes.end());
  if (arch::fnv1a64(text) != image.arch_hash)
    throw isa::InputError(fmt::format(
        "--compiled-for {}: not the arch {} was compiled for (hash {:016x}, the image's {:016x})",
        file, path, arch::fnv1a64(text), image.arch_hash));
  const std::string a = compiler::compile_relevant_arch(text);
  const std::string b = compiler::compile_relevant_arch(chip.canonical_yaml);
  if (a == b) return;
  size_t i = 0;  // the first line that differs
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  const auto line_at = [](const std::string& s, size_t k) {
    const size_t from = s.rfind('\n', k == 0 ? 0 : k - 1);
    const size_t start = from == std::string::npos || k == 0 ? 0 : from + 1;
    const size_t end = s.find('\n', start);
    return s.substr(start, end == std::string::npos ? std::string::npos : end - start);
  };
  throw isa::InputError(fmt::format(
      "{}: compiled for a chip that differs from {} in a key the compiler reads ('{}' there, "
      "'{}' here): recompile the model for this chip",
      path, chip.source, line_at(a, i), line_at(b, i)));
}

LoadedModel load_model(const std::string& path, const ModelOptions& m,
                       const InputValues& input_values) {
  require_regular_file(path, "the model");
  LoadedModel lm;
  lm.arch = arch::load_arch(m.arch, m.sets);
  lm.path = path;
  if (ends_with(path, ".scb")) {
    lm.image = isa::load_image(path);
    if (!m.compiled_for.empty()) {
      check_compiled_for(path, lm.image, m.compiled_for, lm.arch);
      return lm;
    }
    if (lm.image.arch_hash != lm.arch.hash)
      throw isa::InputError(fmt::format(
          "{}: compiled for arch hash {:016x}, but the chip given ({}) resolves to {:016x}: "
          "recompile the model or pass the arch it was compiled for",
          path, lm.image.arch_hash, lm.arch.source, lm.arch.hash));
    return lm;
  }
  lm.from_nir = true;
  lm.profile = m.profile;
  lm.options = m.compile;
  lm.options.input_values = input_values;
  // What the compiler refuses after reading (a layer that does not fit, ...) names the model.
  const auto compile = [&] {
    try {
      return compiler::compile_nir(path, lm.arch.config, lm.arch.hash, lm.options);
    } catch (const compiler::MeshTooSmall&) {
      throw;
    } catch (const isa::InputError& e) {
      if (std::string_view(e.what()).find(path) != std::string_view::npos) throw;
      throw isa::InputError(fmt::format("{}: {}", path, e.what()));
    }
  };
  try {
    lm.compiled = compile();
  } catch (const compiler::MeshTooSmall& e) {
    if (!m.fit) throw;
    // The core stays as chosen: only the mesh grows, so the partition is the same.
    const arch::MeshConfig mesh = compiler::smallest_mesh(e.cores_needed, lm.arch.config.mesh);
    std::vector<std::string> sets = m.sets;
    sets.push_back(fmt::format("mesh.x={}", mesh.x));
    sets.push_back(fmt::format("mesh.y={}", mesh.y));
    lm.fitted =
        fmt::format("--fit: the network needs {} cores; mesh grown from {}x{} to {}x{}",
                    e.cores_needed, lm.arch.config.mesh.x, lm.arch.config.mesh.y, mesh.x, mesh.y);
    lm.arch = arch::load_arch(m.arch, sets);
    lm.compiled = compile();
  }
  lm.options.input_values = nullptr;  // the workload it points to is the caller's
  if (!lm.fitted.empty()) fmt::print(stderr, "spikechip: {}\n", lm.fitted);
  for (const auto& w : lm.compiled.warnings) fmt::print(stderr, "spikechip: warning: {}\n", w);
  lm.input_quant = lm.compiled.input_quant;
  lm.image = std::move(lm.compiled.code.image);  // one copy of the weights, not two
  return lm;
}

std::string describe_conventions(const LoadedModel& lm) {
  if (!lm.from_nir) return fmt::format("from the program image {}", lm.path);
  const auto& o = lm.options;
  return fmt::format(
      "conventions{}: dt {}, discretisation {}, reset {}, spike when v {} threshold, input fixed "
      "point {} fraction bits{}",
      lm.profile.empty() ? "" : fmt::format(" (profile {})", lm.profile), o.dt,
      compiler::name_of(o.discretisation), compiler::name_of(o.reset),
      o.compare == isa::Compare::ge ? ">=" : ">", lm.image.input_frac_bits,
      lm.input_quant
          ? fmt::format(" ({})", lm.input_quant->chosen_by == "inputs" ? "chosen from the inputs"
                                                                       : "--input-frac-bits")
      : o.input_frac_bits ? " (--input-frac-bits)"
                          : " (no inputs seen: spikes)");
}

}  // namespace cli
