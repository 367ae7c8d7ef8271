// The unit parser: quantities as people write them, converted to base units.
#include <catch2/catch.hpp>

#include "arch/units.h"

using arch::units::format_quantity;
using arch::units::parse_quantity;
using arch::units::Quantity;
using arch::units::UnitError;

TEST_CASE("arch units: SI and binary prefixes convert to base units", "[arch][units]") {
  CHECK(parse_quantity("1 GHz", Quantity::frequency) == 1e9);
  CHECK(parse_quantity("500 MHz", Quantity::frequency) == 5e8);
  CHECK(parse_quantity("1.5GHz", Quantity::frequency) == 1.5e9);
  CHECK(parse_quantity("64 KiB", Quantity::bytes) == 65536);
  CHECK(parse_quantity("128 KB", Quantity::bytes) == 131072);  // JEDEC: KB = 1024 bytes
  CHECK(parse_quantity("2 MiB", Quantity::bytes) == 2097152);
  CHECK(parse_quantity("23.6 pJ", Quantity::energy) == Approx(23.6));
  CHECK(parse_quantity("2 nJ", Quantity::energy) == Approx(2000));
  CHECK(parse_quantity("500 fJ", Quantity::energy) == Approx(0.5));
  CHECK(parse_quantity("30 mW", Quantity::power) == 30);
  CHECK(parse_quantity("1 W", Quantity::power) == 1000);
  CHECK(parse_quantity("250 uW", Quantity::power) == Approx(0.25));
  CHECK(parse_quantity("2 ns", Quantity::time) == Approx(2e-9));
  CHECK(parse_quantity("  42 ", Quantity::count) == 42);
  CHECK(parse_quantity("1e9", Quantity::frequency) == 1e9);  // plain numbers: base unit
  CHECK(parse_quantity("32 bits", Quantity::bits) == 32);
}

TEST_CASE("arch units: cycles accept a time, converted with the clock and rounded up",
          "[arch][units]") {
  CHECK(parse_quantity("50", Quantity::cycles) == 50);
  CHECK(parse_quantity("50 cycles", Quantity::cycles) == 50);
  CHECK(parse_quantity("2 ns", Quantity::cycles, 1e9) == 2);
  CHECK(parse_quantity("6.5 ns", Quantity::cycles, 285.7e6) == 2);  // 1.857 cycles -> 2
  CHECK_THROWS_AS(parse_quantity("2 ns", Quantity::cycles, 0), UnitError);
}

TEST_CASE("arch units: wrong kind, unknown unit and bad numbers are errors", "[arch][units]") {
  CHECK_THROWS_WITH(parse_quantity("1 GHz", Quantity::bytes),
                    Catch::Contains("frequency") && Catch::Contains("KiB"));
  CHECK_THROWS_WITH(parse_quantity("3 MW", Quantity::power), Catch::Contains("did you mean 'mW'"));
  CHECK_THROWS_AS(parse_quantity("12 parsecs", Quantity::time), UnitError);
  CHECK_THROWS_AS(parse_quantity("fast", Quantity::frequency), UnitError);
  CHECK_THROWS_AS(parse_quantity("", Quantity::count), UnitError);
  CHECK_THROWS_AS(parse_quantity("5 pJ", Quantity::count), UnitError);
  CHECK_THROWS_AS(parse_quantity("nan", Quantity::energy), UnitError);
}

TEST_CASE("arch units: formatting picks the largest exact unit and reads back", "[arch][units]") {
  CHECK(format_quantity(1e9, Quantity::frequency) == "1 GHz");
  CHECK(format_quantity(285.7e6, Quantity::frequency) == "285.7 MHz");
  CHECK(format_quantity(131072, Quantity::bytes) == "128 KiB");
  CHECK(format_quantity(73728, Quantity::bytes) == "72 KiB");
  CHECK(format_quantity(1000, Quantity::bytes) == "1000 B");
  CHECK(format_quantity(23.6, Quantity::energy) == "23.6 pJ");
  CHECK(format_quantity(0.1, Quantity::energy) == "0.1 pJ");  // energy and power: base unit
  CHECK(format_quantity(2500, Quantity::energy) == "2500 pJ");
  CHECK(format_quantity(0.02, Quantity::power) == "0.02 mW");
  CHECK(format_quantity(0, Quantity::power) == "0 mW");
  for (double v : {0.0767, 1.7677669529663689, 3.5, 123456.0, 1e-3, 0.015625})
    for (Quantity q : {Quantity::energy, Quantity::power, Quantity::frequency})
      CHECK(parse_quantity(format_quantity(v, q), q) == v);
}
