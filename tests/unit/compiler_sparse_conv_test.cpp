// Sparse convolution in the golden executor (docs/execution-model.md, "Sparse convolution"),
// against a direct reference written here from the rules: every output neuron computed by a
// gather over its window, active sets recomputed from whole masks (not the executor's
// incremental scatter), both timestep semantics.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <random>

#include "compiler/golden.h"
#include "compiler/nir_build.h"
#include "compiler/sparse_sites.h"
#include "compiler_test_util.h"
#include "isa/error.h"

using namespace compiler;
namespace b = compiler::nir::build;

namespace {

enum class Mode { dense, sparse, pool };  // pool: SumPool2d k x k, stride = k

struct ConvLayer {
  int in_c, in_h, in_w, out_c, k, stride, pad;
  Mode mode;
  std::vector<double> w, bias;
  int out_h() const { return (in_h + 2 * pad - k) / stride + 1; }
  int out_w() const { return (in_w + 2 * pad - k) / stride + 1; }
  bool window_rule() const { return !(mode == Mode::sparse && stride == 1); }
};

struct ChainNet {
  int in_c, in_h, in_w;
  std::vector<ConvLayer> convs;
  double threshold = 4;
  nir::Graph graph;
  CompileOptions opt;
};

// Input -> [Conv2d -> IF] x n -> Output, conv i named "conv<i>", its mode set per node.
ChainNet make_chain(int in_c, int h, int w, std::vector<std::tuple<int, int, int, int, Mode>> spec,
                    uint64_t seed, double bias) {
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::uniform_int_distribution<int> wd(-3, 5);
  ChainNet n{in_c, h, w, {}, 4, {}, {}};
  n.opt.dt = 1;
  auto& g = n.graph;
  g.nodes.push_back(b::input("in", {in_c, h, w}));
  std::vector<std::string> names{"in"};
  int c = in_c;
  for (size_t i = 0; i < spec.size(); ++i) {
    const auto [oc, k, stride, pad, mode] = spec[i];
    const bool pool = mode == Mode::pool;
    const int out_c = pool ? c : oc;  // pooling keeps the channels, has no bias
    ConvLayer L{c, h, w, out_c, k, pool ? k : stride, pool ? 0 : pad, mode, {}, {}};
    L.bias.assign(size_t(out_c), pool ? 0.0 : bias);
    const std::string cn = "conv" + std::to_string(i + 1), nn = "if" + std::to_string(i + 1);
    if (pool) {
      g.nodes.push_back(b::sum_pool2d(cn, {k, k}, {k, k}));
    } else {
      L.w.resize(size_t(oc * c * k * k));
      for (auto& v : L.w) v = wd(rng);
      b::Conv2dParams cp;
      cp.stride = {stride, stride};
      cp.padding = {pad, pad};
      cp.input_shape = {h, w};
      g.nodes.push_back(b::conv2d(cn, {oc, c, k, k}, L.w, L.bias, cp));
    }
    c = L.out_c, h = L.out_h(), w = L.out_w();
    g.nodes.push_back(b::if_neuron(nn, {c, h, w}, 1.0, n.threshold));
    names.push_back(cn);
    names.push_back(nn);
    n.opt.conv_mode_per_node.push_back(
        {cn, mode == Mode::sparse ? ConvMode::sparse : ConvMode::dense});
    n.convs.push_back(std::move(L));
  }
  g.nodes.push_back(b::output("out", {c, h, w}));
  names.push_back("out");
  b::chain(g, names);
  return n;
}

using Steps = std::vector<std::vector<std::vector<uint32_t>>>;  // [t][layer][spiking neurons]

// The rules, directly: masks sticky per layer; a sparse conv's target updates only active
// sites; pipelined: layer k at step t sees layer k-1's spikes and mask of step t-1.
Steps reference(const ChainNet& n, const std::vector<isa::SpikeFrame>& in, bool pipelined) {
  const size_t K = n.convs.size();
  std::vector<std::vector<double>> v(K + 1), spk(K + 1), prev_spk(K + 1);
  std::vector<std::vector<uint8_t>> mask(K + 1), prev_mask(K + 1);
  const size_t in_size = size_t(n.in_c * n.in_h * n.in_w);
  spk[0].assign(in_size, 0);
  mask[0].assign(size_t(n.in_h * n.in_w), 0);
  for (size_t k = 0; k < K; ++k) {
    const auto& L = n.convs[k];
    v[k + 1].assign(size_t(L.out_c * L.out_h() * L.out_w()), 0);
    spk[k + 1] = v[k + 1];
    mask[k + 1].assign(size_t(L.out_h() * L.out_w()), 0);
  }
  prev_spk = spk;
  prev_mask = mask;
  Steps out;
  for (const auto& f : in) {
    prev_spk = spk, prev_mask = mask;
    std::fill(spk[0].begin(), spk[0].end(), 0);
    for (uint32_t i : f.index) spk[0][i] = 1, mask[0][i % mask[0].size()] = 1;
    for (size_t k = 0; k < K; ++k) {
      const auto& L = n.convs[k];
      const auto& x = pipelined ? prev_spk[k] : spk[k];
      const auto& m_in = pipelined ? prev_mask[k] : mask[k];
      auto& m = mask[k + 1];
      const int OH = L.out_h(), OW = L.out_w();
      for (int oy = 0; oy < OH; ++oy)
        for (int ox = 0; ox < OW; ++ox) {
          bool act = false;
          if (!L.window_rule()) {
            act = m_in[size_t(oy * L.in_w + ox)];
          } else {
            for (int ky = 0; ky < L.k; ++ky)
              for (int kx = 0; kx < L.k; ++kx) {
                const int y = oy * L.stride - L.pad + ky, xx = ox * L.stride - L.pad + kx;
                if (y >= 0 && y < L.in_h && xx >= 0 && xx < L.in_w)
                  act = act || m_in[size_t(y * L.in_w + xx)];
              }
          }
          if (act) m[size_t(oy * OW + ox)] = 1;
        }
      for (int oc = 0; oc < L.out_c; ++oc)
        for (int oy = 0; oy < OH; ++oy)
          for (int ox = 0; ox < OW; ++ox) {
            const size_t j = size_t((oc * OH + oy) * OW + ox);
            spk[k + 1][j] = 0;
            if (L.mode == Mode::sparse && !m[size_t(oy * OW + ox)]) {
              REQUIRE(v[k + 1][j] == 0);
              continue;
            }
            double a = L.bias[size_t(oc)];
            if (L.mode == Mode::pool) {
              for (int ky = 0; ky < L.k; ++ky)
                for (int kx = 0; kx < L.k; ++kx)
                  a += x[size_t((oc * L.in_h + oy * L.stride + ky) * L.in_w + ox * L.stride + kx)];
            } else {
              for (int ic = 0; ic < L.in_c; ++ic)
                for (int ky = 0; ky < L.k; ++ky)
                  for (int kx = 0; kx < L.k; ++kx) {
                    const int y = oy * L.stride - L.pad + ky, xx = ox * L.stride - L.pad + kx;
                    if (y < 0 || y >= L.in_h || xx < 0 || xx >= L.in_w) continue;
                    a += L.w[size_t(((oc * L.in_c + ic) * L.k + ky) * L.k + kx)] *
                         x[size_t((ic * L.in_h + y) * L.in_w + xx)];
                  }
            }
            v[k + 1][j] += a;
            if (v[k + 1][j] > n.threshold) spk[k + 1][j] = 1, v[k + 1][j] = 0;
          }
    }
    std::vector<std::vector<uint32_t>> step(K + 1);
    for (size_t l = 0; l <= K; ++l)
      for (uint32_t j = 0; j < spk[l].size(); ++j)
        if (spk[l][j]) step[l].push_back(j);
    out.push_back(std::move(step));
  }
  return out;
}

// Occupied sites appear at random steps (some late); each step spikes on random channels of the
// sites that have appeared, always at least one on the step a site appears.
std::vector<isa::SpikeFrame> occupancy_frames(int c, int h, int w, uint32_t steps, double sites_p,
                                              uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution occupied(sites_p), fire(0.4);
  std::uniform_int_distribution<uint32_t> when(0, steps - 1);
  std::uniform_int_distribution<int> ch(0, c - 1);
  const int hw = h * w;
  std::vector<int64_t> first(size_t(hw), -1);
  for (auto& f : first)
    if (occupied(rng)) f = when(rng) / 2;
  std::vector<isa::SpikeFrame> frames(steps);
  for (uint32_t t = 0; t < steps; ++t) {
    std::vector<uint8_t> on(size_t(c * hw), 0);
    for (int s = 0; s < hw; ++s) {
      if (first[size_t(s)] < 0 || first[size_t(s)] > t) continue;
      if (first[size_t(s)] == t) on[size_t(ch(rng) * hw + s)] = 1;
      for (int cc = 0; cc < c; ++cc)
        if (fire(rng)) on[size_t(cc * hw + s)] = 1;
    }
    for (uint32_t i = 0; i < on.size(); ++i)
      if (on[i]) frames[t].index.push_back(i), frames[t].payload.push_back(1);
  }
  return frames;
}

arch::ResolvedArch arch_for(bool pipelined) {
  return arch::load_arch("", {pipelined ? "semantics=pipelined" : "semantics=layer_sequential"});
}

void check_against_reference(const ChainNet& n, bool pipelined, uint64_t seed) {
  const auto a = arch_for(pipelined);
  const auto r = testutil::compile_graph(n.graph, "sparse", a, n.opt);
  const auto frames = occupancy_frames(n.in_c, n.in_h, n.in_w, 24, 0.3, seed);
  const auto want = reference(n, frames, pipelined);
  GoldenExecutor g(r.net, a.config.semantics, precision_of(a.config));
  uint64_t total = 0;
  g.run_sample(0, frames, [&](uint32_t, uint32_t t, const std::vector<isa::LayerSpikes>& ls) {
    REQUIRE(ls.size() == n.convs.size() + 1);
    for (size_t l = 0; l < ls.size(); ++l) {
      CAPTURE(t, l);
      REQUIRE(ls[l].index == want[t][l]);
      if (l > 0) total += ls[l].index.size();
    }
    return true;
  });
  CHECK(total > 20);  // real activity behind the layers
}

}  // namespace

TEST_CASE("submanifold sparse conv is the vanilla conv restricted to active sites") {
  for (const bool pipelined : {false, true})
    for (uint64_t seed = 1; seed <= 3; ++seed)
      for (const Mode mode : {Mode::dense, Mode::sparse}) {
        CAPTURE(pipelined, seed, mode == Mode::sparse);
        // bias 1 > 0: a vanilla conv fires everywhere; the sparse one only at active sites.
        check_against_reference(make_chain(2, 7, 7, {{3, 3, 1, 1, mode}}, seed, 1.0), pipelined,
                                seed);
      }
}

TEST_CASE("sparse -> sparse -> strided sparse chain follows the site rules") {
  for (const bool pipelined : {false, true})
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      CAPTURE(pipelined, seed);
      const auto n = make_chain(
          2, 8, 8,
          {{3, 3, 1, 1, Mode::sparse}, {3, 3, 1, 1, Mode::sparse}, {4, 3, 2, 1, Mode::sparse}},
          seed, 0.5);
      check_against_reference(n, pipelined, seed + 10);
    }
}

TEST_CASE("a vanilla conv inside a sparse chain hands sites on by the window rule") {
  for (const bool pipelined : {false, true}) {
    CAPTURE(pipelined);
    const auto n = make_chain(
        1, 8, 8,
        {{2, 3, 1, 1, Mode::sparse}, {2, 3, 1, 1, Mode::dense}, {2, 3, 1, 1, Mode::sparse}}, 5,
        0.5);
    check_against_reference(n, pipelined, 21);
  }
}

TEST_CASE("sum pooling inside a sparse chain hands sites on by the window rule") {
  for (const bool pipelined : {false, true})
    for (uint64_t seed = 1; seed <= 2; ++seed) {
      CAPTURE(pipelined, seed);
      const auto n = make_chain(
          2, 8, 8,
          {{3, 3, 1, 1, Mode::sparse}, {0, 2, 2, 0, Mode::pool}, {3, 3, 1, 1, Mode::sparse}}, seed,
          0.5);
      check_against_reference(n, pipelined, seed + 30);
    }
}

TEST_CASE("strided sparse conv: an output site is active when its window holds an active site") {
  // 1x6x6 -> conv k3 s2 p1 -> 1x3x3. Input site (0,0) lies only in output (0,0)'s window;
  // (1,1) lies in the windows of outputs (0,0), (0,1), (1,0), (1,1).
  const auto n = make_chain(1, 6, 6, {{1, 3, 2, 1, Mode::sparse}}, 1, 1.0);
  const auto a = arch_for(false);
  const auto r = testutil::compile_graph(n.graph, "strided", a, n.opt);
  GoldenExecutor g(r.net, a.config.semantics, precision_of(a.config));
  std::vector<isa::SpikeFrame> frames(4);
  frames[0].index = {0};          // (0,0)
  frames[2].index = {1 * 6 + 1};  // (1,1)
  for (auto& f : frames) f.payload.assign(f.index.size(), 1);
  std::vector<std::vector<uint8_t>> sets;
  std::vector<std::vector<uint32_t>> fired;
  g.run_sample(0, frames, [&](uint32_t, uint32_t, const std::vector<isa::LayerSpikes>& ls) {
    sets.push_back(g.active_sites(1));
    fired.push_back(ls[1].index);
    return true;
  });
  const std::vector<uint8_t> s0{1, 0, 0, 0, 0, 0, 0, 0, 0}, s2{1, 1, 0, 1, 1, 0, 0, 0, 0};
  CHECK(sets[0] == s0);
  CHECK(sets[1] == s0);
  CHECK(sets[2] == s2);
  CHECK(sets[3] == s2);
  // No neuron at an inactive site ever fires (bias 1 would make every neuron fire in time).
  for (size_t t = 0; t < fired.size(); ++t)
    for (uint32_t j : fired[t]) CHECK(sets[t][j] == 1);
  CHECK(g.active_sites(0).size() == 36);
}

TEST_CASE("neurons at inactive sites keep state 0 (integrator readout)") {
  // in 1x5x5 -> conv 1x1x3x3 pad 1 (bias 1) -> I (integrator, never resets) -> Output:
  // the readout sums v over steps; it is 0 exactly at inactive sites in sparse mode.
  for (const Mode mode : {Mode::dense, Mode::sparse}) {
    nir::Graph g;
    b::Conv2dParams cp;
    cp.padding = {1, 1};
    cp.input_shape = {5, 5};
    g.nodes = {b::input("in", {1, 5, 5}),
               b::conv2d("conv", {1, 1, 3, 3}, std::vector<double>(9, 1.0), {1.0}, cp),
               b::integrator("acc", {1, 5, 5}, 1.0), b::output("out", {1, 5, 5})};
    b::chain(g, {"in", "conv", "acc", "out"});
    CompileOptions opt;
    opt.dt = 1;
    opt.conv_mode = mode == Mode::sparse ? ConvMode::sparse : ConvMode::dense;
    const auto a = arch_for(false);
    const auto r = testutil::compile_graph(g, "readout", a, opt);
    GoldenExecutor ex(r.net, a.config.semantics, precision_of(a.config));
    std::vector<isa::SpikeFrame> frames(3);
    frames[0].index = {2 * 5 + 2};  // centre, from step 0
    frames[0].payload = {1};
    const auto o = ex.run_sample(0, frames);
    REQUIRE(o.counts.size() == 1);
    for (uint32_t j = 0; j < 25; ++j) {
      CAPTURE(j);
      if (mode == Mode::dense || j == 12)
        CHECK(o.counts[0][j] != 0);
      else
        CHECK(o.counts[0][j] == 0);
    }
  }
}

TEST_CASE("dense and sparse give identical spikes and work on a fully occupied input") {
  using S = std::vector<std::tuple<int, int, int, int, Mode>>;
  for (const bool pipelined : {false, true}) {
    CAPTURE(pipelined);
    const S sp{{3, 3, 1, 1, Mode::sparse}, {3, 3, 1, 1, Mode::sparse}, {4, 3, 2, 1, Mode::sparse}};
    S dn = sp;
    for (auto& s : dn) std::get<4>(s) = Mode::dense;
    // Bias 0: with a bias, a pipelined sparse layer differs from the dense one in the steps
    // before the sites reach it (one step per layer), as the rules say.
    const auto ns = make_chain(2, 8, 8, sp, 7, 0.0), nd = make_chain(2, 8, 8, dn, 7, 0.0);
    const auto a = arch_for(pipelined);
    const auto rs = testutil::compile_graph(ns.graph, "full-s", a, ns.opt);
    const auto rd = testutil::compile_graph(nd.graph, "full-d", a, nd.opt);
    auto frames = testutil::random_frames(128, 20, 0.3, 9);
    frames[0] = {};
    for (uint32_t i = 0; i < 64; ++i) frames[0].index.push_back(i), frames[0].payload.push_back(1);
    std::vector<std::vector<isa::LayerSpikes>> want;
    GoldenExecutor gd(rd.net, a.config.semantics, precision_of(a.config));
    gd.run_sample(0, frames, [&](uint32_t, uint32_t, const std::vector<isa::LayerSpikes>& ls) {
      want.push_back(ls);
      return true;
    });
    GoldenExecutor gs(rs.net, a.config.semantics, precision_of(a.config));
    uint64_t total = 0;
    gs.run_sample(0, frames, [&](uint32_t, uint32_t t, const std::vector<isa::LayerSpikes>& ls) {
      for (size_t l = 0; l < ls.size(); ++l) {
        CAPTURE(t, l);
        REQUIRE(ls[l].index == want[t][l].index);
        total += ls[l].index.size();
      }
      return true;
    });
    CHECK(total > 100);
    CHECK(gs.stats().synaptic_events == gd.stats().synaptic_events);
    CHECK(gs.stats().dense_ops == gd.stats().dense_ops);
    CHECK(gs.stats().skipped_ops == std::vector<uint64_t>(4, 0));
    // 64 input sites, one consumer each; 64 + 64 sites of the submanifold layers, one consumer
    // each; the strided layer's 16 sites have no consumer that keeps a set.
    CHECK(gs.stats().site_activations == std::vector<uint64_t>{64, 64, 64, 0});
    CHECK(gd.stats().site_activations == std::vector<uint64_t>(4, 0));
  }
}

TEST_CASE("pipelined: site activations reach the next layer one step later, like spikes") {
  // Two submanifold layers with bias 10 (> threshold 4 + the largest negative weight 3): every
  // active neuron fires every step, so the spikes show the active sets. Site (2,2) is first
  // occupied at step 3.
  const auto n =
      make_chain(1, 5, 5, {{1, 3, 1, 1, Mode::sparse}, {1, 3, 1, 1, Mode::sparse}}, 3, 10.0);
  const uint32_t site = 2 * 5 + 2;
  std::vector<isa::SpikeFrame> frames(8);
  for (uint32_t t = 3; t < 8; t += 2) frames[t].index = {site}, frames[t].payload = {1};
  for (const bool pipelined : {false, true}) {
    CAPTURE(pipelined);
    const auto a = arch_for(pipelined);
    const auto r = testutil::compile_graph(n.graph, "lag", a, n.opt);
    GoldenExecutor g(r.net, a.config.semantics, precision_of(a.config));
    std::vector<int> first_active(3, -1), first_fired(3, -1);
    g.run_sample(0, frames, [&](uint32_t, uint32_t t, const std::vector<isa::LayerSpikes>& ls) {
      for (size_t l = 0; l < 3; ++l) {
        if (first_active[l] < 0 && g.active_sites(l).at(site)) first_active[l] = int(t);
        if (first_fired[l] < 0 && !ls[l].index.empty()) {
          first_fired[l] = int(t);
          CHECK(ls[l].index == std::vector<uint32_t>{site});
        }
      }
      return true;
    });
    const std::vector<int> want = pipelined ? std::vector<int>{3, 4, 5} : std::vector<int>{3, 3, 3};
    CHECK(first_active == want);
    CHECK(first_fired == want);
    CHECK(g.stats().site_activations == std::vector<uint64_t>{1, 1, 0});
  }
}

TEST_CASE("skipped and performed pair counts on a hand case") {
  // 1x3x3 -> conv 1x1x3x3 pad 1, weights 1 except tap (0,0) = 0 -> IF. Step 0: a spike at the
  // centre (sites active: {centre}); step 1: a spike at corner (0,0) (sites: centre, corner).
  std::vector<double> w(9, 1.0);
  w[0] = 0;
  for (const Mode mode : {Mode::dense, Mode::sparse}) {
    CAPTURE(mode == Mode::sparse);
    nir::Graph g;
    b::Conv2dParams cp;
    cp.padding = {1, 1};
    cp.input_shape = {3, 3};
    g.nodes = {b::input("in", {1, 3, 3}), b::conv2d("conv", {1, 1, 3, 3}, w, {0.0}, cp),
               b::if_neuron("n", {1, 3, 3}, 1.0, 100.0), b::output("out", {1, 3, 3})};
    b::chain(g, {"in", "conv", "n", "out"});
    CompileOptions opt;
    opt.dt = 1;
    opt.conv_mode = mode == Mode::sparse ? ConvMode::sparse : ConvMode::dense;
    const auto a = arch_for(false);
    const auto r = testutil::compile_graph(g, "hand", a, opt);
    GoldenExecutor ex(r.net, a.config.semantics, precision_of(a.config));
    std::vector<isa::SpikeFrame> frames(2);
    frames[0].index = {4}, frames[0].payload = {1};
    frames[1].index = {0}, frames[1].payload = {1};
    ex.run_sample(0, frames);
    const auto& s = ex.stats();
    if (mode == Mode::dense) {
      // centre: 9 pairs (tap (0,0) reaches output (2,2) with weight 0); corner: 4 pairs
      // (outputs (0,0),(0,1),(1,0),(1,1); output (1,1) through tap (0,0), weight 0).
      CHECK(s.dense_ops[1] == 13);
      CHECK(s.synaptic_events[1] == 11);
      CHECK(s.skipped_ops[1] == 0);
      CHECK(s.site_activations[0] == 0);
    } else {
      // centre: only output (1,1), tap (1,1), weight 1: 1 pair, 8 skipped. corner: outputs
      // (0,0) (tap (1,1), weight 1) and (1,1) (tap (0,0), weight 0) active: 2 pairs, 1 event,
      // 2 skipped.
      CHECK(s.dense_ops[1] == 3);
      CHECK(s.synaptic_events[1] == 2);
      CHECK(s.skipped_ops[1] == 10);
      CHECK(s.site_activations[0] == 2);
      CHECK(s.site_activations[1] == 0);
      CHECK(s.dense_ops[1] + s.skipped_ops[1] == 13);
    }
  }
}

TEST_CASE("a submanifold sparse conv that changes the spatial size is a compile error") {
  const auto n = make_chain(1, 6, 6, {{2, 3, 1, 0, Mode::sparse}}, 1, 0.0);  // 6x6 -> 4x4
  const auto a = arch_for(false);
  try {
    (void)testutil::compile_graph(n.graph, "bad-ssc", a, n.opt);
    FAIL("expected a compile error");
  } catch (const isa::InputError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("conv1") != std::string::npos);
    CHECK(msg.find("submanifold") != std::string::npos);
    CHECK(msg.find("6x6 to 4x4") != std::string::npos);
  }
  // The same conv compiled dense is fine, and strided sparse convs may shrink the map.
  auto ok = n;
  ok.opt.conv_mode_per_node = {{"conv1", ConvMode::dense}};
  CHECK_NOTHROW(testutil::compile_graph(ok.graph, "ok-dense", a, ok.opt));
  const auto strided = make_chain(1, 6, 6, {{2, 3, 2, 0, Mode::sparse}}, 1, 0.0);
  CHECK_NOTHROW(testutil::compile_graph(strided.graph, "ok-strided", a, strided.opt));
}
