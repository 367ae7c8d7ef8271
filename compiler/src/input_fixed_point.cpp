#include "compiler/input_fixed_point.h"

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <cmath>

namespace compiler {

namespace {

constexpr uint32_t kMaxFracBits = 31;  // payloads are uint32

// Fraction bits a positive finite float needs to be an integer multiple of 2^-bits.
uint32_t exact_frac_bits(float x) {
  int e = 0;
  const double m = std::frexp(static_cast<double>(x), &e);         // x = m * 2^e, m in [0.5, 1)
  const auto mantissa = static_cast<uint64_t>(std::ldexp(m, 53));  // exact: floats fit
  const int significant = 53 - std::countr_zero(mantissa);
  return static_cast<uint32_t>(std::clamp(significant - e, 0, 64));
}

double max_payload(uint32_t input_bits) {
  return std::ldexp(1.0, static_cast<int>(std::min(input_bits, kMaxFracBits))) - 1;
}

}  // namespace

uint32_t choose_input_frac_bits(std::span<const float> values, uint32_t input_bits) {
  float largest = 0;
  uint32_t exact = 0;
  for (float x : values) {
    if (!(x > 0) || !std::isfinite(x)) continue;  // zeros; bad values are quantise_frame's
    largest = std::max(largest, x);
    exact = std::max(exact, exact_frac_bits(x));
  }
  if (largest == 0) return 0;
  const double limit = max_payload(input_bits);
  uint32_t fits = 0;  // the most fraction bits that keep the largest value in range
  while (fits < kMaxFracBits && std::nearbyint(std::ldexp(static_cast<double>(largest),
                                                          static_cast<int>(fits) + 1)) <= limit)
    ++fits;
  return std::min(exact, fits);
}

InputQuantReport measure_input_quantisation(std::span<const float> values, uint32_t frac_bits,
                                            uint32_t input_bits) {
  InputQuantReport r;
  r.frac_bits = frac_bits;
  const double scale = std::ldexp(1.0, static_cast<int>(std::min(frac_bits, kMaxFracBits)));
  const double limit = max_payload(input_bits);
  for (float xf : values) {
    if (!(xf > 0) || !std::isfinite(xf)) continue;
    const double x = xf;
    ++r.values;
    r.range = std::max(r.range, x);
    double q = std::nearbyint(x * scale);
    if (q > limit) {
      q = limit;
      ++r.saturated;
    }
    if (q < 1) ++r.dropped;
    r.max_abs_error = std::max(r.max_abs_error, std::abs(x - q / scale));
  }
  return r;
}

std::string describe(const InputQuantReport& r) {
  return fmt::format(
      "input fixed point {} fraction bits ({}): max error {:.4g} ({:.3g} % of the range {:.4g}){}",
      r.frac_bits,
      r.chosen_by == "inputs"   ? "chosen from the inputs"
      : r.chosen_by == "option" ? "--input-frac-bits"
                                : "from the program image",
      r.max_abs_error, 100 * r.relative_error(), r.range,
      r.saturated || r.dropped ? fmt::format("; {} of {} values saturated, {} rounded to 0",
                                             r.saturated, r.values, r.dropped)
                               : "");
}

}  // namespace compiler
