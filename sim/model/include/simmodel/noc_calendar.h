// A monotone bucket ("calendar") queue: items keyed by cycle, popped in (cycle, push order).
// It replaces a binary heap ordered by (cycle, creation sequence) exactly when no item is pushed
// before the cycle being popped: the reservation NoC's events always land later than the event
// that creates them, so each cycle's bucket is a FIFO filled in sequence order. O(1) per item.
//
// Buckets form a ring over [cursor, cursor + ring size); a push beyond it doubles the ring (each
// bucket keeps its list, so FIFO order survives). Items live in linked lists in one arena whose
// freed nodes are reused, so memory follows the items in flight, not the items ever pushed.
#pragma once
#include <algorithm>
#include <bit>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace sim {

template <class Item>
class CalendarQueue {
 public:
  // Empties the queue; the first pops are at or after `cursor`.
  void reset(uint64_t cursor) {
    // Buckets may be left over when a visit threw; the ring keeps the size it grew to.
    if (head_.empty()) resize_ring(kMinRing);
    std::fill(head_.begin(), head_.end(), kNone);
    std::fill(occupied_.begin(), occupied_.end(), 0);
    nodes_.clear();
    free_ = kNone;
    size_ = 0;
    cursor_ = cursor;
  }

  bool empty() const { return size_ == 0; }

  template <class Visit>
  void drain(Visit&& visit) {
    drain(visit, [](const Item&) {});
  }

  // Appends `item` to the bucket of `cycle`, which must not be earlier than the cursor.
  // Inlined: one call per router hop, and GCC keeps it out of line otherwise (callgrind).
  [[gnu::always_inline]] void push(uint64_t cycle, const Item& item) {
    if (cycle < cursor_) throw std::logic_error("CalendarQueue: push before the cursor");
    if (cycle - cursor_ >= head_.size()) grow(cycle - cursor_ + 1);
    uint32_t n = free_;
    if (n != kNone) {
      free_ = nodes_[n].next;
      nodes_[n] = {item, kNone};
    } else {
      n = static_cast<uint32_t>(nodes_.size());
      nodes_.push_back({item, kNone});
    }
    const uint64_t s = cycle & mask_;
    if (head_[s] == kNone) {
      head_[s] = n;
      occupied_[s >> 6] |= uint64_t{1} << (s & 63);
    } else {
      nodes_[tail_[s]].next = n;
    }
    tail_[s] = n;
    ++size_;
  }

  // Pops every item in (cycle, push order), calling visit(cycle, item); visit may push. Items
  // of the bucket are shown to preview(item) two visits before their own (the second at the
  // bucket's start): time to start loading what they will read. Two visits ahead bought 10 %
  // over one on the large-mesh FC rows (tools/bench). A preview is a hint: an item pushed into
  // the bucket being walked may be visited without one.
  template <class Visit, class Preview>
  void drain(Visit&& visit, Preview&& preview) {
    while (size_ != 0) {
      cursor_ = next_occupied();
      uint32_t n = head_[cursor_ & mask_], last = n;
      uint32_t ahead = nodes_[n].next;  // the item previewed last
      if (ahead != kNone) preview(nodes_[ahead].item);
      while (n != kNone) {
        const Item item = nodes_[n].item;
        if (ahead != kNone) {
          ahead = nodes_[ahead].next;
          if (ahead != kNone) preview(nodes_[ahead].item);
        }
        visit(cursor_, item);  // may push later buckets, grow the ring or the arena
        last = n;
        n = nodes_[n].next;
        --size_;
      }
      // The whole bucket goes back to the free list at once.
      const uint64_t s = cursor_ & mask_;
      nodes_[last].next = free_;
      free_ = head_[s];
      head_[s] = kNone;
      occupied_[s >> 6] &= ~(uint64_t{1} << (s & 63));
    }
  }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint64_t kMinRing = 1024;  // a multiple of 64 (bitmap words)
  struct Node {
    Item item;
    uint32_t next;
  };

  // The cycle of the first non-empty bucket at or after the cursor (size_ != 0).
  uint64_t next_occupied() const {
    const uint64_t ring = head_.size(), start = cursor_ & mask_;
    uint64_t word = start >> 6;
    uint64_t bits = occupied_[word] & (~uint64_t{0} << (start & 63));
    while (bits == 0) {
      word = (word + 1) & (occupied_.size() - 1);
      bits = occupied_[word];
    }
    const uint64_t slot = (word << 6) | static_cast<uint64_t>(std::countr_zero(bits));
    return cursor_ + ((slot - start) & (ring - 1));
  }

  void resize_ring(uint64_t ring) {
    head_.assign(ring, kNone);
    tail_.assign(ring, kNone);
    occupied_.assign(ring / 64, 0);
    mask_ = ring - 1;
  }

  // Doubles the ring until it spans `span` cycles from the cursor; buckets keep their lists.
  void grow(uint64_t span) {
    uint64_t ring = head_.size();
    while (ring < span) ring *= 2;
    std::vector<uint32_t> old_head = std::move(head_), old_tail = std::move(tail_);
    const uint64_t old_mask = mask_;
    resize_ring(ring);
    for (uint64_t s = 0; s < old_head.size(); ++s) {
      if (old_head[s] == kNone) continue;
      const uint64_t cycle = cursor_ + ((s - cursor_) & old_mask);
      const uint64_t t = cycle & mask_;
      head_[t] = old_head[s];
      tail_[t] = old_tail[s];
      occupied_[t >> 6] |= uint64_t{1} << (t & 63);
    }
  }

  std::vector<uint32_t> head_, tail_;  // [cycle & mask_]: first and last node of the bucket
  std::vector<uint64_t> occupied_;     // one bit per bucket: non-empty
  std::vector<Node> nodes_;
  uint32_t free_ = kNone;
  uint64_t mask_ = 0;
  uint64_t cursor_ = 0;  // cycle of the bucket being popped (no push may go earlier)
  uint64_t size_ = 0;
};

}  // namespace sim
