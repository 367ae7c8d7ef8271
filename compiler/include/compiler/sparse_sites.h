// Active sites of sparse convolution (docs/execution-model.md, "Sparse convolution"): which
// layers carry a sticky active-site set, how each projection hands sites on, and the per-sample
// tracker the golden executor runs. The rules are checked here, so a network the chip cannot run
// sparsely stops the compile with the layer and NIR node named.
#pragma once
#include <cstdint>
#include <vector>

#include "compiler/ir.h"
#include "isa/program.h"

namespace compiler {

// How a newly active source site activates sites of the projection's target layer.
enum class SiteRule : uint8_t {
  none,      // hands nothing on (FC, or the target keeps no set)
  identity,  // (y, x) -> (y, x): submanifold sparse conv, element-wise
  window,    // (y, x) -> every output site whose window holds it: strided sparse conv, pool,
             // vanilla conv
};

// A conv projection compiled as sparse convolution (pool ignores the mode).
bool is_sparse_conv(const Projection& p);
// Sparse at stride 1 x 1 (AU.SSC): submanifold, must keep the spatial size.
bool is_submanifold(const Projection& p);

struct SparsePlan {
  std::vector<uint32_t> sites;   // per layer: H*W of its CHW grid; 0 when its shape is not CHW
  std::vector<uint8_t> tracked;  // per layer: its active-site set is kept (a sparse conv needs it)
  std::vector<uint8_t> gated;    // per layer: fed by a sparse conv; only active sites update
  std::vector<std::vector<SiteRule>> rule;  // per layer, per input projection (none if untracked)
  std::vector<uint32_t> fanout;  // per layer: consumer projections its site activations go to
  bool any() const;              // some layer is tracked
};

// Throws isa::InputError naming the layer and the projection's NIR node(s) when a submanifold
// conv changes the spatial size or a sparse conv's input carries no active-site set.
SparsePlan plan_sparse(const Network& net);

// Output sites (oy * out_w + ox) whose window holds input site (y, x): AU.CONV's target sites.
void window_targets(const isa::ConvGeometry& g, uint32_t y, uint32_t x, std::vector<uint32_t>& out);

// The active sets of one sample. Site activations travel like spikes: over a projection with
// delay d, the sites that became active in the source at step t reach the target at step t + d.
class ActiveSites {
 public:
  // delays[l][k]: effective delay of layer l's k-th input projection (1 for all when pipelined).
  ActiveSites(const Network& net, SparsePlan plan, std::vector<std::vector<uint32_t>> delays);
  const SparsePlan& plan() const { return plan_; }
  void reset();       // a new sample: every site inactive
  void begin_step();  // this step's new activations become "the previous step's"
  // The input layer at the start of a step: a site is active from the first step any channel
  // there is non-zero. Adds fanout(0) per new site to messages[0].
  void activate_input(const isa::SpikeFrame& frame, std::vector<uint64_t>& messages);
  // Layer l before it integrates: apply its sources' activations (by delay); adds fanout(l) per
  // new site to messages[l].
  void update(size_t l, std::vector<uint64_t>& messages);
  // After the last step: only the delayed activations arrive (they are integrated with the
  // delayed spikes; the layer never updates again, so it sends nothing).
  void deliver_delayed(size_t l);
  const uint8_t* mask(size_t l) const { return mask_[l].data(); }  // per site, 1 = active

 private:
  void apply(size_t l, bool delayed_only);
  const Network& net_;
  SparsePlan plan_;
  std::vector<std::vector<uint32_t>> delays_;
  std::vector<std::vector<uint8_t>> mask_;
  std::vector<std::vector<uint32_t>> new_now_, new_prev_;  // per layer: sites activated
  std::vector<uint32_t> scratch_;
};

}  // namespace compiler
