// Partition: split each layer into segments that fit a core (neurons, weight memory, fan-in),
// then pack segments into logical cores first-fit, in layer order. A layer whose fan-in exceeds
// a core's is split by sources too: each slice of its sources gets its own segments (partial
// sums, forwarded by PSUM to the slice-0 segment that updates the neurons).
#include <fmt/core.h>

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "compiler/mapping.h"
#include "compiler/sparse_sites.h"
#include "compiler/weight_layout.h"
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

uint32_t fan_in(const Layer& l, const Network& net) {
  std::set<uint32_t> sources;
  for (const auto& p : l.inputs) sources.insert(p.source);
  uint32_t n = 0;
  for (uint32_t s : sources) n += net.layers[s].size;
  return n;
}

bool sparse_layout(const Projection& p) {
  return p.kind == ProjectionKind::fc && p.layout != arch::WeightLayout::dense;
}

// Dense weights per unit of the projections stored dense (a sparse-layout fc projection's
// memory depends on its weights: FcStorage).
uint64_t weights_per_unit(const Layer& l, const std::vector<SourceRange>& sources, uint32_t unit) {
  uint64_t w = 0;
  for (size_t k = 0; k < l.inputs.size(); ++k) {
    const auto& p = l.inputs[k];
    if (sparse_layout(p)) continue;
    switch (p.kind) {
      case ProjectionKind::fc:
        w += uint64_t{sources[k].size()} * unit;
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

// Distinct source neurons a set of ranges needs (a core's axons): ranges of the same source
// layer are merged by identity (the slices of one layer are disjoint, so overlaps between
// different ranges of one layer do not occur in a partition).
using AxonSet = std::set<std::tuple<uint32_t, uint32_t, uint32_t>>;  // (layer, begin, end)

AxonSet axons_of(const Layer& l, const std::vector<SourceRange>& sources) {
  AxonSet a;
  for (size_t k = 0; k < l.inputs.size(); ++k)
    if (sources[k].size() > 0) a.insert({l.inputs[k].source, sources[k].begin, sources[k].end});
  return a;
}

uint32_t axon_count(const AxonSet& a) {
  uint32_t n = 0;
  for (const auto& [layer, b, e] : a) n += e - b;
  return n;
}

// Fan-in splitting: the layer's sources cut into slices of at most `cap` neurons, each a
// range per input projection. Slices follow the source layers' segments (so a source
// segment's spikes go only to the cores of the slices that take them); a segment larger than
// the cap, and the host's input layer, are cut into ranges of `cap`.
std::vector<std::vector<SourceRange>> fan_in_slices(const Network& net, uint32_t l,
                                                    const std::vector<SegmentPlan>& done,
                                                    uint32_t cap) {
  const Layer& layer = net.layers[l];
  std::vector<uint32_t> srcs;  // distinct source layers, ascending
  for (const auto& p : layer.inputs) srcs.push_back(p.source);
  std::sort(srcs.begin(), srcs.end());
  srcs.erase(std::unique(srcs.begin(), srcs.end()), srcs.end());
  struct Block {
    uint32_t layer, begin, end;
  };
  std::vector<Block> blocks;
  for (uint32_t src : srcs) {
    if (src >= l)
      throw isa::InputError(fmt::format(
          "layer '{}' does not fit: fan-in {} source neurons exceeds the core's fan_in capacity "
          "{}, and splitting the fan-in of a layer fed back by a recurrent edge (from '{}') is "
          "not supported",
          layer.name, fan_in(layer, net), cap, net.layers[src].name));
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    for (const auto& s : done)
      if (s.layer == src && !s.partial) ranges.push_back({s.begin, s.begin + s.count});
    if (ranges.empty()) ranges.push_back({0, net.layers[src].size});  // the input layer
    std::sort(ranges.begin(), ranges.end());
    for (auto [b, e] : ranges)
      for (uint32_t x = b; x < e; x += cap) blocks.push_back({src, x, std::min(e, x + cap)});
  }
  std::vector<std::vector<Block>> groups(1);
  uint32_t used = 0;
  for (const Block& b : blocks) {
    if (used + (b.end - b.begin) > cap && !groups.back().empty()) {
      groups.emplace_back();
      used = 0;
    }
    groups.back().push_back(b);
    used += b.end - b.begin;
  }
  std::vector<std::vector<SourceRange>> slices;
  for (const auto& g : groups) {
    std::vector<SourceRange> r(layer.inputs.size());
    for (size_t k = 0; k < layer.inputs.size(); ++k)
      for (const Block& b : g) {
        if (b.layer != layer.inputs[k].source) continue;
        if (r[k].size() == 0) r[k] = {b.begin, b.end};
        r[k].end = b.end;  // blocks of one layer in a group are consecutive
      }
    slices.push_back(std::move(r));
  }
  return slices;
}

// One fan-in slice's synapse memory for the segment being cut: its dense projections cost the
// same per unit, its sparse-layout fc projections what their weights need (FcStorage).
struct SliceTally {
  uint64_t fixed_bits_per_unit = 0;
  uint64_t base_bits = 0;  // a segment with no per-unit weights stores one (the pool weight)
  std::vector<FcStorage> sparse;
  uint32_t units = 0;

  void restart(uint32_t first_target) {
    units = 0;
    for (FcStorage& f : sparse) f.restart(first_target);
  }
  uint64_t bits() const {
    uint64_t b = base_bits + fixed_bits_per_unit * units;
    for (const FcStorage& f : sparse) b += f.bits();
    return b;
  }
  // Bits with targets [t0, t1) (the next unit) added.
  uint64_t bits_adding(uint32_t t0, uint32_t t1) const {
    uint64_t b = base_bits + fixed_bits_per_unit * (units + 1);
    for (const FcStorage& f : sparse) {
      if (t1 == t0 + 1) {
        b += f.bits_adding(t0);
        continue;
      }
      FcStorage trial = f;
      for (uint32_t t = t0; t < t1; ++t) trial.add(t);
      b += trial.bits();
    }
    return b;
  }
  void add(uint32_t t0, uint32_t t1) {
    ++units;
    for (FcStorage& f : sparse)
      for (uint32_t t = t0; t < t1; ++t) f.add(t);
  }
};

struct Piece {
  uint32_t u0 = 0, u1 = 0;
  std::vector<uint64_t> bits;  // per slice
};

// Cuts a layer with sparse-layout projections into pieces of consecutive units, each as large
// as the core's neurons and every slice's synapse memory allow (weights differ per unit, so
// the pieces are cut greedily rather than evenly).
std::vector<Piece> cut_by_memory(const Network& net, const Layer& layer,
                                 const std::vector<std::vector<SourceRange>>& slices, uint32_t unit,
                                 const arch::CoreConfig& core, uint32_t neurons_per_core) {
  const uint64_t cap_bits = core.synapse_memory_bytes * 8;
  std::vector<SliceTally> tally(slices.size());
  for (size_t sl = 0; sl < slices.size(); ++sl) {
    const uint64_t wpu = weights_per_unit(layer, slices[sl], unit);
    tally[sl].fixed_bits_per_unit = wpu * core.weight_bits;
    for (size_t k = 0; k < layer.inputs.size(); ++k) {
      const Projection& p = layer.inputs[k];
      if (!sparse_layout(p)) continue;
      tally[sl].sparse.emplace_back(p, net.layers[p.source].size, slices[sl][k].begin,
                                    slices[sl][k].end, core);
    }
    if (wpu == 0 && tally[sl].sparse.empty()) tally[sl].base_bits = core.weight_bits;
  }
  const uint32_t units = layer.size / unit;
  const uint32_t max_units = neurons_per_core / unit;
  std::vector<Piece> pieces;
  uint32_t u0 = 0;
  for (SliceTally& t : tally) t.restart(0);
  for (uint32_t u = 0; u < units; ++u) {
    const uint32_t t0 = u * unit, t1 = t0 + unit;
    bool fits = u - u0 < max_units;
    for (const SliceTally& t : tally) fits = fits && t.bits_adding(t0, t1) <= cap_bits;
    if (!fits && u == u0) {
      uint64_t need = 0;
      for (const SliceTally& t : tally) need = std::max(need, t.bits_adding(t0, t1));
      throw isa::InputError(fmt::format(
          "layer '{}' does not fit: {} {} needs {} bits of synapse memory under its weight "
          "layouts, the core holds {} bits ({} bytes; short by {} bits)",
          layer.name, unit == 1 ? "neuron" : "output channel", u, need, cap_bits,
          core.synapse_memory_bytes, need - cap_bits));
    }
    if (!fits) {
      Piece pc{u0, u, {}};
      for (const SliceTally& t : tally) pc.bits.push_back(t.bits());
      pieces.push_back(std::move(pc));
      u0 = u;
      for (SliceTally& t : tally) t.restart(t0);
      --u;  // the unit again, alone in the new piece
      continue;
    }
    for (SliceTally& t : tally) t.add(t0, t1);
  }
  if (u0 < units || pieces.empty()) {
    Piece pc{u0, units, {}};
    for (const SliceTally& t : tally) pc.bits.push_back(t.bits());
    pieces.push_back(std::move(pc));
  }
  return pieces;
}
}  // namespace

arch::MeshConfig smallest_mesh(uint32_t cores, arch::MeshConfig at_least) {
  constexpr uint32_t kMaxSide = 1024;  // arch schema: mesh.x, mesh.y in 1..1024
  // No longer than twice as wide as tall (or the other way), unless the mesh given already is.
  const auto ratio = [](uint32_t a, uint32_t b) { return double(std::max(a, b)) / std::min(a, b); };
  const double max_ratio = std::max(2.0, ratio(at_least.x, at_least.y));
  std::optional<arch::MeshConfig> best;
  auto key = [](arch::MeshConfig m) {
    return std::tuple(uint64_t{m.x} * m.y, std::max(m.x, m.y) - std::min(m.x, m.y), m.y);
  };
  for (uint32_t y = std::max(1u, at_least.y); y <= kMaxSide; ++y) {
    const uint32_t x = std::max(at_least.x, (cores + y - 1) / y);
    if (x > kMaxSide || ratio(x, y) > max_ratio) continue;
    if (!best || key({x, y}) < key(*best)) best = arch::MeshConfig{x, y};
  }
  return best.value_or(arch::MeshConfig{kMaxSide, kMaxSide});
}

Mapping partition(const Network& net, const arch::ArchConfig& arch) {
  const auto& core = arch.core;
  const uint64_t weight_cap = core.synapse_memory_bytes * 8 / core.weight_bits;
  Mapping m;
  m.levels = schedule_levels(net);
  m.fan_in_slices.assign(net.layers.size(), 1);
  // A network that cannot run sparsely says so before any capacity error (as before).
  (void)plan_sparse(net);
  for (uint32_t l = 1; l < net.layers.size(); ++l) {
    const Layer& layer = net.layers[l];
    std::vector<std::vector<SourceRange>> slices(1);
    for (const auto& p : layer.inputs) slices[0].push_back({0, net.layers[p.source].size});
    const uint32_t fi = fan_in(layer, net);
    // A layer that keeps active sites splits like any other: every slice's segment gets the
    // layer's whole projection list (codegen), so its core receives every source's site
    // activations and gates its partial sums by the sites of the whole window.
    if (fi > core.fan_in) slices = fan_in_slices(net, l, m.segments, core.fan_in);
    m.fan_in_slices[l] = static_cast<uint32_t>(slices.size());
    const uint32_t unit = unit_neurons(layer);
    const uint32_t units = layer.size / unit;
    // map.neurons_per_core caps the neurons of a core (whole output channels).
    const uint32_t per_core = arch.map.neurons_per_core ? arch.map.neurons_per_core : core.neurons;
    if (arch.map.neurons_per_core && per_core < unit && unit <= core.neurons)
      throw isa::InputError(fmt::format(
          "layer '{}' does not fit the requested mapping: one output channel has {} neurons, "
          "map.neurons_per_core allows {} (short by {})",
          layer.name, unit, per_core, unit - per_core));
    uint64_t max_units = per_core / unit;
    const uint64_t requested_units = arch.map.neurons_per_core ? max_units : 0;
    if (max_units == 0)
      throw isa::InputError(fmt::format(
          "layer '{}' does not fit: one output channel has {} neurons, the core holds {} "
          "(short by {})",
          layer.name, unit, core.neurons, unit - core.neurons));
    const auto add_segments = [&](uint32_t u0, uint32_t u1, const std::vector<uint64_t>& bits) {
      const auto owner = static_cast<uint32_t>(m.segments.size());
      for (size_t sl = 0; sl < slices.size(); ++sl) {
        SegmentPlan s;
        s.layer = l;
        s.begin = u0 * unit;
        s.count = (u1 - u0) * unit;
        s.synapse_bits = bits[sl];
        s.sources = slices[sl];
        s.partial = sl > 0;
        s.owner = owner;
        m.segments.push_back(std::move(s));
      }
    };
    if (std::any_of(layer.inputs.begin(), layer.inputs.end(), sparse_layout)) {
      for (const Piece& pc : cut_by_memory(net, layer, slices, unit, core, per_core))
        add_segments(pc.u0, pc.u1, pc.bits);
      continue;
    }
    std::vector<uint64_t> wpu(slices.size());
    for (size_t k = 0; k < slices.size(); ++k) {
      wpu[k] = weights_per_unit(layer, slices[k], unit);
      if (wpu[k] > 0) max_units = std::min<uint64_t>(max_units, (weight_cap - 1) / wpu[k]);
    }
    if (const uint64_t want = std::min<uint64_t>(requested_units, units); want > max_units) {
      // The requested mapping does not fit the weight memory: say by how much.
      const uint64_t w = *std::max_element(wpu.begin(), wpu.end());
      const uint64_t need = ((w * want + 1) * core.weight_bits + 7) / 8;
      throw isa::InputError(fmt::format(
          "layer '{}' does not fit the requested mapping: map.neurons_per_core {} puts {} "
          "neurons on a core, whose weights need {} bytes; core.synapse_memory holds {} bytes "
          "(short by {} bytes)",
          layer.name, arch.map.neurons_per_core, want * unit, need, core.synapse_memory_bytes,
          need - std::min(need, core.synapse_memory_bytes)));
    }
    if (max_units == 0) {
      const uint64_t w = *std::max_element(wpu.begin(), wpu.end());
      throw isa::InputError(fmt::format(
          "layer '{}' does not fit: {} needs {} weights ({} bytes), the core's synapse memory "
          "holds {} bytes (short by {} bytes)",
          layer.name, unit == 1 ? "one neuron" : "one output channel", w, w * core.weight_bits / 8,
          core.synapse_memory_bytes, w * core.weight_bits / 8 + 1 - core.synapse_memory_bytes));
    }
    // Every slice uses the same pieces, so a partial segment feeds exactly one owner.
    const uint32_t pieces = static_cast<uint32_t>((units + max_units - 1) / max_units);
    for (uint32_t k = 0; k < pieces; ++k) {
      // Balanced pieces; a requested mapping fills each core in turn, as SANA-FE's do.
      const uint64_t fill = requested_units ? max_units : 0;
      const uint32_t u0 = static_cast<uint32_t>(fill ? fill * k : uint64_t{units} * k / pieces);
      const uint32_t u1 = static_cast<uint32_t>(fill ? std::min<uint64_t>(units, fill * (k + 1))
                                                     : uint64_t{units} * (k + 1) / pieces);
      std::vector<uint64_t> bits;
      for (size_t sl = 0; sl < slices.size(); ++sl)
        bits.push_back((wpu[sl] * (u1 - u0) + (wpu[sl] == 0 ? 1 : 0)) * core.weight_bits);
      add_segments(u0, u1, bits);
    }
  }
  // First-fit packing into logical cores.
  const uint64_t cap_bits = core.synapse_memory_bytes * 8;
  struct CoreLoad {
    uint64_t neurons = 0, synapse_bits = 0;
    AxonSet axons;
    uint32_t layer = 0;
  };
  std::vector<CoreLoad> cores;
  const uint64_t core_neurons =
      arch.map.neurons_per_core ? arch.map.neurons_per_core : core.neurons;
  for (auto& s : m.segments) {
    const AxonSet need = axons_of(net.layers[s.layer], s.sources);
    bool placed = false;
    for (uint32_t c = 0; c < cores.size() && !placed; ++c) {
      auto& cl = cores[c];
      AxonSet merged = cl.axons;
      merged.insert(need.begin(), need.end());
      if (cl.neurons + s.count <= core_neurons && cl.synapse_bits + s.synapse_bits <= cap_bits &&
          axon_count(merged) <= core.fan_in && (arch.map.share_cores || cl.layer == s.layer)) {
        cl.neurons += s.count;
        cl.synapse_bits += s.synapse_bits;
        cl.axons = std::move(merged);
        s.core = c;
        placed = true;
      }
    }
    if (!placed) {
      CoreLoad cl;
      cl.neurons = s.count;
      cl.synapse_bits = s.synapse_bits;
      cl.axons = need;
      cl.layer = s.layer;
      s.core = static_cast<uint32_t>(cores.size());
      cores.push_back(std::move(cl));
    }
  }
  m.logical_cores = static_cast<uint32_t>(cores.size());
  const uint32_t mesh = arch.mesh.x * arch.mesh.y;
  if (m.logical_cores > mesh) {
    const arch::MeshConfig fit = smallest_mesh(m.logical_cores, arch.mesh);
    throw MeshTooSmall(
        fmt::format("the network does not fit: it needs {} cores, the {}x{} mesh has {} (short "
                    "by {}); --set mesh.x={} --set mesh.y={} holds it (or --fit)",
                    m.logical_cores, arch.mesh.x, arch.mesh.y, mesh, m.logical_cores - mesh, fit.x,
                    fit.y),
        m.logical_cores);
  }
  // Phases: one per schedule level (pipelined: one), each preceded by a PSUM phase when one
  // of its layers has a split fan-in (docs/execution-model.md).
  const bool pipelined = arch.semantics == isa::Semantics::pipelined;
  uint32_t max_level = 0;
  for (uint32_t lv : m.levels) max_level = std::max(max_level, lv);
  const uint32_t last = pipelined ? 0 : max_level;
  for (uint32_t lv = 0; lv <= last; ++lv) {
    bool split = false;
    for (uint32_t l = 1; l < net.layers.size(); ++l)
      split |= m.fan_in_slices[l] > 1 && (pipelined || m.levels[l] == lv);
    if (split) m.phases.push_back({true, lv});
    m.phases.push_back({false, lv});
  }
  m.phases_per_step = static_cast<uint32_t>(m.phases.size());
  return m;
}

}  // namespace compiler
