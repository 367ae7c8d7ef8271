// Frames: the dense input the simulator and golden executor consume, one frame per sample and
// timestep, laid out [samples][timesteps][frame] with each frame in C order of frame_shape.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace workloads {

// What one input value costs from reading to the host's spike frames, for the memory budget
// (isa/memory_budget.h): the float here and, when it spikes, an (index, payload) pair of
// uint32 in isa::SpikeFrame.
inline constexpr uint64_t kBytesPerInputValue = 4 + 8;

// Throws InputError "WHAT: N samples x T steps x F values needs about ..." when the frames and
// the spike frames made from them would pass the memory budget. WHAT names the file.
void check_frames_memory(const std::string& what, uint64_t samples, uint64_t timesteps,
                         uint64_t frame_size);

struct Frames {
  uint32_t samples = 0, timesteps = 0;
  std::vector<uint32_t> frame_shape;  // e.g. {2, 34, 34} = [C, H, W]
  std::vector<float> values;          // samples * timesteps * frame_size()

  size_t frame_size() const;  // product of frame_shape
  std::span<const float> frame(uint32_t sample, uint32_t t) const;
  std::span<float> frame(uint32_t sample, uint32_t t);
  // Allocates zeroed values for the given dimensions (check_frames_memory first).
  static Frames zeros(uint32_t samples, uint32_t timesteps, std::vector<uint32_t> frame_shape);
};

// "[2, 34, 34]", for messages.
std::string shape_string(const std::vector<uint32_t>& shape);
std::string shape_string(const std::vector<size_t>& shape);

// An NPY tensor [T, *frame] (one sample) or [N, T, *frame]. The trailing dimensions may differ
// from expected_frame_shape as long as their element count matches (e.g. [T, 2312] for
// {2, 34, 34}); an exact trailing match decides between the two layouts first. Throws
// InputError naming both shapes when neither layout fits.
Frames load_tensor_input(const std::string& path,
                         const std::vector<uint32_t>& expected_frame_shape);

// An NPY [N] (or [N, 1]) array of integer class labels.
std::vector<int64_t> load_labels(const std::string& path);

}  // namespace workloads
