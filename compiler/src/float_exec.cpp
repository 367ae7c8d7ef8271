#include "compiler/float_exec.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "compiler/sparse_sites.h"
#include "fanout.h"
#include "isa/error.h"
#include "sparse_fanout.h"

namespace compiler {

FloatFrame float_frame(std::span<const float> frame) {
  FloatFrame f;
  for (size_t i = 0; i < frame.size(); ++i) {
    const float x = frame[i];
    if (x == 0) continue;
    if (!(x > 0))
      throw isa::InputError(
          fmt::format("input element {} is {} (expected spikes or graded values >= 0)", i, x));
    f.index.push_back(static_cast<uint32_t>(i));
    f.value.push_back(x);
  }
  return f;
}

int64_t argmax_lowest(const std::vector<double>& v) {
  int64_t best = -1;
  for (size_t i = 0; i < v.size(); ++i)
    if (best < 0 || v[i] > v[static_cast<size_t>(best)]) best = static_cast<int64_t>(i);
  return best;
}

namespace {

using PreparedProjection = fanout::Prepared<double>;

// Sparse events of one layer in one step, with float payloads (spike counts, or input values).
struct Events {
  std::vector<uint32_t> index;
  std::vector<double> value;
};

struct FloatState {
  double v = 0, u = 0;
};

// The float form of isa::neuron_step (no saturation, no truncation); returns the payload.
uint32_t float_neuron_step(FloatState& s, double input, const Layer& l, uint32_t j) {
  const NeuronParamsStep& p = l.step;
  double drive = input + p.input_bias[j];
  if (isa::has_current(neuron_model(l.kind))) {
    s.u = (1.0 - p.decay_u[j]) * s.u + drive;
    drive = s.u;
  }
  double v = (1.0 - p.decay_v[j]) * s.v + drive + p.v_bias[j];
  uint32_t out = 0;
  if (is_spiking(l.kind)) {
    const double thr = p.threshold[j];
    const auto above = [&](double x) { return l.compare == isa::Compare::gt ? x > thr : x >= thr; };
    if (above(v)) {
      if (l.reset == isa::ResetMode::to_value) {
        out = 1;
        v = p.v_reset[j];
      } else {
        const uint32_t max_out = (1u << l.spike_bits) - 1u;
        do {
          ++out;
          v -= thr;
        } while (out < max_out && thr > 0 && above(v));
      }
    }
  }
  s.v = v;
  return out;
}

}  // namespace

struct FloatExecutor::Impl {
  const Network& net;
  isa::Semantics semantics;
  std::vector<std::vector<PreparedProjection>> proj;  // per layer
  std::vector<std::vector<FloatState>> state;
  std::vector<std::vector<double>> acc;
  std::vector<Events> cur, prev;           // float events, for fan-out
  std::vector<isa::LayerSpikes> observed;  // the same, as the observer sees them
  ExecStats stats;
  uint32_t step = 0;  // the sample's step being run (membrane_changes skip step 0)
  bool stopped = false;
  std::optional<ActiveSites> sites;  // sparse convolution, as in the golden executor

  Impl(const Network& n, isa::Semantics s) : net(n), semantics(s) {
    const size_t L = net.layers.size();
    proj.resize(L);
    for (size_t l = 1; l < L; ++l) {
      const Layer& layer = net.layers[l];
      if (layer.step.threshold.size() != layer.size)
        throw isa::InputError(fmt::format(
            "layer '{}': the float executor needs a discretised network (per-step parameters)",
            layer.name));
      for (const auto& p : layer.inputs) {
        proj[l].push_back(fanout::prepare<double>(
            p, net.layers[p.source].size, layer.size, [&](size_t k) { return p.weight[k]; },
            p.pool_gain));
        if (semantics == isa::Semantics::pipelined) proj[l].back().delay = 1;
      }
    }
    state.resize(L);
    acc.resize(L);
    for (size_t l = 0; l < L; ++l) {
      state[l].assign(net.layers[l].size, {});
      acc[l].assign(net.layers[l].size, 0.0);
    }
    for (auto* v : {&stats.spikes, &stats.spike_packets, &stats.synaptic_events, &stats.dense_ops,
                    &stats.neuron_updates, &stats.skipped_ops, &stats.site_activations,
                    &stats.membrane_changes})
      v->assign(L, 0);
    SparsePlan plan = plan_sparse(net);
    if (plan.any()) {
      std::vector<std::vector<uint32_t>> delays(L);
      for (size_t l = 1; l < L; ++l)
        for (const auto& pp : proj[l]) delays[l].push_back(pp.delay);
      sites.emplace(net, std::move(plan), std::move(delays));
    }
  }
  const uint8_t* gate(size_t l) const {
    return sites && sites->plan().gated[l] ? sites->mask(l) : nullptr;
  }

  void integrate(size_t l, const PreparedProjection& pp, const Events& in) {
    uint64_t syn = 0, dense = 0;
    if (gate(l)) {  // fan-out only to active target sites
      uint64_t skipped = 0;
      sparse::integrate_gated(pp, in.index.data(), in.value.data(), in.index.size(), acc[l].data(),
                              sites->mask(l), sites->plan().sites[l], syn, dense, skipped,
                              [](double& a, double w, double pay) { a += w * pay; });
      stats.synaptic_events[l] += syn;
      stats.dense_ops[l] += dense;
      stats.skipped_ops[l] += skipped;
      return;
    }
    fanout::integrate(pp, in.index.data(), in.value.data(), in.index.size(), acc[l].data(), syn,
                      dense);
    stats.synaptic_events[l] += syn;
    stats.dense_ops[l] += dense;
  }

  void update(size_t l, Events& out, isa::LayerSpikes& seen, std::vector<double>* readout) {
    const Layer& layer = net.layers[l];
    const auto& P = layer.step;
    auto& st = state[l];
    auto& a = acc[l];
    out.index.clear();
    out.value.clear();
    seen.index.clear();
    seen.payload.clear();
    uint64_t active = 0, changed = 0;
    const uint8_t* on = gate(l);  // neurons at inactive sites are never updated (state stays 0)
    const uint32_t hw = on ? sites->plan().sites[l] : 1;
    for (uint32_t j = 0; j < layer.size; ++j) {
      if (on && !on[j % hw]) continue;
      active +=
          (st[j].v != 0 || st[j].u != 0 || a[j] != 0 || P.v_bias[j] != 0 || P.input_bias[j] != 0);
      const double v_before = st[j].v;
      const uint32_t o = float_neuron_step(st[j], a[j], layer, j);
      changed += st[j].v != v_before;
      a[j] = 0;
      if (o) {
        out.index.push_back(j);
        out.value.push_back(o);
        seen.index.push_back(j);
        seen.payload.push_back(o);
      }
      if (readout) (*readout)[j] += st[j].v;
    }
    stats.neuron_updates[l] += active;
    if (step > 0) stats.membrane_changes[l] += changed;  // NeuroBench: every neuron at step 0
    stats.spike_packets[l] += seen.index.size();
    for (uint32_t p : seen.payload) stats.spikes[l] += p;
  }
};

FloatExecutor::FloatExecutor(const Network& net, isa::Semantics semantics)
    : impl_(std::make_unique<Impl>(net, semantics)) {}
FloatExecutor::~FloatExecutor() = default;
bool FloatExecutor::stopped() const {
  return impl_->stopped;
}
const ExecStats& FloatExecutor::stats() const {
  return impl_->stats;
}

FloatSampleOutput FloatExecutor::run_sample(uint32_t sample, const std::vector<FloatFrame>& steps,
                                            const StepObserver& observer) {
  Impl& m = *impl_;
  const size_t L = m.net.layers.size();
  for (size_t l = 0; l < L; ++l) {
    std::fill(m.state[l].begin(), m.state[l].end(), FloatState{});
    std::fill(m.acc[l].begin(), m.acc[l].end(), 0.0);
  }
  m.cur.assign(L, {});
  m.prev.assign(L, {});
  m.observed.assign(L, {});
  if (m.sites) m.sites->reset();
  FloatSampleOutput out;
  std::vector<size_t> outputs;
  for (size_t l = 0; l < L; ++l)
    if (m.net.layers[l].is_output) {
      outputs.push_back(l);
      out.counts.emplace_back(m.net.layers[l].size, 0.0);
    }
  for (uint32_t t = 0; t < steps.size(); ++t) {
    m.step = t;
    std::swap(m.cur, m.prev);
    m.cur[0].index = steps[t].index;
    m.cur[0].value = steps[t].value;
    auto& in_seen = m.observed[0];
    in_seen.index = steps[t].index;
    in_seen.payload.resize(steps[t].value.size());
    for (size_t k = 0; k < steps[t].value.size(); ++k)
      in_seen.payload[k] = static_cast<uint32_t>(std::max(1.0, std::nearbyint(steps[t].value[k])));
    m.stats.spike_packets[0] += in_seen.index.size();
    for (uint32_t p : in_seen.payload) m.stats.spikes[0] += p;
    if (m.sites) {  // active sites first, from this step's (non-zero) input: causal
      m.sites->begin_step();
      m.sites->activate_input(in_seen, m.stats.site_activations);
    }
    for (size_t l = 1; l < L; ++l) {
      if (m.sites) m.sites->update(l, m.stats.site_activations);
      for (const auto& pp : m.proj[l])
        m.integrate(l, pp, pp.delay ? m.prev[pp.source] : m.cur[pp.source]);
      std::vector<double>* readout = nullptr;
      const bool spiking = is_spiking(m.net.layers[l].kind);
      for (size_t k = 0; k < outputs.size(); ++k)
        if (outputs[k] == l && !spiking) readout = &out.counts[k];
      m.update(l, m.cur[l], m.observed[l], readout);
      if (spiking)
        for (size_t k = 0; k < outputs.size(); ++k)
          if (outputs[k] == l)
            for (size_t s = 0; s < m.cur[l].index.size(); ++s)
              out.counts[k][m.cur[l].index[s]] += m.cur[l].value[s];
    }
    if (observer && !observer(sample, t, m.observed)) {
      m.stopped = true;
      break;
    }
  }
  // As the golden executor: spikes of the last step on delayed projections are delivered
  // (and counted as synaptic events).
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

double LayerAgreement::agreement() const {
  return decisions ? 1.0 - double(disagreements) / double(decisions) : 1.0;
}

SpikeAgreement::SpikeAgreement(const Network& net) {
  for (size_t l = 0; l < net.layers.size(); ++l) {
    sizes_.push_back(net.layers[l].size);
    if (net.layers[l].kind == NeuronKind::input || !is_spiking(net.layers[l].kind)) continue;
    LayerAgreement a;
    a.layer = net.layers[l].name;
    a.index = static_cast<uint32_t>(l);
    layers_.push_back(a);
  }
}

void SpikeAgreement::add_step(uint32_t sample, uint32_t step,
                              const std::vector<isa::LayerSpikes>& reference,
                              const std::vector<isa::LayerSpikes>& compared) {
  for (auto& a : layers_) {
    const isa::LayerSpikes& r = reference.at(a.index);
    const isa::LayerSpikes& c = compared.at(a.index);
    for (uint32_t p : r.payload) a.reference_spikes += p;
    for (uint32_t p : c.payload) a.compared_spikes += p;
    a.decisions += sizes_[a.index];
    // Merge the two ascending lists: a neuron disagrees when it is in one list only or with
    // different payloads.
    uint64_t differ = 0;
    size_t i = 0, k = 0;
    while (i < r.index.size() || k < c.index.size()) {
      if (k == c.index.size() || (i < r.index.size() && r.index[i] < c.index[k])) {
        ++differ, ++i;
      } else if (i == r.index.size() || c.index[k] < r.index[i]) {
        ++differ, ++k;
      } else {
        differ += r.payload[i] != c.payload[k];
        ++i, ++k;
      }
    }
    a.disagreements += differ;
    if (differ && a.first_divergence_sample < 0) {
      a.first_divergence_sample = sample;
      a.first_divergence_step = step;
    }
  }
}

LayerAgreement SpikeAgreement::total() const {
  LayerAgreement t;
  t.layer = "all";
  for (const auto& a : layers_) {
    t.reference_spikes += a.reference_spikes;
    t.compared_spikes += a.compared_spikes;
    t.decisions += a.decisions;
    t.disagreements += a.disagreements;
    if (a.first_divergence_sample < 0) continue;
    if (t.first_divergence_sample < 0 || a.first_divergence_sample < t.first_divergence_sample ||
        (a.first_divergence_sample == t.first_divergence_sample &&
         a.first_divergence_step < t.first_divergence_step)) {
      t.first_divergence_sample = a.first_divergence_sample;
      t.first_divergence_step = a.first_divergence_step;
    }
  }
  return t;
}

}  // namespace compiler
