// Placement: logical cores onto mesh positions, minimising hop-weighted traffic. Start from a
// snake order (consecutive cores are neighbours), then improve by pairwise swaps while any swap
// lowers the cost (bounded passes; deterministic).
#include <algorithm>
#include <cstdlib>
#include <map>

#include "compiler/mapping.h"

namespace compiler {
namespace {

uint32_t hops(uint32_t a, uint32_t b, uint32_t mx) {
  const int ax = a % mx, ay = a / mx, bx = b % mx, by = b / mx;
  return static_cast<uint32_t>(std::abs(ax - bx) + std::abs(ay - by));
}

}  // namespace

void place(const Network& net, const arch::ArchConfig& arch, Mapping& m) {
  const uint32_t mx = arch.mesh.x, my = arch.mesh.y, n = mx * my;
  std::vector<uint32_t> snake;
  for (uint32_t y = 0; y < my; ++y)
    for (uint32_t i = 0; i < mx; ++i) snake.push_back(y * mx + (y % 2 ? mx - 1 - i : i));
  // Traffic between logical cores: every source neuron of a segment feeds every core holding
  // a projection from its layer; weight = neurons sending (an activity-free estimate).
  std::vector<std::vector<uint32_t>> cores_of_layer(net.layers.size());
  for (const auto& s : m.segments) cores_of_layer[s.layer].push_back(s.core);
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> traffic;
  // A split fan-in weighs the share it takes, and a partial segment's sums go to its owner.
  for (const auto& s : m.segments) {
    const auto& inputs = net.layers[s.layer].inputs;
    for (size_t k = 0; k < inputs.size(); ++k)
      for (uint32_t src_core : cores_of_layer[inputs[k].source])
        if (src_core != s.core && s.sources[k].size() > 0)
          traffic[{src_core, s.core}] += s.sources[k].size();
    const uint32_t owner_core = m.segments[s.owner].core;
    if (s.partial && owner_core != s.core) traffic[{s.core, owner_core}] += s.count;
  }
  std::vector<std::pair<std::pair<uint32_t, uint32_t>, uint64_t>> edges(traffic.begin(),
                                                                        traffic.end());
  // pos[k]: mesh slot of logical core k; slots beyond logical cores are free.
  std::vector<uint32_t> pos(n);
  for (uint32_t k = 0; k < n; ++k) pos[k] = snake[k];
  const auto cost = [&] {
    uint64_t c = 0;
    for (const auto& [e, w] : edges) c += w * hops(pos[e.first], pos[e.second], mx);
    return c;
  };
  uint64_t best = cost();
  const uint32_t L = m.logical_cores;
  // Incremental cost of the edges touching one logical core.
  std::vector<std::vector<std::pair<uint32_t, uint64_t>>> adj(L);
  for (const auto& [e, w] : edges) {
    adj[e.first].push_back({e.second, w});
    adj[e.second].push_back({e.first, w});
  }
  const auto local = [&](uint32_t k) {
    uint64_t c = 0;
    if (k < L)
      for (const auto& [o, w] : adj[k]) c += w * hops(pos[k], pos[o], mx);
    return c;
  };
  const uint32_t slots = std::min(n, std::max(2 * L, 64u));
  // in_order: logical core k stays at mesh index k (reproducing another tool's placement).
  const bool optimise = arch.map.placement == arch::Placement::optimised;
  if (!optimise)
    for (uint32_t k = 0; k < n; ++k) pos[k] = k;
  best = cost();
  for (int pass = 0; pass < 8 && optimise && !edges.empty(); ++pass) {
    bool improved = false;
    for (uint32_t a = 0; a < L; ++a)
      for (uint32_t b = a + 1; b < slots; ++b) {
        const uint64_t before = local(a) + local(b);
        std::swap(pos[a], pos[b]);
        const uint64_t after = local(a) + local(b);
        if (after < before) {
          best = best - before + after;
          improved = true;
        } else {
          std::swap(pos[a], pos[b]);
        }
      }
    if (!improved) break;
  }
  m.core_position.assign(pos.begin(), pos.begin() + L);
  m.hop_weighted_traffic = best;
}

}  // namespace compiler
