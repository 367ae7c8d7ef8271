#include "compiler/compile.h"

#include <fmt/core.h>

#include <algorithm>

#include "compiler/nir.h"
#include "compiler/weight_blocks.h"
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

}  // namespace

CompileResult compile_nir(const std::string& path, const arch::ArchConfig& arch, uint64_t arch_hash,
                          const CompileOptions& opt) {
  CompileResult r;
  // The graph's weight arrays move into the network: nothing of the graph outlives import.
  // Without the float network to keep, large Linear/Affine matrices stay in the file and
  // quantise reads them in row blocks, one layer after the other.
  nir::ReadOptions read;
  if (!opt.keep_float_net) read.leave_in_file_elements = opt.stream_weight_elements;
  r.float_net = discretise(import_nir(nir::read_file(path, read), path, opt), path, opt);
  check_support(r.float_net, arch, path);
  if (arch.core.weight_layout != arch::WeightLayout::dense)
    r.warnings.push_back(fmt::format(
        "arch '{}': core.weight_layout = compressed is not modelled yet: weights are stored, "
        "read and costed as dense rows",
        arch.name));
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
  r.mapping = partition(r.net, arch);
  place(r.net, arch, r.mapping);
  r.code = codegen(r.net, arch, r.mapping, arch_hash);
  return r;
}

}  // namespace compiler
