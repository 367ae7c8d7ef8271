// One core: the controller running its program, the integration pipeline (input queue ->
// addressing unit -> weight memory -> PEs -> membrane memory) and the neuron unit, with the
// functional state the execution model defines (docs/execution-model.md): two accumulator slots
// per segment neuron, neuron state, this step's spikes. Plain C++: time is an argument.
//
// Per phase, the chip calls run_to_barrier() (the controller runs ahead in plain C++ with a
// local cycle count, producing time-stamped packets), then receive() for every packet the NoC
// delivers (in arrival order), then release() when the barrier opens.
#pragma once
#include <cstdint>
#include <vector>

#include "arch/config.h"
#include "isa/program.h"
#include "simmodel/counters.h"
#include "simmodel/input_queue.h"
#include "simmodel/membrane_memory.h"
#include "simmodel/noc.h"
#include "simmodel/nonzero_rows.h"
#include "simmodel/pipeline_blocks.h"
#include "simmodel/sparse_sites.h"
#include "simmodel/trace.h"

namespace sim {

// What a spike packet carries (the NoC moves NocInjection; this is its content).
struct Packet {
  uint32_t layer = 0;   // source layer
  uint32_t neuron = 0;  // flat index in the source layer
  int32_t payload = 0;  // spike count / graded input value / readout v (HOUT of a non-spiking seg)
  bool site = false;    // a site-activation message (sparse convolution): neuron = the site,
                        // payload = its active_since step
  bool psum = false;    // a partial sum (fan-in splitting): layer, neuron = the target neuron,
                        // payload = the sum to add to its accumulator for the step it was sent
};

// Packets one phase puts into the network, and the destination lists they point into.
struct PhaseTraffic {
  std::vector<NocInjection> injections;
  std::vector<Packet> packets;  // packets[k] travels as injections[k]
  std::vector<uint32_t> pool;   // destination endpoints
  void clear() {
    injections.clear();
    packets.clear();
    pool.clear();
  }
};

// Cycles from a packet's service start to its last accumulator write: one cycle each for the
// addressing unit, the weight read and the PE/membrane write-back (the pipeline's fill).
inline constexpr uint64_t kIntegrationPipelineFill = 3;

// Where one source layer's spikes read an FC row in a core: row i (source_begin <= i <
// source_end) is n weights at weights + (i - source_begin) * n, its NonzeroRows entry rows + i.
// A conv burst's costs, a function of (source neuron, kept taps) alone: the accesses and their
// bank conflicts are the same whenever the same taps are kept (docs/performance.md).
struct ConvBurst {
  uint64_t key = UINT64_MAX;  // source neuron << 32 | mask of the kept taps (UINT64_MAX: none)
  uint32_t membrane_cycles = 0, words = 0, nonzero = 0;
};

// Where a delivery of a layer's spike will read first (ChipModel::expect prefetches it): an FC
// projection's row entry and weights, or a conv projection's burst slot (source & slot_mask).
struct FcRowSite {
  const int16_t* weights = nullptr;
  const NonzeroRows::Row* rows = nullptr;
  uint32_t n = 0, source_begin = 0, source_end = 0;
  const ConvBurst* bursts = nullptr;
  uint32_t burst_mask = 0;
};

class CoreModel {
 public:
  // Validates the core's program against the image and the arch; throws isa::InputError.
  CoreModel(const isa::CoreProgram& program, const isa::ProgramImage& image,
            const arch::ArchConfig& arch, uint32_t endpoint, uint32_t host_endpoint);

  // Zero state and accumulators, program counter to 0, step 0: a new sample of `timesteps`.
  void reset_sample(uint32_t timesteps);

  // Runs the controller from cycle `start` until it has issued BAR (returns true; the arrival
  // cycle is bar_cycle()) or HALT (returns false; halt_cycle()). Packets it sends go into
  // `traffic`; spikes of every segment it updates are appended to spike_log[layer] when given.
  bool run_to_barrier(uint64_t start, PhaseTraffic& traffic,
                      std::vector<isa::LayerSpikes>* spike_log);
  uint64_t bar_cycle() const { return bar_cycle_; }
  uint64_t halt_cycle() const { return halt_cycle_; }
  // The barrier opened at `cycle`: the controller resumes there.
  void release(uint64_t cycle);

  bool can_accept(uint64_t cycle) const { return queue_.can_accept(cycle); }
  // A packet sent in step `step_sent` arrived whole at `arrival` (noc_stall cycles above the
  // zero-load latency). Integrates it; returns the cycle its last accumulator write completes.
  uint64_t receive(uint64_t arrival, const Packet& packet, uint32_t step_sent, uint64_t noc_stall);
  // The same, telling the trace sink (when the core has one) of the packet's integration.
  uint64_t receive_traced(uint64_t arrival, const Packet& packet, uint32_t step_sent,
                          uint64_t noc_stall);
  // Where spikes of `layer` read their FC rows here (the first FC projection from it; weights
  // nullptr when there is none): what a delivery's prefetch needs, gathered once.
  FcRowSite fc_row_site(uint32_t layer) const;
  // Sparse convolution: the chip's active-site tables (nullptr: no layer keeps a set).
  void attach_sites(const SparseSites* sites);
  // A site-activation message arrived: it passes the input queue and costs the AU a walk
  // of the target sites of every projection from its layer (returns the cycle it is done).
  uint64_t receive_site(uint64_t arrival, const Packet& packet, uint64_t noc_stall);
  // The cycle the last packet received so far is fully integrated.
  uint64_t integration_done() const { return integration_done_; }
  // The timeline sink (nullptr: not traced, the default). The chip sets it per traced step.
  void set_trace(TraceSink* trace) { trace_ = trace; }
  // When traced: the cycle the last packet received started its service.
  uint64_t traced_service_start() const { return traced_start_; }

  uint32_t step() const { return step_; }
  // The core's segments and their neuron state now (after their last update): probes read these.
  size_t segment_count() const { return segments_.size(); }
  const isa::Segment& segment(size_t seg) const { return *segments_[seg].s; }
  const std::vector<isa::NeuronState>& segment_state(size_t seg) const {
    return segments_[seg].state;
  }
  uint32_t endpoint() const { return endpoint_; }
  const Counters& counters() const { return counters_; }
  const std::vector<Counters>& layer_counters() const { return layer_counters_; }

 private:
  struct Burst {  // one packet's fan-out into one projection
    uint64_t addresses = 0, words = 0, zero = 0, nonzero = 0;
    uint64_t skipped = 0;  // pairs not generated: target site inactive (sparse conv)
  };
  struct ProjectionRt {
    arch::AuMode mode = arch::AuMode::fc;
    arch::WeightLayout layout = arch::WeightLayout::dense;  // fc: AU.FC, AU.FCZ or AU.FCNM
    const isa::Projection* p = nullptr;
    uint32_t segment = 0, layer = 0;
    uint32_t neuron_begin = 0, n = 0, membrane_base = 0;
    uint32_t plane = 0, in_plane = 0, oc_begin = 0, oc_end = 0, in_per_group = 1, out_per_group = 1,
             taps = 1;
    bool gated = false;                     // the target layer is gated by active sites
    SiteRule site_rule = SiteRule::none;    // how its source's sites map onto the target's
    mutable NonzeroRows nonzero;            // FC: each weight row's non-zero positions
    mutable std::vector<ConvBurst> bursts;  // conv: recent bursts' costs (direct-mapped)
  };
  struct SegmentRt {
    const isa::Segment* s = nullptr;
    std::vector<isa::NeuronState> state;
    std::vector<int32_t> acc[2];
    std::vector<std::pair<uint32_t, uint32_t>> spikes;  // (neuron in layer, payload) this step
    int64_t updated_step = -1;
    bool spiking = true;
    uint32_t rest_key = 0;  // the update mode rest_all was computed for (0: none yet)
    bool rest_all = false;  // rest is a fixed point of every neuron's parameters
  };
  struct Tap {
    uint32_t k;  // ky * k_w + kx
    uint32_t o;  // oy * out_w + ox
  };
  struct AxisTap {
    uint32_t k;    // ky (kx)
    uint32_t out;  // oy (ox)
  };
  static void add_axis_taps(int64_t at, uint32_t pad, uint32_t k_n, uint32_t dil, uint32_t stride,
                            uint32_t out_n, std::vector<AxisTap>& taps);

  void validate_and_index(const isa::ProgramImage& image);
  void check_nm_rows(size_t projection) const;
  uint64_t integrate(const ProjectionRt& pr, const Packet& pk, uint32_t slot, Burst& b);
  uint64_t integrate_fc(const ProjectionRt& pr, uint32_t i, uint32_t payload, int32_t* acc,
                        Burst& b);
  // Returns the burst's membrane cycles.
  uint64_t integrate_conv(const ProjectionRt& pr, uint32_t i, uint32_t payload, int32_t* acc,
                          Burst& b, bool pool);
  void integrate_elt(const ProjectionRt& pr, uint32_t i, uint32_t payload, int32_t* acc, Burst& b);
  uint64_t update(const isa::Instr& in, std::vector<isa::LayerSpikes>* spike_log);
  bool rests_for(SegmentRt& seg, const isa::UpdateMode& mode);
  // Sparse convolution gating (sparse_gate.cpp): site `site` of pr's target is active for
  // the step the packet being integrated is for; gate_taps drops the taps at inactive
  // sites (counting n_oc skipped pairs each) and returns whether any is left.
  bool site_on(const ProjectionRt& pr, uint32_t site) const;
  // Neurons of a gated segment at sites inactive for this step's update.
  uint64_t count_gated_off(const isa::Segment& s) const;
  bool gate_taps(const ProjectionRt& pr, uint32_t n_oc, uint32_t& tap_lo, uint32_t& tap_hi,
                 Burst& b);
  uint64_t send(uint32_t seg, const std::vector<uint32_t>* dests, uint64_t start,
                PhaseTraffic& traffic);
  // PSUM: the partial segment's non-zero accumulators of this step to its owner's core.
  uint64_t send_partial_sums(uint32_t seg, const std::vector<uint32_t>& dests, uint64_t start,
                             PhaseTraffic& traffic);
  // A partial sum arrived: added to the owning segment's accumulator (one PE add).
  uint64_t receive_partial_sum(uint64_t arrival, const Packet& packet, uint32_t step_sent,
                               uint64_t noc_stall);

  const isa::CoreProgram& prog_;
  uint32_t endpoint_, host_endpoint_;
  bool multicast_;
  isa::Precision precision_;
  uint32_t membrane_words_per_neuron_;
  AddressingUnit au_;
  WeightMemory weight_mem_;
  PeArray pe_;
  MembraneMemory membrane_;
  NeuronUnit neuron_unit_;
  InputQueue queue_;

  std::vector<ProjectionRt> projections_;
  std::vector<std::vector<uint32_t>> by_source_;  // [layer] -> projections fed by it
  // [layer] -> (segment index, neuron_begin) of the segments updating its neurons here,
  // for partial sums (only layers with a split fan-in have partial sums to take).
  std::vector<std::vector<uint32_t>> owners_;
  uint32_t neuron_per_cycle_ = 1;  // neuron-unit throughput (PSUM's accumulator sweep)
  std::vector<SegmentRt> segments_;
  std::vector<Tap> taps_;              // scratch for conv fan-out
  std::vector<AxisTap> axis_taps_[2];  // its rows and columns
  std::vector<uint32_t> tap_offsets_;  // its accumulator accesses (segment offsets), in order
  std::vector<uint32_t> live_sites_;   // update's scratch: a gated segment's active sites

  // Controller state.
  uint32_t pc_ = 0, step_ = 0, timesteps_ = 0;
  uint8_t spike_bits_ = 1;
  uint64_t now_ = 0, bar_cycle_ = 0, halt_cycle_ = 0, integration_done_ = 0;

  Counters counters_;
  std::vector<Counters> layer_counters_;

  [[gnu::cold, gnu::noinline]] void trace_integration(const TraceIntegration& t);
  template <bool kTraced>
  uint64_t receive_impl(uint64_t arrival, const Packet& packet, uint32_t step_sent,
                        uint64_t noc_stall);
  TraceSink* trace_ = nullptr;
  uint64_t traced_start_ = 0;

  const SparseSites* sites_ = nullptr;
  uint32_t sent_step_ = 0;  // step the packet being integrated was sent in
  std::vector<uint32_t> site_scratch_;
};

}  // namespace sim
