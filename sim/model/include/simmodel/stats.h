// The statistics registry: every counter of a finished run once, with its name, description
// and unit, walked from the counter lists (counters.h) and written as JSON.
#pragma once
#include <string>
#include <vector>

#include "isa/program.h"
#include "simmodel/run.h"

namespace sim {

struct Stat {
  std::string name;  // dotted path: "chip.cycles", "core.3.pe_adds", "layer.conv1.spikes", ...
  std::string description;
  std::string unit;
  double value = 0;
};

class Stats {
 public:
  void add(std::string name, std::string description, std::string unit, double value);
  const std::vector<Stat>& entries() const { return entries_; }
  // {"<name>": {"value": v, "unit": "...", "description": "..."}, ...} in registration order.
  std::string json() const;

 private:
  std::vector<Stat> entries_;
};

// Chip totals, NoC, every core (by core index) and every layer (by name), energy by event and
// block.
Stats collect_stats(const RunResult& result, const isa::ProgramImage& image);

}  // namespace sim
