#include "workloads/frames.h"

#include <cmath>
#include <stdexcept>

#include <fmt/core.h>

#include "isa/memory_budget.h"

#include "workloads/error.h"
#include "workloads/npy.h"

namespace workloads {

size_t Frames::frame_size() const {
  size_t n = 1;
  for (uint32_t d : frame_shape) n *= d;
  return n;
}

std::span<const float> Frames::frame(uint32_t sample, uint32_t t) const {
  if (sample >= samples || t >= timesteps)
    throw std::out_of_range(fmt::format("Frames::frame({}, {}) outside {} samples x {} steps",
                                        sample, t, samples, timesteps));
  const size_t n = frame_size();
  return {values.data() + (static_cast<size_t>(sample) * timesteps + t) * n, n};
}

std::span<float> Frames::frame(uint32_t sample, uint32_t t) {
  auto c = static_cast<const Frames&>(*this).frame(sample, t);
  return {const_cast<float*>(c.data()), c.size()};
}

void check_frames_memory(const std::string& what, uint64_t samples, uint64_t timesteps,
                         uint64_t frame_size) {
  const uint64_t values = isa::saturating_mul(isa::saturating_mul(samples, timesteps), frame_size);
  const uint64_t bytes = isa::saturating_mul(values, kBytesPerInputValue);
  if (!isa::within_budget(bytes))
    throw InputError(isa::over_budget_message(
        fmt::format("{}: {} samples x {} steps x {} values", what, samples, timesteps, frame_size),
        bytes));
}

Frames Frames::zeros(uint32_t samples, uint32_t timesteps, std::vector<uint32_t> frame_shape) {
  Frames f;
  f.samples = samples;
  f.timesteps = timesteps;
  f.frame_shape = std::move(frame_shape);
  f.values.assign(static_cast<size_t>(samples) * timesteps * f.frame_size(), 0.0f);
  return f;
}

template <typename T>
static std::string shape_string_impl(const std::vector<T>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", shape[i]);
  return s + "]";
}
std::string shape_string(const std::vector<uint32_t>& shape) {
  return shape_string_impl(shape);
}
std::string shape_string(const std::vector<size_t>& shape) {
  return shape_string_impl(shape);
}

static size_t product(const std::vector<size_t>& shape, size_t from) {
  size_t n = 1;
  for (size_t i = from; i < shape.size(); ++i) n *= shape[i];
  return n;
}

Frames load_tensor_input(const std::string& path,
                         const std::vector<uint32_t>& expected_frame_shape) {
  if (expected_frame_shape.empty())
    throw std::invalid_argument("load_tensor_input: expected_frame_shape is empty");
  NpyArray a = read_npy(path);
  if (a.structured())
    throw InputError(
        fmt::format("{}: a record array ({}) is an event list, not a tensor: read it as events",
                    path, a.descr));
  const auto& s = a.shape;
  const size_t k = expected_frame_shape.size();
  size_t frame = 1;
  for (uint32_t d : expected_frame_shape) frame *= d;

  auto trailing_equal = [&](size_t from) {
    if (s.size() - from != k) return false;
    for (size_t i = 0; i < k; ++i)
      if (s[from + i] != expected_frame_shape[i]) return false;
    return true;
  };
  size_t lead = 0;  // 1: [T, ...], 2: [N, T, ...]
  if (s.size() == k + 1 && trailing_equal(1)) {
    lead = 1;
  } else if (s.size() == k + 2 && trailing_equal(2)) {
    lead = 2;
  } else if (s.size() >= 2 && product(s, 1) == frame) {
    lead = 1;
  } else if (s.size() >= 3 && product(s, 2) == frame) {
    lead = 2;
  }
  if (lead == 0) {
    const std::string inner = shape_string(expected_frame_shape).substr(1);  // "2, 34, 34]"
    throw InputError(fmt::format(
        "{}: tensor shape {} does not fit the model's input shape {}: expected [T, {} or "
        "[N, T, {} (or any trailing dimensions holding {} values per frame)",
        path, shape_string(s), shape_string(expected_frame_shape), inner, inner, frame));
  }
  const size_t samples = lead == 2 ? s[0] : 1, steps = s[lead - 1];
  if (samples == 0 || steps == 0 || samples > UINT32_MAX || steps > UINT32_MAX)
    throw InputError(fmt::format("{}: tensor shape {}: expected 1 to {} samples and steps", path,
                                 shape_string(s), UINT32_MAX));
  check_frames_memory(path, samples, steps, frame);
  Frames f;
  f.samples = static_cast<uint32_t>(samples);
  f.timesteps = static_cast<uint32_t>(steps);
  f.frame_shape = expected_frame_shape;
  f.values = to_float(a);
  for (size_t i = 0; i < f.values.size(); ++i)
    if (!std::isfinite(f.values[i]))
      throw InputError(fmt::format("{}: element {} (C order) is {} (expected finite values)", path,
                                   i, f.values[i]));
  return f;
}

std::vector<int64_t> load_labels(const std::string& path) {
  NpyArray a = read_npy(path);
  if (a.structured())
    throw InputError(
        fmt::format("{}: labels must be an integer array, found records {}", path, a.descr));
  if (!(a.shape.size() == 1 || (a.shape.size() == 2 && a.shape[1] == 1)))
    throw InputError(fmt::format("{}: labels: expected shape [N] or [N, 1], found {}", path,
                                 shape_string(a.shape)));
  return to_int64(a);
}

}  // namespace workloads
