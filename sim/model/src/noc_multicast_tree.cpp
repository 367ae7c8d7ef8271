#include "simmodel/noc_multicast_tree.h"

#include <algorithm>

#include "simmodel/noc.h"

namespace sim {

namespace {
uint64_t hash_route(uint32_t source_router, std::span<const uint32_t> dests) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ source_router;
  for (uint32_t d : dests) h = (h ^ d) * 0x100000001b3ull + (h >> 29);
  return h ^ dests.size();
}
}  // namespace

uint32_t MulticastTrees::find_or_build(uint32_t source_router, std::span<const uint32_t> dests) {
  const uint64_t h = hash_route(source_router, dests);
  auto [first, last] = by_hash_.equal_range(h);
  for (auto it = first; it != last; ++it) {
    const Entry& e = it->second;
    if (e.source_router == source_router && e.dests_count == dests.size() &&
        std::equal(dests.begin(), dests.end(), dests_.begin() + e.dests_begin))
      return e.root;
  }
  const uint32_t root = build(source_router, dests);
  by_hash_.emplace(h, Entry{source_router, static_cast<uint32_t>(dests_.size()),
                            static_cast<uint32_t>(dests.size()), root});
  dests_.insert(dests_.end(), dests.begin(), dests.end());
  return root;
}

// Breadth first, so that each node's children are appended together, in port order.
uint32_t MulticastTrees::build(uint32_t source_router, std::span<const uint32_t> dests) {
  const uint32_t root = static_cast<uint32_t>(nodes_.size());
  struct Range {
    uint32_t begin, count;
  };
  std::vector<Range> ranges;  // [node - root]: its destinations in subsets_
  subsets_.assign(dests.begin(), dests.end());
  nodes_.push_back({source_router, 0, 0, 0});
  ranges.push_back({0, static_cast<uint32_t>(dests.size())});
  for (uint32_t i = root; i < nodes_.size(); ++i) {
    const uint32_t router = nodes_[i].router, hops = nodes_[i].hops;
    const Range r = ranges[i - root];
    uint32_t ports = 0;
    for (uint32_t d = 0; d < r.count; ++d)
      ports |= 1u << noc_.next_port(router, subsets_[r.begin + d]);
    nodes_[i].ports = ports;
    nodes_[i].first_child = static_cast<uint32_t>(nodes_.size());
    for (uint32_t p = 0; p < kLocal; ++p) {
      if (!(ports & (1u << p))) continue;
      const uint32_t begin = static_cast<uint32_t>(subsets_.size());
      for (uint32_t d = 0; d < r.count; ++d) {
        const uint32_t dst = subsets_[r.begin + d];
        if (noc_.next_port(router, dst) == p) subsets_.push_back(dst);
      }
      nodes_.push_back({noc_.neighbour(router, static_cast<Port>(p)), 0, hops + 1, 0});
      ranges.push_back({begin, static_cast<uint32_t>(subsets_.size()) - begin});
    }
  }
  return root;
}

}  // namespace sim
