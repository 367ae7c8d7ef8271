// Sizes of the fixed-size records of the .scb layout (isa/image.h), shared by writer and reader.
#pragma once
#include <cstddef>

namespace isa::scb {

inline constexpr size_t kCoreCounts = 6;  // code, segments, projections, weights, params, routes
inline constexpr size_t kSegmentBytes = 7 * 4;
inline constexpr size_t kProjectionBytes = 24 * 4;
inline constexpr size_t kWeightBytes = 2;
inline constexpr size_t kParamsBytes = 4 * 4 + 2 * 2;
inline constexpr size_t kInstrBytes = 8;

}  // namespace isa::scb
