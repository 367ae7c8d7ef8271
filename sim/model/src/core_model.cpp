#include "simmodel/core_model.h"

#include <algorithm>
#include <bit>

#include <fmt/format.h>
#include "arch/derived.h"
#include "isa/error.h"
#include "isa/neuron_sweep.h"
#include "isa/table.h"
#include "simmodel/dense_row.h"

namespace sim {

namespace {

// Shift-add steps per weight of a spike's payload: one per set bit. A binary spike skips the
// popcount, a library call without -mpopcnt.
uint32_t adds_per_weight(uint32_t payload) {
  return payload == 1 ? 1 : static_cast<uint32_t>(std::popcount(payload));
}

// Words of a projection descriptor the AU.* instruction loads (its 32-bit fields): source
// layer, segment, delay, source neurons, weight base, weight count; convolution-like modes add
// the 15 geometry fields.
uint64_t descriptor_words(arch::AuMode m) {
  return m == arch::AuMode::fc || m == arch::AuMode::elementwise ? 6 : 21;
}

uint64_t cost(isa::Opcode op, uint64_t quantity, uint64_t per_cycle = 1, bool taken = false) {
  return isa::cost_cycles(isa::instr_info(op).cost, quantity, per_cycle, taken);
}

}  // namespace

// Kernel offsets k along one axis whose window holds source coordinate `at`, ascending, with
// the output coordinate each reaches (a division only for strides above 1).
void CoreModel::add_axis_taps(int64_t at, uint32_t pad, uint32_t k_n, uint32_t dil, uint32_t stride,
                              uint32_t out_n, std::vector<AxisTap>& taps) {
  for (uint32_t k = 0; k < k_n; ++k) {
    const int64_t t = at + pad - int64_t{k} * dil;
    if (t < 0) break;  // t falls as k grows
    int64_t o = t;
    if (stride != 1) {
      if (t % stride) continue;
      o = t / stride;
    }
    if (o < out_n) taps.push_back({k, static_cast<uint32_t>(o)});
  }
}

namespace {

inline int32_t wrap_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

}  // namespace

CoreModel::CoreModel(const isa::CoreProgram& program, const isa::ProgramImage& image,
                     const arch::ArchConfig& arch, uint32_t endpoint, uint32_t host_endpoint)
    : prog_(program),
      endpoint_(endpoint),
      host_endpoint_(host_endpoint),
      multicast_(arch.noc.multicast),
      precision_{static_cast<uint8_t>(arch.core.v_bits), static_cast<uint8_t>(arch.core.u_bits)},
      membrane_words_per_neuron_(arch::membrane_words_per_neuron(arch.core)),
      au_(arch.core),
      weight_mem_(arch.core),
      pe_(arch.core),
      membrane_(arch.core),
      neuron_unit_(arch.core),
      queue_(arch.core.input_queue_depth),
      by_source_(image.layers.size()),
      owners_(image.layers.size()),
      neuron_per_cycle_(std::max<uint32_t>(arch.core.neuron_updates_per_cycle, 1)),
      layer_counters_(image.layers.size()) {
  validate_and_index(image);
}

void CoreModel::validate_and_index(const isa::ProgramImage& image) {
  const auto bad = [&](const std::string& what) {
    return isa::InputError(fmt::format("program image: core {}: {}", prog_.core, what));
  };
  const size_t n_layers = image.layers.size();
  segments_.resize(prog_.segments.size());
  for (size_t s = 0; s < prog_.segments.size(); ++s) {
    const isa::Segment& seg = prog_.segments[s];
    if (seg.layer >= n_layers)
      throw bad(fmt::format("segment {}: layer {} does not exist", s, seg.layer));
    if (uint64_t{seg.neuron_begin} + seg.neuron_count > image.layers[seg.layer].size)
      throw bad(fmt::format("segment {}: neurons [{}, {}) exceed layer {} of {} neurons", s,
                            seg.neuron_begin, seg.neuron_begin + seg.neuron_count, seg.layer,
                            image.layers[seg.layer].size));
    const uint64_t need = seg.partial ? 0 : seg.param_count == 1 ? 1 : seg.neuron_count;
    if (!seg.partial && seg.param_count != 1 && seg.param_count != seg.neuron_count)
      throw bad(fmt::format("segment {}: param_count {} is neither 1 nor the segment size {}", s,
                            seg.param_count, seg.neuron_count));
    if (uint64_t{seg.param_base} + need > prog_.params.size())
      throw bad(fmt::format("segment {}: parameters [{}, {}) exceed the {} parameter blocks", s,
                            seg.param_base, seg.param_base + need, prog_.params.size()));
    SegmentRt& rt = segments_[s];
    rt.s = &seg;
    rt.state.assign(seg.neuron_count, {});
    rt.acc[0].assign(seg.neuron_count, 0);
    rt.acc[1].assign(seg.neuron_count, 0);
    if (!seg.partial) owners_[seg.layer].push_back(static_cast<uint32_t>(s));
  }
  // The AU mode of each projection is the AU.* instruction that arms it.
  std::vector<int> mode(prog_.projections.size(), -1);
  std::vector<arch::WeightLayout> layout(prog_.projections.size(), arch::WeightLayout::dense);
  for (size_t k = 0; k < prog_.code.size(); ++k) {
    const isa::Instr& in = prog_.code[k];
    if (!isa::find_instr(in.op)) throw bad(fmt::format("instruction {}: unknown opcode", k));
    arch::AuMode m;
    arch::WeightLayout l = arch::WeightLayout::dense;
    switch (in.op) {
      case isa::Opcode::au_fc:
        m = arch::AuMode::fc;
        break;
      case isa::Opcode::au_fcz:
        m = arch::AuMode::fc;
        l = arch::WeightLayout::compressed;
        break;
      case isa::Opcode::au_fcnm:
        m = arch::AuMode::fc;
        l = arch::WeightLayout::nm;
        break;
      case isa::Opcode::au_conv:
        m = arch::AuMode::conv;
        break;
      case isa::Opcode::au_pool:
        m = arch::AuMode::pool;
        break;
      case isa::Opcode::au_elt:
        m = arch::AuMode::elementwise;
        break;
      case isa::Opcode::au_ssc:
        m = arch::AuMode::ssc;
        break;
      case isa::Opcode::au_sscs:
        m = arch::AuMode::ssc_strided;
        break;
      case isa::Opcode::jmp:
      case isa::Opcode::loopt:
        if (in.a >= prog_.code.size())
          throw bad(fmt::format("instruction {}: jump target {} outside the {} instructions", k,
                                in.a, prog_.code.size()));
        continue;
      case isa::Opcode::upd_lif:
      case isa::Opcode::upd_if:
      case isa::Opcode::upd_li:
      case isa::Opcode::upd_cuba:
      case isa::Opcode::upd_culi:
      case isa::Opcode::hout:
        if (in.a >= segments_.size())
          throw bad(fmt::format("instruction {}: segment {} does not exist", k, in.a));
        if (prog_.segments[in.a].partial)
          throw bad(
              fmt::format("instruction {}: segment {} holds partial sums (PSUM only)", k, in.a));
        continue;
      case isa::Opcode::psum:
        if (in.a >= segments_.size() || !prog_.segments[in.a].partial)
          throw bad(fmt::format("instruction {}: PSUM of segment {}, expected a partial segment", k,
                                in.a));
        if (in.b >= prog_.routes.size())
          throw bad(fmt::format("instruction {}: route {} does not exist", k, in.b));
        continue;
      case isa::Opcode::send:
        if (in.a >= segments_.size())
          throw bad(fmt::format("instruction {}: segment {} does not exist", k, in.a));
        if (in.b >= prog_.routes.size())
          throw bad(fmt::format("instruction {}: route {} does not exist", k, in.b));
        continue;
      case isa::Opcode::setbits:
        if (in.a < 1 || in.a > 15)
          throw bad(fmt::format("instruction {}: SPKBITS {} outside 1..15", k, in.a));
        continue;
      default:
        continue;
    }
    if (in.a >= prog_.projections.size())
      throw bad(fmt::format("instruction {}: projection {} does not exist", k, in.a));
    if (mode[in.a] >= 0 && (mode[in.a] != static_cast<int>(m) || layout[in.a] != l))
      throw bad(fmt::format("projection {} armed with two AU modes", in.a));
    mode[in.a] = static_cast<int>(m);
    layout[in.a] = l;
  }
  projections_.resize(prog_.projections.size());
  for (size_t k = 0; k < prog_.projections.size(); ++k) {
    const isa::Projection& p = prog_.projections[k];
    if (mode[k] < 0)
      throw bad(fmt::format("projection {} is never armed by an AU.* instruction", k));
    if (p.source_layer >= n_layers)
      throw bad(fmt::format("projection {}: source layer {} does not exist", k, p.source_layer));
    if (p.segment >= segments_.size())
      throw bad(fmt::format("projection {}: segment {} does not exist", k, p.segment));
    const isa::Segment& seg = prog_.segments[p.segment];
    ProjectionRt& r = projections_[k];
    r.mode = static_cast<arch::AuMode>(mode[k]);
    r.layout = layout[k];
    r.p = &p;
    r.segment = p.segment;
    r.layer = seg.layer;
    r.neuron_begin = seg.neuron_begin;
    r.n = seg.neuron_count;
    r.membrane_base = seg.membrane_base;
    uint64_t weights_needed = 0;
    const isa::ConvGeometry& g = p.geom;
    switch (r.mode) {
      case arch::AuMode::fc:
        weights_needed = uint64_t{p.source_end - p.source_begin} * r.n;
        r.nonzero = NonzeroRows(p.source_neurons);
        break;
      case arch::AuMode::elementwise:
        weights_needed = r.n;
        break;
      case arch::AuMode::conv:
      case arch::AuMode::ssc:
      case arch::AuMode::ssc_strided:
      case arch::AuMode::pool: {
        r.plane = g.out_h * g.out_w;
        r.in_plane = g.in_h * g.in_w;
        const uint32_t groups = std::max<uint32_t>(g.groups, 1);
        if (r.plane == 0 || r.in_plane == 0 || g.in_c % groups || g.out_c % groups ||
            g.stride_h == 0 || g.stride_w == 0 || g.dil_h == 0 || g.dil_w == 0)
          throw bad(fmt::format("projection {}: malformed convolution geometry", k));
        if (r.neuron_begin % r.plane || r.n % r.plane)
          throw bad(fmt::format("projection {}: segment does not hold whole output channels", k));
        r.oc_begin = r.neuron_begin / r.plane;
        r.oc_end = r.oc_begin + r.n / r.plane;
        r.in_per_group = g.in_c / groups;
        r.out_per_group = g.out_c / groups;
        r.taps = g.k_h * g.k_w;
        if (r.mode != arch::AuMode::pool)  // a slot per source neuron, at most 8192
          r.bursts.resize(std::bit_ceil(std::clamp<uint64_t>(p.source_neurons, 1, 8192)));
        weights_needed = r.mode != arch::AuMode::pool
                             ? uint64_t{r.oc_end - r.oc_begin} * r.in_per_group * r.taps
                             : 1;  // pool: one shared weight
        break;
      }
      default:
        break;
    }
    if (p.source_begin > p.source_end || p.source_end > p.source_neurons)
      throw bad(fmt::format("projection {}: source neurons [{}, {}) outside its {} sources", k,
                            p.source_begin, p.source_end, p.source_neurons));
    if (uint64_t{p.weight_base} + weights_needed > prog_.weights.size())
      throw bad(fmt::format("projection {}: weights [{}, {}) exceed the {} stored weights", k,
                            p.weight_base, p.weight_base + weights_needed, prog_.weights.size()));
    if (r.layout == arch::WeightLayout::nm) check_nm_rows(k);
    by_source_[p.source_layer].push_back(static_cast<uint32_t>(k));
  }
}

// An AU.FCNM row stores N entries per group of M neurons: an image whose rows hold more
// non-zero weights in a group than that was not compiled for this arch.
void CoreModel::check_nm_rows(size_t k) const {
  const ProjectionRt& r = projections_[k];
  const uint32_t n = weight_mem_.core().nm_n, m = weight_mem_.core().nm_m;
  for (uint32_t i = r.p->source_begin; i < r.p->source_end; ++i) {
    const int16_t* w =
        prog_.weights.data() + r.p->weight_base + uint64_t{i - r.p->source_begin} * r.n;
    uint32_t in_group = 0;
    for (uint32_t j = 0; j < r.n; ++j) {
      if (j == 0 || (r.neuron_begin + j) % m == 0) in_group = 0;
      if (w[j] != 0 && ++in_group > n)
        throw isa::InputError(fmt::format(
            "program image: core {}: projection {} (AU.FCNM): row {} has more than core.nm_n = "
            "{} non-zero weights in the group of {} holding neuron {}",
            prog_.core, k, i, n, m, r.neuron_begin + j));
    }
  }
}

void CoreModel::reset_sample(uint32_t timesteps) {
  for (SegmentRt& s : segments_) {
    std::fill(s.state.begin(), s.state.end(), isa::NeuronState{});
    std::fill(s.acc[0].begin(), s.acc[0].end(), 0);
    std::fill(s.acc[1].begin(), s.acc[1].end(), 0);
    s.spikes.clear();
    s.updated_step = -1;
  }
  pc_ = 0;
  step_ = 0;
  timesteps_ = timesteps;
  spike_bits_ = 1;
}

// ---- integration -------------------------------------------------------------------------

FcRowSite CoreModel::fc_row_site(uint32_t layer) const {
  if (layer >= by_source_.size()) return {};
  for (uint32_t k : by_source_[layer]) {
    const ProjectionRt& pr = projections_[k];
    if (pr.mode == arch::AuMode::fc)
      return {prog_.weights.data() + pr.p->weight_base, pr.nonzero.entries(), pr.n,
              pr.p->source_begin, pr.p->source_end};
    if (!pr.bursts.empty()) {
      FcRowSite s;
      s.bursts = pr.bursts.data();
      s.burst_mask = static_cast<uint32_t>(pr.bursts.size() - 1);
      return s;
    }
  }
  return {};
}

uint64_t CoreModel::receive(uint64_t arrival, const Packet& pk, uint32_t step_sent,
                            uint64_t noc_stall) {
  return receive_impl<false>(arrival, pk, step_sent, noc_stall);
}

uint64_t CoreModel::receive_traced(uint64_t arrival, const Packet& pk, uint32_t step_sent,
                                   uint64_t noc_stall) {
  return trace_ ? receive_impl<true>(arrival, pk, step_sent, noc_stall)
                : receive_impl<false>(arrival, pk, step_sent, noc_stall);
}

// Compiled twice: the untraced copy has no trace code at all (the chip picks the copy once per
// delivery, on the path it already branched to for the trace).
template <bool kTraced>
uint64_t CoreModel::receive_impl(uint64_t arrival, const Packet& pk, uint32_t step_sent,
                                 uint64_t noc_stall) {
  if (pk.psum) return receive_partial_sum(arrival, pk, step_sent, noc_stall);
  if (pk.layer >= by_source_.size() || by_source_[pk.layer].empty())
    throw isa::InputError(fmt::format(
        "program image: core {} receives spikes of layer {} but has no projection from it",
        prog_.core, pk.layer));
  const uint64_t accept = queue_.accept_cycle(arrival);
  sent_step_ = step_sent;
  const std::vector<uint32_t>& projs = by_source_[pk.layer];
  Counters& first = layer_counters_[projections_[projs.front()].layer];
  first.stalls.queue_full += accept - arrival;
  first.stalls.noc += noc_stall;
  counters_.stalls.queue_full += accept - arrival;
  counters_.stalls.noc += noc_stall;
  uint64_t service = 0;
  [[maybe_unused]] const uint64_t bank_conflict_before = counters_.stalls.bank_conflict;
  for (uint32_t k : projs) {
    const ProjectionRt& pr = projections_[k];
    // A projection with a split fan-in takes only its share of the source's neurons.
    if (pk.neuron < pr.p->source_begin || pk.neuron >= pr.p->source_end) continue;
    Burst b;
    const uint32_t slot = (step_sent + pr.p->delay_steps) & 1u;
    const uint64_t cycles = integrate(pr, pk, slot, b);
    const uint64_t adds = b.nonzero * adds_per_weight(static_cast<uint32_t>(pk.payload));
    const uint64_t base =
        std::max({au_.cycles(b.addresses), weight_mem_.cycles(b.words), pe_.cycles(adds)});
    for (Counters* c : {&counters_, &layer_counters_[pr.layer]}) {
      c->au_addresses += b.addresses;
      c->weight_word_reads += b.words;
      c->zero_weight_reads += b.zero;
      c->membrane_reads += b.nonzero;
      c->membrane_writes += b.nonzero;
      c->pe_adds += adds;
      c->synaptic_events += b.nonzero;
      c->skipped_pairs += b.skipped;
      c->integration_busy_cycles += cycles;
      c->stalls.bank_conflict += cycles - base;
    }
    service += cycles;
  }
  ++counters_.packets_received;
  ++first.packets_received;
  service = std::max<uint64_t>(service, 1);
  const uint64_t start = queue_.push(accept, service);
  const uint64_t done = start + service + kIntegrationPipelineFill;
  if constexpr (kTraced)
    trace_integration({pk.layer, TracePacket::spike, arrival, accept, start, start + service,
                       counters_.stalls.bank_conflict - bank_conflict_before, noc_stall});
  integration_done_ = std::max(integration_done_, done);
  return done;
}

uint64_t CoreModel::integrate(const ProjectionRt& pr, const Packet& pk, uint32_t slot, Burst& b) {
  if (pk.neuron >= pr.p->source_neurons && pr.mode == arch::AuMode::fc)
    throw isa::InputError(
        fmt::format("program image: core {}: spike of neuron {} of layer {} "
                    "outside projection's {} source neurons",
                    prog_.core, pk.neuron, pk.layer, pr.p->source_neurons));
  const uint32_t payload = static_cast<uint32_t>(pk.payload);
  int32_t* acc = segments_[pr.segment].acc[slot].data();
  uint64_t mem_cycles = 0;
  if (pr.mode == arch::AuMode::fc) {
    mem_cycles = integrate_fc(pr, pk.neuron, payload, acc, b);
  } else {
    switch (pr.mode) {
      case arch::AuMode::conv:
      case arch::AuMode::ssc:
      case arch::AuMode::ssc_strided:
        mem_cycles = integrate_conv(pr, pk.neuron, payload, acc, b, false);
        break;
      case arch::AuMode::pool:
        mem_cycles = integrate_conv(pr, pk.neuron, payload, acc, b, true);
        break;
      case arch::AuMode::elementwise:
        membrane_.begin();
        integrate_elt(pr, pk.neuron, payload, acc, b);
        mem_cycles = membrane_.end();
        break;
      default:
        break;
    }
  }
  const uint64_t adds = b.nonzero * adds_per_weight(payload);
  const uint64_t base =
      std::max({au_.cycles(b.addresses), weight_mem_.cycles(b.words), pe_.cycles(adds)});
  return std::max(base, mem_cycles);
}

// Source neuron i reads weight row i and touches every neuron of the segment: the AU walks the
// row's stored entries (every position in the dense layout; WeightMemory::row_read); the work
// below is per non-zero weight (NonzeroRows). Returns the burst's
// membrane cycles, measured the first time the row is used (the burst is the row's accesses
// alone, at the projection's fixed base, so they never change).
uint64_t CoreModel::integrate_fc(const ProjectionRt& pr, uint32_t i, uint32_t payload, int32_t* acc,
                                 Burst& b) {
  const uint32_t n = pr.n;
  const uint64_t row = uint64_t{pr.p->weight_base} + uint64_t{i - pr.p->source_begin} * n;
  const int16_t* w = prog_.weights.data() + row;
  const uint32_t sh = pr.p->weight_shift;  // weight exponent: a mantissa w adds w << sh
  NonzeroRows::Row& r = pr.nonzero.row(i, w, n);
  const RowRead read = weight_mem_.row_read(pr.layout, row, pr.neuron_begin, n, r.count);
  b.addresses += read.entries;
  b.words += read.words;
  b.nonzero += r.count;
  b.zero += read.entries - r.count;
  if (r.accumulate_dense()) {
    add_dense_row(acc, w, n, sh, payload);
    return r.membrane_cycles;
  }
  const std::span<const uint32_t> nzj = r.positions();
  if (payload == 1) {
    for (uint32_t j : nzj) acc[j] = wrap_add(acc[j], isa::scaled_weight(w[j], sh));
  } else {
    for (uint32_t j : nzj)
      acc[j] = wrap_add(acc[j], isa::shift_add(isa::scaled_weight(w[j], sh), payload));
  }
  if (r.membrane_cycles != NonzeroRows::kUnmeasured) return r.membrane_cycles;
  membrane_.begin();
  membrane_.access_offsets(pr.membrane_base, nzj.data(), nzj.size());
  const uint64_t cycles = membrane_.end();
  if (cycles < NonzeroRows::kUnmeasured) r.membrane_cycles = static_cast<uint32_t>(cycles);
  return cycles;
}

// Source (c, y, x) -> every output (oc, oy, ox) of the segment whose window holds it; the AU
// walks output channels, then kernel taps (weight-memory order). Returns the burst's membrane
// cycles. A burst's costs (words, non-zero pairs, bank conflicts) depend on the source neuron
// and the kept taps only: they are measured once and kept in a direct-mapped table, so a
// repeated burst costs its accumulator adds alone.
uint64_t CoreModel::integrate_conv(const ProjectionRt& pr, uint32_t i, uint32_t payload,
                                   int32_t* acc, Burst& b, bool pool) {
  const isa::ConvGeometry& g = pr.p->geom;
  const uint32_t c = i / pr.in_plane;
  const uint32_t rem = i % pr.in_plane;
  const int64_t y = rem / g.in_w, x = rem % g.in_w;
  if (c >= g.in_c)
    throw isa::InputError(
        fmt::format("program image: core {}: spike of neuron {} outside the "
                    "projection's input of {} channels",
                    prog_.core, i, g.in_c));
  // The output channels first: a core holding other channels of a pool or grouped layer
  // has nothing to do with this spike.
  uint32_t oc_lo, oc_hi;
  if (pool) {
    oc_lo = std::max(pr.oc_begin, c);
    oc_hi = std::min(pr.oc_end, c + 1);
  } else {
    const uint32_t grp = c / pr.in_per_group;
    oc_lo = std::max(pr.oc_begin, grp * pr.out_per_group);
    oc_hi = std::min(pr.oc_end, (grp + 1) * pr.out_per_group);
  }
  if (oc_lo >= oc_hi) return 0;
  // The window test is separable: rows and columns apart, then their product in (ky, kx)
  // order, the AU's walk.
  axis_taps_[0].clear();
  axis_taps_[1].clear();
  add_axis_taps(y, g.pad_h, g.k_h, g.dil_h, g.stride_h, g.out_h, axis_taps_[0]);
  if (axis_taps_[0].empty()) return 0;
  add_axis_taps(x, g.pad_w, g.k_w, g.dil_w, g.stride_w, g.out_w, axis_taps_[1]);
  if (axis_taps_[1].empty()) return 0;
  taps_.clear();
  for (const AxisTap& ty : axis_taps_[0])
    for (const AxisTap& tx : axis_taps_[1])
      taps_.push_back({ty.k * g.k_w + tx.k, ty.out * g.out_w + tx.out});
  uint32_t tap_lo = taps_.front().k, tap_hi = taps_.back().k;  // ascending
  if (pr.gated && !gate_taps(pr, oc_hi - oc_lo, tap_lo, tap_hi, b)) return 0;
  const uint32_t c_in_group = c % pr.in_per_group;
  const uint64_t pairs = uint64_t{oc_hi - oc_lo} * taps_.size();
  b.addresses += pairs;
  if (pool) {
    // One shared weight register for every tap (docs/execution-model.md, AU.POOL).
    const int32_t pw = prog_.weights[pr.p->weight_base];
    const uint64_t nz = pw == 0 ? 0 : pairs;
    b.nonzero += nz;
    b.zero += pairs - nz;
    if (pw == 0) return 0;
    const int32_t v = isa::shift_add(isa::scaled_weight(pw, pr.p->weight_shift), payload);
    tap_offsets_.clear();
    for (uint32_t oc = oc_lo; oc < oc_hi; ++oc) {
      const uint32_t nbase = oc * pr.plane - pr.neuron_begin;
      for (const Tap& t : taps_) {
        acc[nbase + t.o] = wrap_add(acc[nbase + t.o], v);
        tap_offsets_.push_back(nbase + t.o);
      }
    }
    membrane_.begin();
    membrane_.access_offsets(pr.membrane_base, tap_offsets_.data(), tap_offsets_.size());
    return membrane_.end();
  }
  const uint32_t shift = pr.p->weight_shift;
  const int16_t* w0 = prog_.weights.data() + pr.p->weight_base +
                      (uint64_t{oc_lo - pr.oc_begin} * pr.in_per_group + c_in_group) * pr.taps;
  const uint64_t oc_stride = uint64_t{pr.in_per_group} * pr.taps;
  // The table entry of (i, kept taps), when the kernel's taps fit the mask.
  ConvBurst* entry = nullptr;
  uint64_t key = UINT64_MAX;
  if (pr.taps < 32 && !pr.bursts.empty()) {
    uint64_t mask = 0;
    for (const Tap& t : taps_) mask |= uint64_t{1} << t.k;
    key = uint64_t{i} << 32 | mask;
    entry = &pr.bursts[i & (pr.bursts.size() - 1)];  // a slot per source: expect() prefetches it
    if (entry->key == key) {
      const int16_t* w = w0;
      for (uint32_t oc = oc_lo; oc < oc_hi; ++oc, w += oc_stride) {
        int32_t* a = acc + (oc * pr.plane - pr.neuron_begin);
        for (const Tap& t : taps_) {
          if (w[t.k] == 0) continue;
          const int32_t ws = isa::scaled_weight(w[t.k], shift);
          a[t.o] = wrap_add(a[t.o], payload == 1 ? ws : isa::shift_add(ws, payload));
        }
      }
      b.words += entry->words;
      b.nonzero += entry->nonzero;
      b.zero += pairs - entry->nonzero;
      return entry->membrane_cycles;
    }
  }
  uint64_t nz = 0, words = 0;
  tap_offsets_.clear();
  const int16_t* w = w0;
  for (uint32_t oc = oc_lo; oc < oc_hi; ++oc, w += oc_stride) {
    const uint32_t nbase = oc * pr.plane - pr.neuron_begin;
    words += weight_mem_.words(static_cast<uint64_t>(w - prog_.weights.data()) + tap_lo,
                               tap_hi - tap_lo + 1);
    for (const Tap& t : taps_) {
      if (w[t.k] == 0) continue;
      const int32_t ws = isa::scaled_weight(w[t.k], shift);
      const int32_t v = payload == 1 ? ws : isa::shift_add(ws, payload);
      acc[nbase + t.o] = wrap_add(acc[nbase + t.o], v);
      tap_offsets_.push_back(nbase + t.o);
      ++nz;
    }
  }
  // The accesses in issue order, fed in one call (the group state stays in registers).
  membrane_.begin();
  membrane_.access_offsets(pr.membrane_base, tap_offsets_.data(), tap_offsets_.size());
  const uint64_t cycles = membrane_.end();
  b.words += words;
  b.nonzero += nz;
  b.zero += pairs - nz;
  if (entry && cycles <= UINT32_MAX && words <= UINT32_MAX)
    *entry = {key, static_cast<uint32_t>(cycles), static_cast<uint32_t>(words),
              static_cast<uint32_t>(nz)};
  return cycles;
}

// Source i -> segment neuron i - neuron_begin through its own weight.
void CoreModel::integrate_elt(const ProjectionRt& pr, uint32_t i, uint32_t payload, int32_t* acc,
                              Burst& b) {
  if (i < pr.neuron_begin || i - pr.neuron_begin >= pr.n) return;
  const uint32_t j = i - pr.neuron_begin;
  if (pr.gated && !site_on(pr, i % sites_->sites(pr.layer))) {
    ++b.skipped;
    return;
  }
  const uint64_t widx = uint64_t{pr.p->weight_base} + j;
  const int16_t w = prog_.weights[widx];
  b.addresses += 1;
  b.words += 1;
  if (w == 0) {
    ++b.zero;
    return;
  }
  acc[j] = wrap_add(acc[j], isa::shift_add(isa::scaled_weight(w, pr.p->weight_shift), payload));
  membrane_.access(pr.membrane_base + j);
  ++b.nonzero;
}

// ---- controller --------------------------------------------------------------------------

bool CoreModel::run_to_barrier(uint64_t start, PhaseTraffic& traffic,
                               std::vector<isa::LayerSpikes>* spike_log) {
  // A phase executes a bounded number of instructions; more means a loop with no BAR.
  constexpr uint64_t kMaxInstructionsPerPhase = 50'000'000;
  uint64_t now = start;
  size_t injected = 0;  // packets in `traffic` before a SEND: its count, for the trace
  for (uint64_t executed = 0;; ++executed) {
    if (executed > kMaxInstructionsPerPhase)
      throw isa::InputError(fmt::format(
          "program image: core {}: more than {} instructions without reaching BAR or HALT",
          prog_.core, kMaxInstructionsPerPhase));
    if (pc_ >= prog_.code.size())
      throw isa::InputError(
          fmt::format("program image: core {}: execution ran past the last "
                      "instruction (no HALT)",
                      prog_.core));
    const isa::Instr& in = prog_.code[pc_];
    ++counters_.instructions;
    uint64_t cycles = 0;
    switch (in.op) {
      case isa::Opcode::halt:
        cycles = cost(in.op, 0);
        counters_.controller_busy_cycles += now + cycles - start;
        halt_cycle_ = now + cycles;
        if (trace_) trace_->controller_run(endpoint_, start, halt_cycle_);
        return false;
      case isa::Opcode::bar:
        cycles = cost(in.op, 0);  // the issue cycle; the wait is counted at release
        ++counters_.barrier_syncs;
        ++pc_;
        bar_cycle_ = now + cycles;
        counters_.controller_busy_cycles += bar_cycle_ - start;
        if (trace_) trace_->controller_run(endpoint_, start, bar_cycle_);
        return true;
      case isa::Opcode::jmp:
        cycles = cost(in.op, 0, 1, true);
        pc_ = in.a;
        break;
      case isa::Opcode::loopt: {
        ++step_;
        const bool taken = step_ < timesteps_;
        cycles = cost(in.op, 0, 1, taken);
        pc_ = taken ? in.a : pc_ + 1;
        break;
      }
      case isa::Opcode::au_fc:
      case isa::Opcode::au_fcz:
      case isa::Opcode::au_fcnm:
      case isa::Opcode::au_conv:
      case isa::Opcode::au_pool:
      case isa::Opcode::au_elt:
      case isa::Opcode::au_ssc:
      case isa::Opcode::au_sscs:
        cycles = cost(in.op, descriptor_words(projections_[in.a].mode));
        ++pc_;
        break;
      case isa::Opcode::upd_lif:
      case isa::Opcode::upd_if:
      case isa::Opcode::upd_li:
      case isa::Opcode::upd_cuba:
      case isa::Opcode::upd_culi:
        cycles = update(in, spike_log);
        layer_counters_[segments_[in.a].s->layer].controller_busy_cycles += cycles;
        if (trace_)
          trace_->controller_busy(endpoint_, TraceBusy::update, segments_[in.a].s->layer, now,
                                  now + cycles, segments_[in.a].spikes.size());
        ++pc_;
        break;
      case isa::Opcode::setbits:
        spike_bits_ = static_cast<uint8_t>(in.a);
        cycles = cost(in.op, 0);
        ++pc_;
        break;
      case isa::Opcode::send:
        injected = traffic.injections.size();
        cycles = send(in.a, &prog_.routes[in.b].dest_cores, now, traffic);
        layer_counters_[segments_[in.a].s->layer].controller_busy_cycles += cycles;
        if (trace_)
          trace_->controller_busy(endpoint_, TraceBusy::send, segments_[in.a].s->layer, now,
                                  now + cycles, traffic.injections.size() - injected);
        ++pc_;
        break;
      case isa::Opcode::psum:
        injected = traffic.injections.size();
        cycles = send_partial_sums(in.a, prog_.routes[in.b].dest_cores, now, traffic);
        layer_counters_[segments_[in.a].s->layer].controller_busy_cycles += cycles;
        if (trace_)
          trace_->controller_busy(endpoint_, TraceBusy::send, segments_[in.a].s->layer, now,
                                  now + cycles, traffic.injections.size() - injected);
        ++pc_;
        break;
      case isa::Opcode::hout:
        injected = traffic.injections.size();
        cycles = send(in.a, nullptr, now, traffic);
        layer_counters_[segments_[in.a].s->layer].controller_busy_cycles += cycles;
        if (trace_)
          trace_->controller_busy(endpoint_, TraceBusy::send, segments_[in.a].s->layer, now,
                                  now + cycles, traffic.injections.size() - injected);
        ++pc_;
        break;
      default:  // NOP and any instruction with no effect here
        cycles = cost(in.op, 0);
        ++pc_;
        break;
    }
    now += cycles;
  }
}

void CoreModel::trace_integration(const TraceIntegration& t) {
  trace_->integration(endpoint_, t);
  traced_start_ = t.start;
}

void CoreModel::release(uint64_t cycle) {
  counters_.stalls.barrier_wait += cycle > bar_cycle_ ? cycle - bar_cycle_ : 0;
  if (trace_ && cycle > bar_cycle_) trace_->barrier_wait(endpoint_, bar_cycle_, cycle);
}

uint64_t CoreModel::update(const isa::Instr& in, std::vector<isa::LayerSpikes>* spike_log) {
  SegmentRt& seg = segments_[in.a];
  const isa::Segment& s = *seg.s;
  isa::UpdateMode mode;
  switch (in.op) {
    case isa::Opcode::upd_lif:
      mode.model = isa::NeuronModel::lif;
      break;
    case isa::Opcode::upd_if:
      mode.model = isa::NeuronModel::if_;
      break;
    case isa::Opcode::upd_li:
      mode.model = isa::NeuronModel::li;
      break;
    case isa::Opcode::upd_cuba:
      mode.model = isa::NeuronModel::cuba;
      break;
    default:
      mode.model = isa::NeuronModel::cuba_li;
      break;
  }
  if (isa::is_spiking(mode.model)) {
    mode.reset = in.b ? isa::ResetMode::subtract : isa::ResetMode::to_value;
    mode.compare = in.c ? isa::Compare::ge : isa::Compare::gt;
  }
  mode.spike_bits = spike_bits_;
  int32_t* acc = seg.acc[step_ & 1u].data();
  const isa::NeuronParams* params = prog_.params.data() + s.param_base;
  const bool per_neuron = s.param_count != 1;
  seg.spikes.clear();
  uint64_t active = 0, gated_off = 0, changed = 0;
  const bool gated = sites_ && sites_->gated(s.layer);
  // Neurons at rest are skipped when rest is a fixed point of every neuron's parameters (they
  // would count as visited-idle: counted below from the totals).
  const bool skip_rest = rests_for(seg, mode);
  isa::NeuronState* state = seg.state.data();
  const uint32_t n = s.neuron_count;
  // A gated layer's neuron j sits at site (neuron_begin + j) % n_sites; the neurons at inactive
  // sites are never updated (they stay 0) and are counted per site, not per neuron.
  const uint32_t n_sites = gated ? sites_->sites(s.layer) : 1;
  if (gated) gated_off = count_gated_off(s);
  // Compiled per model, per skipping and per gating (flatten: neuron_step inline, its model
  // tests folded). Skipping visits only neurons not at rest; gating leaves inactive sites out.
  // A gated segment of whole channels visits its active sites only, channel by channel
  // (ascending j): the cost follows the active sites, with no per-neuron site lookup.
  const bool by_sites = gated && s.neuron_begin % n_sites == 0 && n % n_sites == 0;
  if (by_sites) {
    live_sites_.clear();
    for (uint32_t o = 0; o < n_sites; ++o)
      if (sites_->active(s.layer, o, step_, timesteps_)) live_sites_.push_back(o);
  }
  const auto sweep = [&](auto model, auto skipping, auto gating) __attribute__((flatten)) {
    isa::UpdateMode m = mode;
    m.model = model;
    const auto step = [&](uint32_t j) {
      isa::NeuronState& st = state[j];
      const isa::NeuronParams& p = params[per_neuron ? j : 0];
      // Skipping: this neuron is not at rest, so it is active.
      const bool busy = skipping || (acc[j] | st.v | st.u | p.bias | p.input_bias) != 0;
      const int32_t v_before = st.v;
      const uint32_t out = isa::neuron_step(st, acc[j], p, m, precision_);
      changed += st.v != v_before;
      acc[j] = 0;
      if (out > 0) seg.spikes.emplace_back(s.neuron_begin + j, out);
      active += busy || out > 0;
    };
    if (gating && by_sites) {
      for (uint32_t c0 = 0; c0 < n; c0 += n_sites)
        for (uint32_t o : live_sites_) {
          const uint32_t j = c0 + o;
          if (skipping && (state[j].v | state[j].u | acc[j]) == 0) continue;  // at rest
          step(j);
        }
      return;
    }
    uint32_t site = gating ? s.neuron_begin % n_sites : 0;  // the cursor when not skipping
    for (uint32_t j = 0; j < n; ++j) {
      if constexpr (skipping) {
        j = isa::skip_resting(state, acc, j, n);
        if (j == n) break;
        if constexpr (gating) site = (s.neuron_begin + j) % n_sites;
      }
      if constexpr (gating) {
        const bool on = sites_->active(s.layer, site, step_, timesteps_);
        if constexpr (!skipping) site = site + 1 == n_sites ? 0 : site + 1;
        if (!on) continue;
      }
      step(j);
    }
  };
  isa::with_model(mode.model, [&](auto model) {
    const auto run = [&](auto skipping) {
      if (gated)
        sweep(model, skipping, std::true_type{});
      else
        sweep(model, skipping, std::false_type{});
    };
    if (skip_rest)
      run(std::true_type{});
    else
      run(std::false_type{});
  });
  seg.updated_step = step_;
  seg.spiking = isa::is_spiking(mode.model);
  const uint64_t visited = neuron_unit_.active_only() ? active : s.neuron_count - gated_off;
  const uint64_t words = (membrane_words_per_neuron_ + 1) * visited;  // state + accumulator
  uint64_t payload = 0;  // a graded spike counts its value
  for (const auto& [neuron, out] : seg.spikes) payload += static_cast<uint64_t>(out);
  for (Counters* c : {&counters_, &layer_counters_[s.layer]}) {
    c->spike_payload += payload;
    c->neuron_updates_active += active;
    if (step_ > 0) c->membrane_changes += changed;  // NeuroBench counts every neuron at step 0
    c->neuron_updates_idle += visited - active;
    c->membrane_reads += words;
    c->membrane_writes += words;
    c->spikes += seg.spikes.size();
  }
  if (spike_log) {
    isa::LayerSpikes& log = (*spike_log)[s.layer];
    for (const auto& [neuron, out] : seg.spikes) {
      log.index.push_back(neuron);
      log.payload.push_back(out);
    }
  }
  return neuron_unit_.cycles(visited);
}

// Whether rest is a fixed point for every neuron of the segment under `mode` (cached: a
// segment is updated by the same instruction every step).
bool CoreModel::rests_for(SegmentRt& seg, const isa::UpdateMode& mode) {
  const uint32_t key =
      static_cast<uint32_t>(mode.model) << 8 | static_cast<uint32_t>(mode.compare) << 4 | 1u;
  if (seg.rest_key != key) {
    const isa::Segment& s = *seg.s;
    const isa::NeuronParams* params = prog_.params.data() + s.param_base;
    const uint32_t n = s.param_count == 1 ? 1 : s.neuron_count;
    seg.rest_all = true;
    for (uint32_t j = 0; j < n && seg.rest_all; ++j)
      seg.rest_all = isa::rest_is_fixed_point(params[j], mode);
    seg.rest_key = key;
  }
  return seg.rest_all;
}

// SEND (dests = the route) or HOUT (dests = nullptr: the host): one packet per spike of this
// step, one per cycle from `start`; a readout (non-spiking) segment sends one packet per neuron
// carrying v. Without multicast the core sends one copy per destination.
uint64_t CoreModel::send(uint32_t seg_index, const std::vector<uint32_t>* dests, uint64_t start,
                         PhaseTraffic& traffic) {
  SegmentRt& seg = segments_[seg_index];
  const isa::Segment& s = *seg.s;
  const bool fresh = seg.updated_step == static_cast<int64_t>(step_);
  const uint32_t dest_begin = static_cast<uint32_t>(traffic.pool.size());
  if (dests) {
    for (uint32_t d : *dests) traffic.pool.push_back(d);
  } else {
    traffic.pool.push_back(host_endpoint_);
  }
  const uint32_t n_dests = static_cast<uint32_t>(traffic.pool.size()) - dest_begin;
  uint64_t packets = 0;
  const auto emit = [&](uint32_t neuron, int32_t payload) {
    if (n_dests == 0) return;
    const uint32_t copies = multicast_ ? 1 : n_dests;
    for (uint32_t k = 0; k < copies; ++k) {
      traffic.injections.push_back({start + packets, endpoint_,
                                    multicast_ ? dest_begin : dest_begin + k,
                                    multicast_ ? n_dests : 1});
      traffic.packets.push_back({s.layer, neuron, payload});
      ++packets;
    }
  };
  if (!dests && !seg.spiking) {
    if (fresh)
      for (uint32_t j = 0; j < s.neuron_count; ++j) emit(s.neuron_begin + j, seg.state[j].v);
  } else if (fresh) {
    for (const auto& [neuron, out] : seg.spikes) emit(neuron, static_cast<int32_t>(out));
  }
  counters_.packets_sent += packets;
  layer_counters_[s.layer].packets_sent += packets;
  return cost(dests ? isa::Opcode::send : isa::Opcode::hout, packets);
}

// ---- fan-in splitting ---------------------------------------------------------------------

uint64_t CoreModel::send_partial_sums(uint32_t seg_index, const std::vector<uint32_t>& dests,
                                      uint64_t start, PhaseTraffic& traffic) {
  SegmentRt& seg = segments_[seg_index];
  const isa::Segment& s = *seg.s;
  int32_t* acc = seg.acc[step_ & 1u].data();  // this step's sums, complete at the barrier
  const uint32_t dest_begin = static_cast<uint32_t>(traffic.pool.size());
  for (uint32_t d : dests) traffic.pool.push_back(d);
  const auto n_dests = static_cast<uint32_t>(dests.size());
  uint64_t packets = 0;
  for (uint32_t j = 0; j < s.neuron_count; ++j) {
    if (acc[j] == 0) continue;
    const uint32_t copies = multicast_ ? 1 : n_dests;
    for (uint32_t k = 0; k < copies; ++k) {
      // Injected as the sweep finds them, one per cycle at most.
      traffic.injections.push_back({start + j / neuron_per_cycle_ + packets, endpoint_,
                                    multicast_ ? dest_begin : dest_begin + k,
                                    multicast_ ? n_dests : 1});
      Packet pk{s.layer, s.neuron_begin + j, acc[j]};
      pk.psum = true;
      traffic.packets.push_back(pk);
      ++packets;
    }
    acc[j] = 0;
  }
  for (Counters* c : {&counters_, &layer_counters_[s.layer]}) {
    c->membrane_reads += s.neuron_count;  // the accumulator sweep
    c->membrane_writes += packets / (multicast_ ? 1 : std::max(n_dests, 1u));  // cleared ones
    c->packets_sent += packets;
    c->psum_packets += packets;
  }
  return cost(isa::Opcode::psum, s.neuron_count, neuron_per_cycle_) +
         isa::cost_cycles(isa::CostClass::send, packets);
}

uint64_t CoreModel::receive_partial_sum(uint64_t arrival, const Packet& pk, uint32_t step_sent,
                                        uint64_t noc_stall) {
  const std::vector<uint32_t>* owners = pk.layer < owners_.size() ? &owners_[pk.layer] : nullptr;
  uint32_t seg_index = UINT32_MAX;
  if (owners)
    for (uint32_t s : *owners) {
      const isa::Segment& seg = *segments_[s].s;
      if (pk.neuron >= seg.neuron_begin && pk.neuron - seg.neuron_begin < seg.neuron_count)
        seg_index = s;
    }
  if (seg_index == UINT32_MAX)
    throw isa::InputError(fmt::format(
        "program image: core {} receives a partial sum for neuron {} of layer {} but holds no "
        "segment updating it",
        prog_.core, pk.neuron, pk.layer));
  SegmentRt& seg = segments_[seg_index];
  const uint64_t accept = queue_.accept_cycle(arrival);
  Counters& lc = layer_counters_[pk.layer];
  for (Counters* c : {&counters_, &lc}) {
    c->stalls.queue_full += accept - arrival;
    c->stalls.noc += noc_stall;
    c->membrane_reads += 1;
    c->membrane_writes += 1;
    c->pe_adds += 1;
    c->packets_received += 1;
    c->integration_busy_cycles += 1;
  }
  int32_t& a = seg.acc[step_sent & 1u][pk.neuron - seg.s->neuron_begin];  // delay 0
  a = wrap_add(a, pk.payload);
  const uint64_t start = queue_.push(accept, 1);
  const uint64_t done = start + 1 + kIntegrationPipelineFill;
  if (trace_) [[unlikely]]
    trace_integration(
        {pk.layer, TracePacket::psum, arrival, accept, start, start + 1, 0, noc_stall});
  integration_done_ = std::max(integration_done_, done);
  return done;
}

}  // namespace sim
