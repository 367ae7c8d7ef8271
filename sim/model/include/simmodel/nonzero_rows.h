// The non-zero positions of a dense FC weight matrix's rows, listed the first time a row is
// used: FC fan-out then costs per non-zero weight, not per weight position, while the AU's
// counters still count every position (weight_layout dense). Built lazily so that the cost
// follows activity: a source that never spikes never has its row scanned. Each row also keeps
// its burst's membrane cycles once measured: with a fixed membrane base they depend on its
// positions only, and measuring costs as much as the accumulation itself.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace sim {

class NonzeroRows {
 public:
  explicit NonzeroRows(size_t rows = 0) : rows_(rows) {}

  // Positions j in [0, n) with w[j] != 0, ascending; `w` is row `row` (always the same one).
  std::span<const uint32_t> row(size_t row, const int16_t* w, uint32_t n) {
    Span& s = rows_[row];
    if (!s.built) s = build(w, n);
    return {positions_.data() + s.begin, s.count};
  }
  // The membrane cycles of row `row`'s burst, or kUnmeasured (set it once measured).
  static constexpr uint32_t kUnmeasured = UINT32_MAX;
  uint32_t& membrane_cycles(size_t row) { return rows_[row].membrane_cycles; }

 private:
  struct Span {
    uint64_t begin = 0;
    uint32_t count = 0;
    uint32_t membrane_cycles = kUnmeasured;
    bool built = false;
  };
  Span build(const int16_t* w, uint32_t n) {
    Span s{positions_.size(), 0, kUnmeasured, true};
    for (uint32_t j = 0; j < n; ++j)
      if (w[j] != 0) positions_.push_back(j);
    s.count = static_cast<uint32_t>(positions_.size() - s.begin);
    return s;
  }

  std::vector<Span> rows_;
  std::vector<uint32_t> positions_;  // rows' lists, in the order the rows were first used
};

}  // namespace sim
