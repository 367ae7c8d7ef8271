#include "simmodel/sparse_sites.h"

#include <algorithm>

#include <fmt/format.h>
#include "isa/conv_window.h"
#include "isa/error.h"

namespace sim {

namespace {

bool is_sparse(isa::Opcode op) {
  return op == isa::Opcode::au_ssc || op == isa::Opcode::au_sscs;
}

bool is_au(isa::Opcode op) {
  return isa::arms_projection(op);
}

struct Grid {
  uint32_t h = 0, w = 0;
};

Grid grid_of(const isa::LayerInfo& l) {
  if (l.shape.size() != 3) return {};
  return {l.shape[1], l.shape[2]};
}

// The rule a projection would follow if its target kept a set (grids permitting); the same as
// the compiler's candidate_rule.
SiteRule candidate_rule(isa::Opcode op, const isa::ConvGeometry& g, Grid s, Grid t) {
  if (!s.h || !s.w || !t.h || !t.w) return SiteRule::none;
  switch (op) {
    case isa::Opcode::au_elt:
      return s.h == t.h && s.w == t.w ? SiteRule::identity : SiteRule::none;
    case isa::Opcode::au_conv:
    case isa::Opcode::au_pool:
    case isa::Opcode::au_ssc:
    case isa::Opcode::au_sscs:
      if (g.in_h != s.h || g.in_w != s.w || g.out_h != t.h || g.out_w != t.w) return SiteRule::none;
      return op == isa::Opcode::au_ssc ? SiteRule::identity : SiteRule::window;
    default:
      return SiteRule::none;
  }
}

}  // namespace

void SparseSites::window_targets(const isa::ConvGeometry& g, uint32_t y, uint32_t x,
                                 std::vector<uint32_t>& out) {
  out.clear();
  isa::for_each_window_tap(g, y, x, [&](uint32_t, uint32_t site) { out.push_back(site); });
}

SparseSites::SparseSites(const isa::ProgramImage& image) {
  const size_t L = image.layers.size();
  inputs_.resize(L);
  consumers_.resize(L);
  sites_.assign(L, 0);
  tracked_.assign(L, 0);
  gated_.assign(L, 0);
  for (size_t l = 0; l < L; ++l) {
    const Grid g = grid_of(image.layers[l]);
    sites_[l] = g.h * g.w;
  }
  // Each layer's input projections, from the first segment of it found (every segment of a
  // layer has the same list), with the AU opcode that arms each.
  std::vector<std::vector<isa::Opcode>> ops(L);
  std::vector<uint8_t> seen(L, 0);
  for (const isa::CoreProgram& c : image.cores) {
    std::vector<isa::Opcode> arm(c.projections.size(), isa::Opcode::nop);
    for (const isa::Instr& in : c.code)
      if (is_au(in.op) && in.a < arm.size()) arm[in.a] = in.op;
    for (size_t s = 0; s < c.segments.size(); ++s) {
      const uint32_t l = c.segments[s].layer;
      if (l >= L || seen[l]) continue;
      seen[l] = 1;
      for (size_t k = 0; k < c.projections.size(); ++k) {
        const isa::Projection& p = c.projections[k];
        if (p.segment != s || p.source_layer >= L) continue;
        In in;
        in.source = p.source_layer;
        in.delay = p.delay_steps;
        in.geom = &p.geom;
        in.rule = candidate_rule(arm[k], p.geom, grid_of(image.layers[p.source_layer]),
                                 grid_of(image.layers[l]));
        inputs_[l].push_back(in);
        ops[l].push_back(arm[k]);
        gated_[l] |= is_sparse(arm[k]);
      }
    }
  }
  // Carrying layers: the input (CHW) and every CHW layer whose inputs all hand sites on from
  // carrying layers (greatest fixed point).
  std::vector<uint8_t> carries(L, 0);
  for (size_t l = 0; l < L; ++l) {
    carries[l] = sites_[l] > 0;
    if (!image.layers[l].is_input && inputs_[l].empty()) carries[l] = 0;
    for (const In& in : inputs_[l]) carries[l] &= in.rule != SiteRule::none;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t l = 0; l < L; ++l)
      for (const In& in : inputs_[l])
        if (carries[l] && !carries[in.source]) carries[l] = 0, changed = true;
  }
  for (size_t l = 0; l < L; ++l) {
    for (size_t k = 0; k < inputs_[l].size(); ++k)
      if (is_sparse(ops[l][k]) && !carries[inputs_[l][k].source])
        throw isa::InputError(fmt::format(
            "program image: layer '{}' has a sparse convolution from layer '{}', which carries "
            "no active-site set (not a CHW grid, or fed through an FC projection)",
            image.layers[l].name, image.layers[inputs_[l][k].source].name));
    if (gated_[l] && !carries[l])
      throw isa::InputError(fmt::format(
          "program image: layer '{}' is fed by a sparse convolution but carries no active-site "
          "set (not a CHW grid, or also fed by a projection that maps no sites)",
          image.layers[l].name));
  }
  // Tracked: gated layers, sources of sparse convs, and transitively the sources of every
  // projection into a tracked layer.
  for (size_t l = 0; l < L; ++l) {
    if (gated_[l]) tracked_[l] = 1;
    for (size_t k = 0; k < inputs_[l].size(); ++k)
      if (is_sparse(ops[l][k])) tracked_[inputs_[l][k].source] = 1;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t l = 0; l < L; ++l)
      if (tracked_[l])
        for (const In& in : inputs_[l])
          if (!tracked_[in.source]) tracked_[in.source] = 1, changed = true;
  }
  since_.resize(L);
  since_delayed_.resize(L);
  for (uint32_t l = 0; l < L; ++l) {
    if (!tracked_[l]) {
      for (In& in : inputs_[l]) in.rule = SiteRule::none;
      continue;
    }
    any_ = true;
    since_[l].assign(sites_[l], kNever);
    since_delayed_[l].assign(sites_[l], kNever);
    for (uint32_t k = 0; k < inputs_[l].size(); ++k)
      if (inputs_[l][k].rule != SiteRule::none) consumers_[inputs_[l][k].source].push_back({l, k});
  }
}

SiteRule SparseSites::rule(isa::Opcode op, uint32_t target) const {
  if (!tracked_[target]) return SiteRule::none;
  switch (op) {
    case isa::Opcode::au_elt:
    case isa::Opcode::au_ssc:
      return SiteRule::identity;
    case isa::Opcode::au_conv:
    case isa::Opcode::au_pool:
    case isa::Opcode::au_sscs:
      return SiteRule::window;
    default:
      return SiteRule::none;
  }
}

void SparseSites::reset() {
  for (size_t l = 0; l < since_.size(); ++l) {
    std::fill(since_[l].begin(), since_[l].end(), kNever);
    std::fill(since_delayed_[l].begin(), since_delayed_[l].end(), kNever);
  }
}

void SparseSites::activate_input(const isa::SpikeFrame& frame, uint32_t input_layer, uint32_t step,
                                 std::vector<Message>& messages) {
  if (input_layer >= tracked_.size() || !tracked_[input_layer]) return;
  const uint32_t hw = sites_[input_layer];
  auto& s0 = since_[input_layer];
  work_.clear();
  for (uint32_t i : frame.index) {
    const uint32_t s = i % hw;
    if (s0[s] <= step) continue;
    s0[s] = step;
    work_.push_back({input_layer, s, step});
  }
  messages.insert(messages.end(), work_.begin(), work_.end());
  // The cascade: each message applies the min rule through every consumer projection and
  // forwards what it set or lowered. Delays are >= 0, so the values only fall and it ends.
  for (size_t w = 0; w < work_.size(); ++w) {
    const Message m = work_[w];
    for (const Out& o : consumers_[m.layer]) {
      const In& in = inputs_[o.target][o.k];
      const uint32_t v = m.since + in.delay;
      if (in.rule == SiteRule::identity) {
        scratch_.assign(1, m.site);
      } else {
        const isa::ConvGeometry& g = *in.geom;
        window_targets(g, m.site / g.in_w, m.site % g.in_w, scratch_);
      }
      auto& since = since_[o.target];
      for (uint32_t t : scratch_) {
        if (in.delay) since_delayed_[o.target][t] = std::min(since_delayed_[o.target][t], v);
        if (v >= since[t]) continue;
        since[t] = v;
        work_.push_back({o.target, t, v});
        messages.push_back({o.target, t, v});
      }
    }
  }
}

}  // namespace sim
