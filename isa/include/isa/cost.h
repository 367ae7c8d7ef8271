// Cycle-cost classes of the spike ISA: every instruction of instructions.def names one. The ISA
// states the rule (what an instruction's cycles scale with); the numbers (neuron-unit
// throughput, descriptor words per cycle, ...) come from the arch at simulation time.
//
//   cycles = max(min_cycles, base_cycles + ceil(quantity / per_cycle) + (taken ? taken_cycles : 0))
//
// where `quantity` is what the class scales with (CostQuantity) and `per_cycle` how many units
// the hardware handles per cycle (1 unless the rule names an arch figure).
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace isa {

enum class CostClass : uint8_t { fixed, config, update, send, psum, host_out, barrier, branch };

// The quantity a class's cycles scale with; the simulator measures it per execution.
enum class CostQuantity : uint8_t {
  none,              // constant cost
  descriptor_words,  // words of the projection descriptor loaded into the AU
  neurons,           // neurons the update visits (segment size, or the active ones)
  packets,           // spike packets injected into the router or sent to the host
  wait_cycles,       // cycles until the barrier releases
};

struct CostRule {
  CostClass cls;
  std::string_view name;  // spelling in instructions.def and docs
  uint32_t base_cycles;   // cycles independent of the quantity
  CostQuantity quantity;
  std::string_view per_cycle;  // arch figure dividing the quantity ("" = one unit per cycle)
  uint32_t taken_cycles;       // extra cycles when a branch is taken
  uint32_t min_cycles;         // no instruction takes less (its issue cycle)
  std::string_view doc;        // one line for docs/isa.md
};

// One row per class, in enum order.
inline constexpr std::array<CostRule, 8> kCostRules = {{
    {CostClass::fixed, "fixed", 1, CostQuantity::none, "", 0, 1, "1 cycle."},
    {CostClass::config, "config", 0, CostQuantity::descriptor_words, "", 0, 1,
     "One cycle per descriptor word loaded into the addressing unit."},
    {CostClass::update, "update", 0, CostQuantity::neurons, "neuron_unit.throughput", 0, 1,
     "ceil(neurons visited / neuron-unit throughput (neurons per cycle))."},
    {CostClass::send, "send", 0, CostQuantity::packets, "", 0, 1,
     "One cycle per spike packet injected into the router."},
    {CostClass::psum, "psum", 0, CostQuantity::neurons, "neuron_unit.throughput", 0, 1,
     "ceil(accumulators read / neuron-unit throughput), plus one cycle per partial-sum packet "
     "injected into the router (as send)."},
    {CostClass::host_out, "host_out", 0, CostQuantity::packets, "", 0, 1,
     "One cycle per packet sent to the host."},
    {CostClass::barrier, "barrier", 0, CostQuantity::wait_cycles, "", 0, 1,
     "The cycles spent waiting until every core has arrived and every packet of the phase is "
     "integrated."},
    {CostClass::branch, "branch", 1, CostQuantity::none, "", 1, 1,
     "1 cycle, +1 when the branch is taken."},
}};

inline constexpr const CostRule& cost_rule(CostClass c) {
  return kCostRules[static_cast<size_t>(c)];
}

inline constexpr std::string_view to_string(CostQuantity q) {
  constexpr std::array<std::string_view, 5> names = {"none", "descriptor words", "neurons",
                                                     "packets", "wait cycles"};
  return names[static_cast<size_t>(q)];
}

// The rule above, evaluated. per_cycle = 0 is treated as 1.
inline constexpr uint64_t cost_cycles(CostClass c, uint64_t quantity, uint64_t per_cycle = 1,
                                      bool taken = false) {
  const CostRule& r = cost_rule(c);
  const uint64_t per = per_cycle == 0 ? 1 : per_cycle;
  uint64_t cycles = r.base_cycles;
  if (r.quantity != CostQuantity::none) cycles += (quantity + per - 1) / per;
  if (taken) cycles += r.taken_cycles;
  return cycles < r.min_cycles ? r.min_cycles : cycles;
}

namespace detail {
constexpr bool cost_rules_in_enum_order() {
  for (size_t i = 0; i < kCostRules.size(); ++i)
    if (static_cast<size_t>(kCostRules[i].cls) != i) return false;
  return true;
}
static_assert(cost_rules_in_enum_order(), "kCostRules must be in CostClass order");
}  // namespace detail

}  // namespace isa
