#include "compiler/compile.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "compiler/nir.h"
#include "compiler/weight_blocks.h"
#include "compiler/weight_layout.h"
#include "isa/error.h"

namespace compiler {

isa::Precision precision_of(const arch::ArchConfig& arch) {
  isa::Precision p;
  p.v_bits = static_cast<uint8_t>(arch.core.v_bits);
  p.u_bits = static_cast<uint8_t>(arch.core.u_bits);
  return p;
}

namespace {

const char* mode_name(arch::AuMode m) {
  switch (m) {
    case arch::AuMode::fc:
      return "fc";
    case arch::AuMode::conv:
      return "conv";
    case arch::AuMode::ssc:
      return "ssc";
    case arch::AuMode::ssc_strided:
      return "ssc_strided";
    case arch::AuMode::pool:
      return "pool";
    case arch::AuMode::elementwise:
      return "elementwise";
  }
  return "?";
}

arch::AuMode required_mode(const Projection& p) {
  switch (p.kind) {
    case ProjectionKind::fc:
      return arch::AuMode::fc;
    case ProjectionKind::pool:
      return arch::AuMode::pool;
    case ProjectionKind::elementwise:
      return arch::AuMode::elementwise;
    case ProjectionKind::conv:
      if (p.conv_mode == ConvMode::dense) return arch::AuMode::conv;
      return p.geom.stride_h == 1 && p.geom.stride_w == 1 ? arch::AuMode::ssc
                                                          : arch::AuMode::ssc_strided;
  }
  return arch::AuMode::fc;
}

// What the chip description asks for that this toolchain or this chip cannot do.
void check_support(const Network& net, const arch::ArchConfig& arch, const std::string& file) {
  if (arch.core.decay_bits != static_cast<uint32_t>(isa::kDecayShift))
    throw isa::InputError(fmt::format(
        "arch '{}': core.decay_bits = {}: the ISA's decay constants are {}-bit (isa/arith.h)",
        arch.name, arch.core.decay_bits, isa::kDecayShift));
  const auto& modes = arch.core.au_modes;
  for (const auto& l : net.layers)
    for (const auto& p : l.inputs) {
      const arch::AuMode m = required_mode(p);
      if (std::find(modes.begin(), modes.end(), m) == modes.end()) {
        std::string have;
        for (auto x : modes) have += (have.empty() ? "" : ", ") + std::string(mode_name(x));
        throw isa::InputError(fmt::format(
            "{}: layer '{}' needs the addressing mode '{}' (for {}), which arch '{}' does not "
            "support (core.au_modes: {})",
            file, l.name, mode_name(m), p.origin, arch.name, have));
      }
    }
}

// After quantisation only the mantissas (qweight) are read: the float weights would double
// the footprint of every projection.
void drop_float_weights(Network& net) {
  for (auto& l : net.layers)
    for (auto& p : l.inputs) release_float_weights(p);
}

// The input fixed point: the user's, or chosen from the inputs the program will run. Either
// way its error on those inputs is reported, and a lossy one is a warning.
void choose_input_fixed_point(Network& net, const arch::ArchConfig& arch, const CompileOptions& opt,
                              CompileResult& r) {
  if (!opt.input_values) return;  // no inputs: the option's bits or 0 (import_nir set them)
  const std::span<const float> values = opt.input_values(net.layers.at(0).shape);
  const uint32_t bits = opt.input_frac_bits.has_value()
                            ? *opt.input_frac_bits
                            : choose_input_frac_bits(values, arch.core.input_bits);
  net.input_frac_bits = bits;
  InputQuantReport q = measure_input_quantisation(values, bits, arch.core.input_bits);
  q.chosen_by = opt.input_frac_bits.has_value() ? "option" : "inputs";
  if (q.relative_error() > kInputWarnRelativeError) {
    std::string hint;
    if (q.saturated > 0) {  // even 0 fraction bits overflow the payload: widen it
      uint32_t bits = arch.core.input_bits;
      const double largest = std::nearbyint(std::ldexp(q.range, static_cast<int>(q.frac_bits)));
      while (bits < 31 && largest > std::ldexp(1.0, static_cast<int>(bits)) - 1) ++bits;
      constexpr uint32_t kMaxInputBits = 16;  // arch schema: core.input_bits in 1..16
      hint = bits <= kMaxInputBits
                 ? fmt::format("; --set core.input_bits={} holds the largest value", bits)
                 : fmt::format(
                       "; the largest value needs {} bits, more than core.input_bits "
                       "can be ({}): scale the inputs down",
                       bits, kMaxInputBits);
    } else if (opt.input_frac_bits.has_value()) {
      hint = "; leave --input-frac-bits out to have it chosen from the inputs";
    } else {
      hint = fmt::format("; core.input_bits = {} limits the resolution", arch.core.input_bits);
    }
    r.warnings.push_back(
        fmt::format("the inputs lose {:.3g} % of their range to the fixed point "
                    "(more than {} %): {}{}",
                    100 * q.relative_error(), 100 * kInputWarnRelativeError, describe(q), hint));
  }
  r.input_quant = q;
}

}  // namespace

CompileResult compile_nir(const std::string& path, const arch::ArchConfig& arch, uint64_t arch_hash,
                          const CompileOptions& opt) {
  CompileResult r;
  // The graph's weight arrays move into the network: nothing of the graph outlives import.
  // Without the float network to keep, large Linear/Affine matrices stay in the file and
  // quantise reads them in row blocks, one layer after the other.
  nir::ReadOptions read;
  if (!opt.keep_float_net) read.leave_in_file_elements = opt.stream_weight_elements;
  Network imported = import_nir(nir::read_file(path, read), path, opt);
  choose_input_fixed_point(imported, arch, opt, r);
  r.float_net = discretise(std::move(imported), path, opt);
  check_support(r.float_net, arch, path);
  r.net = opt.keep_float_net ? quantise(r.float_net, arch, &r.quant)
                             : quantise(std::move(r.float_net), arch, &r.quant);
  if (!opt.keep_float_net) r.float_net = Network{};
  drop_float_weights(r.net);
  for (const auto& q : r.quant)
    if (q.saturated > 0)
      r.warnings.push_back(fmt::format(
          "layer '{}': {} of {} weights saturated at the {}-bit weight range (quantisation "
          "report in report.json); results will differ from the float model",
          q.layer, q.saturated, q.weights, arch.core.weight_bits));
  choose_weight_layouts(r.net, arch, path);
  r.mapping = partition(r.net, arch);
  place(r.net, arch, r.mapping);
  r.code = codegen(r.net, arch, r.mapping, arch_hash);
  return r;
}

}  // namespace compiler
