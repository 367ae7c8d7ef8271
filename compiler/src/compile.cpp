#include "compiler/compile.h"

#include "compiler/nir.h"

namespace compiler {

isa::Precision precision_of(const arch::ArchConfig& arch) {
  isa::Precision p;
  p.v_bits = static_cast<uint8_t>(arch.core.v_bits);
  p.u_bits = static_cast<uint8_t>(arch.core.u_bits);
  return p;
}

CompileResult compile_nir(const std::string& path, const arch::ArchConfig& arch, uint64_t arch_hash,
                          const CompileOptions& opt) {
  CompileResult r;
  const nir::Graph graph = nir::read_file(path);
  r.float_net = discretise(import_nir(graph, path, opt), path, opt);
  r.net = quantise(r.float_net, arch, &r.quant);
  r.mapping = partition(r.net, arch);
  place(r.net, arch, r.mapping);
  r.code = codegen(r.net, arch, r.mapping, arch_hash);
  return r;
}

}  // namespace compiler
