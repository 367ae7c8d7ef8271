#include "simmodel/chip_model.h"

#include <algorithm>
#include <map>
#include <numeric>

#include <fmt/format.h>
#include "isa/error.h"

namespace sim {

namespace {
constexpr uintptr_t kPrefetchLines = 8;
}  // namespace

ChipModel::ChipModel(const isa::ProgramImage& image, const arch::ArchConfig& arch)
    : image_(image),
      n_endpoints_(arch.mesh.x * arch.mesh.y),
      barrier_cycles_(arch.barrier_cycles),
      host_latency_(arch.host_latency_cycles),
      max_input_payload_((uint64_t{1} << std::min<uint32_t>(arch.core.input_bits, 31)) - 1),
      input_layer_(UINT32_MAX),
      multicast_(arch.noc.multicast),
      noc_(make_noc(arch)),
      slot_of_endpoint_(n_endpoints_, -1),
      output_index_(image.layers.size(), -1) {
  if (image.mesh_x != arch.mesh.x || image.mesh_y != arch.mesh.y)
    throw isa::InputError(
        fmt::format("program image: compiled for a {}x{} mesh, the arch has {}x{}", image.mesh_x,
                    image.mesh_y, arch.mesh.x, arch.mesh.y));
  if (image.semantics != arch.semantics)
    throw isa::InputError("program image: its timestep semantics differ from the arch's");
  if (image.phases_per_step == 0) throw isa::InputError("program image: phases_per_step is 0");
  const auto check_route = [&](const isa::Route& r, const std::string& where) {
    for (uint32_t d : r.dest_cores) {
      bool has_program = false;
      for (const isa::CoreProgram& c : image.cores) has_program |= c.core == d;
      if (d >= n_endpoints_ || !has_program)
        throw isa::InputError(
            fmt::format("program image: {} sends to core {}, which {}", where, d,
                        d >= n_endpoints_ ? "is outside the mesh" : "has no program"));
    }
  };
  check_route(image.host_input, "the host input route");
  cores_.reserve(image.cores.size());
  for (size_t k = 0; k < image.cores.size(); ++k) {
    const isa::CoreProgram& c = image.cores[k];
    if (c.core >= n_endpoints_)
      throw isa::InputError(fmt::format("program image: core {} is outside the {}x{} mesh", c.core,
                                        arch.mesh.x, arch.mesh.y));
    if (slot_of_endpoint_[c.core] >= 0)
      throw isa::InputError(fmt::format("program image: core {} has two programs", c.core));
    for (size_t r = 0; r < c.routes.size(); ++r)
      check_route(c.routes[r], fmt::format("core {} route {}", c.core, r));
    slot_of_endpoint_[c.core] = static_cast<int32_t>(k);
    cores_.emplace_back(c, image, arch, c.core, n_endpoints_);
  }
  n_layers_ = static_cast<uint32_t>(image.layers.size());
  row_sites_.resize(cores_.size() * size_t{n_layers_});
  for (size_t k = 0; k < cores_.size(); ++k)
    for (uint32_t l = 0; l < n_layers_; ++l)
      row_sites_[k * n_layers_ + l] = cores_[k].fc_row_site(l);
  for (uint32_t l = 0; l < image.layers.size(); ++l) {
    if (image.layers[l].is_input && input_layer_ == UINT32_MAX) input_layer_ = l;
    if (image.layers[l].is_output) {
      output_index_[l] = static_cast<int32_t>(output_layers_.size());
      output_layers_.push_back(l);
    }
  }
  outputs_.resize(output_layers_.size());
  index_host_groups(image);
  spikes_.resize(image.layers.size());
  sites_ = std::make_unique<SparseSites>(image);
  if (sites_->any()) {
    site_sender_.assign(image.layers.size(), UINT32_MAX);
    site_dests_.resize(image.layers.size());
    for (uint32_t k = 0; k < cores_.size(); ++k) {
      const isa::CoreProgram& c = image.cores[k];
      for (const isa::Segment& s : c.segments)
        if (s.layer < site_sender_.size() && site_sender_[s.layer] == UINT32_MAX)
          site_sender_[s.layer] = k;
      for (const isa::Projection& p : c.projections) {
        auto& d = site_dests_.at(p.source_layer);
        if (sites_->tracked(c.segments.at(p.segment).layer) &&
            std::find(d.begin(), d.end(), c.core) == d.end())
          d.push_back(c.core);
      }
    }
    host_site_dests_ = image.host_input.dest_cores;
    if (input_layer_ != UINT32_MAX)
      for (uint32_t d : site_dests_[input_layer_])
        if (std::find(host_site_dests_.begin(), host_site_dests_.end(), d) ==
            host_site_dests_.end())
          host_site_dests_.push_back(d);
    for (CoreModel& c : cores_) c.attach_sites(sites_.get());
  }
}

void ChipModel::begin_sample(uint32_t timesteps) {
  for (CoreModel& c : cores_) c.reset_sample(timesteps);
  if (sites_) sites_->reset();
  for (size_t k = 0; k < outputs_.size(); ++k)
    outputs_[k].assign(image_.layers[output_layers_[k]].size, 0);
}

void ChipModel::begin_phase(uint64_t start, uint32_t step, uint32_t phase,
                            const isa::SpikeFrame* input, bool log_spikes) {
  phase_start_ = start;
  last_bar_ = start;
  last_done_ = start;
  step_ = step;
  phase_ = phase;
  log_spikes_ = log_spikes;
  traffic_.clear();
  if (phase == 0) {
    for (isa::LayerSpikes& s : spikes_) {
      s.index.clear();
      s.payload.clear();
    }
    spikes_sorted_ = true;
  }
  if (phase == 0) inject_input(input);
}

void ChipModel::inject_input(const isa::SpikeFrame* input) {
  const uint32_t step = step_;
  const uint64_t start = phase_start_;
  if (!input || input->index.empty()) return;
  if (input_layer_ == UINT32_MAX)
    throw isa::InputError("program image: the input has spikes but no layer is the input layer");
  const uint32_t size = image_.layers[input_layer_].size;
  if (input->payload.size() != input->index.size())
    throw isa::InputError(fmt::format("input, step {}: {} indices but {} payloads", step,
                                      input->index.size(), input->payload.size()));
  if (log_spikes_) spikes_[input_layer_] = *input;
  // The host injects one packet per cycle (per destination without multicast).
  const uint32_t host = n_endpoints_;
  const uint32_t dest_begin = static_cast<uint32_t>(traffic_.pool.size());
  for (uint32_t d : image_.host_input.dest_cores) traffic_.pool.push_back(d);
  const uint32_t n_dests = static_cast<uint32_t>(traffic_.pool.size()) - dest_begin;
  if (n_dests == 0) return;
  std::vector<uint32_t> group_begin;  // split input fan-in: each group's destinations
  for (const auto& g : host_dests_) {
    group_begin.push_back(static_cast<uint32_t>(traffic_.pool.size()));
    traffic_.pool.insert(traffic_.pool.end(), g.begin(), g.end());
  }
  uint64_t t = inject_site_messages(*input, start + host_latency_);
  for (size_t k = 0; k < input->index.size(); ++k) {
    const uint32_t i = input->index[k];
    if (i >= size)
      throw isa::InputError(
          fmt::format("input, step {}: element {} outside the input layer of "
                      "{} neurons",
                      step, i, size));
    if (input->payload[k] == 0 || input->payload[k] > max_input_payload_)
      throw isa::InputError(
          fmt::format("input, step {}: element {} has payload {}, expected "
                      "1..{} (input_bits)",
                      step, i, input->payload[k], max_input_payload_));
    uint32_t begin = dest_begin, count = n_dests;
    if (!host_group_.empty()) {
      begin = group_begin[host_group_[i]];
      count = static_cast<uint32_t>(host_dests_[host_group_[i]].size());
      if (count == 0) continue;  // no core takes this input neuron
    }
    const uint32_t copies = multicast_ ? 1 : count;
    for (uint32_t c = 0; c < copies; ++c) {
      traffic_.injections.push_back(
          {t++, host, multicast_ ? begin : begin + c, multicast_ ? count : 1});
      traffic_.packets.push_back({input_layer_, i, static_cast<int32_t>(input->payload[k])});
      ++host_in_;
    }
  }
}

uint64_t ChipModel::inject_site_messages(const isa::SpikeFrame& input, uint64_t t) {
  if (!sites_ || !sites_->any() || input_layer_ == UINT32_MAX) return t;
  site_msgs_.clear();
  sites_->activate_input(input, input_layer_, step_, site_msgs_);
  // Timing (docs/simulator.md): the host sends its messages first, one per cycle; a forwarded
  // message leaves the core holding the layer's first segment one per cycle from the same
  // cycle, in cascade order (its wait for the message that caused it is not modelled).
  std::vector<uint64_t> next(cores_.size(), t);
  const uint32_t host = n_endpoints_;
  for (const SparseSites::Message& m : site_msgs_) {
    const bool from_host = m.layer == input_layer_;
    const std::vector<uint32_t>& dests = from_host ? host_site_dests_ : site_dests_[m.layer];
    if (dests.empty()) continue;
    if (!from_host && site_sender_[m.layer] == UINT32_MAX) continue;
    uint64_t& at = from_host ? t : next[site_sender_[m.layer]];
    const uint32_t src = from_host ? host : cores_[site_sender_[m.layer]].endpoint();
    const uint32_t dest_begin = static_cast<uint32_t>(traffic_.pool.size());
    for (uint32_t d : dests) traffic_.pool.push_back(d);
    const uint32_t n = static_cast<uint32_t>(dests.size());
    const uint32_t copies = multicast_ ? 1 : n;
    for (uint32_t c = 0; c < copies; ++c) {
      traffic_.injections.push_back(
          {at++, src, multicast_ ? dest_begin : dest_begin + c, multicast_ ? n : 1});
      Packet pk{m.layer, m.site, static_cast<int32_t>(m.since)};
      pk.site = true;
      traffic_.packets.push_back(pk);
      ++site_packets_;
      if (from_host) ++host_in_;
    }
  }
  return t;
}

uint64_t ChipModel::run_core(size_t slot) {
  CoreModel& core = cores_[slot];
  if (!core.run_to_barrier(phase_start_, traffic_, log_spikes_ ? &spikes_ : nullptr))
    throw isa::InputError(fmt::format(
        "program image: core {} halted at step {} while the chip expected {} phases per step "
        "(every core's step body needs exactly phases_per_step BARs)",
        core.endpoint(), step_, image_.phases_per_step));
  if (core.step() != step_)
    throw isa::InputError(
        fmt::format("program image: core {} reached a barrier of step {} in "
                    "step {} (BARs per step differ from phases_per_step)",
                    core.endpoint(), core.step(), step_));
  if (log_spikes_) spikes_sorted_ = false;
  last_bar_ = std::max(last_bar_, core.bar_cycle());
  return core.bar_cycle();
}

uint64_t ChipModel::route() {
  // Time order, ties by source then sending order: the NoC reserves ports in this order.
  const size_t n = traffic_.injections.size();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const NocInjection &x = traffic_.injections[a], &y = traffic_.injections[b];
    return x.cycle != y.cycle ? x.cycle < y.cycle : x.source < y.source;
  });
  sorted_.clear();
  sorted_.pool = traffic_.pool;
  for (uint32_t k : order) {
    sorted_.injections.push_back(traffic_.injections[k]);
    sorted_.packets.push_back(traffic_.packets[k]);
  }
  noc_->route(sorted_.injections, sorted_.pool, *this);
  return last_done_;
}

bool ChipModel::can_accept(uint32_t endpoint, uint64_t cycle) {
  if (endpoint == n_endpoints_) return true;
  return cores_[slot_of_endpoint_[endpoint]].can_accept(cycle);
}

void ChipModel::set_trace(TraceSink* trace) {
  trace_ = trace;
  noc_->set_trace(trace);
  for (CoreModel& c : cores_)
    c.set_trace(trace && trace->wants_core(c.endpoint()) ? trace : nullptr);
}

void ChipModel::trace_delivery(uint32_t endpoint, uint64_t cycle, uint32_t injection,
                               uint64_t contention) {
  const Packet& p = sorted_.packets[injection];
  const NocInjection& in = sorted_.injections[injection];
  const TracePacket kind = p.site   ? TracePacket::site
                           : p.psum ? TracePacket::psum
                                    : TracePacket::spike;
  const uint64_t start =
      endpoint == n_endpoints_ ? cycle : cores_[slot_of_endpoint_[endpoint]].traced_service_start();
  trace_->delivery(in.source, endpoint, p.layer, kind, in.cycle, cycle, contention, start);
}

// One test per delivery picks the copy: the untraced one has no trace code. The trace is told
// after the receiving core (its service start is then known).
void ChipModel::deliver(uint32_t endpoint, uint64_t cycle, uint32_t injection,
                        uint64_t contention) {
  if (trace_) [[unlikely]]
    deliver_impl<true>(endpoint, cycle, injection, contention);
  else
    deliver_impl<false>(endpoint, cycle, injection, contention);
}

template <bool kTraced>
void ChipModel::deliver_impl(uint32_t endpoint, uint64_t cycle, uint32_t injection,
                             uint64_t contention) {
  const Packet& p = sorted_.packets[injection];
  if (p.site) {  // site-activation messages go to cores only
    const uint64_t done = cores_[slot_of_endpoint_[endpoint]].receive_site(cycle, p, contention);
    last_done_ = std::max(last_done_, done);
    if constexpr (kTraced) trace_delivery(endpoint, cycle, injection, contention);
    return;
  }
  if (endpoint == n_endpoints_) {
    const int32_t out = p.layer < output_index_.size() ? output_index_[p.layer] : -1;
    if (out < 0)
      throw isa::InputError(
          fmt::format("program image: layer {} sends to the host but is not "
                      "an output layer",
                      p.layer));
    if (p.neuron >= outputs_[out].size())
      throw isa::InputError(
          fmt::format("program image: host output of layer {} neuron {} "
                      "outside the layer",
                      p.layer, p.neuron));
    outputs_[out][p.neuron] += p.payload;
    last_done_ = std::max(last_done_, cycle + host_latency_);
    if constexpr (kTraced) trace_delivery(endpoint, cycle, injection, contention);
    return;
  }
  CoreModel& core = cores_[slot_of_endpoint_[endpoint]];
  const uint64_t done = kTraced ? core.receive_traced(cycle, p, step_, contention)
                                : core.receive(cycle, p, step_, contention);
  last_done_ = std::max(last_done_, done);
  if constexpr (kTraced) trace_delivery(endpoint, cycle, injection, contention);
}

// With many small cores a spike is many short deliveries, each of which would otherwise start
// with cache misses on its FC row's entry and weights (perf: most of integrate_fc's time). The
// row's site is one flat lookup: the core's projection lists would be misses of their own.
void ChipModel::expect(uint32_t endpoint, uint32_t injection) {
  const Packet& p = sorted_.packets[injection];
  if (p.psum || p.site || p.layer >= n_layers_ || endpoint >= n_endpoints_) return;
  const int32_t slot = slot_of_endpoint_[endpoint];
  if (slot < 0) return;
  const FcRowSite& s = row_sites_[size_t(slot) * n_layers_ + p.layer];
  if (s.bursts) {  // a conv delivery: its burst's slot
    __builtin_prefetch(s.bursts + (p.neuron & s.burst_mask));
    return;
  }
  if (s.weights == nullptr || p.neuron < s.source_begin || p.neuron >= s.source_end) return;
  __builtin_prefetch(s.rows + p.neuron);
  // The row's weights, up to kPrefetchLines lines (a longer row streams once started).
  const auto w = reinterpret_cast<uintptr_t>(s.weights + uint64_t{p.neuron - s.source_begin} * s.n);
  const uintptr_t end =
      std::min(w + size_t{s.n} * sizeof(int16_t), (w & ~uintptr_t{63}) + kPrefetchLines * 64);
  for (uintptr_t at = w & ~uintptr_t{63}; at < end; at += 64)
    __builtin_prefetch(reinterpret_cast<const void*>(at));
}

uint64_t ChipModel::completion() const {
  return std::max(last_bar_, last_done_);
}

void ChipModel::release(uint64_t cycle) {
  for (CoreModel& c : cores_) c.release(cycle);
  if (trace_) trace_->phase(step_, phase_, phase_start_, cycle);
}

uint64_t ChipModel::run_phase(uint64_t start, uint32_t step, uint32_t phase,
                              const isa::SpikeFrame* input, bool log_spikes) {
  begin_phase(start, step, phase, input, log_spikes);
  for (size_t k = 0; k < cores_.size(); ++k) run_core(k);
  route();
  const uint64_t rel = completion() + barrier_cycles_;
  release(rel);
  return rel;
}

uint64_t ChipModel::finish_sample(uint64_t start) {
  uint64_t end = start;
  PhaseTraffic none;
  for (CoreModel& c : cores_) {
    if (c.run_to_barrier(start, none, nullptr))
      throw isa::InputError(
          fmt::format("program image: core {} reached a BAR after the last "
                      "step (more BARs than phases_per_step x timesteps)",
                      c.endpoint()));
    if (!none.injections.empty())
      throw isa::InputError(
          fmt::format("program image: core {} sends packets after the last "
                      "step",
                      c.endpoint()));
    end = std::max(end, c.halt_cycle());
  }
  return end;
}

const std::vector<isa::LayerSpikes>& ChipModel::step_spikes() {
  if (!spikes_sorted_) {
    for (uint32_t l = 0; l < spikes_.size(); ++l) {
      if (l == input_layer_) continue;
      isa::LayerSpikes& s = spikes_[l];
      if (std::is_sorted(s.index.begin(), s.index.end())) continue;
      std::vector<uint32_t> order(s.index.size());
      std::iota(order.begin(), order.end(), 0u);
      std::sort(order.begin(), order.end(),
                [&](uint32_t a, uint32_t b) { return s.index[a] < s.index[b]; });
      isa::LayerSpikes t;
      for (uint32_t k : order) {
        t.index.push_back(s.index[k]);
        t.payload.push_back(s.payload[k]);
      }
      s = std::move(t);
    }
    spikes_sorted_ = true;
  }
  return spikes_;
}

void ChipModel::index_host_groups(const isa::ProgramImage& image) {
  if (input_layer_ == UINT32_MAX) return;
  const uint32_t size = image.layers[input_layer_].size;
  // Per input-route core, the input neurons its projections take.
  std::vector<std::vector<uint8_t>> takes;
  bool all = true;
  for (uint32_t d : image.host_input.dest_cores) {
    std::vector<uint8_t> t(size, 0);
    for (const isa::CoreProgram& c : image.cores) {
      if (c.core != d) continue;
      for (const isa::Projection& p : c.projections)
        if (p.source_layer == input_layer_)
          for (uint32_t i = p.source_begin; i < std::min(p.source_end, size); ++i) t[i] = 1;
    }
    all &= std::all_of(t.begin(), t.end(), [](uint8_t x) { return x != 0; });
    takes.push_back(std::move(t));
  }
  if (all) return;  // the common case: one multicast set for every input spike
  host_group_.assign(size, 0);
  std::map<std::vector<uint32_t>, uint32_t> index;
  for (uint32_t i = 0; i < size; ++i) {
    std::vector<uint32_t> dests;
    for (size_t k = 0; k < takes.size(); ++k)
      if (takes[k][i]) dests.push_back(image.host_input.dest_cores[k]);
    auto [it, fresh] = index.try_emplace(dests, static_cast<uint32_t>(host_dests_.size()));
    if (fresh) host_dests_.push_back(dests);
    host_group_[i] = it->second;
  }
}

}  // namespace sim
