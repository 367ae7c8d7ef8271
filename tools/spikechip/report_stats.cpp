#include "report_stats.h"

#include <fmt/core.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "arch/energy.h"
#include "report_sim.h"
#include "simmodel/noc.h"

namespace cli {
namespace {

// Kernel taps inside the input along one axis, summed over the output positions.
uint64_t taps_in_bounds(uint32_t out, uint32_t in, uint32_t k, uint32_t stride, uint32_t pad,
                        uint32_t dil) {
  uint64_t n = 0;
  for (uint32_t o = 0; o < out; ++o)
    for (uint32_t t = 0; t < k; ++t) {
      const int64_t i = int64_t(o) * stride - int64_t(pad) + int64_t(t) * dil;
      n += i >= 0 && i < int64_t(in);
    }
  return n;
}

uint64_t at(const std::vector<uint64_t>& v, size_t i) {
  return i < v.size() ? v[i] : 0;
}

double ratio(double a, double b) {
  return b > 0 ? a / b : 0.0;
}

// Columns both commands' layer tables start with (what the network is and its activity).
struct CommonLayerCols {
  size_t neurons, firing_rate, activation_sparsity, weights, zero_weights, dense_connections;
};
// steps.csv's per-layer columns, the same for run and golden: spikes.<layer> then
// synaptic_events.<layer>; returns the index of the first of each.
std::pair<size_t, size_t> add_step_layer_defs(StatTable& st, const isa::ProgramImage& image) {
  const size_t first_spikes = st.defs.size();
  for (const auto& li : image.layers)
    st.add_def("spikes." + li.name, "spikes of the layer in the step", "events");
  const size_t first_syn = st.defs.size();
  for (const auto& li : image.layers)
    st.add_def("synaptic_events." + li.name, "synaptic events into the layer in the step",
               "events");
  return {first_spikes, first_syn};
}

CommonLayerCols add_common_layer_defs(StatTable& t) {
  CommonLayerCols c{};
  c.neurons = t.add_def("neurons", "neurons in the layer", "neurons");
  c.firing_rate = t.add_def("firing_rate", "spikes / (neurons x samples x timesteps)", "ratio");
  c.activation_sparsity = t.add_def(
      "activation_sparsity", "NeuroBench: 1 - firing_rate (zero outputs / all outputs)", "ratio");
  c.weights = t.add_def("weights", "synaptic weights stored for the layer's input", "weights");
  c.zero_weights = t.add_def("zero_weights", "stored weights that are zero", "weights");
  c.dense_connections =
      t.add_def("dense_connections",
                "input-weight pairs feeding the layer, zeros included, padding taps excluded "
                "(NeuroBench dense SynOps per timestep)",
                "events");
  return c;
}

void fill_common_layer(const CommonLayerCols& c, StatTable::Row& row, const isa::LayerInfo& li,
                       const NetFacts& f, size_t l, double spikes, double samples,
                       double timesteps) {
  row.values[c.neurons] = li.size;
  const double slots = double(li.size) * samples * timesteps;
  row.values[c.firing_rate] = ratio(spikes, slots);
  row.values[c.activation_sparsity] = slots > 0 ? 1.0 - spikes / slots : 0.0;
  row.values[c.weights] = double(at(f.weights, l));
  row.values[c.zero_weights] = double(at(f.zero_weights, l));
  row.values[c.dense_connections] = double(at(f.dense_connections, l));
}

// NeuroBench metrics (REFERENCES.md, NeuroBench v2.3.0), from per-layer fired, payload,
// synaptic events and neuron updates.
void add_neurobench(StatRegistry& reg, const StatsContext& c, const NetFacts& f,
                    const std::vector<double>& fired, const std::vector<double>& payload,
                    const std::vector<double>& syn, const std::vector<double>& updates,
                    const std::vector<double>& changes) {
  const auto& image = c.model.image;
  const double samples = double(std::max<uint64_t>(c.samples, 1));
  double zeros = 0, slots = 0, fired_hidden = 0, weights = 0, zero_w = 0, acs = 0, macs = 0,
         dense = 0, active = 0, mem = 0;
  for (size_t l = 0; l < image.layers.size(); ++l) {
    weights += double(at(f.weights, l));
    zero_w += double(at(f.zero_weights, l));
    dense += double(at(f.dense_connections, l)) * double(c.timesteps);
    if (image.layers[l].is_input) continue;
    slots += double(image.layers[l].size) * double(c.samples) * double(c.timesteps);
    fired_hidden += fired[l];
    active += updates[l];
    // NeuroBench: every neuron at a sample's first step, then the updates that changed v.
    mem += (c.timesteps > 0 ? double(image.layers[l].size) * samples : 0.0) + changes[l];
    bool graded = false;  // a layer-call counts MACs when an input is neither 0 nor 1
    for (uint32_t s : f.sources[l]) graded |= payload[s] != fired[s];
    (graded ? macs : acs) += syn[l];
  }
  zeros = slots - fired_hidden;
  reg.scalar("neurobench.activation_sparsity",
             "zero outputs / all outputs of the spiking layers over all timesteps (input "
             "excluded)",
             "ratio", ratio(zeros, slots));
  reg.scalar("neurobench.connection_sparsity", "zero weights / all weights (stored synapses)",
             "ratio", ratio(zero_w, weights));
  reg.scalar("neurobench.synaptic_operations.effective_acs",
             "per sample: each non-zero binary input x the non-zero weights it feeds", "ops",
             acs / samples);
  reg.scalar("neurobench.synaptic_operations.effective_macs",
             "per sample: as effective_acs for layer calls whose input is graded (not 0/1)", "ops",
             macs / samples);
  reg.scalar("neurobench.synaptic_operations.dense",
             "per sample: every input-weight pair every timestep, zeros included, padding "
             "excluded",
             "ops", dense);
  reg.scalar("neurobench.membrane_updates",
             "per sample: every neuron of the spiking layers at the first step, then the neuron "
             "updates that changed the membrane v",
             "updates", mem / samples);
  reg.scalar("chip.active_neuron_updates_per_sample",
             "per sample: neuron updates of neurons with non-zero state, input or bias (the "
             "chip's work; not NeuroBench's membrane_updates)",
             "updates", active / samples);
  reg.scalar("neurobench.parameter_count", "synaptic weights stored on the chip", "weights",
             weights);
  reg.scalar("neurobench.footprint",
             "bytes of weights (at weight_bits) and neuron state (v and u at v_bits, u_bits)",
             "bytes", double(f.weight_bytes + f.state_bytes));
  if (c.accuracy)
    reg.scalar("neurobench.classification_accuracy",
               "samples whose prediction (argmax, ties to the lowest) equals the label", "ratio",
               *c.accuracy);
}

void add_workload_scalars(StatRegistry& reg, const StatsContext& c) {
  reg.scalar("chip.samples", "samples run", "samples", double(c.samples));
  reg.scalar("chip.timesteps", "timesteps per sample", "steps", double(c.timesteps));
  if (c.accuracy)
    reg.scalar("chip.accuracy", "samples whose prediction equals the label", "ratio", *c.accuracy);
}

// Whether router `r` of an mx x my mesh has output port `p`: a neighbour that way, its core's
// port, or the host's (router 0 only).
bool port_exists(uint32_t mx, uint32_t my, uint32_t r, uint32_t p) {
  const uint32_t x = r % mx, y = r / mx;
  switch (p) {
    case sim::kEast:
      return x + 1 < mx;
    case sim::kWest:
      return x > 0;
    case sim::kNorth:
      return y + 1 < my;
    case sim::kSouth:
      return y > 0;
    case sim::kHost:
      return r == 0;
    default:
      return true;
  }
}

// One row per output port that exists, routers in index order, ports in Port order.
void add_link_table(StatTable& t, const arch::ArchConfig& arch, const sim::RunResult& r) {
  const uint32_t mx = std::max<uint32_t>(arch.mesh.x, 1), my = std::max<uint32_t>(arch.mesh.y, 1);
  if (r.links.size() != size_t{mx} * my * sim::kPorts) return;
#define SIM_X(m, doc, unit) t.add_def(#m, doc, unit);
  SIM_LINK_FIELDS(SIM_X)
#undef SIM_X
  const size_t util = t.add_def("utilisation", "busy_cycles / chip cycles", "ratio");
  for (uint32_t router = 0; router < mx * my; ++router)
    for (uint32_t p = 0; p < sim::kPorts; ++p) {
      if (!port_exists(mx, my, router, p)) continue;
      const sim::LinkCounters& k = r.links[size_t{router} * sim::kPorts + p];
      StatTable::Row& row =
          t.add_row({std::to_string(router), std::to_string(router % mx),
                     std::to_string(router / mx), std::string(sim::kPortNames[p])});
      size_t col = 0;
#define SIM_X(m, doc, unit) row.values[col++] = double(k.m);
      SIM_LINK_FIELDS(SIM_X)
#undef SIM_X
      row.values[util] = ratio(double(k.busy_cycles), double(r.total_cycles));
    }
}

}  // namespace

NetFacts net_facts(const isa::ProgramImage& image, const arch::ArchConfig& arch) {
  NetFacts f;
  const size_t L = image.layers.size();
  for (auto* v : {&f.weights, &f.zero_weights, &f.dense_connections}) v->assign(L, 0);
  f.sources.assign(L, {});
  uint64_t weight_count = 0, state_bits = 0;
  for (const isa::CoreProgram& core : image.cores) {
    std::set<uint32_t> armed;
    for (const isa::Instr& in : core.code) {
      const bool au = isa::arms_projection(in.op);
      if (!au || in.a >= core.projections.size() || !armed.insert(in.a).second) continue;
      const isa::Projection& p = core.projections[in.a];
      const isa::Segment& seg = core.segments.at(p.segment);
      const uint32_t l = seg.layer;
      if (l >= L) continue;
      auto& src = f.sources[l];
      if (std::find(src.begin(), src.end(), p.source_layer) == src.end())
        src.push_back(p.source_layer);
      if (in.op != isa::Opcode::au_pool) {
        f.weights[l] += p.weight_count;
        weight_count += p.weight_count;
        for (uint32_t k = 0; k < p.weight_count && p.weight_base + k < core.weights.size(); ++k)
          f.zero_weights[l] += core.weights[p.weight_base + k] == 0;
      }
      const isa::ConvGeometry& g = p.geom;
      if (isa::arms_fc(in.op)) {
        const uint64_t n =
            p.source_end > p.source_begin ? p.source_end - p.source_begin : p.source_neurons;
        f.dense_connections[l] += n * seg.neuron_count;
      } else if (in.op == isa::Opcode::au_elt) {
        f.dense_connections[l] += seg.neuron_count;
      } else {
        const uint64_t sites = uint64_t{g.out_h} * g.out_w;
        const uint64_t channels = sites ? seg.neuron_count / sites : 0;
        const uint64_t taps = taps_in_bounds(g.out_h, g.in_h, g.k_h, g.stride_h, g.pad_h, g.dil_h) *
                              taps_in_bounds(g.out_w, g.in_w, g.k_w, g.stride_w, g.pad_w, g.dil_w);
        const uint64_t per_channel_inputs =
            in.op == isa::Opcode::au_pool ? 1 : g.in_c / std::max<uint32_t>(g.groups, 1);
        f.dense_connections[l] += channels * taps * per_channel_inputs;
      }
    }
    for (const isa::Segment& s : core.segments)
      if (!s.partial)
        state_bits += uint64_t{s.neuron_count} * (arch.core.v_bits + arch.core.u_bits);
  }
  f.weight_bytes = (weight_count * arch.core.weight_bits + 7) / 8;
  f.state_bytes = (state_bits + 7) / 8;
  return f;
}

StatRegistry run_stats(const StatsContext& c, const sim::RunResult& r,
                       const std::vector<std::vector<isa::SpikeFrame>>& inputs) {
  const isa::ProgramImage& image = c.model.image;
  const arch::ArchConfig& arch = c.model.arch.config;
  const NetFacts f = net_facts(image, arch);
  StatRegistry reg;
  add_workload_scalars(reg, c);

  // Chip-wide time.
  uint64_t steps = 0, step_cycles = 0, worst = 0;
  for (const auto& s : r.samples) {
    steps += s.step_cycles.size();
    step_cycles += std::accumulate(s.step_cycles.begin(), s.step_cycles.end(), uint64_t{0});
    for (uint64_t k : s.step_cycles) worst = std::max(worst, k);
  }
  reg.scalar("chip.cycles", "cycles of all samples", "cycles", double(r.total_cycles));
  reg.scalar("chip.seconds", "simulated time of all samples", "s", r.seconds);
  reg.scalar("chip.cycles_per_step", "mean cycles of a timestep", "cycles",
             ratio(double(step_cycles), double(steps)));
  reg.scalar("chip.worst_step_cycles", "cycles of the longest timestep", "cycles", double(worst));
  reg.scalar("chip.clock_hz", "core clock", "Hz", arch.clock_hz);

  // The host's injections are the input layer's spikes.
  std::vector<sim::Counters> layers = r.layers;
  layers.resize(image.layers.size());
  layers[0].spikes = layers[0].spike_payload = 0;
  for (size_t smp = 0; smp < r.samples.size() && smp < inputs.size(); ++smp)
    for (const auto& fr : inputs[smp]) {
      layers[0].spikes += fr.index.size();
      for (uint32_t p : fr.payload) layers[0].spike_payload += p;
    }

  sim::Counters total;
  for (const sim::Counters& k : r.cores) total += k;
#define SIM_X(m, doc, unit) reg.scalar("chip." #m, doc, unit, double(total.m));
  SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc) reg.scalar("chip.stall_cycles." #m, doc, "cycles", double(total.stalls.m));
  SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc, unit) reg.scalar("noc." #m, doc, unit, double(r.noc.m));
  SIM_NOC_FIELDS(SIM_X)
#undef SIM_X

  // Energy (DESIGN.md §8): by event kind and block, totals.
  const auto& e = r.energy;
  for (size_t k = 0; k < arch::kNumEnergyEvents; ++k)
    reg.scalar(fmt::format("energy.dynamic.{}", arch::kEnergyEventKeys[k]),
               std::string(arch::kEnergyEventDocs[k]), "pJ", e.event_pj[k]);
  for (size_t b = 0; b < arch::kNumStaticBlocks; ++b)
    reg.scalar(fmt::format("energy.static.{}", arch::kStaticBlockKeys[b]),
               std::string(arch::kStaticBlockDocs[b]), "pJ", e.static_pj[b]);
  reg.scalar("energy.dynamic_total", "dynamic energy (events x energy table)", "pJ", e.dynamic_pj);
  reg.scalar("energy.static_total", "static energy (static power x time)", "pJ", e.static_total_pj);
  reg.scalar("energy.total", "total energy", "pJ", e.total_pj);
  reg.scalar("energy.per_inference", "total energy / samples", "pJ",
             ratio(e.total_pj, double(std::max<size_t>(r.samples.size(), 1))));
  reg.scalar("energy.per_synaptic_event", "total energy / synaptic events", "pJ",
             ratio(e.total_pj, double(r.synaptic_events)));

  // Per layer.
  StatTable& lt = reg.layers;
  const CommonLayerCols cc = add_common_layer_defs(lt);
#define SIM_X(m, doc, unit) lt.add_def(#m, doc, unit);
  SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc) lt.add_def("stall_cycles." #m, doc, "cycles");
  SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
  const size_t layer_energy =
      lt.add_def("energy_dynamic", "dynamic energy of the layer's core events (no NoC)", "pJ");
  const size_t layer_static =
      lt.add_def("energy_static",
                 "static energy of the cores and routers the layer occupies, by its share of their "
                 "neurons; idle cores and chip blocks by its share of all neurons",
                 "pJ");
  const std::vector<double> static_pj = static_energy_by_layer(image, arch, e);
  std::vector<double> fired(image.layers.size()), payload(fired.size()), syn(fired.size()),
      upd(fired.size()), changes(fired.size());
  for (size_t l = 0; l < image.layers.size(); ++l) {
    const sim::Counters& k = layers[l];
    StatTable::Row& row = lt.add_row({image.layers[l].name});
    fill_common_layer(cc, row, image.layers[l], f, l, double(k.spikes), double(c.samples),
                      double(c.timesteps));
    size_t col = cc.dense_connections + 1;
#define SIM_X(m, doc, unit) row.values[col++] = double(k.m);
    SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc) row.values[col++] = double(k.stalls.m);
    SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
    row.values[layer_energy] = l < e.layer_dynamic_pj.size() ? e.layer_dynamic_pj[l] : 0.0;
    row.values[layer_static] = static_pj[l];
    fired[l] = double(k.spikes);
    payload[l] = double(k.spike_payload);
    syn[l] = double(k.synaptic_events);
    upd[l] = double(k.neuron_updates_active);
    changes[l] = double(k.membrane_changes);
  }

  // Per core.
  StatTable& ct = reg.cores;
#define SIM_X(m, doc, unit) ct.add_def(#m, doc, unit);
  SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc) ct.add_def("stall_cycles." #m, doc, "cycles");
  SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
  const size_t busy = ct.add_def("busy_cycles", "controller + integration busy cycles", "cycles");
  const size_t util =
      ct.add_def("utilisation", "busy cycles / chip cycles (may exceed 1: two units)", "ratio");
  const size_t core_energy =
      ct.add_def("energy_dynamic", "dynamic energy of the core's own events (no NoC)", "pJ");
  for (size_t k = 0; k < r.cores.size(); ++k) {
    const sim::Counters& cn = r.cores[k];
    const uint32_t id = r.core_ids[k];
    StatTable::Row& row = ct.add_row(
        {std::to_string(id), std::to_string(id % image.mesh_x), std::to_string(id / image.mesh_x)});
    size_t col = 0;
#define SIM_X(m, doc, unit) row.values[col++] = double(cn.m);
    SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
#define SIM_X(m, doc) row.values[col++] = double(cn.stalls.m);
    SIM_STALL_FIELDS(SIM_X)
#undef SIM_X
    row.values[busy] = double(cn.busy_cycles());
    row.values[util] = ratio(double(cn.busy_cycles()), double(r.total_cycles));
    row.values[core_energy] = k < e.core_dynamic_pj.size() ? e.core_dynamic_pj[k] : 0.0;
  }

  add_link_table(reg.links, arch, r);

  // Per step (--stats-per-step): cycles, the chip's counters, spikes and synaptic events of
  // every layer.
  if (!r.step_layers.empty()) {
    StatTable& st = reg.steps;
    st.add_def("cycles", "cycles of the step (first phase start to last barrier release)",
               "cycles");
#define SIM_X(m, doc, unit) st.add_def(#m, doc, unit);
    SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
    const auto [first_spikes, first_syn] = add_step_layer_defs(st, image);
    for (size_t smp = 0; smp < r.step_layers.size(); ++smp)
      for (size_t t = 0; t < r.step_layers[smp].size(); ++t) {
        const auto& per_layer = r.step_layers[smp][t];
        StatTable::Row& row = st.add_row({std::to_string(smp), std::to_string(t)});
        row.values[0] =
            t < r.samples[smp].step_cycles.size() ? double(r.samples[smp].step_cycles[t]) : 0.0;
        sim::Counters sum;
        for (size_t l = 1; l < per_layer.size(); ++l) sum += per_layer[l];
        size_t col = 1;
#define SIM_X(m, doc, unit) row.values[col++] = double(sum.m);
        SIM_COUNTER_FIELDS(SIM_X)
#undef SIM_X
        for (size_t l = 0; l < per_layer.size() && l < image.layers.size(); ++l) {
          row.values[first_spikes + l] = double(per_layer[l].spikes);
          row.values[first_syn + l] = double(per_layer[l].synaptic_events);
        }
      }
  }

  add_neurobench(reg, c, f, fired, payload, syn, upd, changes);
  reg.scalar("sim.synaptic_events", "pairs with a non-zero weight (NeuroBench effective ACs)",
             "events", double(r.synaptic_events));
  reg.scalar("sim.wall_seconds", "wall time of the simulate phase (0 with --deterministic)", "s",
             c.wall_seconds);
  return reg;
}

StatRegistry golden_stats(const StatsContext& c, const compiler::ExecStats& s,
                          const std::vector<std::vector<compiler::ExecStats>>& per_step) {
  const isa::ProgramImage& image = c.model.image;
  const NetFacts f = net_facts(image, c.model.arch.config);
  StatRegistry reg;
  add_workload_scalars(reg, c);
  const size_t L = image.layers.size();
#define CLI_X(name, member, doc, unit)                                     \
  {                                                                        \
    double t = 0;                                                          \
    for (size_t l = 1; l < L; ++l) t += double(at(s.member, l));           \
    reg.scalar("chip." #name, doc " (all layers but the input)", unit, t); \
  }
  CLI_EXEC_STATS_FIELDS(CLI_X)
#undef CLI_X
  StatTable& lt = reg.layers;
  const CommonLayerCols cc = add_common_layer_defs(lt);
#define CLI_X(name, member, doc, unit) lt.add_def(#name, doc, unit);
  CLI_EXEC_STATS_FIELDS(CLI_X)
#undef CLI_X
  std::vector<double> fired(L), payload(L), syn(L), upd(L), changes(L);
  for (size_t l = 0; l < L; ++l) {
    StatTable::Row& row = lt.add_row({image.layers[l].name});
    fill_common_layer(cc, row, image.layers[l], f, l, double(at(s.spike_packets, l)),
                      double(c.samples), double(c.timesteps));
    size_t col = cc.dense_connections + 1;
#define CLI_X(name, member, doc, unit) row.values[col++] = double(at(s.member, l));
    CLI_EXEC_STATS_FIELDS(CLI_X)
#undef CLI_X
    fired[l] = double(at(s.spike_packets, l));
    payload[l] = double(at(s.spikes, l));
    syn[l] = double(at(s.synaptic_events, l));
    upd[l] = double(at(s.neuron_updates, l));
    changes[l] = double(at(s.membrane_changes, l));
  }
  if (!per_step.empty()) {
    StatTable& st = reg.steps;
#define CLI_X(name, member, doc, unit) st.add_def(#name, doc, unit);
    CLI_EXEC_STATS_FIELDS(CLI_X)
#undef CLI_X
    const auto [first_spikes, first_syn] = add_step_layer_defs(st, image);
    for (size_t smp = 0; smp < per_step.size(); ++smp)
      for (size_t t = 0; t < per_step[smp].size(); ++t) {
        const compiler::ExecStats& d = per_step[smp][t];
        StatTable::Row& row = st.add_row({std::to_string(smp), std::to_string(t)});
        size_t col = 0;
#define CLI_X(name, member, doc, unit)                           \
  {                                                              \
    double v = 0;                                                \
    for (size_t l = 1; l < L; ++l) v += double(at(d.member, l)); \
    row.values[col++] = v;                                       \
  }
        CLI_EXEC_STATS_FIELDS(CLI_X)
#undef CLI_X
        for (size_t l = 0; l < L; ++l) {
          row.values[first_spikes + l] = double(at(d.spike_packets, l));
          row.values[first_syn + l] = double(at(d.synaptic_events, l));
        }
      }
  }
  add_neurobench(reg, c, f, fired, payload, syn, upd, changes);
  reg.scalar("sim.synaptic_events", "pairs with a non-zero weight (NeuroBench effective ACs)",
             "events", double(s.total_synaptic_events()));
  reg.scalar("sim.wall_seconds", "wall time of the execute phase (0 with --deterministic)", "s",
             c.wall_seconds);
  return reg;
}

nlohmann::ordered_json neurobench_json(const StatRegistry& reg) {
  return prefixed_json(reg, "neurobench.");
}

nlohmann::ordered_json prefixed_json(const StatRegistry& reg, const std::string& p) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (size_t k = 0; k < reg.scalar_defs().size(); ++k) {
    const std::string& n = reg.scalar_defs()[k].name;
    if (n.rfind(p, 0) != 0) continue;
    // "synaptic_operations.dense" -> {"synaptic_operations": {"dense": v}}
    nlohmann::ordered_json* at = &j;
    std::string rest = n.substr(p.size());
    for (size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1))
      at = &(*at)[rest.substr(0, dot)];
    (*at)[rest] = reg.scalar_values()[k];
  }
  return j;
}

compiler::ExecStats exec_stats_delta(const compiler::ExecStats& a, const compiler::ExecStats& b) {
  compiler::ExecStats d = a;
  auto sub = [](std::vector<uint64_t>& x, const std::vector<uint64_t>& y) {
    for (size_t l = 0; l < x.size() && l < y.size(); ++l) x[l] -= y[l];
  };
  sub(d.spikes, b.spikes);
  sub(d.spike_packets, b.spike_packets);
  sub(d.synaptic_events, b.synaptic_events);
  sub(d.dense_ops, b.dense_ops);
  sub(d.neuron_updates, b.neuron_updates);
  sub(d.skipped_ops, b.skipped_ops);
  sub(d.site_activations, b.site_activations);
  sub(d.membrane_changes, b.membrane_changes);
  return d;
}

}  // namespace cli

#include "output_dir.h"

namespace cli {

void attach_stats(nlohmann::ordered_json& j, const StatRegistry& reg) {
  j["neurobench"] = neurobench_json(reg);
  if (nlohmann::ordered_json rt = prefixed_json(reg, "realtime."); !rt.empty()) j["real_time"] = rt;
  j["counters"] = reg.scalars_json();
  if (j.contains("layers"))
    for (size_t l = 0; l < j["layers"].size() && l < reg.layers.rows.size(); ++l)
      j["layers"][l]["counters"] = StatRegistry::row_json(reg.layers, reg.layers.rows[l]);
  if (!reg.links.rows.empty()) {
    nlohmann::ordered_json links = nlohmann::ordered_json::array();
    for (const StatTable::Row& row : reg.links.rows) {
      nlohmann::ordered_json l = {{"router", std::stoul(row.keys[0])},
                                  {"x", std::stoul(row.keys[1])},
                                  {"y", std::stoul(row.keys[2])},
                                  {"port", row.keys[3]}};
      l.update(StatRegistry::row_json(reg.links, row));
      links.push_back(std::move(l));
    }
    j["noc_links"] = std::move(links);
  }
  if (j.contains("latency") && j["latency"].contains("per_core"))
    for (size_t k = 0; k < j["latency"]["per_core"].size() && k < reg.cores.rows.size(); ++k)
      j["latency"]["per_core"][k]["counters"] =
          StatRegistry::row_json(reg.cores, reg.cores.rows[k]);
}

void write_stats_files(OutputDir& dir, const StatRegistry& reg) {
  dir.write("stats.txt", reg.text());
  dir.write("stats.json", reg.json().dump(2) + "\n");
  dir.write("layers.csv", reg.layers.csv());
  if (!reg.cores.rows.empty()) dir.write("cores.csv", reg.cores.csv());
  if (!reg.steps.rows.empty()) dir.write("steps.csv", reg.steps.csv());
  if (!reg.links.rows.empty()) dir.write("links.csv", reg.links.csv());
}

}  // namespace cli
