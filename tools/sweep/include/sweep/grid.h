// The points of a sweep: the product of its axes in spec order (the last axis varies fastest),
// where each zip group is one dimension whose axes advance together, placed where its first
// axis stands.
#pragma once
#include <cstddef>
#include <vector>

#include "sweep/spec.h"

namespace sweep {

// Per point (in grid order), the index of its value on each axis.
std::vector<std::vector<size_t>> expand_grid(const Spec& spec);

}  // namespace sweep
