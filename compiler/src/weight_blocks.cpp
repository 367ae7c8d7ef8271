#include "compiler/weight_blocks.h"

#include <algorithm>

namespace compiler {

void for_each_weight_block(const Projection& p, const WeightBlockFn& f) {
  if (p.kind == ProjectionKind::pool) {
    f(0, &p.pool_gain, 1);
    return;
  }
  if (!p.stored) {
    if (!p.weight.empty()) f(0, p.weight.data(), p.weight.size());
    return;
  }
  const nir::StoredMatrix& m = *p.stored->matrix;
  const std::vector<double>& row_gain = p.stored->row_gain;
  const uint64_t block = nir::rows_per_block(m);
  std::vector<double> buf(block * m.cols);
  nir::RowReader reader(m);
  for (uint64_t b = 0; b < m.rows; b += block) {
    const uint64_t e = std::min(m.rows, b + block);
    reader.read(b, e, buf.data());
    for (uint64_t r = b; r < e; ++r) {
      double* row = &buf[(r - b) * m.cols];
      if (!row_gain.empty())
        for (uint64_t i = 0; i < m.cols; ++i) row[i] *= row_gain[r];
      for (uint64_t i = 0; i < m.cols; ++i) row[i] *= p.stored->gain;
    }
    f(b * m.cols, buf.data(), (e - b) * m.cols);
  }
}

size_t weight_count(const Projection& p) {
  if (p.kind == ProjectionKind::pool) return 1;
  if (p.stored) return p.stored->matrix->rows * p.stored->matrix->cols;
  return p.weight.size();
}

void scale_weights(Projection& p, double g) {
  if (p.stored) {
    p.stored->gain *= g;
    return;
  }
  for (double& w : p.weight) w *= g;
}

void release_float_weights(Projection& p) {
  std::vector<double>().swap(p.weight);
  p.stored.reset();
}

}  // namespace compiler
