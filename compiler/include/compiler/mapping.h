// The back end: partition layers into core-sized segments, place them on the mesh, route
// spikes, and generate each core's program (DESIGN.md §6).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arch/config.h"
#include "compiler/ir.h"
#include "isa/error.h"
#include "isa/program.h"

namespace compiler {

// Source neurons [begin, end) of one projection's source layer.
struct SourceRange {
  uint32_t begin = 0, end = 0;
  uint32_t size() const { return end - begin; }
  bool operator==(const SourceRange&) const = default;
};

struct SegmentPlan {
  uint32_t layer = 0;
  uint32_t begin = 0, count = 0;  // neurons [begin, begin+count) of the layer
  uint64_t synapse_bits = 0;      // synapse memory it needs (its projections' layouts)
  uint32_t core = 0;              // logical core (partition), then mesh index (place)
  // Per input projection of the layer (Layer::inputs order): the source neurons this segment
  // takes. The whole source layer unless the layer's fan-in is split across cores.
  std::vector<SourceRange> sources;
  // Fan-in splitting: a partial segment accumulates the share of the layer's inputs in
  // `sources` and forwards the sums (PSUM) to segment `owner` (index in Mapping::segments),
  // which holds the same neurons and updates them.
  bool partial = false;
  uint32_t owner = 0;
};

// One phase of a step: the update (UPD/SEND/HOUT) of the layers of schedule level `level`
// (pipelined: every layer), or the partial-sum forwarding (PSUM) of those layers' partial
// segments, which must complete before their owners update.
struct PhasePlan {
  bool psum = false;
  uint32_t level = 0;
};

struct Mapping {
  std::vector<SegmentPlan> segments;  // in layer order
  uint32_t logical_cores = 0;
  std::vector<uint32_t> core_position;  // logical core -> mesh index (y * mesh_x + x)
  std::vector<uint32_t> levels;         // per layer: schedule level (layer_sequential)
  std::vector<PhasePlan> phases;        // the phases of one step, in order
  uint32_t phases_per_step = 1;         // phases.size()
  std::vector<uint32_t> fan_in_slices;  // per layer: how many cores share its fan-in (1: none)
  uint64_t hop_weighted_traffic = 0;    // placement objective after placing
};

// Schedule levels: the longest path from the input over delay-0 projections.
std::vector<uint32_t> schedule_levels(const Network& net);

// The network needs more cores than the mesh has (the only capacity a bigger mesh fixes).
struct MeshTooSmall : isa::InputError {
  MeshTooSmall(const std::string& what, uint32_t cores_needed)
      : isa::InputError(what), cores_needed(cores_needed) {}
  uint32_t cores_needed;
};

// The smallest mesh at least `at_least` in each dimension that has `cores` cores, as square as
// it can be (the longer side at most twice the shorter, where the minimum allows).
arch::MeshConfig smallest_mesh(uint32_t cores, arch::MeshConfig at_least);

// Throws isa::InputError naming the layer, the capacity and by how much it is exceeded
// (MeshTooSmall when only the mesh is too small).
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
