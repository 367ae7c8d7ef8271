#include "workloads/binning.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fmt/core.h>

#include "isa/memory_budget.h"
#include "workloads/error.h"

namespace workloads {
namespace {

std::vector<uint32_t> squeeze(const std::vector<uint32_t>& s) {
  std::vector<uint32_t> out;
  for (uint32_t d : s)
    if (d != 1) out.push_back(d);
  return out;
}

size_t product(const std::vector<uint32_t>& s) {
  size_t n = 1;
  for (uint32_t d : s) n *= d;
  return n;
}

// The frame shape to report: the model's, when it matches [C, H, W] up to size-1 dims or
// flattening.
std::vector<uint32_t> reconcile(const std::vector<uint32_t>& chw,
                                const std::vector<uint32_t>& expected, const std::string& path) {
  if (expected.empty() || expected == chw) return chw;
  if (squeeze(expected) == squeeze(chw)) return expected;
  if (expected.size() == 1 && expected[0] == product(chw)) return expected;
  throw InputError(fmt::format(
      "{}: binned frames are {} ([C, H, W]) but the model's input shape is {}: adjust the "
      "sensor size, crop, down-sampling or polarity options",
      path, shape_string(chw), shape_string(expected)));
}

// An upper bound on the steps a sample fills, from one pass over its events, so that frames are
// checked against the memory budget before they grow (a 1 µs window on a 0.3 s recording, or
// one event 10^9 µs late, would otherwise allocate up to the budget before being refused).
uint64_t steps_bound(EventReader& r, const BinningOptions& o) {
  std::vector<Event> batch(65536);
  int64_t first = -1, last = -1;
  uint64_t events = 0;
  while (size_t n = r.read(batch)) {
    events += n;
    for (size_t i = 0; i < n; ++i) {
      const int64_t t = batch[i].t_us;
      if (t < 0) continue;  // refused by binning, naming the event
      if (first < 0) first = t;
      last = std::max(last, t);
    }
  }
  if (o.mode == BinningOptions::Mode::kEventCount) return events / o.events_per_step + 1;
  const int64_t t0 = o.t_start_us >= 0 ? o.t_start_us : first;
  if (last < 0 || last < t0) return 0;
  return static_cast<uint64_t>(last - t0) / static_cast<uint64_t>(o.window_us) + 1;
}

Frames bin_events_bounded(EventReader& reader, const BinningOptions& o,
                          const std::vector<uint32_t>& expected, BinningStats* stats_out,
                          uint64_t max_steps);

}  // namespace

Frames bin_events(EventReader& reader, const BinningOptions& o,
                  const std::vector<uint32_t>& expected, BinningStats* stats_out) {
  return bin_events_bounded(reader, o, expected, stats_out, 0);
}

namespace {

// bin_events, with `max_steps` (0 = unknown) checked against the memory budget first.
Frames bin_events_bounded(EventReader& reader, const BinningOptions& o,
                          const std::vector<uint32_t>& expected, BinningStats* stats_out,
                          uint64_t max_steps) {
  const EventInfo& info = reader.info();
  if (o.downsample == 0) throw std::invalid_argument("binning: downsample must be >= 1");
  if (o.mode == BinningOptions::Mode::kTimeWindow && o.window_us <= 0)
    throw std::invalid_argument("binning: window_us must be > 0");
  if (o.mode == BinningOptions::Mode::kEventCount && o.events_per_step == 0)
    throw std::invalid_argument("binning: events_per_step must be > 0");
  const uint32_t channels = o.merge_polarity ? 1 : 2;
  const uint32_t f = o.downsample;

  // Sensor size: option, header, or the model's input shape.
  uint32_t sw = o.sensor_width ? o.sensor_width : info.width;
  uint32_t sh = o.sensor_height ? o.sensor_height : info.height;
  if (sw == 0 || sh == 0) {
    const auto sq = squeeze(expected);
    std::vector<uint32_t> hw;
    if (expected.size() >= 2)
      hw = {expected[expected.size() - 2], expected.back()};
    else if (sq.size() == 1 && channels == 1)
      hw = {1, sq[0]};  // e.g. SHD: 700 units
    if (hw.empty() || (o.crop_width && o.crop_height))
      hw = {o.crop_height ? (o.crop_height + f - 1) / f : 0,
            o.crop_width ? (o.crop_width + f - 1) / f : 0};
    if (hw[0] == 0 || hw[1] == 0)
      throw InputError(
          fmt::format("{}: the sensor size is unknown: give it as an option", info.path));
    sw = sw ? sw : o.crop_x + hw[1] * f;
    sh = sh ? sh : o.crop_y + hw[0] * f;
  }
  const uint32_t cw = o.crop_width ? o.crop_width : sw - std::min(sw, o.crop_x);
  const uint32_t ch = o.crop_height ? o.crop_height : sh - std::min(sh, o.crop_y);
  if (cw == 0 || ch == 0 || o.crop_x + cw > sw || o.crop_y + ch > sh)
    throw InputError(fmt::format("{}: crop {}x{} at ({}, {}) does not fit the {}x{} sensor",
                                 info.path, cw, ch, o.crop_x, o.crop_y, sw, sh));
  const uint32_t W = (cw + f - 1) / f, H = (ch + f - 1) / f;
  const std::vector<uint32_t> chw = {channels, H, W};
  const std::vector<uint32_t> shape = reconcile(chw, expected, info.path);
  const size_t frame = static_cast<size_t>(channels) * H * W;

  std::vector<float> values;  // grows by whole frames
  BinningStats st;
  uint64_t kept = 0;  // events inside the crop, for event-count mode
  int64_t t0 = o.t_start_us;
  const uint32_t T = o.timesteps;
  if (!T && max_steps)
    check_frames_memory(fmt::format("{}: events spanning {} steps", info.path, max_steps), 1,
                        max_steps, frame);
  if (T) {
    check_frames_memory(fmt::format("{}: --timesteps {}", info.path, T), 1, T, frame);
    values.assign(static_cast<size_t>(T) * frame, 0.0f);
  }
  std::vector<Event> batch(65536);
  while (size_t n = reader.read(batch)) {
    st.events_read += n;
    for (size_t i = 0; i < n; ++i) {
      const Event& e = batch[i];
      if (e.x < o.crop_x || e.y < o.crop_y || e.x >= o.crop_x + cw || e.y >= o.crop_y + ch) {
        ++st.events_outside;
        continue;
      }
      if (e.t_us < 0)  // formats with integer timestamps: a reader has no reason to refuse
        throw InputError(
            fmt::format("{}: event {}: timestamp {} µs is negative (expected "
                        "microseconds from the recording's start)",
                        info.path, st.events_read - n + i, e.t_us));
      uint64_t step;
      if (o.mode == BinningOptions::Mode::kTimeWindow) {
        if (t0 < 0) t0 = e.t_us;
        if (e.t_us < t0) {
          ++st.events_late;
          continue;
        }
        step = static_cast<uint64_t>((e.t_us - t0) / o.window_us);
      } else {
        step = kept / o.events_per_step;
      }
      ++kept;
      if (T && step >= T) {
        ++st.events_late;
        continue;
      }
      if (isa::saturating_mul(step + 1, frame) > values.size()) {
        // Frames grow with the recording when the step count is not given: a window too small
        // or one event far in the future would ask for more than the budget.
        check_frames_memory(fmt::format("{}: event {} (at {} µs) falls in step {}", info.path,
                                        st.events_read - n + i, e.t_us, step),
                            1, step + 1, frame);
        values.resize((step + 1) * frame, 0.0f);
      }
      const uint32_t c = o.merge_polarity ? 0 : (e.p ? 1 : 0);
      const size_t idx = step * frame + (static_cast<size_t>(c) * H + (e.y - o.crop_y) / f) * W +
                         (e.x - o.crop_x) / f;
      values[idx] += 1.0f;
      ++st.events_binned;
    }
  }
  for (float& v : values) {
    if (o.max_count > 0) v = std::min(v, o.max_count);
    if (o.binarize) v = v > 0 ? 1.0f : 0.0f;
  }
  Frames out;
  out.samples = 1;
  out.timesteps = static_cast<uint32_t>(values.size() / frame);
  out.frame_shape = shape;
  out.values = std::move(values);
  if (stats_out) *stats_out = st;
  return out;
}

}  // namespace

Frames bin_event_file(const std::string& path, const BinningOptions& options,
                      const std::vector<uint32_t>& expected, const std::string& format,
                      BinningStats* stats_out) {
  auto reader = open_events(path, {format, 0});
  auto prepass = options.timesteps ? nullptr : open_events(path, {format, 0});
  const uint32_t n = reader->info().samples;
  std::vector<Frames> per_sample;
  BinningStats total;
  for (uint32_t s = 0; s < n; ++s) {
    if (s > 0) reader->select_sample(s);
    if (s > 0 && prepass) prepass->select_sample(s);
    const uint64_t max_steps = prepass ? steps_bound(*prepass, options) : 0;
    BinningStats st;
    per_sample.push_back(bin_events_bounded(*reader, options, expected, &st, max_steps));
    total.events_read += st.events_read;
    total.events_binned += st.events_binned;
    total.events_outside += st.events_outside;
    total.events_late += st.events_late;
  }
  if (stats_out) *stats_out = total;
  if (per_sample.size() == 1) return std::move(per_sample[0]);
  uint32_t T = 0;
  for (const auto& f : per_sample) T = std::max(T, f.timesteps);
  if (n == 0) return Frames{};
  check_frames_memory(path, n, T, per_sample[0].frame_size());
  Frames out = Frames::zeros(n, T, per_sample[0].frame_shape);
  const size_t frame = out.frame_size();
  for (uint32_t s = 0; s < n; ++s)
    std::copy(per_sample[s].values.begin(), per_sample[s].values.end(),
              out.values.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(s) * T * frame));
  return out;
}

Frames load_input_frames(const std::string& path, const std::vector<uint32_t>& model_input_shape,
                         const BinningOptions& binning, BinningStats* stats) {
  const std::string format = sniff_event_format(path);
  if (!format.empty()) return bin_event_file(path, binning, model_input_shape, format, stats);
  std::ifstream in(path, std::ios::binary);
  char magic[6] = {};
  in.read(magic, 6);
  if (in && std::memcmp(magic, "\x93NUMPY", 6) == 0)
    return load_tensor_input(path, model_input_shape);
  throw InputError(fmt::format(
      "{}: byte 0: not an input this tool reads (expected an NPY tensor [T, ...] or [N, T, ...], "
      "or an event file: AEDAT 2/3/4, Prophesee EVT 2/3 or DAT, N-MNIST .bin, CSV t,x,y,p, NPY "
      "records, SHD/SSC HDF5)",
      path));
}

}  // namespace workloads
