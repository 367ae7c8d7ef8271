#include "compiler/golden.h"

#include <optional>

#include "compiler/sparse_sites.h"

#include <fmt/core.h>

#include <cmath>
#include <numeric>

#include "isa/error.h"
#include "sparse_fanout.h"

namespace compiler {

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

inline void add_wrap(int32_t& acc, int32_t w) {
  acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(w));
}
inline int32_t weighted(int32_t w, uint32_t payload) {
  return payload == 1 ? w : isa::shift_add(w, payload);
}

// A projection prepared for fan-out from the source side.
struct PreparedProjection {
  ProjectionKind kind;
  uint32_t source;
  uint32_t delay;
  isa::ConvGeometry g;
  uint32_t targets = 0;       // target layer size
  std::vector<int32_t> w;     // fc: [source][target]; conv: [ic][ky][kx][ocg]; elt: [target]
  std::vector<uint32_t> nnz;  // fc: per source row; conv: per (ic,ky,kx)
  int32_t pool_w = 0;
};

PreparedProjection prepare(const Projection& p, const Layer& target, const Network& net) {
  PreparedProjection pp;
  pp.kind = p.kind;
  pp.source = p.source;
  pp.delay = p.delay_steps;
  pp.g = p.geom;
  pp.targets = target.size;
  const uint32_t S = net.layers[p.source].size, N = target.size;
  switch (p.kind) {
    case ProjectionKind::fc:
      pp.w.resize(size_t{S} * N);
      pp.nnz.assign(S, 0);
      for (uint32_t j = 0; j < N; ++j)
        for (uint32_t i = 0; i < S; ++i) {
          const int32_t w = isa::scaled_weight(p.qweight[size_t{j} * S + i], p.weight_shift);
          pp.w[size_t{i} * N + j] = w;
          pp.nnz[i] += w != 0;
        }
      break;
    case ProjectionKind::conv: {
      const auto& g = p.geom;
      const uint32_t icg = g.in_c / g.groups, ocg = g.out_c / g.groups;
      const size_t taps = size_t{g.k_h} * g.k_w;
      pp.w.assign(size_t{g.in_c} * taps * ocg, 0);
      pp.nnz.assign(size_t{g.in_c} * taps, 0);
      for (uint32_t oc = 0; oc < g.out_c; ++oc) {
        const uint32_t grp = oc / ocg;
        for (uint32_t j = 0; j < icg; ++j)
          for (size_t t = 0; t < taps; ++t) {
            const uint32_t ic = grp * icg + j;
            const int32_t w =
                isa::scaled_weight(p.qweight[(size_t{oc} * icg + j) * taps + t], p.weight_shift);
            pp.w[(size_t{ic} * taps + t) * ocg + (oc - grp * ocg)] = w;
            pp.nnz[size_t{ic} * taps + t] += w != 0;
          }
      }
      break;
    }
    case ProjectionKind::pool:
      pp.pool_w = isa::scaled_weight(p.qweight.at(0), p.weight_shift);
      break;
    case ProjectionKind::elementwise:
      pp.w.resize(p.qweight.size());
      for (size_t i = 0; i < p.qweight.size(); ++i)
        pp.w[i] = isa::scaled_weight(p.qweight[i], p.weight_shift);
      break;
  }
  return pp;
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
  bool stopped = false;
  std::optional<ActiveSites> sites;  // when some layer keeps active sites (sparse convolution)

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
                    &stats.neuron_updates, &stats.skipped_ops, &stats.site_activations})
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
  void integrate_gated(size_t l, const PreparedProjection& pp, const isa::LayerSpikes& in) {
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

  void integrate(size_t l, const PreparedProjection& pp, const isa::LayerSpikes& in) {
    if (gate(l)) return integrate_gated(l, pp, in);
    int32_t* a = acc[l].data();
    uint64_t syn = 0, dense = 0;
    const size_t n_in = in.index.size();
    switch (pp.kind) {
      case ProjectionKind::fc: {
        const uint32_t N = pp.targets;
        for (size_t s = 0; s < n_in; ++s) {
          const int32_t* row = pp.w.data() + size_t{in.index[s]} * N;
          const uint32_t pay = in.payload[s];
          if (pay == 1) {
            for (uint32_t j = 0; j < N; ++j) add_wrap(a[j], row[j]);
          } else {
            for (uint32_t j = 0; j < N; ++j) add_wrap(a[j], weighted(row[j], pay));
          }
          syn += pp.nnz[in.index[s]];
        }
        dense += uint64_t{N} * n_in;
        break;
      }
      case ProjectionKind::elementwise:
        for (size_t s = 0; s < n_in; ++s) {
          const int32_t w = pp.w[in.index[s]];
          add_wrap(a[in.index[s]], weighted(w, in.payload[s]));
          syn += w != 0;
        }
        dense += n_in;
        break;
      case ProjectionKind::conv:
      case ProjectionKind::pool: {
        const auto& g = pp.g;
        const uint32_t hw = g.in_h * g.in_w, ohw = g.out_h * g.out_w;
        const uint32_t icg = g.in_c / g.groups, ocg = g.out_c / g.groups;
        const bool pool = pp.kind == ProjectionKind::pool;
        for (size_t s = 0; s < n_in; ++s) {
          const uint32_t src = in.index[s], pay = in.payload[s];
          const uint32_t ic = src / hw, y = (src % hw) / g.in_w, x = src % g.in_w;
          const uint32_t grp = ic / icg;
          for (uint32_t ky = 0; ky < g.k_h; ++ky) {
            const int64_t ny = int64_t{y} + g.pad_h - int64_t{ky} * g.dil_h;
            if (ny < 0 || ny % g.stride_h) continue;
            const int64_t oy = ny / g.stride_h;
            if (oy >= g.out_h) continue;
            for (uint32_t kx = 0; kx < g.k_w; ++kx) {
              const int64_t nx = int64_t{x} + g.pad_w - int64_t{kx} * g.dil_w;
              if (nx < 0 || nx % g.stride_w) continue;
              const int64_t ox = nx / g.stride_w;
              if (ox >= g.out_w) continue;
              const uint32_t site = static_cast<uint32_t>(oy * g.out_w + ox);
              if (pool) {
                add_wrap(a[size_t{ic} * ohw + site], weighted(pp.pool_w, pay));
                syn += pp.pool_w != 0;
                ++dense;
                continue;
              }
              const size_t tap = (size_t{ic} * g.k_h + ky) * g.k_w + kx;
              const int32_t* w = pp.w.data() + tap * ocg;
              int32_t* dst = a + size_t{grp} * ocg * ohw + site;
              for (uint32_t o = 0; o < ocg; ++o)
                add_wrap(dst[size_t{o} * ohw], weighted(w[o], pay));
              syn += pp.nnz[tap];
              dense += ocg;
            }
          }
        }
        break;
      }
    }
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
    uint64_t active = 0;
    const uint8_t* on = gate(l);  // neurons at inactive sites are never updated (state stays 0)
    const uint32_t hw = on ? sites->plan().sites[l] : 1;
    for (uint32_t j = 0; j < layer.size; ++j) {
      if (on && !on[j % hw]) continue;
      const isa::NeuronParams& p = layer.qparams[uniform ? 0 : j];
      active += (st[j].v | st[j].u | a[j] | p.bias | p.input_bias) != 0;
      const uint32_t o = isa::neuron_step(st[j], a[j], p, mode, prec);
      a[j] = 0;
      if (o) {
        out.index.push_back(j);
        out.payload.push_back(o);
      }
      if (readout) (*readout)[j] += st[j].v;
    }
    stats.neuron_updates[l] += active;
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
