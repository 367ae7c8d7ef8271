// The non-zero positions of a dense FC weight matrix's rows, listed the first time a row is
// used: FC fan-out then costs per non-zero weight, not per weight position, while the AU's
// counters still count every position (weight_layout dense). Built lazily so that the cost
// follows activity: a source that never spikes never has its row scanned. Each row also keeps
// its burst's membrane cycles once measured: with a fixed membrane base they depend on its
// positions only, and measuring costs as much as the accumulation itself.
//
// The lists live in blocks that are never moved (a row is written once into the current
// block's free room), and a row is scanned eight weights at a time: at a few steps of sparse
// input most rows are used only a handful of times, so building them is a large share of the
// FC fan-out's cost.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sim {

namespace nonzero_detail {
// For each byte mask: the offsets of its set bits in order, and how many there are.
struct LaneTable {
  std::array<std::array<uint8_t, 8>, 256> offsets{};
  std::array<uint8_t, 256> count{};
};
constexpr LaneTable make_lanes() {
  LaneTable t;
  for (uint32_t m = 0; m < 256; ++m)
    for (uint8_t b = 0; b < 8; ++b)
      if (m >> b & 1u) t.offsets[m][t.count[m]++] = b;
  return t;
}
inline constexpr LaneTable kLanes = make_lanes();
}  // namespace nonzero_detail

class NonzeroRows {
 public:
  explicit NonzeroRows(size_t rows = 0) : rows_(rows) {}

  static constexpr uint32_t kUnmeasured = UINT32_MAX;
  // A row is dense when at least 1/kDenseShare of its weights are non-zero: its positions are
  // not kept once its membrane cycles are measured, and it is accumulated over every position
  // (a zero weight adds nothing), a stream the CPU prefetches and vectorises instead of a
  // position list plus a gather. It also saves the list's memory (4 bytes per synapse).
  static constexpr uint32_t kDenseShare = 8;

  struct Row {
    const uint32_t* data = nullptr;  // positions (nullptr: not built); of a dense row, valid
                                     // until the next row()
    uint32_t count = 0;              // non-zero weights
    uint32_t membrane_cycles = kUnmeasured;  // the burst's, once measured (set by the user)
    bool dense = false;
    std::span<const uint32_t> positions() const { return {data, count}; }
    // True when the positions are not at hand: accumulate the whole row.
    bool accumulate_dense() const { return dense && membrane_cycles != kUnmeasured; }
  };

  // Row `row` (`w`, n weights, always the same ones), its positions j in [0, n) with
  // w[j] != 0 ascending. Built the first time, and again for a dense row whose cycles were
  // never measured (its positions were not kept).
  Row& row(size_t row, const int16_t* w, uint32_t n) {
    Row& s = rows_[row];
    if (s.data == nullptr || (s.dense && s.membrane_cycles == kUnmeasured)) build(s, w, n);
    return s;
  }

  // The entries, indexed by row (they never move: rows_ is sized once).
  const Row* entries() const { return rows_.data(); }

 private:
  // Blocks start small and double up to kBlockPositions: a projection of few used (or only
  // dense) rows then holds 16 KiB, not 256 KiB (massif: 3.8 of the 11 MiB heap of the SANA-FE
  // 256-1024-1024-256 network, one block per FC projection and core).
  static constexpr uint32_t kFirstBlockPositions = 1u << 12, kBlockPositions = 1u << 16;

  // Room for `k` positions in the current block (a new block when it has less).
  uint32_t* room(uint32_t k) {
    if (blocks_.empty() || used_ + k > block_size_) {
      next_block_ =
          blocks_.empty() ? kFirstBlockPositions : std::min(next_block_ * 2, kBlockPositions);
      block_size_ = std::max(k, next_block_);
      blocks_.push_back(std::make_unique_for_overwrite<uint32_t[]>(block_size_));
      used_ = 0;
    }
    return blocks_.back().get() + used_;
  }

  void build(Row& s, const int16_t* w, uint32_t n) {
    uint32_t* out = room(n + 8);  // + 8: a group's eight lane writes may run past the count
    uint32_t count = 0, j = 0;
#if defined(__SSE2__)
    // Per group of eight weights: a byte mask of the non-zero lanes; the table gives their
    // offsets (written as eight 32-bit positions, of which the first popcount are kept).
    const __m128i zero = _mm_setzero_si128();
    for (; j + 8 <= n; j += 8) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + j));
      const __m128i is_zero = _mm_cmpeq_epi16(x, zero);
      const uint32_t m =
          ~static_cast<uint32_t>(_mm_movemask_epi8(_mm_packs_epi16(is_zero, zero))) & 0xFFu;
      const __m128i offsets = _mm_loadl_epi64(
          reinterpret_cast<const __m128i*>(nonzero_detail::kLanes.offsets[m].data()));
      const __m128i o16 = _mm_unpacklo_epi8(offsets, zero);
      const __m128i base = _mm_set1_epi32(static_cast<int32_t>(j));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + count),
                       _mm_add_epi32(_mm_unpacklo_epi16(o16, zero), base));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + count + 4),
                       _mm_add_epi32(_mm_unpackhi_epi16(o16, zero), base));
      count += nonzero_detail::kLanes.count[m];
    }
#endif
    for (; j < n; ++j) {  // the tail (all of the row without SSE2)
      out[count] = j;
      count += w[j] != 0;
    }
    s.data = out;
    s.count = count;
    s.dense = n > 0 && uint64_t{count} * kDenseShare >= n;
    if (!s.dense) used_ += count;  // a dense row's list is scratch, overwritten by the next
  }

  std::vector<Row> rows_;
  std::vector<std::unique_ptr<uint32_t[]>> blocks_;  // rows' lists, in the order first used
  uint32_t block_size_ = 0, used_ = 0, next_block_ = 0;
};

}  // namespace sim
