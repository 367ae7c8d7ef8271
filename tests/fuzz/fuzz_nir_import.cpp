// libFuzzer target: the NIR import pass on graphs built from the fuzzer's bytes, without HDF5
// (fuzz_nir's mutations mostly stop in libhdf5's own parser). Node types, field names, ranks,
// shapes, values (NaN, ±Inf, 0, negatives, fractions, 2^32 + 1, ...) and edges (self-loops,
// cycles, edges into the Input or out of the Output) are the fuzzer's; import_nir and
// discretise must end in isa::InputError or succeed. Anything else (crash, hang, other
// exception, runaway memory) is a bug. Shape entries are small or clearly out of range, so
// that accepted graphs stay small (the memory budget of issue 24 is not this target's).
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "compiler/nir.h"
#include "compiler/passes.h"
#include "isa/error.h"

namespace {

namespace nir = compiler::nir;

const char* const kTypes[] = {"Input",  "Output",    "Affine",    "Linear",  "Scale",  "Conv1d",
                              "Conv2d", "SumPool2d", "AvgPool2d", "Flatten", "Delay",  "LIF",
                              "IF",     "LI",        "I",         "CubaLIF", "CubaLI", "Threshold"};
const char* const kFields[] = {"shape",     "weight",   "bias",       "scale",       "stride",
                               "padding",   "dilation", "groups",     "kernel_size", "input_shape",
                               "start_dim", "end_dim",  "input_type", "delay",       "tau",
                               "tau_mem",   "tau_syn",  "r",          "v_leak",      "v_threshold",
                               "v_reset",   "w_in"};

double value(FuzzedDataProvider& p) {
  switch (p.ConsumeIntegralInRange<int>(0, 11)) {
    case 0:
      return std::numeric_limits<double>::quiet_NaN();
    case 1:
      return std::numeric_limits<double>::infinity();
    case 2:
      return -std::numeric_limits<double>::infinity();
    case 3:
      return 0;
    case 4:
      return -1;
    case 5:
      return 1.5;
    case 6:
      return 4294967297.0;  // 2^32 + 1
    case 7:
      return 1e9;
    case 8:
      return p.ConsumeFloatingPointInRange<double>(-2, 2);
    default:
      return p.ConsumeIntegralInRange<int>(1, 6);
  }
}

nir::Array array(FuzzedDataProvider& p) {
  nir::Array a;
  a.integer = p.ConsumeBool();
  const int rank = p.ConsumeIntegralInRange<int>(0, 4);
  int64_t n = 1;
  for (int d = 0; d < rank; ++d) {
    a.shape.push_back(p.ConsumeIntegralInRange<int64_t>(0, 6));
    n *= a.shape.back();
  }
  for (int64_t i = 0; i < n; ++i) a.data.push_back(value(p));
  return a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider p(data, size);
  nir::Graph g;
  const int nodes = p.ConsumeIntegralInRange<int>(1, 12);
  for (int i = 0; i < nodes; ++i) {
    nir::Node n;
    n.name = "n" + std::to_string(i);
    n.type = i == 0 ? "Input" : p.PickValueInArray(kTypes);
    const int fields = p.ConsumeIntegralInRange<int>(0, 6);
    for (int f = 0; f < fields; ++f) n.arrays[p.PickValueInArray(kFields)] = array(p);
    if (p.ConsumeIntegralInRange<int>(0, 7) == 0)
      n.strings["padding"] = p.ConsumeBool() ? "same" : "valid";
    g.nodes.push_back(std::move(n));
  }
  const int edges = p.ConsumeIntegralInRange<int>(0, 24);
  for (int e = 0; e < edges; ++e) {
    const int a = p.ConsumeIntegralInRange<int>(0, nodes - 1);
    const int b = p.ConsumeIntegralInRange<int>(0, nodes - 1);
    g.edges.push_back({"n" + std::to_string(a), "n" + std::to_string(b)});
  }
  compiler::CompileOptions opt;
  const double dts[] = {1e-3, 1.0, 0.0, -1.0, std::numeric_limits<double>::quiet_NaN()};
  opt.dt = p.PickValueInArray(dts);
  opt.max_dense_elements = uint64_t{1} << 16;
  try {
    compiler::discretise(compiler::import_nir(std::move(g), "fuzz.nir", opt), "fuzz.nir", opt);
  } catch (const isa::InputError&) {
  }
  return 0;
}
