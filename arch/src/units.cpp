#include "arch/units.h"

#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/core.h>

#include "suggest.h"

namespace arch::units {
namespace {

struct Unit {
  const char* symbol;
  Quantity quantity;
  double scale;  // base units per one of this unit
};

// Ordered largest first within a quantity: format_quantity picks the first that fits.
const std::vector<Unit>& unit_table() {
  static const std::vector<Unit> table = {
      {"bits", Quantity::bits, 1},
      {"bit", Quantity::bits, 1},
      {"GiB", Quantity::bytes, 1073741824.0},
      {"MiB", Quantity::bytes, 1048576.0},
      {"KiB", Quantity::bytes, 1024.0},
      {"GB", Quantity::bytes, 1073741824.0},
      {"MB", Quantity::bytes, 1048576.0},
      {"KB", Quantity::bytes, 1024.0},
      {"kB", Quantity::bytes, 1024.0},
      {"B", Quantity::bytes, 1},
      {"bytes", Quantity::bytes, 1},
      {"byte", Quantity::bytes, 1},
      {"GHz", Quantity::frequency, 1e9},
      {"MHz", Quantity::frequency, 1e6},
      {"kHz", Quantity::frequency, 1e3},
      {"Hz", Quantity::frequency, 1},
      {"J", Quantity::energy, 1e12},
      {"mJ", Quantity::energy, 1e9},
      {"uJ", Quantity::energy, 1e6},
      {"µJ", Quantity::energy, 1e6},
      {"nJ", Quantity::energy, 1e3},
      {"pJ", Quantity::energy, 1},
      {"fJ", Quantity::energy, 1e-3},
      {"W", Quantity::power, 1e3},
      {"mW", Quantity::power, 1},
      {"uW", Quantity::power, 1e-3},
      {"µW", Quantity::power, 1e-3},
      {"nW", Quantity::power, 1e-6},
      {"s", Quantity::time, 1},
      {"ms", Quantity::time, 1e-3},
      {"us", Quantity::time, 1e-6},
      {"µs", Quantity::time, 1e-6},
      {"ns", Quantity::time, 1e-9},
      {"ps", Quantity::time, 1e-12},
      {"cycles", Quantity::cycles, 1},
      {"cycle", Quantity::cycles, 1},
  };
  return table;
}

std::string_view quantity_name(Quantity q) {
  switch (q) {
    case Quantity::count:
      return "a plain number";
    case Quantity::bits:
      return "a number of bits";
    case Quantity::bytes:
      return "a size in bytes";
    case Quantity::frequency:
      return "a frequency";
    case Quantity::energy:
      return "an energy";
    case Quantity::power:
      return "a power";
    case Quantity::time:
      return "a time";
    case Quantity::cycles:
      return "a number of cycles or a time";
  }
  return "?";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Formats v with the fewest digits that read back exactly.
std::string shortest(double v) {
  return fmt::format("{}", v);
}

}  // namespace

std::string_view base_unit(Quantity q) {
  switch (q) {
    case Quantity::count:
      return "";
    case Quantity::bits:
      return "bits";
    case Quantity::bytes:
      return "bytes";
    case Quantity::frequency:
      return "Hz";
    case Quantity::energy:
      return "pJ";
    case Quantity::power:
      return "mW";
    case Quantity::time:
      return "s";
    case Quantity::cycles:
      return "cycles";
  }
  return "";
}

std::string accepted_units(Quantity q) {
  std::vector<std::string> names;
  for (const auto& u : unit_table())
    if (u.quantity == q || (q == Quantity::cycles && u.quantity == Quantity::time))
      names.push_back(u.symbol);
  if (names.empty()) return "no unit";
  return detail::join(names);
}

double parse_quantity(std::string_view text, Quantity q, double clock_hz) {
  const std::string_view s = trim(text);
  double number = 0;
  // from_chars does not take a leading '+'; people rarely write one, but accept it.
  const char* first = s.data() + (!s.empty() && s.front() == '+' ? 1 : 0);
  const auto [end, ec] = std::from_chars(first, s.data() + s.size(), number);
  if (ec != std::errc() || end == first)
    throw UnitError(fmt::format("'{}' is not a number; expected {}{}", s, quantity_name(q),
                                q == Quantity::count ? "" : " (" + accepted_units(q) + ")"));
  if (!std::isfinite(number)) throw UnitError(fmt::format("'{}' is not a finite number", s));
  const std::string_view unit = trim(s.substr(end - s.data()));
  if (unit.empty()) return number;  // plain numbers are in the base unit

  const Unit* found = nullptr;
  for (const auto& u : unit_table())
    if (unit == u.symbol) found = &u;
  if (!found) {
    std::vector<std::string> all;
    for (const auto& u : unit_table()) all.push_back(u.symbol);
    throw UnitError(fmt::format("unknown unit '{}' in '{}'{}; expected {} ({})", unit, s,
                                detail::did_you_mean(unit, all), quantity_name(q),
                                accepted_units(q)));
  }
  if (q == Quantity::cycles && found->quantity == Quantity::time) {
    if (clock_hz <= 0) throw UnitError(fmt::format("'{}': a time needs a clock to convert", s));
    // Rounded up: a latency of 2.5 cycles occupies 3. The epsilon absorbs 1e-9 * 1e9 error.
    return std::ceil(number * found->scale * clock_hz - 1e-6);
  }
  if (found->quantity != q)
    throw UnitError(fmt::format("'{}' is {}, expected {} ({})", s, quantity_name(found->quantity),
                                quantity_name(q), accepted_units(q)));
  return number * found->scale;
}

std::string format_quantity(double v, Quantity q) {
  if (q == Quantity::count || q == Quantity::cycles || q == Quantity::bits) return shortest(v);
  // Energy tables read best in one unit: always pJ and mW.
  if (v == 0 || q == Quantity::energy || q == Quantity::power)
    return shortest(v) + " " + std::string(base_unit(q));
  for (const auto& u : unit_table()) {
    if (u.quantity != q) continue;
    // Binary prefixes only: KB is accepted on input but KiB is printed, so nobody wonders.
    const std::string_view sym = u.symbol;
    if (sym == "GB" || sym == "MB" || sym == "KB" || sym == "kB" || sym == "bytes" ||
        sym == "byte" || sym == "µJ" || sym == "µW" || sym == "µs")
      continue;
    const double scaled = v / u.scale;
    if (v != 0 && std::fabs(scaled) < 1) continue;
    const std::string text = shortest(scaled);
    double back = 0;
    std::from_chars(text.data(), text.data() + text.size(), back);
    if (back * u.scale == v) return text + " " + std::string(sym);
  }
  return shortest(v) + " " + std::string(base_unit(q));
}

}  // namespace arch::units
