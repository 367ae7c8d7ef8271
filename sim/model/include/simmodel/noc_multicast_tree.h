// The XY multicast tree of a packet, built once per (source router, destination list) and kept:
// a route's destinations are the same every time a core sends on it, so the reservation NoC
// walks a precomputed tree instead of splitting the destination set at every hop.
#pragma once
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace sim {

class Noc;

// One router of a tree. Its output ports are `ports` (bit p = Port p); the forwarding ports
// (east, west, north, south) lead to the children first_child, first_child + 1, ... in port
// order, which is the order the packet reserves them.
struct TreeNode {
  uint32_t router;
  uint32_t first_child;
  uint32_t hops;  // from the source router: the zero-load distance of a delivery here
  uint32_t ports;
};

class MulticastTrees {
 public:
  explicit MulticastTrees(const Noc& noc) : noc_(noc) {}

  // The root node of the tree from `source_router` to `dests` (endpoints; repeats allowed).
  uint32_t find_or_build(uint32_t source_router, std::span<const uint32_t> dests);
  const TreeNode& node(uint32_t i) const { return nodes_[i]; }

 private:
  struct Entry {
    uint32_t source_router, dests_begin, dests_count, root;
  };
  uint32_t build(uint32_t source_router, std::span<const uint32_t> dests);

  const Noc& noc_;
  std::vector<TreeNode> nodes_;
  std::vector<uint32_t> dests_;                       // the destination lists of the entries
  std::unordered_multimap<uint64_t, Entry> by_hash_;  // hash of (source router, destinations)
  std::vector<uint32_t> subsets_;                     // scratch for build
};

}  // namespace sim
