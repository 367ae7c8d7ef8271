#include "compiler/golden.h"

#include <optional>

#include "compiler/sparse_sites.h"

#include <fmt/core.h>

#include <cmath>
#include <numeric>

#include "fanout.h"
#include "isa/error.h"
#include "isa/neuron_sweep.h"
#include "sparse_fanout.h"

namespace compiler {

ExecStats& ExecStats::operator+=(const ExecStats& o) {
  for (auto member : {&ExecStats::spikes, &ExecStats::spike_packets, &ExecStats::synaptic_events,
                      &ExecStats::dense_ops, &ExecStats::neuron_updates, &ExecStats::skipped_ops,
                      &ExecStats::site_activations, &ExecStats::membrane_changes}) {
    std::vector<uint64_t>& a = this->*member;
    const std::vector<uint64_t>& b = o.*member;
    if (a.size() < b.size()) a.resize(b.size(), 0);
    for (size_t k = 0; k < b.size(); ++k) a[k] += b[k];
  }
  return *this;
}

uint64_t ExecStats::total_synaptic_events() const {
  return std::accumulate(synaptic_events.begin(), synaptic_events.end(), uint64_t{0});
}

int64_t argmax_lowest(const std::vector<int64_t>& v) {
  int64_t best = -1;
  for (size_t i = 0; i < v.size(); ++i)
    if (best < 0 || v[i] > v[static_cast<size_t>(best)]) best = static_cast<int64_t>(i);
  return best;
}

isa::SpikeFrame quantise_frame(std::span<const float> frame, uint32_t frac_bits,
                               uint32_t input_bits) {
  isa::SpikeFrame f;
  const double scale = std::ldexp(1.0, static_cast<int>(frac_bits));
  const double max_payload = std::ldexp(1.0, static_cast<int>(input_bits)) - 1;
  for (size_t i = 0; i < frame.size(); ++i) {
    const float x = frame[i];
    if (x == 0) continue;
    if (!(x > 0))
      throw isa::InputError(
          fmt::format("input element {} is {} (expected spikes or graded values >= 0)", i, x));
    const double q = std::min(std::nearbyint(x * scale), max_payload);
    if (q < 1) continue;
    f.index.push_back(static_cast<uint32_t>(i));
    f.payload.push_back(static_cast<uint32_t>(q));
  }
  return f;
}

namespace {

using PreparedProjection = fanout::Prepared<int32_t>;

PreparedProjection prepare(const Projection& p, const Layer& target, const Network& net) {
  const int32_t pool_w =
      p.kind == ProjectionKind::pool ? isa::scaled_weight(p.qweight.at(0), p.weight_shift) : 0;
  return fanout::prepare<int32_t>(
      p, net.layers[p.source].size, target.size,
      [&](size_t k) { return isa::scaled_weight(p.qweight[k], p.weight_shift); }, pool_w);
}

}  // namespace

struct GoldenExecutor::Impl {
  const Network& net;
  isa::Semantics semantics;
  isa::Precision prec;
  std::vector<std::vector<PreparedProjection>> proj;  // per layer
  std::vector<std::vector<isa::NeuronState>> state;
  std::vector<std::vector<int32_t>> acc;
  std::vector<isa::LayerSpikes> cur, prev;
  ExecStats stats;
  uint32_t step = 0;  // the sample's step being run (membrane_changes skip step 0)
  bool stopped = false;
  std::optional<ActiveSites> sites;  // when some layer keeps active sites (sparse convolution)
  std::vector<uint32_t> live_sites;  // update's scratch: the active sites of a gated layer

  Impl(const Network& n, isa::Semantics s, isa::Precision p) : net(n), semantics(s), prec(p) {
    const size_t L = net.layers.size();
    proj.resize(L);
    for (size_t l = 1; l < L; ++l)
      for (const auto& p : net.layers[l].inputs) {
        proj[l].push_back(prepare(p, net.layers[l], net));
        if (semantics == isa::Semantics::pipelined) proj[l].back().delay = 1;
      }
    state.resize(L);
    acc.resize(L);
    for (size_t l = 0; l < L; ++l) {
      state[l].assign(net.layers[l].size, {});
      acc[l].assign(net.layers[l].size, 0);
    }
    for (auto* v : {&stats.spikes, &stats.spike_packets, &stats.synaptic_events, &stats.dense_ops,
                    &stats.neuron_updates, &stats.skipped_ops, &stats.site_activations,
                    &stats.membrane_changes})
      v->assign(L, 0);
    init_sites();
  }

  // Sparse convolution: plan which layers keep active sites (throws on a network that cannot
  // run sparsely), with the projections' effective delays.
  void init_sites() {
    SparsePlan plan = plan_sparse(net);
    if (!plan.any()) return;
    std::vector<std::vector<uint32_t>> delays(net.layers.size());
    for (size_t l = 1; l < net.layers.size(); ++l)
      for (const auto& pp : proj[l]) delays[l].push_back(pp.delay);
    sites.emplace(net, std::move(plan), std::move(delays));
  }
  const uint8_t* gate(size_t l) const {
    return sites && sites->plan().gated[l] ? sites->mask(l) : nullptr;
  }

  // Fan-out into a gated layer: only to active target sites; the rest counted as skipped.
  // flatten: the per-tap lambdas inline (a call per window tap otherwise; perf).
  __attribute__((flatten)) void integrate_gated(size_t l, const PreparedProjection& pp,
                                                const isa::LayerSpikes& in) {
    uint64_t syn = 0, dense = 0, skipped = 0;
    sparse::integrate_gated(
        pp, in.index.data(), in.payload.data(), in.index.size(), acc[l].data(), sites->mask(l),
        sites->plan().sites[l], syn, dense, skipped, [](int32_t& a, int32_t w, uint32_t pay) {
          const int32_t x = pay == 1 ? w : isa::shift_add(w, pay);
          a = static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(x));  // wraps
        });
    stats.synaptic_events[l] += syn;
    stats.dense_ops[l] += dense;
    stats.skipped_ops[l] += skipped;
  }

  __attribute__((flatten)) void integrate(size_t l, const PreparedProjection& pp,
                                          const isa::LayerSpikes& in) {
    if (gate(l)) return integrate_gated(l, pp, in);
    uint64_t syn = 0, dense = 0;
    fanout::integrate(pp, in.index.data(), in.payload.data(), in.index.size(), acc[l].data(), syn,
                      dense);
    stats.synaptic_events[l] += syn;
    stats.dense_ops[l] += dense;
  }

  void update(size_t l, isa::LayerSpikes& out, std::vector<int64_t>* readout) {
    const Layer& layer = net.layers[l];
    isa::UpdateMode mode;
    mode.model = neuron_model(layer.kind);
    mode.reset = layer.reset;
    mode.compare = layer.compare;
    mode.spike_bits = layer.spike_bits;
    const bool uniform = layer.qparams.size() == 1;
    auto& st = state[l];
    auto& a = acc[l];
    out.index.clear();
    out.payload.clear();
    uint64_t active = 0, changed = 0;
    const uint8_t* on = gate(l);  // neurons at inactive sites are never updated (state stays 0)
    const uint32_t hw = on ? sites->plan().sites[l] : 1;
    // Neurons at rest are skipped when rest is a fixed point of the layer's parameters
    // (isa/neuron_sweep.h): they are neither active nor spike, and add 0 to a readout.
    bool skip_rest = true;
    for (const isa::NeuronParams& p : layer.qparams)
      skip_rest = skip_rest && isa::rest_is_fixed_point(p, mode);
    isa::NeuronState* sp = st.data();
    int32_t* ap = a.data();
    const uint32_t n = layer.size;
    // A gated layer visits its active sites only, channel by channel (ascending j): the cost
    // follows the active sites, with no per-neuron site lookup.
    const bool by_sites = on && n % hw == 0;
    if (by_sites) {
      live_sites.clear();
      for (uint32_t s = 0; s < hw; ++s)
        if (on[s]) live_sites.push_back(s);
    }
    // Compiled per model and per skipping (flatten: neuron_step inline, its model tests folded).
    const auto sweep = [&](auto model, auto skipping) __attribute__((flatten)) {
      isa::UpdateMode m = mode;
      m.model = model;
      const auto step = [&](uint32_t j) {
        const isa::NeuronParams& p = layer.qparams[uniform ? 0 : j];
        active += skipping || (sp[j].v | sp[j].u | ap[j] | p.bias | p.input_bias) != 0;
        const int32_t v_before = sp[j].v;
        const uint32_t o = isa::neuron_step(sp[j], ap[j], p, m, prec);
        changed += sp[j].v != v_before;
        ap[j] = 0;
        if (o) {
          out.index.push_back(j);
          out.payload.push_back(o);
        }
        if (readout) (*readout)[j] += sp[j].v;
      };
      if (by_sites) {
        for (uint32_t c0 = 0; c0 < n; c0 += hw)
          for (uint32_t s : live_sites) {
            const uint32_t j = c0 + s;
            if (skipping && (sp[j].v | sp[j].u | ap[j]) == 0) continue;  // at rest
            step(j);
          }
        return;
      }
      for (uint32_t j = 0; j < n; ++j) {
        if constexpr (skipping) {
          j = isa::skip_resting(sp, ap, j, n);
          if (j == n) break;
        }
        if (on && !on[j % hw]) continue;
        step(j);
      }
    };
    isa::with_model(mode.model, [&](auto model) {
      if (skip_rest)
        sweep(model, std::true_type{});
      else
        sweep(model, std::false_type{});
    });
    stats.neuron_updates[l] += active;
    if (step > 0) stats.membrane_changes[l] += changed;  // NeuroBench: every neuron at step 0
    stats.spike_packets[l] += out.index.size();
    for (uint32_t p : out.payload) stats.spikes[l] += p;
  }
};

GoldenExecutor::GoldenExecutor(const Network& net, isa::Semantics semantics,
                               isa::Precision precision)
    : impl_(std::make_unique<Impl>(net, semantics, precision)) {}
GoldenExecutor::~GoldenExecutor() = default;
bool GoldenExecutor::stopped() const {
  return impl_->stopped;
}
const ExecStats& GoldenExecutor::stats() const {
  return impl_->stats;
}
const std::vector<isa::NeuronState>& GoldenExecutor::state(size_t layer) const {
  return impl_->state.at(layer);
}
std::vector<uint8_t> GoldenExecutor::active_sites(size_t layer) const {
  const auto& s = impl_->sites;
  if (!s || !s->plan().tracked.at(layer)) return {};
  return {s->mask(layer), s->mask(layer) + s->plan().sites[layer]};
}

SampleOutput GoldenExecutor::run_sample(uint32_t sample, const std::vector<isa::SpikeFrame>& steps,
                                        const StepObserver& observer) {
  Impl& m = *impl_;
  const size_t L = m.net.layers.size();
  for (size_t l = 0; l < L; ++l) {
    std::fill(m.state[l].begin(), m.state[l].end(), isa::NeuronState{});
    std::fill(m.acc[l].begin(), m.acc[l].end(), 0);
  }
  m.cur.assign(L, {});
  m.prev.assign(L, {});
  if (m.sites) m.sites->reset();
  SampleOutput out;
  std::vector<size_t> outputs;
  for (size_t l = 0; l < L; ++l)
    if (m.net.layers[l].is_output) {
      outputs.push_back(l);
      out.counts.emplace_back(m.net.layers[l].size, 0);
    }
  for (uint32_t t = 0; t < steps.size(); ++t) {
    m.step = t;
    std::swap(m.cur, m.prev);
    m.cur[0] = steps[t];
    m.stats.spike_packets[0] += steps[t].index.size();
    for (uint32_t p : steps[t].payload) m.stats.spikes[0] += p;
    if (m.sites) {  // active sites first, from this step's input: causal
      m.sites->begin_step();
      m.sites->activate_input(steps[t], m.stats.site_activations);
    }
    for (size_t l = 1; l < L; ++l) {
      if (m.sites) m.sites->update(l, m.stats.site_activations);
      for (const auto& pp : m.proj[l])
        m.integrate(l, pp, pp.delay ? m.prev[pp.source] : m.cur[pp.source]);
      std::vector<int64_t>* readout = nullptr;
      const bool spiking = is_spiking(m.net.layers[l].kind);
      for (size_t k = 0; k < outputs.size(); ++k)
        if (outputs[k] == l && !spiking) readout = &out.counts[k];
      m.update(l, m.cur[l], readout);
      if (spiking)
        for (size_t k = 0; k < outputs.size(); ++k)
          if (outputs[k] == l)
            for (size_t s = 0; s < m.cur[l].index.size(); ++s)
              out.counts[k][m.cur[l].index[s]] += m.cur[l].payload[s];
    }
    if (observer && !observer(sample, t, m.cur)) {
      m.stopped = true;
      break;
    }
  }
  // Spikes of the last step that travel a delayed projection are still delivered and
  // integrated (the chip sends them; the step that would use them never runs): they count as
  // synaptic events, as SANA-FE counts every spike times its fan-out.
  // Delayed site activations travel with them.
  if (!m.stopped && !steps.empty()) {
    if (m.sites) m.sites->begin_step();
    for (size_t l = 1; l < L; ++l) {
      if (m.sites) m.sites->deliver_delayed(l);
      for (const auto& pp : m.proj[l])
        if (pp.delay) m.integrate(l, pp, m.cur[pp.source]);
    }
  }
  if (!out.counts.empty()) out.predicted = argmax_lowest(out.counts[0]);
  return out;
}

}  // namespace compiler
