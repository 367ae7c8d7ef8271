// A projection's float weights wherever they are: in memory (`weight`), or a fc matrix still in
// the NIR file (`stored`), read in row blocks so that one layer's float weights are never all
// in memory at once. Quantisation reads weights only through these.
#pragma once
#include <cstddef>
#include <functional>

#include "compiler/ir.h"

namespace compiler {

// f(first, w, n): the weights with layout indices [first, first + n), in ascending order.
// In-memory weights come as one block; a stored matrix in blocks of whole rows with its gains
// applied. A pool projection's single weight is its pool_gain.
using WeightBlockFn = std::function<void(size_t first, const double* w, size_t n)>;
void for_each_weight_block(const Projection& p, const WeightBlockFn& f);

// Number of float weights for_each_weight_block visits.
size_t weight_count(const Projection& p);

// Multiplies every weight by g (a stored matrix records it, to apply when read).
void scale_weights(Projection& p, double g);

// Frees the float weights (in memory or the handle on the file).
void release_float_weights(Projection& p);

}  // namespace compiler
