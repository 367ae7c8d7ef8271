// The chip: cores beside the routers of a mesh, the NoC, the host interface at router (0, 0)
// and the barrier. Runs a program image phase by phase (docs/execution-model.md) in plain C++:
//   begin_phase   the host queues the step's input (phase 0), one packet per cycle
//   run_core      each core's controller runs ahead to its BAR, producing time-stamped packets
//   route         the NoC turns the phase's packets (in time order) into arrivals; each core
//                 integrates its arrivals in order (queue back-pressure delays acceptance)
//   release       barrier release = max(last BAR arrival, last integration, last host
//                 arrival) + barrier_cycles
// The SystemC top (sim/sysc) calls these from its modules and advances the kernel to each
// time; run_phase() does the same without the kernel.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "arch/config.h"
#include "isa/program.h"
#include "simmodel/core_model.h"
#include "simmodel/noc.h"
#include "simmodel/sparse_sites.h"

namespace sim {

class ChipModel final : private DeliverySink {
 public:
  // Validates the image against the arch (mesh, routes, layers); throws isa::InputError.
  ChipModel(const isa::ProgramImage& image, const arch::ArchConfig& arch);

  // A new sample of `timesteps` steps: state, accumulators, program counters and output
  // counts to zero. Time keeps running (cycles are chip-global).
  void begin_sample(uint32_t timesteps);

  // Phase `phase` of step `step` starts at `start`. `input` (phase 0 only) is the step's frame,
  // queued by inject_input(). Records spikes of every layer this step when `log_spikes`.
  void begin_phase(uint64_t start, uint32_t step, uint32_t phase, const isa::SpikeFrame* input,
                   bool log_spikes);
  // The host interface queues a step's input frame at phase 0: one packet per cycle from the
  // phase start + host latency (one per destination without multicast).
  void inject_input(const isa::SpikeFrame* input);
  size_t core_count() const { return cores_.size(); }
  // Runs core `slot`'s controller to its BAR; returns its arrival cycle at the barrier.
  uint64_t run_core(size_t slot);
  // Routes and integrates every packet of the phase; returns the cycle the last packet is
  // integrated (or reaches the host), or the phase start when there is none.
  uint64_t route();
  // The phase's completion before the barrier latency: max(BAR arrivals, route()).
  uint64_t completion() const;
  uint64_t barrier_cycles() const { return barrier_cycles_; }
  void release(uint64_t cycle);
  // All phases in order in plain C++: returns the release cycle.
  uint64_t run_phase(uint64_t start, uint32_t step, uint32_t phase, const isa::SpikeFrame* input,
                     bool log_spikes);
  // After the last step: every core runs LOOPT/HALT; returns the last HALT cycle.
  uint64_t finish_sample(uint64_t start);

  // The spikes of every layer in the current step so far ([layer], ascending neuron); the
  // input layer holds the injected frame.
  const std::vector<isa::LayerSpikes>& step_spikes();
  // Per output layer (layers with is_output, in layer order): payloads the host received per
  // neuron this sample (readout layers: the sum over steps of v).
  const std::vector<std::vector<int64_t>>& output_counts() const { return outputs_; }
  const std::vector<uint32_t>& output_layers() const { return output_layers_; }

  // The timeline sink for what follows (nullptr: tracing off): handed to the NoC and to the
  // cores the sink wants. The drivers set it per traced step (RunRecorder::begin_step).
  void set_trace(TraceSink* trace);
  TraceSink* trace() const { return trace_; }

  const std::vector<CoreModel>& cores() const { return cores_; }
  const NocCounters& noc_counters() const { return noc_->counters; }
  std::vector<LinkCounters> noc_links() const { return noc_->link_counters(); }
  uint64_t host_packets_in() const { return host_in_; }
  // Site-activation messages the chip sent (sparse convolution; each a packet, multicast or
  // one per destination as spikes are).
  uint64_t site_packets() const { return site_packets_; }
  // The active-site tables (nullptr when no layer keeps a set).
  const SparseSites* sparse_sites() const {
    return sites_ && sites_->any() ? sites_.get() : nullptr;
  }

 private:
  // Sparse convolution: runs the step's site cascade from the input frame and queues its
  // messages (the host's from `t`, one per cycle, then the forwarding cores'); returns the
  // host's next free cycle.
  uint64_t inject_site_messages(const isa::SpikeFrame& input, uint64_t t);

  bool can_accept(uint32_t endpoint, uint64_t cycle) override;
  void deliver(uint32_t endpoint, uint64_t cycle, uint32_t injection, uint64_t contention) override;
  void expect(uint32_t endpoint, uint32_t injection) override;
  template <bool kTraced>
  void deliver_impl(uint32_t endpoint, uint64_t cycle, uint32_t injection, uint64_t contention);
  [[gnu::cold, gnu::noinline]] void trace_delivery(uint32_t endpoint, uint64_t cycle,
                                                   uint32_t injection, uint64_t contention);

  const isa::ProgramImage& image_;
  uint32_t n_endpoints_;  // cores of the mesh; the host is endpoint n
  uint32_t barrier_cycles_, host_latency_;
  uint64_t max_input_payload_;  // 2^input_bits - 1
  uint32_t input_layer_;        // UINT32_MAX when the network has none
  bool multicast_;
  std::unique_ptr<Noc> noc_;
  std::vector<CoreModel> cores_;
  std::vector<int32_t> slot_of_endpoint_;  // -1 for cores without a program
  uint32_t n_layers_ = 0;
  std::vector<FcRowSite> row_sites_;  // [slot * n_layers_ + layer]: for expect()
  std::vector<uint32_t> output_layers_;
  std::vector<int32_t> output_index_;  // [layer] -> index in outputs_, -1
  std::vector<std::vector<int64_t>> outputs_;

  // The phase being run.
  uint64_t phase_start_ = 0, last_bar_ = 0, last_done_ = 0;
  uint32_t step_ = 0, phase_ = 0;
  bool log_spikes_ = false;
  TraceSink* trace_ = nullptr;
  PhaseTraffic traffic_;
  PhaseTraffic sorted_;
  std::vector<isa::LayerSpikes> spikes_;
  bool spikes_sorted_ = true;
  uint64_t host_in_ = 0;

  std::unique_ptr<SparseSites> sites_;
  // Fan-in splitting of a layer fed by the input: the host sends each input spike only to the
  // cores whose projections take it. host_group_[i] indexes host_dests_ (empty: every input
  // core takes every input neuron, one multicast set).
  std::vector<uint32_t> host_group_;
  std::vector<std::vector<uint32_t>> host_dests_;
  void index_host_groups(const isa::ProgramImage& image);
  std::vector<uint32_t> site_sender_;              // [layer] core slot holding its first segment
  std::vector<std::vector<uint32_t>> site_dests_;  // [layer] cores with a projection from it
  // The host's site messages: the input route, plus the cores of fan-in slices that take none
  // of the input's neurons but keep the sites of a layer it feeds.
  std::vector<uint32_t> host_site_dests_;
  std::vector<SparseSites::Message> site_msgs_;
  uint64_t site_packets_ = 0;
};

}  // namespace sim
