// isa::check_in_child: a crash, a hang or an error inside the child is the file's error.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "isa/contained.h"
#include "isa/error.h"

TEST_CASE("check_in_child: a clean check returns") {
  CHECK_NOTHROW(isa::check_in_child("f.nir", "the graph", [] {}));
}

TEST_CASE("check_in_child: the child's InputError is rethrown with its message") {
  CHECK_THROWS_WITH(
      isa::check_in_child("f.nir", "the graph", [] { throw isa::InputError("f.nir: /node: bad"); }),
      "f.nir: /node: bad");
}

TEST_CASE("check_in_child: a crash in the child is the file's error, not a signal") {
  try {
    isa::check_in_child("f.nir", "the graph", [] { std::abort(); });
    FAIL("no error");
  } catch (const isa::InputError& e) {
    CHECK_THAT(e.what(), Catch::StartsWith("f.nir: reading the graph crashed"));
  }
}

TEST_CASE("check_in_child: a child that loops is stopped at the timeout") {
  try {
    isa::check_in_child(
        "f.nir", "the graph", [] { ::sleep(30); }, 0.3);
    FAIL("no error");
  } catch (const isa::InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("did not finish in 0.3 s"));
  }
}
