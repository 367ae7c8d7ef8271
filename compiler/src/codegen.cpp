// Code generation: per core, the segments, projections, weights, parameters and routes of
// what the partition put there, and the program (docs/execution-model.md: prologue of AU.*,
// then per phase UPD/SEND/HOUT and BAR, LOOPT, HALT).
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>

#include "compiler/mapping.h"
#include "compiler/sparse_sites.h"
#include "isa/error.h"

namespace compiler {
namespace {

isa::Opcode au_opcode(const Projection& p) {
  switch (p.kind) {
    case ProjectionKind::fc:
      switch (p.layout) {
        case arch::WeightLayout::dense:
          return isa::Opcode::au_fc;
        case arch::WeightLayout::compressed:
          return isa::Opcode::au_fcz;
        case arch::WeightLayout::nm:
          return isa::Opcode::au_fcnm;
      }
      return isa::Opcode::au_fc;
    case ProjectionKind::pool:
      return isa::Opcode::au_pool;
    case ProjectionKind::elementwise:
      return isa::Opcode::au_elt;
    case ProjectionKind::conv:
      if (p.conv_mode == ConvMode::dense) return isa::Opcode::au_conv;
      return p.geom.stride_h == 1 && p.geom.stride_w == 1 ? isa::Opcode::au_ssc
                                                          : isa::Opcode::au_sscs;
  }
  return isa::Opcode::au_fc;
}

isa::Opcode upd_opcode(NeuronKind k) {
  switch (k) {
    case NeuronKind::lif:
      return isa::Opcode::upd_lif;
    case NeuronKind::if_:
      return isa::Opcode::upd_if;
    case NeuronKind::li:
      return isa::Opcode::upd_li;
    case NeuronKind::cuba:
      return isa::Opcode::upd_cuba;
    case NeuronKind::cuba_li:
      return isa::Opcode::upd_culi;
    case NeuronKind::input:
      break;
  }
  return isa::Opcode::upd_lif;
}

// Weight words a segment's projection k puts in its core's weight memory (the loop in
// codegen below writes exactly these), to reserve a core's weights once.
size_t weight_words(const Network& net, const SegmentPlan& sp, size_t k) {
  const Projection& p = net.layers[sp.layer].inputs[k];
  switch (p.kind) {
    case ProjectionKind::fc:
      return size_t{sp.sources[k].size()} * sp.count;
    case ProjectionKind::conv: {
      const uint32_t ohw = p.geom.out_h * p.geom.out_w;
      const size_t per_oc = p.qweight.size() / p.geom.out_c;
      return ((sp.begin + sp.count) / ohw - sp.begin / ohw) * per_oc;
    }
    case ProjectionKind::pool:
      return 1;
    case ProjectionKind::elementwise:
      return sp.count;
  }
  return 0;
}

}  // namespace

CodegenResult codegen(const Network& net, const arch::ArchConfig& arch, const Mapping& m,
                      uint64_t arch_hash) {
  if (arch.core.weight_bits > 16)
    throw isa::InputError(fmt::format("weight_bits {} exceeds the image's 16-bit weight words",
                                      arch.core.weight_bits));
  (void)plan_sparse(net);  // AU.SSC/AU.SSCS need active sites the chip can carry: checked here
  CodegenResult r;
  isa::ProgramImage& img = r.image;
  img.arch_hash = arch_hash;
  img.mesh_x = arch.mesh.x;
  img.mesh_y = arch.mesh.y;
  img.semantics = arch.semantics;
  img.phases_per_step = m.phases_per_step;
  img.input_frac_bits = net.input_frac_bits;
  for (const auto& l : net.layers) {
    isa::LayerInfo li;
    li.name = l.name;
    li.shape = l.shape;
    li.size = l.size;
    li.is_input = l.kind == NeuronKind::input;
    li.is_output = l.is_output;
    img.layers.push_back(std::move(li));
  }
  const bool pipelined = arch.semantics == isa::Semantics::pipelined;
  // Which mesh cores take each source layer's neurons: (core, range) per projection.
  struct Taker {
    uint32_t core;
    SourceRange range;
  };
  std::vector<std::vector<Taker>> takers(net.layers.size());
  for (const auto& s : m.segments)
    for (size_t k = 0; k < s.sources.size(); ++k)
      if (s.sources[k].size() > 0)
        takers[net.layers[s.layer].inputs[k].source].push_back(
            {m.core_position[s.core], s.sources[k]});
  // The cores that take some of the neurons [b, e) of `layer`: a segment's multicast route.
  const auto consumers = [&](uint32_t layer, uint32_t b, uint32_t e) {
    std::set<uint32_t> cores;
    for (const Taker& t : takers[layer])
      if (t.range.begin < e && b < t.range.end) cores.insert(t.core);
    return cores;
  };
  {
    const auto host = consumers(0, 0, net.layers[0].size);
    img.host_input.dest_cores.assign(host.begin(), host.end());
  }

  std::map<uint32_t, std::vector<const SegmentPlan*>> by_core;  // mesh index -> segments
  for (const auto& s : m.segments) by_core[m.core_position[s.core]].push_back(&s);
  for (const auto& [mesh_index, segs] : by_core) {
    isa::CoreProgram cp;
    cp.core = mesh_index;
    std::vector<std::string> comments;
    uint32_t membrane = 0;
    std::vector<isa::Instr> prologue;
    std::vector<std::string> prologue_comments;
    std::vector<int> route_of(segs.size(), -1);
    size_t words = 0;
    for (const SegmentPlan* sp : segs)
      for (size_t k = 0; k < net.layers[sp->layer].inputs.size(); ++k)
        words += weight_words(net, *sp, k);
    cp.weights.reserve(words);  // grown by push_back, it would hold up to twice the weights
    for (size_t si = 0; si < segs.size(); ++si) {
      const SegmentPlan& sp = *segs[si];
      const Layer& layer = net.layers[sp.layer];
      isa::Segment seg;
      seg.layer = sp.layer;
      seg.neuron_begin = sp.begin;
      seg.neuron_count = sp.count;
      seg.membrane_base = membrane;
      membrane += sp.count;
      seg.param_base = static_cast<uint32_t>(cp.params.size());
      seg.partial = sp.partial ? 1 : 0;
      if (sp.partial) {
        seg.param_count = 0;  // never updated
      } else if (layer.qparams.size() == 1) {
        seg.param_count = 1;
        cp.params.push_back(layer.qparams[0]);
      } else {
        seg.param_count = sp.count;
        cp.params.insert(cp.params.end(), layer.qparams.begin() + sp.begin,
                         layer.qparams.begin() + sp.begin + sp.count);
      }
      cp.segments.push_back(seg);
      for (size_t k = 0; k < layer.inputs.size(); ++k) {
        const Projection& p = layer.inputs[k];
        const SourceRange src = sp.sources[k];
        isa::Projection d;
        d.source_layer = p.source;
        d.segment = static_cast<uint32_t>(si);
        d.delay_steps = pipelined ? 1 : p.delay_steps;
        d.source_neurons = net.layers[p.source].size;
        d.weight_base = static_cast<uint32_t>(cp.weights.size());
        d.weight_shift = p.weight_shift;
        d.source_begin = src.begin;
        d.source_end = src.end;
        d.geom = p.geom;
        const uint32_t S = d.source_neurons;
        switch (p.kind) {
          case ProjectionKind::fc:
            for (uint32_t i = src.begin; i < src.end; ++i)
              for (uint32_t j = 0; j < sp.count; ++j)
                cp.weights.push_back(p.qweight[size_t{sp.begin + j} * S + i]);
            break;
          case ProjectionKind::conv: {
            const uint32_t ohw = p.geom.out_h * p.geom.out_w;
            const size_t per_oc = p.qweight.size() / p.geom.out_c;
            for (size_t k = sp.begin / ohw * per_oc; k < (sp.begin + sp.count) / ohw * per_oc; ++k)
              cp.weights.push_back(p.qweight[k]);
            break;
          }
          case ProjectionKind::pool:
            cp.weights.push_back(p.qweight.at(0));
            break;
          case ProjectionKind::elementwise:
            for (uint32_t j = 0; j < sp.count; ++j) cp.weights.push_back(p.qweight[sp.begin + j]);
            break;
        }
        d.weight_count = static_cast<uint32_t>(cp.weights.size()) - d.weight_base;
        prologue.push_back({au_opcode(p), static_cast<uint32_t>(cp.projections.size()), 0, 0});
        prologue_comments.push_back(fmt::format(
            "{}{} -> {} [{}..{}){} via {}", net.layers[p.source].name,
            src.size() == S ? "" : fmt::format(" [{}..{})", src.begin, src.end), layer.name,
            sp.begin, sp.begin + sp.count, sp.partial ? " partial sums" : "", p.origin));
        cp.projections.push_back(d);
      }
      const std::set<uint32_t> dests =
          sp.partial ? std::set<uint32_t>{m.core_position[m.segments[sp.owner].core]}
                     : consumers(sp.layer, sp.begin, sp.begin + sp.count);
      if (!dests.empty()) {
        route_of[si] = static_cast<int>(cp.routes.size());
        cp.routes.push_back({{dests.begin(), dests.end()}});
      }
    }
    cp.code = prologue;
    comments = prologue_comments;
    const uint32_t body = static_cast<uint32_t>(cp.code.size());
    uint8_t spike_bits = 1;  // the SPKBITS register's value at reset
    for (uint32_t phase = 0; phase < m.phases.size(); ++phase) {
      const PhasePlan& ph = m.phases[phase];
      for (size_t si = 0; si < segs.size(); ++si) {
        const SegmentPlan& sp = *segs[si];
        if (!pipelined && m.levels[sp.layer] != ph.level) continue;
        if (sp.partial != ph.psum) continue;
        const Layer& layer = net.layers[sp.layer];
        const auto s = static_cast<uint32_t>(si);
        if (sp.partial) {
          cp.code.push_back({isa::Opcode::psum, s, static_cast<uint32_t>(route_of[si]), 0});
          comments.push_back(fmt::format("{} neurons [{}..{}): partial sums to core {}", layer.name,
                                         sp.begin, sp.begin + sp.count,
                                         m.core_position[m.segments[sp.owner].core]));
          continue;
        }
        if (layer.spike_bits != spike_bits) {
          spike_bits = layer.spike_bits;
          cp.code.push_back({isa::Opcode::setbits, spike_bits, 0, 0});
          comments.push_back("");
        }
        const bool fires = is_spiking(layer.kind);
        cp.code.push_back({upd_opcode(layer.kind), s,
                           fires ? static_cast<uint32_t>(layer.reset) : 0u,
                           fires ? static_cast<uint32_t>(layer.compare) : 0u});
        comments.push_back(
            fmt::format("{} neurons [{}..{})", layer.name, sp.begin, sp.begin + sp.count));
        if (route_of[si] >= 0 && fires) {
          cp.code.push_back({isa::Opcode::send, s, static_cast<uint32_t>(route_of[si]), 0});
          comments.push_back("");
        }
        if (layer.is_output) {
          cp.code.push_back({isa::Opcode::hout, s, 0, 0});
          comments.push_back("");
        }
      }
      cp.code.push_back({isa::Opcode::bar, 0, 0, 0});
      comments.push_back(fmt::format("end of phase {}{}", phase, ph.psum ? " (partial sums)" : ""));
    }
    cp.code.push_back({isa::Opcode::loopt, body, 0, 0});
    comments.push_back("");
    cp.code.push_back({isa::Opcode::halt, 0, 0, 0});
    comments.push_back("");
    img.cores.push_back(std::move(cp));
    r.comments.push_back(std::move(comments));
  }
  return r;
}

}  // namespace compiler
