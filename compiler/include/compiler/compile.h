// The compiler driver: NIR file -> every pass in order -> program image (+ the IR and reports).
#pragma once
#include <string>
#include <vector>

#include "arch/config.h"
#include "compiler/golden.h"
#include "compiler/ir.h"
#include "compiler/mapping.h"
#include "compiler/passes.h"

namespace compiler {

struct CompileResult {
  Network float_net;  // after discretisation (float weights, per-step parameters)
  Network net;        // after quantisation: what the golden executor runs
  std::vector<LayerQuantReport> quant;
  Mapping mapping;
  CodegenResult code;
  std::vector<std::string> warnings;  // what the user should know (printed by the CLI)
};

CompileResult compile_nir(const std::string& path, const arch::ArchConfig& arch, uint64_t arch_hash,
                          const CompileOptions& opt);

isa::Precision precision_of(const arch::ArchConfig& arch);

}  // namespace compiler
