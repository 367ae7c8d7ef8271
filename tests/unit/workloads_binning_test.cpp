// Binning events into frames and the tensor encoders.
#include <catch2/catch.hpp>

#include <numeric>

#include "workloads/binning.h"
#include "workloads/encoders.h"
#include "workloads/error.h"
#include "workloads/npy.h"
#include "workloads_test_util.h"

using namespace workloads;

namespace {

// An in-memory reader, for exact binning tests.
class VectorReader : public EventReader {
 public:
  VectorReader(std::vector<Event> ev, uint32_t w, uint32_t h) : ev_(std::move(ev)) {
    info_.path = "memory";
    info_.format = "csv";
    info_.width = w;
    info_.height = h;
  }
  size_t read(std::span<Event> out) override {
    size_t n = std::min(out.size(), ev_.size() - next_);
    std::copy_n(ev_.begin() + static_cast<long>(next_), n, out.begin());
    next_ += n;
    return n;
  }

 private:
  std::vector<Event> ev_;
  size_t next_ = 0;
};

float at(const Frames& f, uint32_t t, uint32_t c, uint32_t y, uint32_t x) {
  const uint32_t H = f.frame_shape[1], W = f.frame_shape[2];
  return f.frame(0, t)[(c * H + y) * W + x];
}

float total(const Frames& f) {
  return std::accumulate(f.values.begin(), f.values.end(), 0.0f);
}

}  // namespace

TEST_CASE("workloads binning: time windows, polarity channels, T from the recording",
          "[workloads][binning]") {
  VectorReader r(
      {{100, 0, 0, 1}, {150, 0, 0, 1}, {1099, 3, 2, 0}, {1100, 1, 1, 1}, {3050, 3, 3, 0}}, 4, 4);
  BinningOptions o;
  o.window_us = 1000;
  BinningStats st;
  Frames f = bin_events(r, o, {2, 4, 4}, &st);
  CHECK(f.timesteps == 3);  // t0 = 100: [100,1100) [1100,2100) [2100,3100)
  CHECK(f.frame_shape == std::vector<uint32_t>{2, 4, 4});
  CHECK(at(f, 0, 1, 0, 0) == 2.0f);
  CHECK(at(f, 0, 0, 2, 3) == 1.0f);
  CHECK(at(f, 1, 1, 1, 1) == 1.0f);
  CHECK(at(f, 2, 0, 3, 3) == 1.0f);
  CHECK(total(f) == 5.0f);
  CHECK(st.events_binned == 5);
}

TEST_CASE("workloads binning: fixed T drops late events and pads", "[workloads][binning]") {
  std::vector<Event> ev = {{0, 0, 0, 1}, {2500, 1, 0, 1}};
  VectorReader r(ev, 2, 1);
  BinningOptions o;
  o.window_us = 1000;
  o.timesteps = 2;
  o.merge_polarity = true;
  BinningStats st;
  Frames f = bin_events(r, o, {}, &st);
  CHECK(f.timesteps == 2);
  CHECK(total(f) == 1.0f);
  CHECK(st.events_late == 1);

  VectorReader r2(ev, 2, 1);
  o.timesteps = 5;
  Frames g = bin_events(r2, o, {});
  CHECK(g.timesteps == 5);
  CHECK(g.frame(0, 2)[1] == 1.0f);
  CHECK(g.frame(0, 4)[0] == 0.0f);
}

TEST_CASE("workloads binning: event count per step", "[workloads][binning]") {
  std::vector<Event> ev;
  for (int i = 0; i < 7; ++i) ev.push_back({i * 10, static_cast<uint16_t>(i % 2), 0, 0});
  VectorReader r(ev, 2, 1);
  BinningOptions o;
  o.mode = BinningOptions::Mode::kEventCount;
  o.events_per_step = 3;
  o.merge_polarity = true;
  Frames f = bin_events(r, o, {1, 1, 2});
  CHECK(f.timesteps == 3);  // 3 + 3 + 1
  CHECK(f.frame(0, 0)[0] == 2.0f);
  CHECK(f.frame(0, 0)[1] == 1.0f);
  CHECK(f.frame(0, 2)[0] == 1.0f);
}

TEST_CASE("workloads binning: crop, down-sampling, clipping and binarising",
          "[workloads][binning]") {
  std::vector<Event> ev = {{0, 2, 2, 1}, {1, 3, 3, 1}, {2, 3, 2, 1}, {3, 0, 0, 1}, {4, 5, 5, 0}};
  BinningOptions o;
  o.window_us = 1000;
  o.merge_polarity = true;
  o.crop_x = o.crop_y = 2;
  o.crop_width = o.crop_height = 4;
  o.downsample = 2;
  VectorReader r(ev, 8, 8);
  BinningStats st;
  Frames f = bin_events(r, o, {1, 2, 2}, &st);
  CHECK(st.events_outside == 1);    // (0, 0)
  CHECK(f.frame(0, 0)[0] == 3.0f);  // (2,2) (3,3) (3,2) pool into one pixel
  CHECK(f.frame(0, 0)[3] == 1.0f);  // (5,5)
  o.max_count = 2;
  VectorReader r2(ev, 8, 8);
  CHECK(bin_events(r2, o, {}).frame(0, 0)[0] == 2.0f);
  o.max_count = 0;
  o.binarize = true;
  VectorReader r3(ev, 8, 8);
  Frames b = bin_events(r3, o, {});
  CHECK(b.frame(0, 0)[0] == 1.0f);
  CHECK(total(b) == 2.0f);
}

TEST_CASE("workloads binning: shape mismatch names both shapes", "[workloads][binning]") {
  VectorReader r({{0, 0, 0, 1}}, 34, 34);
  BinningOptions o;
  CHECK_THROWS_WITH(bin_events(r, o, {2, 32, 32}),
                    Catch::Contains("[2, 34, 34]") && Catch::Contains("[2, 32, 32]"));
  VectorReader r2({{0, 0, 0, 1}}, 34, 34);
  CHECK(bin_events(r2, o, {2312}).frame_shape == std::vector<uint32_t>{2312});  // flattened
  VectorReader r3({{0, 5, 0, 1}}, 0, 0);  // sensor unknown: taken from the model's shape
  o.merge_polarity = true;
  Frames f = bin_events(r3, o, {700});
  CHECK(f.frame_size() == 700);
  CHECK(f.frame(0, 0)[5] == 1.0f);
}

TEST_CASE("workloads binning: N-MNIST sample into the CNN's 2x34x34 input",
          "[workloads][binning]") {
  const std::string path = workloads_test::shared_event_file("tonic/sample_nmnist.bin");
  if (path.empty()) {
    WARN("shared data absent, skipping");
    return;
  }
  BinningOptions o;
  o.window_us = 10000;
  o.timesteps = 20;
  BinningStats st;
  Frames f = bin_event_file(path, o, {2, 34, 34}, "", &st);
  CHECK(f.samples == 1);
  CHECK(f.timesteps == 20);
  CHECK(st.events_read == 4325);
  // 4325 events from t = 654 to 311175 µs: 200 ms windows keep those before 200654 µs.
  CHECK(st.events_binned + st.events_late == 4325);
  CHECK(total(f) == static_cast<float>(st.events_binned));
  CHECK(st.events_binned > 1000);

  o.timesteps = 0;
  Frames all = bin_event_file(path, o, {2, 34, 34});
  CHECK(all.timesteps == 32);  // (311175 - 654) / 10000 + 1
  CHECK(total(all) == 4325.0f);
}

TEST_CASE("workloads binning: every SHD sample becomes one sample", "[workloads][binning]") {
  std::vector<SpikeSample> samples = {{{0.0f, 0.0015f}, {1, 2}, 0}, {{0.0045f}, {3}, 1}};
  auto path = (workloads_test::temp_dir("shd_bin") / "s.h5").string();
  write_spike_hdf5(path, samples);
  BinningOptions o;
  o.window_us = 1000;
  o.merge_polarity = true;
  o.t_start_us = 0;
  o.sensor_width = 4;
  o.sensor_height = 1;
  Frames f = bin_event_file(path, o, {4});
  CHECK(f.samples == 2);
  CHECK(f.timesteps == 5);  // the longest sample: 4.5 ms from 0
  CHECK(f.frame(0, 0)[1] == 1.0f);
  CHECK(f.frame(0, 1)[2] == 1.0f);
  CHECK(f.frame(1, 4)[3] == 1.0f);
  CHECK(total(f) == 3.0f);
}

namespace {
Frames static_input(std::vector<float> v, std::vector<uint32_t> shape, uint32_t samples = 1) {
  Frames f;
  f.samples = samples;
  f.timesteps = 1;
  f.frame_shape = std::move(shape);
  f.values = std::move(v);
  return f;
}
}  // namespace

TEST_CASE("workloads encoders: rate coding is seeded and follows the rate",
          "[workloads][encoders]") {
  Frames in = static_input({0.0f, 0.25f, 1.0f, 2.0f}, {4});
  Frames a = encode_rate(in, 2000, 42);
  Frames b = encode_rate(in, 2000, 42);
  Frames c = encode_rate(in, 2000, 43);
  CHECK(a.values == b.values);
  CHECK(a.values != c.values);
  std::array<float, 4> sum{};
  for (uint32_t t = 0; t < 2000; ++t)
    for (int i = 0; i < 4; ++i) sum[i] += a.frame(0, t)[i];
  CHECK(sum[0] == 0.0f);
  CHECK(sum[1] / 2000 == Approx(0.25).margin(0.04));
  CHECK(sum[2] == 2000.0f);
  CHECK(sum[3] == 2000.0f);  // clamped to probability 1

  Frames p = encode_rate(static_input({3.0f}, {1}), 4000, 7, 1.0f, RateMode::kPoisson);
  CHECK(total(p) / 4000 == Approx(3.0).margin(0.15));
}

TEST_CASE("workloads encoders: direct, latency and delta", "[workloads][encoders]") {
  Frames in = static_input({0.5f, 1.0f, 0.0f, 0.005f}, {2, 2});
  Frames d = encode_direct(in, 3);
  CHECK(d.timesteps == 3);
  CHECK(std::vector<float>(d.frame(0, 2).begin(), d.frame(0, 2).end()) == in.values);

  Frames l = encode_latency(in, 11);
  CHECK(l.frame(0, 5)[0] == 1.0f);  // 0.5 -> step 5
  CHECK(l.frame(0, 0)[1] == 1.0f);  // 1.0 -> step 0
  CHECK(total(l) == 2.0f);          // 0 and 0.005 (< threshold) never spike

  Frames seq;
  seq.samples = 1;
  seq.timesteps = 3;
  seq.frame_shape = {2};
  seq.values = {0.5f, 0.0f, 0.5f, 1.0f, 0.1f, 1.0f};
  Frames delta = encode_delta(seq, 0.3f);
  CHECK(delta.frame_shape == std::vector<uint32_t>{2, 2});
  // step 0 from zero: x0 = +0.5 -> ON; step 1: x1 +1.0 -> ON; step 2: x0 -0.4 -> OFF.
  CHECK(std::vector<float>(delta.frame(0, 0).begin(), delta.frame(0, 0).end()) ==
        std::vector<float>{0, 0, 1, 0});
  CHECK(std::vector<float>(delta.frame(0, 1).begin(), delta.frame(0, 1).end()) ==
        std::vector<float>{0, 0, 0, 1});
  CHECK(std::vector<float>(delta.frame(0, 2).begin(), delta.frame(0, 2).end()) ==
        std::vector<float>{1, 0, 0, 0});
  Frames signed_delta = encode_delta(seq, 0.3f, false, false);
  CHECK(signed_delta.frame(0, 0)[0] == 0.0f);
  CHECK(signed_delta.frame(0, 2)[0] == -1.0f);
  CHECK_THROWS_AS(encode_rate(seq, 2, 1), std::invalid_argument);
}

TEST_CASE("workloads encoders: point cloud spike voxels", "[workloads][encoders]") {
  std::vector<float> pts = {0, 0, 0, 1, 1, 1, 0.1f, 0.1f, 0.1f, 0.6f, 0.2f, 0.9f};
  VoxelOptions o;
  o.grid = {2, 2, 2};
  SpikeVoxels v = voxelize_points(pts, o);
  // (0,0,0) and (0.1,...) share voxel (0,0,0); (1,1,1) -> (1,1,1); (0.6,0.2,0.9) -> (1,0,1).
  REQUIRE(v.voxels.size() == 3);
  CHECK(v.voxels[0] == std::array<uint32_t, 3>{0, 0, 0});
  CHECK(v.voxels[1] == std::array<uint32_t, 3>{1, 0, 1});
  CHECK(v.voxels[2] == std::array<uint32_t, 3>{1, 1, 1});
  Frames f = voxels_to_frames(v, 2);
  CHECK(f.frame_shape == std::vector<uint32_t>{1, 2, 2, 2});
  CHECK(total(f) == 6.0f);
  CHECK(f.frame(0, 1)[5] == 1.0f);  // (1,0,1)
  o.fixed_bounds = true;
  o.lo = {0, 0, 0};
  o.hi = {0.5f, 0.5f, 0.5f};
  CHECK(voxelize_points(pts, o).points_dropped == 2);
}

TEST_CASE("workloads binning: load_input_frames takes tensors and event files",
          "[workloads][binning]") {
  auto dir = workloads_test::temp_dir("any_input");
  std::vector<float> v(3 * 4, 1.0f);
  auto tensor = (dir / "t.npy").string();
  write_npy(tensor, std::span<const float>(v), {3, 4});
  Frames a = load_input_frames(tensor, {4});
  CHECK(a.timesteps == 3);

  auto csv = dir / "e.csv";
  std::ofstream(csv) << "t,x,y,p\n0,1,0,1\n1500,3,0,0\n";
  BinningOptions o;
  o.merge_polarity = true;
  o.sensor_width = 4;
  o.sensor_height = 1;
  BinningStats st;
  Frames b = load_input_frames(csv.string(), {4}, o, &st);
  CHECK(b.timesteps == 2);
  CHECK(b.frame(0, 1)[3] == 1.0f);
  CHECK(st.events_binned == 2);

  auto junk = workloads_test::write_bytes(dir / "junk.bin2", {'x'});
  CHECK_THROWS_WITH(load_input_frames(junk, {4}), Catch::Contains("not an input"));
}
