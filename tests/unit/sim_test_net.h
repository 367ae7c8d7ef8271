// Test support for the simulator's unit tests: small networks described layer by layer, turned
// into a program image (one program per core, the schedule of docs/execution-model.md) and run
// by a direct reference loop over dense connection matrices (independent of the AU's walk).
#pragma once
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "arch/config.h"
#include "arch/energy.h"
#include "isa/arith.h"
#include "isa/program.h"

namespace simtest {

// An arch with every energy key present (1 pJ per event, no static power).
inline arch::ArchConfig test_arch(uint32_t mesh_x = 1, uint32_t mesh_y = 1) {
  arch::ArchConfig a;
  a.mesh = {mesh_x, mesh_y};
  for (auto k : arch::kEnergyEventKeys) a.energy.event_pj[std::string(k)] = 1.0;
  for (auto k : arch::kStaticBlockKeys) a.energy.static_mw[std::string(k)] = 0.0;
  return a;
}

struct Layer {
  uint32_t size = 1;
  isa::Opcode upd = isa::Opcode::upd_if;
  uint32_t reset = 0, cmp = 0, spike_bits = 1;
  isa::NeuronParams params;
  bool output = false;
  uint32_t core = 0;   // first core holding it
  uint32_t parts = 1;  // split into this many contiguous segments on cores core, core+1, ...
};

inline Layer layer(uint32_t size) {
  Layer l;
  l.size = size;
  return l;
}

struct Edge {
  uint32_t src = 0, dst = 1, delay = 0;
  isa::Opcode au = isa::Opcode::au_fc;
  std::vector<int16_t> weights;  // image layout for the whole destination layer
  isa::ConvGeometry geom;
};

struct Net {
  std::vector<Layer> layers;  // layer 0 is the input
  std::vector<Edge> edges;
  isa::Semantics semantics = isa::Semantics::layer_sequential;
};

inline bool is_spiking(isa::Opcode op) {
  return op != isa::Opcode::upd_li && op != isa::Opcode::upd_culi;
}

inline std::vector<uint32_t> levels(const Net& n) {
  std::vector<uint32_t> lv(n.layers.size(), 0);
  if (n.semantics == isa::Semantics::pipelined) return lv;
  for (size_t it = 0; it < n.layers.size(); ++it)
    for (const Edge& e : n.edges)
      if (e.delay == 0) lv[e.dst] = std::max(lv[e.dst], lv[e.src] + 1);
  return lv;
}

// Dense matrix M[i * dst_size + j] of edge e, by a loop over outputs.
inline std::vector<int32_t> dense(const Net& n, const Edge& e) {
  const uint32_t ns = n.layers[e.src].size, nd = n.layers[e.dst].size;
  std::vector<int32_t> m(size_t{ns} * nd, 0);
  const isa::ConvGeometry& g = e.geom;
  switch (e.au) {
    case isa::Opcode::au_fc:
    case isa::Opcode::au_fcz:
    case isa::Opcode::au_fcnm:
      for (uint32_t i = 0; i < ns; ++i)
        for (uint32_t j = 0; j < nd; ++j) m[i * nd + j] = e.weights[i * nd + j];
      break;
    case isa::Opcode::au_elt:
      for (uint32_t i = 0; i < std::min(ns, nd); ++i) m[i * nd + i] = e.weights[i];
      break;
    default: {  // conv, pool
      const bool pool = e.au == isa::Opcode::au_pool;
      const uint32_t in_pg = g.in_c / g.groups, out_pg = g.out_c / g.groups;
      for (uint32_t oc = 0; oc < g.out_c; ++oc)
        for (uint32_t oy = 0; oy < g.out_h; ++oy)
          for (uint32_t ox = 0; ox < g.out_w; ++ox)
            for (uint32_t ci = 0; ci < (pool ? 1 : in_pg); ++ci)
              for (uint32_t ky = 0; ky < g.k_h; ++ky)
                for (uint32_t kx = 0; kx < g.k_w; ++kx) {
                  const int iy = int(oy * g.stride_h) - int(g.pad_h) + int(ky * g.dil_h);
                  const int ix = int(ox * g.stride_w) - int(g.pad_w) + int(kx * g.dil_w);
                  if (iy < 0 || ix < 0 || iy >= int(g.in_h) || ix >= int(g.in_w)) continue;
                  const uint32_t c = pool ? oc : (oc / out_pg) * in_pg + ci;
                  const uint32_t i = (c * g.in_h + iy) * g.in_w + ix;
                  const uint32_t j = (oc * g.out_h + oy) * g.out_w + ox;
                  m[size_t{i} * nd + j] +=
                      pool ? e.weights.at(0)
                           : e.weights[((oc * in_pg + ci) * g.k_h + ky) * g.k_w + kx];
                }
    }
  }
  return m;
}

// The image: segments, projections (weights sliced per segment), routes and programs.
inline isa::ProgramImage build_image(const Net& n, uint32_t mesh_x = 1, uint32_t mesh_y = 1) {
  isa::ProgramImage img;
  img.mesh_x = mesh_x;
  img.mesh_y = mesh_y;
  img.semantics = n.semantics;
  const std::vector<uint32_t> lv = levels(n);
  img.phases_per_step = *std::max_element(lv.begin(), lv.end()) + 1;
  for (size_t l = 0; l < n.layers.size(); ++l) {
    isa::LayerInfo li;
    li.name = "L" + std::to_string(l);
    li.size = n.layers[l].size;
    li.shape = {li.size};
    li.is_input = l == 0;
    li.is_output = n.layers[l].output;
    img.layers.push_back(li);
  }
  std::map<uint32_t, isa::CoreProgram> cores;
  struct Seg {
    uint32_t core, index, begin, count;
  };
  std::vector<std::vector<Seg>> segs(n.layers.size());
  for (uint32_t l = 1; l < n.layers.size(); ++l) {
    const Layer& L = n.layers[l];
    const uint32_t base = L.size / L.parts;
    for (uint32_t p = 0, begin = 0; p < L.parts; ++p) {
      const uint32_t count = p + 1 == L.parts ? L.size - begin : base;
      isa::CoreProgram& c = cores[L.core + p];
      c.core = L.core + p;
      isa::Segment s;
      s.layer = l;
      s.neuron_begin = begin;
      s.neuron_count = count;
      s.membrane_base = 0;
      for (const isa::Segment& o : c.segments) s.membrane_base += o.neuron_count;
      s.param_base = static_cast<uint32_t>(c.params.size());
      s.param_count = 1;
      c.params.push_back(L.params);
      segs[l].push_back({c.core, static_cast<uint32_t>(c.segments.size()), begin, count});
      c.segments.push_back(s);
      begin += count;
    }
  }
  const auto consumer_cores = [&](uint32_t l) {
    std::set<uint32_t> s;
    for (const Edge& e : n.edges)
      if (e.src == l)
        for (const Seg& sg : segs[e.dst]) s.insert(sg.core);
    return std::vector<uint32_t>(s.begin(), s.end());
  };
  img.host_input.dest_cores = consumer_cores(0);
  // Projections: one per (edge, destination segment).
  std::map<uint32_t, std::vector<isa::Opcode>> arm;
  for (const Edge& e : n.edges) {
    const uint32_t nd = n.layers[e.dst].size, ns = n.layers[e.src].size;
    for (const Seg& sg : segs[e.dst]) {
      isa::CoreProgram& c = cores[sg.core];
      isa::Projection p;
      p.source_layer = e.src;
      p.segment = sg.index;
      p.delay_steps = e.delay;
      p.source_neurons = ns;
      p.source_end = ns;
      p.weight_base = static_cast<uint32_t>(c.weights.size());
      p.geom = e.geom;
      if (isa::arms_fc(e.au)) {
        for (uint32_t i = 0; i < ns; ++i)
          for (uint32_t j = 0; j < sg.count; ++j)
            c.weights.push_back(e.weights[i * nd + sg.begin + j]);
      } else if (e.au == isa::Opcode::au_elt) {
        for (uint32_t j = 0; j < sg.count; ++j) c.weights.push_back(e.weights[sg.begin + j]);
      } else if (e.au == isa::Opcode::au_conv || e.au == isa::Opcode::au_ssc ||
                 e.au == isa::Opcode::au_sscs) {
        const uint32_t plane = e.geom.out_h * e.geom.out_w;
        const uint32_t per_oc = e.geom.in_c / e.geom.groups * e.geom.k_h * e.geom.k_w;
        for (uint32_t k = sg.begin / plane * per_oc; k < (sg.begin + sg.count) / plane * per_oc;
             ++k)
          c.weights.push_back(e.weights[k]);
      } else if (e.au == isa::Opcode::au_pool) {
        c.weights.push_back(e.weights.at(0));  // the shared pool weight
      }
      p.weight_count = static_cast<uint32_t>(c.weights.size()) - p.weight_base;
      arm[sg.core].push_back(e.au);
      c.projections.push_back(p);
    }
  }
  for (auto& [id, c] : cores) {
    for (size_t k = 0; k < c.projections.size(); ++k)
      c.code.push_back({arm[id][k], static_cast<uint32_t>(k), 0, 0});
    const uint32_t body = static_cast<uint32_t>(c.code.size());
    for (uint32_t ph = 0; ph < img.phases_per_step; ++ph) {
      for (uint32_t si = 0; si < c.segments.size(); ++si) {
        const uint32_t l = c.segments[si].layer;
        if (lv[l] != ph) continue;
        const Layer& L = n.layers[l];
        c.code.push_back({isa::Opcode::setbits, L.spike_bits, 0, 0});
        if (is_spiking(L.upd))
          c.code.push_back({L.upd, si, L.reset, L.cmp});
        else
          c.code.push_back({L.upd, si, 0, 0});
        const std::vector<uint32_t> dests = consumer_cores(l);
        if (!dests.empty()) {
          c.routes.push_back({dests});
          c.code.push_back({isa::Opcode::send, si, static_cast<uint32_t>(c.routes.size() - 1), 0});
        }
        if (L.output) c.code.push_back({isa::Opcode::hout, si, 0, 0});
      }
      c.code.push_back({isa::Opcode::bar, 0, 0, 0});
    }
    c.code.push_back({isa::Opcode::loopt, body, 0, 0});
    c.code.push_back({isa::Opcode::halt, 0, 0, 0});
    img.cores.push_back(c);
  }
  return img;
}

struct Reference {
  std::vector<std::vector<isa::LayerSpikes>> spikes;  // [step][layer]
  std::vector<std::vector<int64_t>> outputs;          // [output layer][neuron]
};

// The execution model by a direct loop: per step, layers in level order; input of a layer =
// wrap-around sum over its edges of shift_add(M[i][j], payload) of the source's spikes at
// step t - delay.
inline Reference reference(const Net& n, const std::vector<isa::SpikeFrame>& input, uint32_t T,
                           isa::Precision prec = {24, 24}) {
  const size_t nl = n.layers.size();
  const std::vector<uint32_t> lv = levels(n);
  std::vector<uint32_t> order;
  for (uint32_t l = 1; l < nl; ++l) order.push_back(l);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return lv[a] < lv[b]; });
  std::vector<std::vector<int32_t>> mats;
  for (const Edge& e : n.edges) mats.push_back(dense(n, e));
  std::vector<std::vector<isa::NeuronState>> st(nl);
  for (size_t l = 0; l < nl; ++l) st[l].assign(n.layers[l].size, {});
  Reference r;
  for (size_t l = 0; l < nl; ++l)
    if (n.layers[l].output) r.outputs.emplace_back(n.layers[l].size, 0);
  for (uint32_t t = 0; t < T; ++t) {
    r.spikes.emplace_back(nl);
    if (t < input.size()) r.spikes[t][0] = input[t];
    for (uint32_t l : order) {
      const Layer& L = n.layers[l];
      std::vector<int32_t> in(L.size, 0);
      for (size_t k = 0; k < n.edges.size(); ++k) {
        const Edge& e = n.edges[k];
        if (e.dst != l || t < e.delay) continue;
        const isa::LayerSpikes& s = r.spikes[t - e.delay][e.src];
        for (size_t q = 0; q < s.index.size(); ++q)
          for (uint32_t j = 0; j < L.size; ++j) {
            const int32_t w = mats[k][size_t{s.index[q]} * L.size + j];
            in[j] = int32_t(uint32_t(in[j]) + uint32_t(isa::shift_add(w, s.payload[q])));
          }
      }
      isa::UpdateMode m;
      switch (L.upd) {
        case isa::Opcode::upd_lif:
          m.model = isa::NeuronModel::lif;
          break;
        case isa::Opcode::upd_if:
          m.model = isa::NeuronModel::if_;
          break;
        case isa::Opcode::upd_li:
          m.model = isa::NeuronModel::li;
          break;
        case isa::Opcode::upd_cuba:
          m.model = isa::NeuronModel::cuba;
          break;
        default:
          m.model = isa::NeuronModel::cuba_li;
          break;
      }
      m.reset = L.reset ? isa::ResetMode::subtract : isa::ResetMode::to_value;
      m.compare = L.cmp ? isa::Compare::ge : isa::Compare::gt;
      m.spike_bits = static_cast<uint8_t>(L.spike_bits);
      for (uint32_t j = 0; j < L.size; ++j) {
        const uint32_t out = isa::neuron_step(st[l][j], in[j], L.params, m, prec);
        if (out) {
          r.spikes[t][l].index.push_back(j);
          r.spikes[t][l].payload.push_back(out);
        }
      }
    }
    size_t o = 0;
    for (size_t l = 0; l < nl; ++l) {
      if (!n.layers[l].output) continue;
      if (is_spiking(n.layers[l].upd)) {
        const isa::LayerSpikes& s = r.spikes[t][l];
        for (size_t q = 0; q < s.index.size(); ++q) r.outputs[o][s.index[q]] += s.payload[q];
      } else {
        for (uint32_t j = 0; j < n.layers[l].size; ++j) r.outputs[o][j] += st[l][j].v;
      }
      ++o;
    }
  }
  return r;
}

// isa::SpikeFrame has no operator==.
inline bool same(const std::vector<isa::LayerSpikes>& a, const std::vector<isa::LayerSpikes>& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (a[k].index != b[k].index || a[k].payload != b[k].payload) return false;
  return true;
}
inline bool same(const std::vector<std::vector<isa::LayerSpikes>>& a,
                 const std::vector<std::vector<isa::LayerSpikes>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (!same(a[k], b[k])) return false;
  return true;
}

// Deterministic pseudo-random numbers for test data.
struct Lcg {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(s >> 33);
  }
  int16_t weight(int range) { return int16_t(int(next() % (2 * range + 1)) - range); }
};

inline std::vector<isa::SpikeFrame> random_input(Lcg& rng, uint32_t size, uint32_t T,
                                                 uint32_t percent, uint32_t max_payload = 1) {
  std::vector<isa::SpikeFrame> in(T);
  for (uint32_t t = 0; t < T; ++t)
    for (uint32_t i = 0; i < size; ++i)
      if (rng.next() % 100 < percent) {
        in[t].index.push_back(i);
        in[t].payload.push_back(1 + rng.next() % max_payload);
      }
  return in;
}

}  // namespace simtest
