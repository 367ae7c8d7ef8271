// isa/memory_budget.h: the one budget every input-sized allocation is checked against.
#include <catch2/catch.hpp>

#include "isa/error.h"
#include "isa/memory_budget.h"
#include "workloads/error.h"
#include "workloads/frames.h"

namespace {

// Restores the budget a test changed.
struct BudgetGuard {
  ~BudgetGuard() { isa::set_memory_budget(0); }
};

}  // namespace

TEST_CASE("memory budget: sizes parse with and without units") {
  CHECK(isa::parse_bytes("100", "--memory-budget") == 100);
  CHECK(isa::parse_bytes("4GiB", "--memory-budget") == uint64_t{4} << 30);
  CHECK(isa::parse_bytes("512 MiB", "--memory-budget") == uint64_t{512} << 20);
  CHECK(isa::parse_bytes("1e9", "--memory-budget") == 1000000000);
  CHECK(isa::parse_bytes("2GB", "--memory-budget") == 2000000000);
  for (const char* bad : {"", "0", "-1", "12parsecs", "nan", "1e30", "GiB"})
    CHECK_THROWS_WITH(isa::parse_bytes(bad, "--memory-budget"),
                      Catch::StartsWith("--memory-budget '"));
}

TEST_CASE("memory budget: a refusal names the item, the estimate and the budget") {
  BudgetGuard guard;
  isa::set_memory_budget(uint64_t{1} << 20);
  CHECK(isa::memory_budget() == uint64_t{1} << 20);
  CHECK_NOTHROW(isa::check_memory("x.npy", uint64_t{1} << 20));
  CHECK_THROWS_WITH(isa::check_memory("x.npy: data", uint64_t{3} << 20),
                    "x.npy: data needs about 3 MiB, over the memory budget of 1 MiB (raise it "
                    "with --memory-budget or SPIKECHIP_MEMORY_BUDGET)");
  // Estimates saturate instead of wrapping below the budget.
  CHECK(isa::saturating_mul(uint64_t{1} << 40, uint64_t{1} << 40) == UINT64_MAX);
  CHECK_THROWS_AS(isa::check_memory("huge", UINT64_MAX), isa::InputError);
}

TEST_CASE("memory budget: a running estimate refuses the item that passes it") {
  BudgetGuard guard;
  isa::set_memory_budget(1000);
  isa::MemoryEstimate e;
  e.add("a", 600);
  CHECK_THROWS_WITH(
      e.add("f.nir: /node/nodes/b/weight", 600),
      Catch::StartsWith("f.nir: /node/nodes/b/weight") && Catch::Contains("1.17 KiB"));
}

TEST_CASE("memory budget: frames are checked before they are allocated") {
  BudgetGuard guard;
  isa::set_memory_budget(uint64_t{1} << 20);
  CHECK_NOTHROW(workloads::check_frames_memory("in.npy", 1, 10, 100));
  CHECK_THROWS_WITH(workloads::check_frames_memory("in.npy", 16, 1u << 20, 2312),
                    Catch::StartsWith("in.npy: 16 samples x 1048576 steps x 2312 values needs"));
  CHECK_THROWS_AS(workloads::check_frames_memory("in.npy", 1u << 31, 1u << 31, 1u << 31),
                  workloads::InputError);
}
