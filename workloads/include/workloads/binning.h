// Events -> Frames: counts per pixel in fixed time windows or fixed event counts per timestep.
// Exact semantics (docs/workloads.md "Binning"):
//   * Crop [crop_x, crop_x + crop_width) x [crop_y, crop_y + crop_height) in sensor pixels is
//     applied first (width 0 = no crop); events outside it are dropped.
//   * Down-sampling by an integer factor f maps pixel (x, y) to ((x - crop_x) / f,
//     (y - crop_y) / f); counts of the f x f pixels add up. H = ceil(h / f), W = ceil(w / f).
//   * Channels: 2 (channel = polarity: 0 OFF, 1 ON) or 1 when merge_polarity.
//   * Time windows: step k holds events with t0 + k*window_us <= t < t0 + (k+1)*window_us,
//     t0 = t_start_us, or the first event's time when t_start_us < 0. Event count: step k holds
//     events k*n .. (k+1)*n - 1 in file order (after the crop).
//   * timesteps = T > 0: later events are dropped and missing steps are zero frames;
//     timesteps = 0: as many steps as the recording fills.
//   * Each pixel's count is clipped to max_count (when > 0), then made 0/1 when binarize.
//   * Sensor size: sensor_width/height when set, else the file's header, else the model's
//     input shape times the factor (plus the crop origin).
// The frame is [C, H, W]; it must match the model's input shape, which may also be given
// squeezed (size-1 dimensions left out) or flattened to one dimension of the same size.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/events.h"
#include "workloads/frames.h"

namespace workloads {

struct BinningOptions {
  enum class Mode { kTimeWindow, kEventCount };
  Mode mode = Mode::kTimeWindow;
  int64_t window_us = 1000;      // time-window mode: µs per timestep (> 0)
  uint64_t events_per_step = 0;  // event-count mode (> 0)
  uint32_t timesteps = 0;        // 0 = as many as the recording gives
  int64_t t_start_us = -1;       // start of step 0; < 0 = the first event's time
  bool merge_polarity = false;
  uint32_t downsample = 1;
  uint32_t crop_x = 0, crop_y = 0, crop_width = 0, crop_height = 0;
  uint32_t sensor_width = 0, sensor_height = 0;  // 0 = from the header (or the model)
  float max_count = 0;                           // 0 = no clipping
  bool binarize = false;
};

struct BinningStats {
  uint64_t events_read = 0, events_binned = 0;
  uint64_t events_outside = 0;  // outside the crop or the sensor
  uint64_t events_late = 0;     // before t_start_us or after the last timestep
};

// One sample from a reader. `expected_frame_shape` empty = no check (frame is [C, H, W]).
Frames bin_events(EventReader& reader, const BinningOptions& options,
                  const std::vector<uint32_t>& expected_frame_shape, BinningStats* stats = nullptr);

// Every sample of an event file (SHD/SSC files hold many; recordings one). With timesteps = 0
// all samples get the longest sample's step count, shorter ones padded with zero frames.
Frames bin_event_file(const std::string& path, const BinningOptions& options,
                      const std::vector<uint32_t>& expected_frame_shape,
                      const std::string& format = "", BinningStats* stats = nullptr);

// Any input file the tool reads, as frames for a model whose input shape is given: event files
// (every format of events.h) are binned with `binning`; NPY tensors are loaded with
// load_tensor_input (binning ignored). Throws InputError for other files.
Frames load_input_frames(const std::string& path, const std::vector<uint32_t>& model_input_shape,
                         const BinningOptions& binning = {}, BinningStats* stats = nullptr);

}  // namespace workloads
