#include "compiler/sparse_sites.h"

#include <fmt/core.h>

#include "isa/conv_window.h"
#include "isa/error.h"

namespace compiler {

bool is_sparse_conv(const Projection& p) {
  return p.kind == ProjectionKind::conv && p.conv_mode == ConvMode::sparse;
}

bool is_submanifold(const Projection& p) {
  return is_sparse_conv(p) && p.geom.stride_h == 1 && p.geom.stride_w == 1;
}

bool SparsePlan::any() const {
  for (uint8_t t : tracked)
    if (t) return true;
  return false;
}

void window_targets(const isa::ConvGeometry& g, uint32_t y, uint32_t x,
                    std::vector<uint32_t>& out) {
  out.clear();
  isa::for_each_window_tap(g, y, x, [&](uint32_t, uint32_t site) { out.push_back(site); });
}

namespace {

struct Grid {
  uint32_t h = 0, w = 0;
  bool ok() const { return h > 0 && w > 0; }
};

Grid grid_of(const Layer& l) {
  if (l.shape.size() != 3) return {};
  return {l.shape[1], l.shape[2]};
}

std::string node_of(const Projection& p, const Network& net) {
  return p.origin.empty() ? net.layers[p.source].name : p.origin;
}

// The rule a projection would follow if its target kept a set (grids permitting).
SiteRule candidate_rule(const Projection& p, const Network& net, size_t target) {
  const Grid s = grid_of(net.layers[p.source]), t = grid_of(net.layers[target]);
  if (!s.ok() || !t.ok()) return SiteRule::none;
  switch (p.kind) {
    case ProjectionKind::fc:
      return SiteRule::none;
    case ProjectionKind::elementwise:
      return s.h == t.h && s.w == t.w ? SiteRule::identity : SiteRule::none;
    case ProjectionKind::conv:
    case ProjectionKind::pool:
      if (p.geom.in_h != s.h || p.geom.in_w != s.w || p.geom.out_h != t.h || p.geom.out_w != t.w)
        return SiteRule::none;
      return is_submanifold(p) ? SiteRule::identity : SiteRule::window;
  }
  return SiteRule::none;
}

}  // namespace

SparsePlan plan_sparse(const Network& net) {
  const size_t L = net.layers.size();
  SparsePlan plan;
  plan.sites.assign(L, 0);
  plan.tracked.assign(L, 0);
  plan.gated.assign(L, 0);
  plan.rule.resize(L);
  plan.fanout.assign(L, 0);
  std::vector<std::vector<SiteRule>> cand(L);
  for (size_t l = 0; l < L; ++l) {
    const Grid g = grid_of(net.layers[l]);
    plan.sites[l] = g.h * g.w;
    for (const auto& p : net.layers[l].inputs) {
      if (is_submanifold(p) && (p.geom.out_h != p.geom.in_h || p.geom.out_w != p.geom.in_w))
        throw isa::InputError(fmt::format(
            "layer '{}': sparse convolution '{}' at stride 1 is submanifold and must keep the "
            "spatial size, but maps {}x{} to {}x{} (use 'same' padding, pad = dilation*(k-1)/2, "
            "or --conv-mode {}=dense)",
            net.layers[l].name, node_of(p, net), p.geom.in_h, p.geom.in_w, p.geom.out_h,
            p.geom.out_w, node_of(p, net)));
      cand[l].push_back(candidate_rule(p, net, l));
      plan.gated[l] |= is_sparse_conv(p);
    }
  }
  // Which layers carry a set: the input (CHW), and every CHW layer whose inputs all hand sites
  // on from layers that carry one (the greatest fixed point, so recurrent cycles may carry).
  std::vector<uint8_t> carries(L, 0);
  for (size_t l = 0; l < L; ++l) {
    carries[l] = plan.sites[l] > 0;
    if (l > 0 && net.layers[l].inputs.empty()) carries[l] = 0;
    for (SiteRule r : cand[l]) carries[l] &= r != SiteRule::none;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t l = 1; l < L; ++l)
      for (const auto& p : net.layers[l].inputs)
        if (carries[l] && !carries[p.source]) carries[l] = 0, changed = true;
  }
  auto why_not = [&](size_t l) -> std::string {
    const Layer& layer = net.layers[l];
    if (l == 0 || plan.sites[l] == 0)
      return fmt::format("layer '{}' has shape of rank {}, not a CHW grid", layer.name,
                         layer.shape.size());
    for (size_t k = 0; k < layer.inputs.size(); ++k) {
      const Projection& p = layer.inputs[k];
      if (p.kind == ProjectionKind::fc)
        return fmt::format(
            "layer '{}' is fed by the fully connected projection '{}', which ends "
            "a chain of active sites (an FC target has no sites)",
            layer.name, node_of(p, net));
      if (cand[l][k] == SiteRule::none)
        return fmt::format("layer '{}' is fed by '{}', whose shapes do not map sites onto sites",
                           layer.name, node_of(p, net));
      if (!carries[p.source])
        return fmt::format("layer '{}' is fed by layer '{}', which has no active sites", layer.name,
                           net.layers[p.source].name);
    }
    return fmt::format("layer '{}' has no inputs", layer.name);
  };
  for (size_t l = 1; l < L; ++l) {
    for (const auto& p : net.layers[l].inputs)
      if (is_sparse_conv(p) && !carries[p.source])
        throw isa::InputError(fmt::format(
            "layer '{}': sparse convolution '{}' needs the active sites of layer '{}', which "
            "has none: {}. A sparse chain starts at the network input and passes only through "
            "conv, pool and element-wise projections (use --conv-mode {}=dense)",
            net.layers[l].name, node_of(p, net), net.layers[p.source].name, why_not(p.source),
            node_of(p, net)));
    if (plan.gated[l] && !carries[l])
      throw isa::InputError(
          fmt::format("layer '{}' is fed by a sparse convolution, so it needs active sites, but {}",
                      net.layers[l].name, why_not(l)));
  }
  // Tracked: layers a sparse conv reads or gates, and (transitively) the layers their sets come
  // from. Every tracked layer carries (gated ones were checked; sources of carrying layers carry).
  for (size_t l = 1; l < L; ++l) {
    if (plan.gated[l]) plan.tracked[l] = 1;
    for (const auto& p : net.layers[l].inputs)
      if (is_sparse_conv(p)) plan.tracked[p.source] = 1;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t l = 1; l < L; ++l)
      if (plan.tracked[l])
        for (const auto& p : net.layers[l].inputs)
          if (!plan.tracked[p.source]) plan.tracked[p.source] = 1, changed = true;
  }
  for (size_t l = 0; l < L; ++l) {
    plan.rule[l].assign(net.layers[l].inputs.size(), SiteRule::none);
    if (!plan.tracked[l]) continue;
    for (size_t k = 0; k < net.layers[l].inputs.size(); ++k) {
      plan.rule[l][k] = cand[l][k];
      ++plan.fanout[net.layers[l].inputs[k].source];
    }
  }
  return plan;
}

ActiveSites::ActiveSites(const Network& net, SparsePlan plan,
                         std::vector<std::vector<uint32_t>> delays)
    : net_(net), plan_(std::move(plan)), delays_(std::move(delays)) {
  const size_t L = net.layers.size();
  mask_.resize(L);
  new_now_.resize(L);
  new_prev_.resize(L);
  for (size_t l = 0; l < L; ++l)
    if (plan_.tracked[l]) mask_[l].assign(plan_.sites[l], 0);
}

void ActiveSites::reset() {
  for (size_t l = 0; l < mask_.size(); ++l) {
    std::fill(mask_[l].begin(), mask_[l].end(), 0);
    new_now_[l].clear();
    new_prev_[l].clear();
  }
}

void ActiveSites::begin_step() {
  std::swap(new_now_, new_prev_);
  for (auto& v : new_now_) v.clear();
}

void ActiveSites::activate_input(const isa::SpikeFrame& frame, std::vector<uint64_t>& messages) {
  if (!plan_.tracked[0]) return;
  const uint32_t hw = plan_.sites[0];
  auto& m = mask_[0];
  for (uint32_t i : frame.index) {
    const uint32_t s = i % hw;
    if (!m[s]) m[s] = 1, new_now_[0].push_back(s);
  }
  messages[0] += uint64_t{plan_.fanout[0]} * new_now_[0].size();
}

void ActiveSites::update(size_t l, std::vector<uint64_t>& messages) {
  if (!plan_.tracked[l]) return;
  apply(l, false);
  messages[l] += uint64_t{plan_.fanout[l]} * new_now_[l].size();
}

void ActiveSites::deliver_delayed(size_t l) {
  if (plan_.tracked[l]) apply(l, true);
}

void ActiveSites::apply(size_t l, bool delayed_only) {
  const auto& inputs = net_.layers[l].inputs;
  auto& m = mask_[l];
  for (size_t k = 0; k < inputs.size(); ++k) {
    const SiteRule rule = plan_.rule[l][k];
    const uint32_t delay = delays_[l][k];
    if (rule == SiteRule::none || (delayed_only && delay == 0)) continue;
    const Projection& p = inputs[k];
    const auto& arrived = delay ? new_prev_[p.source] : new_now_[p.source];
    for (uint32_t s : arrived) {
      if (rule == SiteRule::identity) {
        if (!m[s]) m[s] = 1, new_now_[l].push_back(s);
        continue;
      }
      window_targets(p.geom, s / p.geom.in_w, s % p.geom.in_w, scratch_);
      for (uint32_t t : scratch_)
        if (!m[t]) m[t] = 1, new_now_[l].push_back(t);
    }
  }
}

}  // namespace compiler
