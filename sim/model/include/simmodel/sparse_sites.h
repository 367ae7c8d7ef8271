// Active sites of sparse convolution on the chip (docs/execution-model.md, "Sparse
// convolution", "How the chip realises it"). The plan (which layers carry, keep and gate a
// sticky active-site set, and each projection's site rule) is worked out from the image alone:
// layer shapes, the projections of each layer's segments and the AU opcode that arms them.
//
// The per-site `active_since` tables follow the min rule of the doc: a message (S, site, since)
// sets active_since_L[o] = min(., since + delay) for every site o the projection's rule maps
// `site` to. The rule is order independent, so every core's copy of a layer's table is equal;
// the model keeps one copy per layer (shared by the cores) and runs the cascade of step t when
// the host injects the frame of step t, returning the messages the chip sends (they are timed
// as packets by ChipModel and cost the receiving cores an AU walk, see CoreModel).
#pragma once
#include <cstdint>
#include <vector>

#include "isa/program.h"

namespace sim {

enum class SiteRule : uint8_t { none, identity, window };

class SparseSites {
 public:
  static constexpr uint32_t kNever = UINT32_MAX;

  // Builds the plan; throws isa::InputError when the image asks for a sparse conv the rules
  // cannot serve (its source carries no set, or a gated layer carries none).
  // Keeps pointers into `image`, which must outlive this object.
  explicit SparseSites(const isa::ProgramImage& image);

  bool any() const { return any_; }  // some layer keeps a set
  bool tracked(uint32_t l) const { return tracked_[l] != 0; }
  bool gated(uint32_t l) const { return gated_[l] != 0; }
  uint32_t sites(uint32_t l) const { return sites_[l]; }
  // The site rule of a projection armed with `op` from a layer with `src_sites` into a
  // tracked layer `target` (none when the target keeps no set).
  SiteRule rule(isa::Opcode op, uint32_t target) const;

  // A new sample: every site inactive.
  void reset();
  struct Message {
    uint32_t layer, site, since;
  };
  // The host injects the frame of `step` into the input layer: marks newly occupied sites,
  // runs the cascade and appends every message it sends: first the host's (input layer), then
  // the forwarded ones in cascade order.
  void activate_input(const isa::SpikeFrame& frame, uint32_t input_layer, uint32_t step,
                      std::vector<Message>& messages);
  // Site `site` of tracked layer `l` is active for integration into / the update of step
  // `tau` of a sample of `timesteps` steps. tau == timesteps is the delivery after the last
  // step: only the last step's delayed activations arrive then (golden's deliver_delayed).
  bool active(uint32_t l, uint32_t site, uint32_t tau, uint32_t timesteps) const {
    if (tau < timesteps) return since_[l][site] <= tau;
    return since_[l][site] < tau || since_delayed_[l][site] <= tau;
  }

  // Output sites (oy * out_w + ox) whose window holds input site (y, x): AU.CONV's targets.
  static void window_targets(const isa::ConvGeometry& g, uint32_t y, uint32_t x,
                             std::vector<uint32_t>& out);

 private:
  struct In {  // an input projection of a layer
    uint32_t source = 0, delay = 0;
    SiteRule rule = SiteRule::none;
    const isa::ConvGeometry* geom = nullptr;
  };
  struct Out {  // a consumer projection: into `target`, input projection `k`
    uint32_t target, k;
  };
  std::vector<std::vector<In>> inputs_;      // [layer]
  std::vector<std::vector<Out>> consumers_;  // [layer]
  std::vector<uint32_t> sites_;
  std::vector<uint8_t> tracked_, gated_;
  bool any_ = false;
  std::vector<std::vector<uint32_t>> since_, since_delayed_;  // [layer][site]
  std::vector<Message> work_;
  std::vector<uint32_t> scratch_;
};

}  // namespace sim
