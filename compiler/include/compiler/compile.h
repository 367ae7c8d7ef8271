// The compiler driver: NIR file -> every pass in order -> program image (+ the IR and reports).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "arch/config.h"
#include "compiler/golden.h"
#include "compiler/input_fixed_point.h"
#include "compiler/ir.h"
#include "compiler/mapping.h"
#include "compiler/passes.h"

namespace compiler {

struct CompileResult {
  // After discretisation (float weights, per-step parameters); empty unless
  // CompileOptions::keep_float_net.
  Network float_net;
  Network net;  // after quantisation: what the golden executor runs (qweight only, no float weight)
  std::vector<LayerQuantReport> quant;
  // The input fixed point and its error on the inputs given (CompileOptions::input_values);
  // unset when the compile saw no inputs.
  std::optional<InputQuantReport> input_quant;
  Mapping mapping;
  CodegenResult code;
  std::vector<std::string> warnings;  // what the user should know (printed by the CLI)
};

CompileResult compile_nir(const std::string& path, const arch::ArchConfig& arch, uint64_t arch_hash,
                          const CompileOptions& opt);

isa::Precision precision_of(const arch::ArchConfig& arch);

}  // namespace compiler
