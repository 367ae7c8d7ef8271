// The weight-layout pass (after quantise): each fc projection gets one of the layouts the arch's
// core.weight_layout lists, the one needing the least synapse memory; the partitioner sizes its
// segments with the same arithmetic (arch/weight_layout.h; docs/simulator.md, "Weight layouts").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/config.h"
#include "compiler/ir.h"

namespace compiler {

// Sets Projection::layout and ::layout_reason on every projection. Convolution, pool and
// element-wise projections share or index their weights by geometry and stay dense. Throws
// isa::InputError naming `file`, the layer and the first offending group when an fc projection
// fits none of the listed layouts (only nm listed, and its weights are not N:M sparse).
void choose_weight_layouts(Network& net, const arch::ArchConfig& arch, const std::string& file);

// A group of M positions of a row holding more than N non-zero weights.
struct NmViolation {
  uint32_t source = 0;        // the row (source neuron)
  uint32_t first_target = 0;  // the group's first target neuron (a multiple of M)
  uint32_t nonzero = 0;
};
// The first violation of fc projection p (qweight [target][source], `sources` wide, into
// `targets` neurons), or none when every group holds at most N non-zero weights.
std::optional<NmViolation> nm_violation(const Projection& p, uint32_t sources, uint32_t targets,
                                        uint32_t n, uint32_t m);

// The synapse memory one fc projection's rows [row_begin, row_end) need in a segment of target
// neurons [first, first + count), under p.layout, grown one target at a time (the
// partitioner's cut): bits_adding() is what add() would make bits().
class FcStorage {
 public:
  FcStorage(const Projection& p, uint32_t sources, uint32_t row_begin, uint32_t row_end,
            const arch::CoreConfig& core);
  void restart(uint32_t first);  // an empty segment starting at target `first`
  uint64_t bits() const { return words_ * word_bits_ + packed_bits_; }
  uint64_t bits_adding(uint32_t target) const;
  void add(uint32_t target);

 private:
  uint64_t delta_words(uint32_t target) const;  // compressed and nm: words add(target) adds

  const Projection& p_;
  const arch::CoreConfig& core_;
  uint32_t sources_, row_begin_, row_end_;
  uint64_t word_bits_, entries_per_word_;
  uint32_t first_ = 0, count_ = 0;
  std::vector<uint32_t> row_entries_;  // compressed: entries per row so far
  uint64_t nm_entries_ = 0;            // nm: entries per row so far (equal for every row)
  uint64_t words_ = 0;                 // compressed, nm: word-aligned rows
  uint64_t packed_bits_ = 0;           // dense: weights x weight_bits, packed across rows
};

}  // namespace compiler
