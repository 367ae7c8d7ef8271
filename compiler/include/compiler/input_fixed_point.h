// Graded host input is fixed point: payload = round(x * 2^frac_bits), clipped to
// 2^input_bits - 1 (compiler::quantise_frame). This chooses frac_bits from the inputs a run is
// given and measures what the choice costs, so graded inputs do not lose accuracy silently.
#pragma once
#include <cstdint>
#include <span>
#include <string>

namespace compiler {

// What quantising the inputs to a fixed point did to them, in input units.
struct InputQuantReport {
  uint32_t frac_bits = 0;
  std::string chosen_by;     // "inputs" (chosen from them), "option" (--input-frac-bits), "image"
  double range = 0;          // largest input value
  double max_abs_error = 0;  // max |x - payload / 2^frac_bits| over every value
  uint64_t values = 0;       // non-zero input values seen
  uint64_t saturated = 0;    // clipped at 2^input_bits - 1
  uint64_t dropped = 0;      // non-zero values that round to payload 0
  // max_abs_error / range (0 when every input is 0).
  double relative_error() const { return range > 0 ? max_abs_error / range : 0.0; }
};

// Above this relative error the tools warn (issue: graded inputs lose accuracy silently).
inline constexpr double kInputWarnRelativeError = 0.01;

// The fixed point for these values within input_bits: the fewest fraction bits that represent
// every value exactly, when that fits the payload range; otherwise the most that keep the
// largest value in range (the finest resolution). Spikes and event counts (integers) give 0.
uint32_t choose_input_frac_bits(std::span<const float> values, uint32_t input_bits);

// The error of quantising `values` at frac_bits (negative values are left to quantise_frame,
// which rejects them with their place).
InputQuantReport measure_input_quantisation(std::span<const float> values, uint32_t frac_bits,
                                            uint32_t input_bits);

// "input fixed point 4 fraction bits (chosen from the inputs): max error 0 (0 % of range 1)".
std::string describe(const InputQuantReport& r);

}  // namespace compiler
