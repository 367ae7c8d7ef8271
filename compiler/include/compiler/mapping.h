// The back end: partition layers into core-sized segments, place them on the mesh, route
// spikes, and generate each core's program (DESIGN.md §6).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arch/config.h"
#include "compiler/ir.h"
#include "isa/program.h"

namespace compiler {

struct SegmentPlan {
  uint32_t layer = 0;
  uint32_t begin = 0, count = 0;  // neurons [begin, begin+count) of the layer
  uint64_t weights = 0;           // weight words it needs
  uint32_t core = 0;              // logical core (partition), then mesh index (place)
};

struct Mapping {
  std::vector<SegmentPlan> segments;  // in layer order
  uint32_t logical_cores = 0;
  std::vector<uint32_t> core_position;  // logical core -> mesh index (y * mesh_x + x)
  std::vector<uint32_t> levels;         // per layer: schedule phase (layer_sequential)
  uint32_t phases_per_step = 1;
  uint64_t hop_weighted_traffic = 0;  // placement objective after placing
};

// Schedule levels: the longest path from the input over delay-0 projections.
std::vector<uint32_t> schedule_levels(const Network& net);

// Throws isa::InputError naming the layer, the capacity and by how much it is exceeded.
Mapping partition(const Network& net, const arch::ArchConfig& arch);
void place(const Network& net, const arch::ArchConfig& arch, Mapping& m);

struct CodegenResult {
  isa::ProgramImage image;
  // Per core (image.cores order), per instruction: a comment mapping code to NIR names.
  std::vector<std::vector<std::string>> comments;
};
CodegenResult codegen(const Network& net, const arch::ArchConfig& arch, const Mapping& m,
                      uint64_t arch_hash);

}  // namespace compiler
