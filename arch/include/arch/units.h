// Physical quantities as people write them in arch files ("1 GHz", "64 KiB", "23.6 pJ") and
// their base units: Hz, bytes, bits, pJ, mW, seconds, cycles. Byte prefixes follow JEDEC and
// gem5: KB = KiB = 1024 bytes (a "128 KB" SRAM holds 131072 bytes).
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace arch::units {

enum class Quantity : unsigned char {
  count,      // plain number, no unit
  bits,       // "32", "32 bits"
  bytes,      // B, KiB, MiB, GiB, KB, MB, GB
  frequency,  // Hz, kHz, MHz, GHz -> Hz
  energy,     // fJ, pJ, nJ, uJ, mJ, J -> pJ
  power,      // nW, uW, mW, W -> mW
  time,       // ps, ns, us, ms, s -> seconds
  cycles,     // "50", "50 cycles", or a time converted with the clock (rounded up)
};

// What went wrong in a value, without the place (the loader adds file:line:column).
struct UnitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses "<number>[ ]<unit>" or a plain number (already in the base unit) into the base unit of
// `q`. For Quantity::cycles a time is converted with `clock_hz` (must then be > 0). Throws
// UnitError for a malformed number, an unknown unit or a unit of another kind.
double parse_quantity(std::string_view text, Quantity q, double clock_hz = 0);

// The shortest exact rendering of a base-unit value with the largest fitting unit
// ("1 GHz", "128 KiB", "23.6 pJ"); parse_quantity(format_quantity(v, q), q) == v.
std::string format_quantity(double base_value, Quantity q);

// The base unit's name for documentation ("Hz", "bytes", "pJ", ...; "" for count).
std::string_view base_unit(Quantity q);
// The accepted units, for error messages and docs ("Hz, kHz, MHz, GHz").
std::string accepted_units(Quantity q);

}  // namespace arch::units
