// Partition: split each layer into segments that fit a core (neurons, weight memory, fan-in),
// then pack segments into logical cores first-fit, in layer order.
#include <fmt/core.h>

#include <algorithm>
#include <set>

#include "compiler/mapping.h"
#include "isa/error.h"

namespace compiler {

std::vector<uint32_t> schedule_levels(const Network& net) {
  std::vector<uint32_t> level(net.layers.size(), 0);
  for (size_t l = 1; l < net.layers.size(); ++l) {
    uint32_t lv = 1;
    for (const auto& p : net.layers[l].inputs)
      if (p.delay_steps == 0) lv = std::max(lv, level[p.source] + 1);
    level[l] = lv;
  }
  return level;
}

namespace {

// Neurons per partition unit: whole output channels for conv/pool layers, else one neuron.
uint32_t unit_neurons(const Layer& l) {
  for (const auto& p : l.inputs)
    if (p.kind == ProjectionKind::conv || p.kind == ProjectionKind::pool)
      return p.geom.out_h * p.geom.out_w;
  return 1;
}

uint64_t weights_per_unit(const Layer& l, const Network& net, uint32_t unit) {
  uint64_t w = 0;
  for (const auto& p : l.inputs) {
    switch (p.kind) {
      case ProjectionKind::fc:
        w += uint64_t{net.layers[p.source].size} * unit;
        break;
      case ProjectionKind::conv:
        w += uint64_t{p.geom.in_c / p.geom.groups} * p.geom.k_h * p.geom.k_w;
        break;
      case ProjectionKind::elementwise:
        w += unit;
        break;
      case ProjectionKind::pool:
        break;  // one shared weight per segment
    }
  }
  return w;
}

uint32_t fan_in(const Layer& l, const Network& net) {
  std::set<uint32_t> sources;
  for (const auto& p : l.inputs) sources.insert(p.source);
  uint32_t n = 0;
  for (uint32_t s : sources) n += net.layers[s].size;
  return n;
}

}  // namespace

Mapping partition(const Network& net, const arch::ArchConfig& arch) {
  const auto& core = arch.core;
  const uint64_t weight_cap = core.synapse_memory_bytes * 8 / core.weight_bits;
  Mapping m;
  m.levels = schedule_levels(net);
  for (uint32_t l = 1; l < net.layers.size(); ++l) {
    const Layer& layer = net.layers[l];
    const uint32_t fi = fan_in(layer, net);
    if (fi > core.fan_in)
      throw isa::InputError(fmt::format(
          "layer '{}' does not fit: fan-in {} source neurons exceeds the core's fan_in capacity "
          "{} by {}",
          layer.name, fi, core.fan_in, fi - core.fan_in));
    const uint32_t unit = unit_neurons(layer);
    const uint64_t wpu = weights_per_unit(layer, net, unit);
    const uint32_t units = layer.size / unit;
    uint64_t max_units = core.neurons / unit;
    if (max_units == 0)
      throw isa::InputError(fmt::format(
          "layer '{}' does not fit: one output channel has {} neurons, the core holds {} "
          "(short by {})",
          layer.name, unit, core.neurons, unit - core.neurons));
    if (wpu > 0) max_units = std::min<uint64_t>(max_units, (weight_cap - 1) / wpu);
    if (max_units == 0)
      throw isa::InputError(fmt::format(
          "layer '{}' does not fit: {} {} needs {} weights ({} bytes), the core's synapse memory "
          "holds {} bytes (short by {} bytes)",
          layer.name, unit == 1 ? "one neuron" : "one output channel", unit == 1 ? "" : "", wpu,
          wpu * core.weight_bits / 8, core.synapse_memory_bytes,
          wpu * core.weight_bits / 8 + 1 - core.synapse_memory_bytes));
    const uint32_t pieces = static_cast<uint32_t>((units + max_units - 1) / max_units);
    for (uint32_t k = 0; k < pieces; ++k) {
      const uint32_t u0 = static_cast<uint32_t>(uint64_t{units} * k / pieces);
      const uint32_t u1 = static_cast<uint32_t>(uint64_t{units} * (k + 1) / pieces);
      SegmentPlan s;
      s.layer = l;
      s.begin = u0 * unit;
      s.count = (u1 - u0) * unit;
      s.weights = wpu * (u1 - u0) + (wpu == 0 ? 1 : 0);
      m.segments.push_back(s);
    }
  }
  // First-fit packing into logical cores.
  struct CoreLoad {
    uint64_t neurons = 0, weights = 0;
    std::set<uint32_t> sources;
    uint32_t fan_in = 0;
  };
  std::vector<CoreLoad> cores;
  for (auto& s : m.segments) {
    const Layer& layer = net.layers[s.layer];
    std::set<uint32_t> srcs;
    for (const auto& p : layer.inputs) srcs.insert(p.source);
    bool placed = false;
    for (uint32_t c = 0; c < cores.size() && !placed; ++c) {
      auto& cl = cores[c];
      uint32_t extra = 0;
      for (uint32_t src : srcs)
        if (!cl.sources.count(src)) extra += net.layers[src].size;
      if (cl.neurons + s.count <= core.neurons && cl.weights + s.weights <= weight_cap &&
          cl.fan_in + extra <= core.fan_in) {
        cl.neurons += s.count;
        cl.weights += s.weights;
        cl.fan_in += extra;
        cl.sources.insert(srcs.begin(), srcs.end());
        s.core = c;
        placed = true;
      }
    }
    if (!placed) {
      CoreLoad cl;
      cl.neurons = s.count;
      cl.weights = s.weights;
      cl.sources = srcs;
      for (uint32_t src : srcs) cl.fan_in += net.layers[src].size;
      s.core = static_cast<uint32_t>(cores.size());
      cores.push_back(std::move(cl));
    }
  }
  m.logical_cores = static_cast<uint32_t>(cores.size());
  const uint32_t mesh = arch.mesh.x * arch.mesh.y;
  if (m.logical_cores > mesh)
    throw isa::InputError(fmt::format(
        "the network does not fit: it needs {} cores, the {}x{} mesh has {} (short by {})",
        m.logical_cores, arch.mesh.x, arch.mesh.y, mesh, m.logical_cores - mesh));
  uint32_t max_level = 0;
  for (uint32_t lv : m.levels) max_level = std::max(max_level, lv);
  m.phases_per_step = arch.semantics == isa::Semantics::pipelined ? 1 : max_level + 1;
  return m;
}

}  // namespace compiler
