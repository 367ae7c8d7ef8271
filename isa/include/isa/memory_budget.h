// The one memory budget for everything an input can size (issue 24): event frames, NPY
// tensors, NIR datasets and edges, decompressed packets, probes, the NoC mesh. Each reader
// estimates what an input implies before allocating it and refuses past the budget, naming
// the estimate, so that a tiny hostile file cannot ask for gigabytes.
//
// Default kDefaultMemoryBudget; SPIKECHIP_MEMORY_BUDGET (bytes, or with KiB/MiB/GiB/KB/MB/GB)
// or a verb's --memory-budget sets it for the process (docs/hostile-input.md).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace isa {

inline constexpr uint64_t kDefaultMemoryBudget = uint64_t{2} << 30;  // 2 GiB

// The budget in force: set_memory_budget's, else SPIKECHIP_MEMORY_BUDGET's, else the default.
// A malformed SPIKECHIP_MEMORY_BUDGET throws InputError naming it.
uint64_t memory_budget();
void set_memory_budget(uint64_t bytes);

// "4 GiB", "12 KiB", "100 B": what a message says.
std::string format_bytes(uint64_t bytes);
// "4GiB", "512 MiB", "1e9", "100000": the budget's syntax; throws InputError naming `what`.
uint64_t parse_bytes(std::string_view text, std::string_view what);

// The message of a refusal: "WHAT needs about N (DETAIL), over the memory budget of M (raise it
// with --memory-budget or SPIKECHIP_MEMORY_BUDGET)". WHAT names the file and place.
std::string over_budget_message(std::string_view what, uint64_t bytes);

// True when `bytes` fits the budget. Overflowing estimates are passed saturated (see
// saturating_mul), so they never wrap below it.
inline bool within_budget(uint64_t bytes) {
  return bytes <= memory_budget();
}

// a * b, saturated at UINT64_MAX (estimates built from an input's numbers must not wrap).
inline uint64_t saturating_mul(uint64_t a, uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}
inline uint64_t saturating_add(uint64_t a, uint64_t b) {
  return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

// Throws isa::InputError(over_budget_message(what, bytes)) past the budget.
void check_memory(std::string_view what, uint64_t bytes);

// A running total for one input (a NIR file's datasets, say): add() throws past the budget
// with the total so far, so many items each under it cannot add up to more.
class MemoryEstimate {
 public:
  void add(std::string_view what, uint64_t bytes);
  uint64_t total() const { return total_; }

 private:
  uint64_t total_ = 0;
};

}  // namespace isa
