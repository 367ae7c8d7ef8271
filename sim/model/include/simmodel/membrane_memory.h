// Membrane memory bank conflicts. The PEs issue up to n_pe accumulator read-modify-writes per
// cycle (an issue group); a bank serves `ports` accesses per cycle, so a group whose busiest
// bank holds k addresses takes ceil(k / ports) cycles. Fed one address at a time in issue order;
// access() is inline and keeps the group's busiest count as it goes, because it runs once per
// synaptic event (docs/performance.md, "Optimisation: core model and golden executor").
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "arch/config.h"

namespace sim {

class MembraneMemory {
 public:
  explicit MembraneMemory(const arch::CoreConfig& c)
      : banks_(std::max<uint32_t>(c.membrane_banks, 1)),
        ports_(std::max<uint32_t>(c.membrane_ports, 1)),
        group_(std::max<uint32_t>(c.n_pe, 1)),
        pow2_((banks_ & (banks_ - 1)) == 0),
        count_(banks_, 0),
        touched_(group_, 0) {}

  uint32_t bank(uint32_t address) const {
    return pow2_ ? address & (banks_ - 1) : address % banks_;
  }

  // Starts a burst (one packet's fan-out into one segment).
  void begin() {
    cycles_ = 0;
    in_group_ = 0;
  }
  // One accumulator access at membrane word `address`, in issue order.
  void access(uint32_t address) {
    const uint32_t b = bank(address);
    const uint32_t k = ++count_[b];
    if (k == 1) touched_[n_touched_++] = b;
    worst_ = std::max(worst_, k);
    if (++in_group_ == group_) close_group();
  }
  // Ends the burst: cycles the memory needed for its accesses (>= groups).
  uint64_t end() {
    if (in_group_ != 0) close_group();
    return cycles_;
  }

 private:
  void close_group() {
    for (uint32_t t = 0; t < n_touched_; ++t) count_[touched_[t]] = 0;
    cycles_ += ports_ == 1 ? worst_ : (worst_ + ports_ - 1) / ports_;
    n_touched_ = 0;
    worst_ = 0;
    in_group_ = 0;
  }

  uint32_t banks_, ports_, group_;
  bool pow2_;
  std::vector<uint32_t> count_;    // accesses per bank in the open group
  std::vector<uint32_t> touched_;  // [n_touched_]: banks with a non-zero count (<= group_)
  uint32_t n_touched_ = 0;
  uint32_t worst_ = 0;  // the open group's busiest bank count
  uint32_t in_group_ = 0;
  uint64_t cycles_ = 0;
};

}  // namespace sim
