// CoreModel's part of sparse convolution (docs/execution-model.md, "Sparse convolution"): the
// gating of pairs and neuron updates by the chip's active-site tables, and the cost of the
// site-activation messages a core receives.
#include <algorithm>

#include "simmodel/core_model.h"

namespace sim {

void CoreModel::attach_sites(const SparseSites* sites) {
  sites_ = sites && sites->any() ? sites : nullptr;
  for (ProjectionRt& pr : projections_) {
    pr.gated = sites_ && sites_->gated(pr.layer);
    pr.site_rule = SiteRule::none;
    if (!sites_ || !sites_->tracked(pr.layer)) continue;
    switch (pr.mode) {
      case arch::AuMode::elementwise:
      case arch::AuMode::ssc:
        pr.site_rule = SiteRule::identity;
        break;
      case arch::AuMode::conv:
      case arch::AuMode::ssc_strided:
      case arch::AuMode::pool:
        pr.site_rule = SiteRule::window;
        break;
      default:
        break;
    }
  }
}

// The packet is integrated for step sent + delay (the slot it adds to).
bool CoreModel::site_on(const ProjectionRt& pr, uint32_t site) const {
  return sites_->active(pr.layer, site, sent_step_ + pr.p->delay_steps, timesteps_);
}

bool CoreModel::gate_taps(const ProjectionRt& pr, uint32_t n_oc, uint32_t& tap_lo, uint32_t& tap_hi,
                          Burst& b) {
  size_t kept = 0;
  tap_lo = UINT32_MAX;
  tap_hi = 0;
  for (const Tap& t : taps_) {
    if (!site_on(pr, t.o)) {
      b.skipped += n_oc;  // every output channel of the segment at that site
      continue;
    }
    taps_[kept++] = t;
    tap_lo = std::min(tap_lo, t.k);
    tap_hi = std::max(tap_hi, t.k);
  }
  taps_.resize(kept);
  return kept > 0;
}

// Neurons of segment s at sites inactive this step: the segment's neurons walk its layer's sites
// in order, wrapping per channel; a whole channel's count is taken once.
uint64_t CoreModel::count_gated_off(const isa::Segment& s) const {
  const uint32_t n_sites = sites_->sites(s.layer);
  const auto inactive = [&](uint32_t lo, uint32_t hi) {
    uint64_t k = 0;
    for (uint32_t o = lo; o < hi; ++o) k += !sites_->active(s.layer, o, step_, timesteps_);
    return k;
  };
  uint64_t off = 0, per_channel = UINT64_MAX;
  for (uint32_t j = 0; j < s.neuron_count;) {
    const uint32_t site = (s.neuron_begin + j) % n_sites;
    const uint32_t len = std::min(n_sites - site, s.neuron_count - j);
    if (len == n_sites) {
      if (per_channel == UINT64_MAX) per_channel = inactive(0, n_sites);
      off += per_channel;
    } else {
      off += inactive(site, site + len);
    }
    j += len;
  }
  return off;
}

uint64_t CoreModel::receive_site(uint64_t arrival, const Packet& pk, uint64_t noc_stall) {
  const uint64_t accept = queue_.accept_cycle(arrival);
  // The AU walks the target sites of every projection from the message's layer into a layer
  // that keeps a set (compare-and-lower one active_since word each).
  uint64_t addresses = 0;
  uint32_t layer = UINT32_MAX;
  if (pk.layer < by_source_.size())
    for (uint32_t k : by_source_[pk.layer]) {
      const ProjectionRt& pr = projections_[k];
      if (pr.site_rule == SiteRule::none) continue;
      if (layer == UINT32_MAX) layer = pr.layer;
      if (pr.site_rule == SiteRule::identity) {
        ++addresses;
        continue;
      }
      const isa::ConvGeometry& g = pr.p->geom;
      SparseSites::window_targets(g, pk.neuron / g.in_w, pk.neuron % g.in_w, site_scratch_);
      addresses += site_scratch_.size();
    }
  const uint64_t service = std::max<uint64_t>(au_.cycles(addresses), 1);
  for (Counters* c : {&counters_, layer == UINT32_MAX ? nullptr : &layer_counters_[layer]}) {
    if (!c) continue;
    ++c->site_messages;
    c->integration_busy_cycles += service;
    c->stalls.queue_full += accept - arrival;
    c->stalls.noc += noc_stall;
  }
  const uint64_t start = queue_.push(accept, service);
  const uint64_t done = start + service + kIntegrationPipelineFill;
  integration_done_ = std::max(integration_done_, done);
  if (trace_) [[unlikely]]
    trace_integration(
        {pk.layer, TracePacket::site, arrival, accept, start, start + service, 0, noc_stall});
  return done;
}

}  // namespace sim
