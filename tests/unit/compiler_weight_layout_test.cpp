// Weight layouts (compiler/weight_layout.h, partition.cpp, arch/weight_layout.h): the arch keys
// and their errors, the choice per fc projection and its reason, the partitioner's capacity
// under each layout, and the simulator against the golden executor, spike for spike, on random
// networks at several densities under each layout (layouts change time and memory, never
// arithmetic).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "arch/loader.h"
#include "arch/weight_layout.h"
#include "compiler/golden.h"
#include "compiler/nir_build.h"
#include "compiler/weight_layout.h"
#include "compiler_test_util.h"
#include "isa/error.h"
#include "simmodel/run.h"

namespace b = compiler::nir::build;

namespace {

const std::string kMinimal = "name: tiny\nclock: 500 MHz\nmesh:\n  x: 2\n  y: 3\n";

std::string arch_error(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  try {
    arch::load_arch_text(yaml, "chip.yaml", sets);
  } catch (const isa::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// [target][source] integer weights, each row (source) keeping non-zeros at random: `density`
// of the positions, or, with m > 0, exactly n random positions in every group of m targets.
std::vector<double> fc_weights(uint32_t out, uint32_t in, double density, uint32_t n, uint32_t m,
                               std::mt19937& rng) {
  std::vector<double> w(size_t{out} * in, 0.0);
  std::uniform_int_distribution<int> value(1, 3);
  std::bernoulli_distribution keep(density), negative(0.3);
  const auto draw = [&] { return double(value(rng)) * (negative(rng) ? -1 : 1); };
  for (uint32_t i = 0; i < in; ++i) {
    if (m == 0) {
      for (uint32_t j = 0; j < out; ++j)
        if (keep(rng)) w[size_t{j} * in + i] = draw();
      continue;
    }
    for (uint32_t g = 0; g < out; g += m) {
      std::vector<uint32_t> pos;
      for (uint32_t j = g; j < std::min(out, g + m); ++j) pos.push_back(j);
      std::shuffle(pos.begin(), pos.end(), rng);
      for (uint32_t k = 0; k < n && k < pos.size(); ++k) w[size_t{pos[k]} * in + i] = draw();
    }
  }
  return w;
}

// in(sizes[0]) -> [Linear -> IF] per further size -> out.
compiler::nir::Graph fc_net(const std::vector<uint32_t>& sizes, double density, uint32_t n,
                            uint32_t m, uint64_t seed) {
  std::mt19937 rng(static_cast<uint32_t>(seed));
  compiler::nir::Graph g;
  g.nodes.push_back(b::input("in", {sizes[0]}));
  std::vector<std::string> names = {"in"};
  for (size_t k = 1; k < sizes.size(); ++k) {
    const std::string fc = "fc" + std::to_string(k), lif = "if" + std::to_string(k);
    g.nodes.push_back(b::linear(fc, sizes[k], sizes[k - 1],
                                fc_weights(sizes[k], sizes[k - 1], density, n, m, rng)));
    g.nodes.push_back(b::if_neuron(lif, {sizes[k]}, 1.0, 2.5));
    names.push_back(fc);
    names.push_back(lif);
  }
  g.nodes.push_back(b::output("out", {sizes.back()}));
  names.push_back("out");
  b::chain(g, names);
  return g;
}

compiler::CompileResult compile_with(const compiler::nir::Graph& g,
                                     const std::vector<std::string>& sets,
                                     arch::ResolvedArch* resolved = nullptr) {
  const auto a = arch::load_arch("", sets);
  if (resolved) *resolved = a;
  compiler::CompileOptions opt;
  opt.dt = 1;
  return testutil::compile_graph(g, "layout", a, opt);
}

std::vector<isa::Opcode> fc_opcodes(const compiler::CompileResult& r) {
  std::vector<isa::Opcode> ops;
  for (const auto& c : r.code.image.cores)
    for (const auto& in : c.code)
      if (isa::arms_fc(in.op)) ops.push_back(in.op);
  return ops;
}

}  // namespace

TEST_CASE("weight layouts: arch keys, a list or one name, N < M with file:line:col",
          "[arch][layout]") {
  CHECK(arch::load_arch("").config.core.weight_layouts ==
        std::vector<arch::WeightLayout>{arch::WeightLayout::dense});
  const auto one =
      arch::load_arch_text(kMinimal + "core:\n  weight_layout: compressed\n", "c.yaml");
  CHECK(one.config.core.weight_layouts ==
        std::vector<arch::WeightLayout>{arch::WeightLayout::compressed});
  const auto two =
      arch::load_arch("", {"core.weight_layout=[nm, dense]", "core.nm_n=1", "core.nm_m=8"});
  CHECK(two.config.core.weight_layouts ==
        std::vector<arch::WeightLayout>{arch::WeightLayout::nm, arch::WeightLayout::dense});
  CHECK(two.config.core.nm_n == 1);
  CHECK(two.config.core.nm_m == 8);
  // The canonical YAML prints the list and reloads to the same chip.
  CHECK(two.canonical_yaml.find("weight_layout: [nm, dense]") != std::string::npos);
  CHECK(arch::load_arch_text(two.canonical_yaml, "canon.yaml").hash == two.hash);
  CHECK(arch_error(kMinimal + "core:\n  weight_layout: [dense, sparse]\n") ==
        "chip.yaml:7:26: core.weight_layout: 'sparse' is not valid; expected one of dense, "
        "compressed, nm");
  CHECK(arch_error(kMinimal + "core:\n  nm_n: 4\n") ==
        "chip.yaml:7:9: core.nm_n: N:M sparsity keeps core.nm_n = 4 of every core.nm_m = 4 "
        "weights; expected core.nm_n < core.nm_m");
  CHECK(arch_error(kMinimal + "core:\n  nm_m: 1\n") ==
        "chip.yaml:7:9: core.nm_m: 1 is out of range; expected 2 to 64");
  CHECK_THAT(arch_error(kMinimal, {"core.nm_m=2"}),
             Catch::StartsWith("--set 'core.nm_m=2'") && Catch::Contains("core.nm_n < core.nm_m"));
  // N = 4 of M = 8 set together is fine, whichever order the file gives them in.
  CHECK(arch_error(kMinimal + "core:\n  nm_m: 8\n  nm_n: 4\n") == "(no error)");
  // An entry (weight + index bits) must fit a word.
  CHECK_THAT(arch_error(kMinimal + "core:\n  weight_layout: compressed\n  weight_bits: 16\n"
                                   "  synapse_word_bits: 24\n  synapse_memory: 3 KiB\n"
                                   "  synapse_banks: 1\n"),
             Catch::Contains("a compressed entry (26 bits: weight and index) is wider than "
                             "core.synapse_word_bits (24)"));
}

TEST_CASE("weight layouts: the compiler picks per fc projection the least memory, and says why",
          "[compiler][layout]") {
  // fc1 is dense (every weight non-zero), fc2 at density 0.2.
  std::mt19937 rng(3);
  compiler::nir::Graph g;
  g.nodes = {b::input("in", {32}),
             b::linear("fc1", 64, 32, fc_weights(64, 32, 1.0, 0, 0, rng)),
             b::if_neuron("if1", {64}, 1.0, 2.5),
             b::linear("fc2", 64, 64, fc_weights(64, 64, 0.2, 0, 0, rng)),
             b::if_neuron("if2", {64}, 1.0, 2.5),
             b::output("out", {64})};
  b::chain(g, {"in", "fc1", "if1", "fc2", "if2", "out"});
  const auto r = compile_with(g, {"core.weight_layout=[dense, compressed]"});
  const auto& p1 = r.net.layers.at(1).inputs.at(0);
  const auto& p2 = r.net.layers.at(2).inputs.at(0);
  CHECK(p1.layout == arch::WeightLayout::dense);
  // Dense: 32 x 64 x 8 bits = 2.0 KiB; compressed: 32 rows x 64 entries in 22 words = 5.5 KiB.
  CHECK(p1.layout_reason == "least synapse memory: 2.0 KiB against compressed 5.5 KiB");
  CHECK(p2.layout == arch::WeightLayout::compressed);
  CHECK_THAT(p2.layout_reason, Catch::StartsWith("least synapse memory: ") &&
                                   Catch::EndsWith("against dense 4.0 KiB"));
  CHECK(fc_opcodes(r) == std::vector<isa::Opcode>{isa::Opcode::au_fc, isa::Opcode::au_fcz});
  // The partitioner charged the same bits: one segment each (one core).
  std::vector<uint64_t> bits;
  for (const auto& s : r.mapping.segments) bits.push_back(s.synapse_bits);
  REQUIRE(bits.size() == 2);
  CHECK(bits[0] == 32 * 64 * 8);
  uint64_t words = 0;  // per row (source): ceil(non-zero / 3) words of 64 bits
  for (uint32_t i = 0; i < 64; ++i) {
    uint64_t nz = 0;
    for (uint32_t j = 0; j < 64; ++j) nz += p2.qweight[size_t{j} * 64 + i] != 0;
    words += (nz + 2) / 3;
  }
  CHECK(bits[1] == words * 64);
  // Dense only: nothing to choose, the reason says so.
  const auto d = compile_with(g, {});
  CHECK(d.net.layers.at(2).inputs.at(0).layout == arch::WeightLayout::dense);
  CHECK(d.net.layers.at(2).inputs.at(0).layout_reason ==
        "the only layout core.weight_layout lists");
}

TEST_CASE("weight layouts: nm takes N:M sparse weights; others fall back, or fail when alone",
          "[compiler][layout]") {
  const auto nm24 = fc_net({16, 32}, 0, 2, 4, 5);  // exactly 2 of every 4
  const auto r = compile_with(nm24, {"core.weight_layout=[dense, nm]"});
  CHECK(r.net.layers.at(1).inputs.at(0).layout == arch::WeightLayout::nm);
  CHECK(fc_opcodes(r) == std::vector<isa::Opcode>{isa::Opcode::au_fcnm});
  // 16 rows x 8 groups x 2 entries of 10 bits, 6 per word: ceil(16 / 6) = 3 words per row.
  REQUIRE(r.mapping.segments.size() == 1);
  CHECK(r.mapping.segments[0].synapse_bits == 16 * 3 * 64);

  const auto random = fc_net({16, 32}, 0.5, 0, 0, 6);
  const auto fb = compile_with(random, {"core.weight_layout=[nm, dense]"});
  const auto& p = fb.net.layers.at(1).inputs.at(0);
  CHECK(p.layout == arch::WeightLayout::dense);
  CHECK_THAT(p.layout_reason, Catch::Contains("; not 2:4 sparse (source "));
  CHECK_THROWS_WITH(
      compile_with(random, {"core.weight_layout=nm"}),
      Catch::Contains("layer 'if1': the fc weights from 'in' (via fc1) are not 2:4 sparse: "
                      "source neuron ") &&
          Catch::Contains("(at most 2 per group of 4); core.weight_layout lists no other layout"));
}

TEST_CASE("weight layouts: a density-0.25 network fits in fewer cores under compressed",
          "[compiler][layout][partition]") {
  // 128 -> 256 -> 64 at density 0.25, 4 KiB of synapse memory per core. Dense: fc1 alone is
  // 128 x 256 bytes = 32 KiB (8 cores); compressed: about 0.25 x 18/8 x 4/3 of it.
  const auto g = fc_net({128, 256, 64}, 0.25, 0, 0, 9);
  const std::vector<std::string> chip = {"core.synapse_memory=4 KiB", "mesh.x=8", "mesh.y=8"};
  auto dense_sets = chip, sparse_sets = chip;
  sparse_sets.push_back("core.weight_layout=compressed");
  const auto d = compile_with(g, dense_sets);
  const auto z = compile_with(g, sparse_sets);
  // Dense: a neuron of fc1 needs 128 bytes: (4096 - 1) / 128 = 31 per core, 9 even pieces of
  // 28-29 neurons (3.5-3.6 KiB, one per core); fc2 256 bytes, 15 per core, 5 pieces: 14 cores.
  CHECK(d.mapping.logical_cores == 14);
  CHECK(z.mapping.logical_cores < d.mapping.logical_cores);
  // Every core holds at most its synapse memory under the layouts.
  for (const auto* r : {&d, &z}) {
    std::map<uint32_t, uint64_t> per_core;
    for (const auto& s : r->mapping.segments) per_core[s.core] += s.synapse_bits;
    for (const auto& [core, bits] : per_core) CHECK(bits <= 4 * 1024 * 8);
  }
}

TEST_CASE("weight layouts: spike-exact with golden at several densities under each layout",
          "[compiler][layout][golden]") {
  struct Case {
    const char* layouts;
    double density;
    uint32_t n, m;  // N:M structure of the weights (0: random at density)
  };
  const Case cases[] = {{"dense", 0.1, 0, 0},
                        {"dense", 0.5, 0, 0},
                        {"compressed", 0.05, 0, 0},
                        {"compressed", 0.25, 0, 0},
                        {"compressed", 1.0, 0, 0},
                        {"nm", 0, 1, 8},
                        {"nm", 0, 2, 4},
                        {"nm", 0, 3, 4},
                        {"[dense, compressed]", 0.25, 0, 0},
                        {"[nm, compressed]", 0.5, 0, 0}};
  for (const Case& c : cases) {
    INFO(c.layouts << " density " << c.density << " " << c.n << ":" << c.m);
    const auto g = fc_net({48, 96, 40, 10}, c.density, c.n, c.m, 17);
    std::vector<std::string> sets = {std::string("core.weight_layout=") + c.layouts,
                                     "core.synapse_memory=2 KiB", "mesh.x=8", "mesh.y=8",
                                     "semantics=pipelined"};
    if (c.m > 0) {
      sets.push_back("core.nm_m=" + std::to_string(c.m));
      sets.push_back("core.nm_n=" + std::to_string(c.n));
    }
    arch::ResolvedArch a;
    const auto r = compile_with(g, sets, &a);
    const uint32_t T = 10;
    std::vector<std::vector<isa::SpikeFrame>> inputs = {testutil::random_frames(48, T, 0.3, 1),
                                                        testutil::random_frames(48, T, 0.2, 2)};
    std::vector<std::vector<std::vector<isa::LayerSpikes>>> want(2);
    compiler::GoldenExecutor ge(r.net, a.config.semantics, compiler::precision_of(a.config));
    for (uint32_t s = 0; s < 2; ++s)
      ge.run_sample(s, inputs[s], [&](uint32_t, uint32_t, const std::vector<isa::LayerSpikes>& l) {
        want[s].push_back(l);
        return true;
      });
    sim::RunOptions ro;
    ro.timesteps = T;
    ro.record_layer_spikes = true;
    const sim::RunResult res = sim::run_model(r.code.image, a.config, inputs, ro);
    uint64_t fired = 0;
    for (uint32_t s = 0; s < 2; ++s)
      for (uint32_t t = 0; t < T; ++t)
        for (uint32_t l = 1; l < 4; ++l) {
          INFO("sample " << s << " step " << t << " layer " << l);
          REQUIRE(res.layer_spikes[s][t][l].index == want[s][t][l].index);
          fired += want[s][t][l].index.size();
        }
    CHECK(fired > 0);
    const compiler::ExecStats& gs = ge.stats();
    uint64_t stored_reads = 0;
    for (uint32_t l = 1; l < 4; ++l) {
      CHECK(res.layers[l].synaptic_events == gs.synaptic_events[l]);
      const auto layout = r.net.layers[l].inputs[0].layout;
      // Compressed reads exactly the non-zero weights it stores.
      if (layout == arch::WeightLayout::compressed) {
        CHECK(res.layers[l].au_addresses == gs.synaptic_events[l]);
        CHECK(res.layers[l].zero_weight_reads == 0);
      }
      if (layout == arch::WeightLayout::dense) CHECK(res.layers[l].au_addresses == gs.dense_ops[l]);
      stored_reads += res.layers[l].au_addresses;
    }
    CHECK(stored_reads > 0);
  }
}
