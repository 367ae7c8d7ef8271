#include "arch/weight_layout.h"

#include <bit>

namespace arch {

namespace {

// ceil(log2 x) for x >= 1, at least 1 bit.
uint32_t index_bits_for(uint64_t values) {
  return values <= 2 ? 1 : static_cast<uint32_t>(std::bit_width(values - 1));
}

}  // namespace

std::string_view layout_name(WeightLayout l) {
  switch (l) {
    case WeightLayout::dense:
      return "dense";
    case WeightLayout::compressed:
      return "compressed";
    case WeightLayout::nm:
      return "nm";
  }
  return "?";
}

uint32_t entry_bits(WeightLayout l, const CoreConfig& core) {
  switch (l) {
    case WeightLayout::dense:
      return core.weight_bits;
    case WeightLayout::compressed:
      return core.weight_bits + index_bits_for(core.neurons);
    case WeightLayout::nm:
      return core.weight_bits + index_bits_for(core.nm_m);
  }
  return core.weight_bits;
}

uint32_t entries_per_word(WeightLayout l, const CoreConfig& core) {
  const uint32_t e = entry_bits(l, core);
  return e == 0 || e > core.synapse_word_bits ? 1 : core.synapse_word_bits / e;
}

uint64_t nm_groups(uint64_t first, uint64_t n, uint32_t m) {
  if (n == 0 || m == 0) return 0;
  return (first + n - 1) / m - first / m + 1;
}

uint64_t row_entries(WeightLayout l, const CoreConfig& core, uint64_t first, uint64_t n,
                     uint64_t nonzero) {
  switch (l) {
    case WeightLayout::dense:
      return n;
    case WeightLayout::compressed:
      return nonzero;
    case WeightLayout::nm:
      return nm_groups(first, n, core.nm_m) * core.nm_n;
  }
  return n;
}

uint64_t row_words(WeightLayout l, const CoreConfig& core, uint64_t entries) {
  const uint64_t per = entries_per_word(l, core);
  return (entries + per - 1) / per;
}

}  // namespace arch
