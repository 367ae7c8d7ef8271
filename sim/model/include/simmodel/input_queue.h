// The core's input spike queue: bounded depth, back-pressure. A packet waits in the queue from
// the cycle it is accepted until the integration pipeline takes it; a slot frees when the packet
// it holds starts service. Time is an argument: the queue keeps no clock.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace sim {

class InputQueue {
 public:
  explicit InputQueue(uint32_t depth) : starts_(std::max<uint32_t>(depth, 1), 0) {}

  // Earliest cycle >= `arrival` at which a packet finds a free slot: the packet `depth` places
  // ahead of it has started service by then.
  uint64_t accept_cycle(uint64_t arrival) const {
    if (pushed_ < starts_.size()) return arrival;
    return std::max(arrival, starts_[pushed_ % starts_.size()]);
  }
  bool can_accept(uint64_t cycle) const { return accept_cycle(cycle) == cycle; }

  // Accepts a packet at `cycle` (>= accept_cycle) that occupies the pipeline for `service`
  // cycles. Returns the cycle its service starts (when the pipeline is free).
  uint64_t push(uint64_t cycle, uint64_t service) {
    const uint64_t start = std::max(cycle, pipeline_free_);
    pipeline_free_ = start + service;
    starts_[pushed_ % starts_.size()] = start;
    ++pushed_;
    return start;
  }
  // The cycle the pipeline finishes the last accepted packet's service.
  uint64_t pipeline_free() const { return pipeline_free_; }

  void reset() {
    std::fill(starts_.begin(), starts_.end(), 0);
    pushed_ = 0;
    pipeline_free_ = 0;
  }

 private:
  std::vector<uint64_t> starts_;  // ring: service start cycle of the last `depth` packets
  uint64_t pushed_ = 0;
  uint64_t pipeline_free_ = 0;
};

}  // namespace sim
