// Membrane memory bank conflicts. The PEs issue up to n_pe accumulator read-modify-writes per
// cycle (an issue group); a bank serves `ports` accesses per cycle, so a group whose busiest
// bank holds k addresses takes ceil(k / ports) cycles. Fed addresses in issue order, inline,
// keeping the group's busiest count as it goes, because it runs once per synaptic
// event (docs/performance.md, "Optimisation: core model and golden executor").
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
        field_shift_(banks_ <= 8 && group_ <= 255 ? 3 : (banks_ <= 16 && group_ <= 15 ? 2 : 0)),
        slot_(field_shift_ ? 0 : banks_, 0) {}

  uint32_t bank(uint32_t address) const {
    return pow2_ ? address & (banks_ - 1) : address % banks_;
  }
  // Whether the open group's counts are packed in one word (few banks, small groups: the
  // usual configurations) rather than one slot per bank.
  bool packed() const { return field_shift_ != 0; }

  // Starts a burst (one packet's fan-out into one segment).
  void begin() {
    cycles_ = 0;
    in_group_ = 0;
    worst_ = 0;
    packed_counts_ = 0;
    group_id_ = next_id(group_id_);
  }
  // One accumulator access at membrane word `address`, in issue order.
  void access(uint32_t address) {
    if (packed())
      feed<true>(1, [&](size_t) { return bank(address); });
    else
      feed<false>(1, [&](size_t) { return bank(address); });
  }
  // Accesses at base + offsets[0..n), in that order: the same as n access() calls, with the
  // open group's state in registers (the per-event loop of FC fan-out).
  void access_offsets(uint32_t base, const uint32_t* offsets, size_t n) {
    const uint32_t mask = banks_ - 1;
    if (packed() && pow2_)
      feed<true>(n, [&](size_t k) { return (base + offsets[k]) & mask; });
    else if (packed())
      feed<true>(n, [&](size_t k) { return bank(base + offsets[k]); });
    else
      feed<false>(n, [&](size_t k) { return bank(base + offsets[k]); });
  }
  // Ends the burst: cycles the memory needed for its accesses (>= groups).
  uint64_t end() {
    if (in_group_ != 0) {
      cycles_ += group_cycles(worst_);
      in_group_ = 0;
    }
    return cycles_;
  }

 private:
  // Feeds n accesses (bank_of(k) = the k-th one's bank) to the open group, with its state in
  // locals. Packed: bank b's count is the field of 2^field_shift_ bits at b << field_shift_ of
  // one word (fields never overflow: a group holds at most group_ accesses). Otherwise a
  // bank's slot holds (group id << 32 | accesses in that group): a slot of an older group counts
  // as 0, so closing a group is one increment of the id, not a reset of the touched banks.
  template <bool Packed, typename BankOf>
  void feed(size_t n, BankOf&& bank_of) {
    uint32_t worst = worst_, in_group = in_group_, id = group_id_;
    uint64_t cycles = cycles_, counts = packed_counts_;
    const uint32_t fs = field_shift_, field_mask = (1u << (1u << fs)) - 1;
    for (size_t k = 0; k < n; ++k) {
      const uint32_t b = bank_of(k);
      uint32_t count;
      if constexpr (Packed) {
        const uint32_t at = b << fs;
        counts += uint64_t{1} << at;
        count = static_cast<uint32_t>(counts >> at) & field_mask;
      } else {
        uint64_t& s = slot_[b];
        s = static_cast<uint32_t>(s >> 32) == id ? s + 1 : (uint64_t{id} << 32 | 1u);
        count = static_cast<uint32_t>(s);
      }
      worst = std::max(worst, count);
      if (++in_group == group_) {
        cycles += group_cycles(worst);
        worst = 0;
        in_group = 0;
        counts = 0;
        if constexpr (!Packed) id = next_id(id);
      }
    }
    worst_ = worst;
    in_group_ = in_group;
    group_id_ = id;
    cycles_ = cycles;
    packed_counts_ = counts;
  }
  // Ids wrap after 2^32 groups: then every slot is cleared so that no old count can match.
  uint32_t next_id(uint32_t id) {
    if (++id != 0) return id;
    std::fill(slot_.begin(), slot_.end(), 0);
    return 1;
  }
  uint64_t group_cycles(uint32_t worst) const {
    return ports_ == 1 ? worst : (worst + ports_ - 1) / ports_;
  }

  uint32_t banks_, ports_, group_;
  bool pow2_;
  uint32_t field_shift_;        // packed counts: log2 of a field's bits (3, 2), or 0: slots
  std::vector<uint64_t> slot_;  // unpacked: per bank, (group id << 32) | accesses in that group
  uint64_t packed_counts_ = 0;  // packed: the open group's per-bank counts
  uint32_t group_id_ = 1;       // unpacked: the open group's id (slots start at id 0: empty)
  uint32_t worst_ = 0;          // the open group's busiest bank count
  uint32_t in_group_ = 0;
  uint64_t cycles_ = 0;
};

}  // namespace sim
