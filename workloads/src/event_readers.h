// One factory per event format; open_events() (events_open.cpp) chooses among them.
#pragma once
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "workloads/events.h"

namespace workloads {

std::unique_ptr<EventReader> open_aedat2(const std::string& path);
std::unique_ptr<EventReader> open_aedat3(const std::string& path);
std::unique_ptr<EventReader> open_aedat4(const std::string& path);
std::unique_ptr<EventReader> open_evt2(const std::string& path);
std::unique_ptr<EventReader> open_evt3(const std::string& path);
std::unique_ptr<EventReader> open_dat(const std::string& path);
std::unique_ptr<EventReader> open_nmnist(const std::string& path);
std::unique_ptr<EventReader> open_csv(const std::string& path);
std::unique_ptr<EventReader> open_npy_events(const std::string& path);
std::unique_ptr<EventReader> open_spike_hdf5(const std::string& path, uint32_t sample);
// An HDF5 file with a spikes/times dataset (SHD/SSC layout).
bool is_spike_hdf5(const std::string& path);

// Timestamps are microseconds in [0, kMaxEventTimeUs] (2^53 µs, 285 years: every value a double
// holds exactly). Readers of formats that store them as floats convert here: nullopt for NaN,
// infinities, negative or larger values, which the reader refuses naming the record.
inline constexpr int64_t kMaxEventTimeUs = int64_t{1} << 53;
inline std::optional<int64_t> checked_time_us(double t_us) {
  if (!(t_us >= 0) || t_us > static_cast<double>(kMaxEventTimeUs)) return std::nullopt;
  return static_cast<int64_t>(std::llround(t_us));
}

// Little/big-endian loads from unaligned bytes.
inline uint16_t le16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
inline uint32_t le32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
inline uint64_t le64(const uint8_t* p) {
  return le32(p) | (static_cast<uint64_t>(le32(p + 4)) << 32);
}
inline uint32_t be32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

}  // namespace workloads
