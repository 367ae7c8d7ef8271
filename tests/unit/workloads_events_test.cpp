// Event readers: every shared recording reads with the count its README gives; formats without
// shared files (AEDAT 3.1, SHD/SSC HDF5, CSV, NPY records) are tested on files written here;
// truncated and corrupt copies give located errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "workloads/error.h"
#include "workloads/events.h"
#include "workloads/npy.h"
#include "workloads_test_util.h"

namespace fs = std::filesystem;
using namespace workloads;
using workloads_test::read_bytes;
using workloads_test::shared_event_file;
using workloads_test::write_bytes;

namespace {

struct SharedCase {
  const char* file;
  const char* format;
  size_t events;
  uint32_t width, height;
};

// Counts from /work/shared/data/README.md; sensor sizes from the file headers (0 = not given).
const SharedCase kShared[] = {
    {"tonic/sample.aedat4", "aedat4", 111954, 320, 240},
    {"tonic/sample_aedat_header.aedat", "aedat2", 0, 346, 260},
    {"tonic/sample_nmnist.bin", "nmnist", 4325, 34, 34},
    {"tonic/sample_ncars.dat", "dat", 2009, 0, 0},
    {"expelliarmus/evt2_sample.raw", "evt2", 539481, 640, 480},
    {"expelliarmus/evt3_pedestrians_small.raw", "evt3", 5000, 1280, 720},
    {"expelliarmus/evt3_sample.raw", "evt3", 219596, 1280, 720},
    {"expelliarmus/dat_ncars_sample.dat", "dat", 4407, 0, 0},
    {"dvs128_aedat2/alex_walking_again.aedat", "aedat2", 19182, 128, 128},
    {"dvs128_aedat2/neal_walking.aedat", "aedat2", 70304, 128, 128},
};

bool equal_events(const Event& a, const Event& b) {
  return a.t_us == b.t_us && a.x == b.x && a.y == b.y && a.p == b.p;
}

}  // namespace

TEST_CASE("workloads events: every shared recording reads with its README count",
          "[workloads][events]") {
  for (const auto& c : kShared) {
    const std::string path = shared_event_file(c.file);
    if (path.empty()) {
      WARN("shared data absent, skipping " << c.file);
      continue;
    }
    INFO(c.file);
    CHECK(sniff_event_format(path) == c.format);
    auto reader = open_events(path);
    CHECK(reader->info().format == c.format);
    CHECK(reader->info().width == c.width);
    CHECK(reader->info().height == c.height);
    auto events = read_all(*reader);
    CHECK(events.size() == c.events);
    CHECK(reader->read(std::span<Event>(events.data(), std::min<size_t>(1, events.size()))) == 0);
    size_t on = 0;
    bool in_bounds = true, monotonic = true;
    for (size_t i = 0; i < events.size(); ++i) {
      on += events[i].p;
      if (c.width && (events[i].x >= c.width || events[i].y >= c.height)) in_bounds = false;
      if (i && events[i].t_us < events[i - 1].t_us) monotonic = false;
    }
    CHECK(in_bounds);
    CHECK(monotonic);
    if (c.events) CHECK((on > 0 && on < events.size()));  // both polarities occur
  }
}

TEST_CASE("workloads events: durations match the README", "[workloads][events]") {
  struct D {
    const char* file;
    double seconds, tolerance;
  };
  for (const D& d : {D{"tonic/sample.aedat4", 0.59, 0.01},
                     D{"dvs128_aedat2/alex_walking_again.aedat", 6.9, 0.05},
                     D{"expelliarmus/evt2_sample.raw", 0.05, 0.001}}) {
    const std::string path = shared_event_file(d.file);
    if (path.empty()) {
      WARN("shared data absent, skipping " << d.file);
      continue;
    }
    auto r = open_events(path);
    auto ev = read_all(*r);
    REQUIRE(!ev.empty());
    CHECK(std::abs((ev.back().t_us - ev.front().t_us) * 1e-6 - d.seconds) < d.tolerance);
  }
}

TEST_CASE("workloads events: DAT matches the expelliarmus decode field for field",
          "[workloads][events]") {
  const std::string dat = shared_event_file("expelliarmus/dat_ncars_sample.dat");
  const std::string npy = shared_event_file("expelliarmus/dat_ncars_sample.npy");
  if (dat.empty() || npy.empty()) {
    WARN("shared data absent, skipping");
    return;
  }
  CHECK(sniff_event_format(npy) == "npy");
  auto a = read_all(*open_events(dat));
  auto b = read_all(*open_events(npy));
  REQUIRE(a.size() == b.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < a.size(); ++i) mismatches += !equal_events(a[i], b[i]);
  CHECK(mismatches == 0);
}

TEST_CASE("workloads events: EVT 3.0 matches the expelliarmus decode (x, y, p exact)",
          "[workloads][events]") {
  const std::string raw = shared_event_file("expelliarmus/evt3_pedestrians_small.raw");
  const std::string npy = shared_event_file("expelliarmus/evt3_pedestrians_small.npy");
  if (raw.empty() || npy.empty()) {
    WARN("shared data absent, skipping");
    return;
  }
  auto ours = read_all(*open_events(raw));
  auto theirs = read_all(*open_events(npy));
  REQUIRE(ours.size() == theirs.size());
  size_t xyp = 0, bad_t = 0;
  int64_t last_gap = 0;
  for (size_t i = 0; i < ours.size(); ++i) {
    xyp += ours[i].x != theirs[i].x || ours[i].y != theirs[i].y || ours[i].p != theirs[i].p;
    // Their decoder adds 4096 µs at every time-high step from event 46 on; ours does not.
    const int64_t gap = theirs[i].t_us - ours[i].t_us;
    if (gap % 4096 != 0 || gap < last_gap || (i < 46 && gap != 0)) ++bad_t;
    last_gap = gap;
  }
  CHECK(xyp == 0);
  CHECK(bad_t == 0);
  CHECK(theirs[46].t_us - ours[46].t_us == 4096);
}

TEST_CASE("workloads events: batch size does not change the stream", "[workloads][events]") {
  for (const char* file : {"expelliarmus/evt3_sample.raw", "tonic/sample.aedat4",
                           "dvs128_aedat2/alex_walking_again.aedat"}) {
    const std::string path = shared_event_file(file);
    if (path.empty()) {
      WARN("shared data absent, skipping " << file);
      continue;
    }
    INFO(file);
    auto whole = read_all(*open_events(path));
    auto r = open_events(path);
    std::vector<Event> small(5), pieces;
    while (size_t n = r->read(small)) pieces.insert(pieces.end(), small.begin(), small.begin() + n);
    REQUIRE(pieces.size() == whole.size());
    CHECK(std::equal(whole.begin(), whole.end(), pieces.begin(), equal_events));
  }
}

TEST_CASE("workloads events: formats sharing an extension are told apart by header",
          "[workloads][events]") {
  const std::string evt2 = shared_event_file("expelliarmus/evt2_sample.raw");
  const std::string aedat4 = shared_event_file("tonic/sample.aedat4");
  if (evt2.empty() || aedat4.empty()) {
    WARN("shared data absent, skipping");
    return;
  }
  auto dir = workloads_test::temp_dir("sniff");
  auto evt2_as_dat = write_bytes(dir / "cam.dat", read_bytes(evt2));
  auto aedat4_as_aedat = write_bytes(dir / "cam.aedat", read_bytes(aedat4));
  CHECK(sniff_event_format(evt2_as_dat) == "evt2");
  CHECK(sniff_event_format(aedat4_as_aedat) == "aedat4");
  auto unknown = write_bytes(dir / "x.xyz", {'h', 'e', 'l', 'l', 'o'});
  CHECK(sniff_event_format(unknown).empty());
  CHECK_THROWS_WITH(open_events(unknown), Catch::Contains("not an event file"));
}

TEST_CASE("workloads events: truncated copies give a located error", "[workloads][events]") {
  struct T {
    const char* file;
    long cut;  // bytes removed from the end (AEDAT 4: past its 4010-byte index, into a packet)
  };
  auto dir = workloads_test::temp_dir("trunc");
  for (const T& t : {T{"tonic/sample.aedat4", 5000}, T{"expelliarmus/evt2_sample.raw", 3},
                     T{"expelliarmus/evt3_sample.raw", 1}, T{"tonic/sample_ncars.dat", 5},
                     T{"tonic/sample_nmnist.bin", 2}, T{"dvs128_aedat2/neal_walking.aedat", 4},
                     T{"expelliarmus/dat_ncars_sample.npy", 7}}) {
    const std::string path = shared_event_file(t.file);
    if (path.empty()) {
      WARN("shared data absent, skipping " << t.file);
      continue;
    }
    INFO(t.file);
    auto bytes = read_bytes(path);
    bytes.resize(bytes.size() - static_cast<size_t>(t.cut));
    auto copy = write_bytes(dir / fs::path(t.file).filename(), bytes);
    try {
      auto r = open_events(copy);
      read_all(*r);
      FAIL("no error for a truncated file");
    } catch (const InputError& e) {
      const std::string msg = e.what();
      CHECK_THAT(msg,
                 Catch::Contains(copy) && Catch::Contains("byte") && Catch::Contains("truncated"));
    }
  }
}

TEST_CASE("workloads events: a corrupt AEDAT 4 packet gives a located error",
          "[workloads][events]") {
  const std::string path = shared_event_file("tonic/sample.aedat4");
  if (path.empty()) {
    WARN("shared data absent, skipping");
    return;
  }
  auto bytes = read_bytes(path);
  // The first packet starts at 2334 (after the 2316-byte IOHeader); its LZ4 magic follows the
  // 8-byte packet header.
  REQUIRE(bytes.size() > 2400);
  REQUIRE(std::memcmp(bytes.data() + 2342, "\x04\x22\x4d\x18", 4) == 0);
  bytes[2342] = 0;
  auto copy = write_bytes(workloads_test::temp_dir("corrupt") / "bad.aedat4", bytes);
  auto r = open_events(copy);
  CHECK_THROWS_WITH(read_all(*r), Catch::Contains("byte 2334") && Catch::Contains("LZ4"));
}

TEST_CASE("workloads events: AEDAT 3.1 round trip, other packets skipped", "[workloads][events]") {
  std::vector<Event> ev;
  for (int i = 0; i < 1000; ++i)
    ev.push_back(Event{int64_t{100} * i, static_cast<uint16_t>(i % 128),
                       static_cast<uint16_t>((i * 7) % 128), static_cast<uint8_t>(i % 3 == 0)});
  auto dir = workloads_test::temp_dir("aedat3");
  auto path = (dir / "g.aedat").string();
  write_aedat3(path, ev, 128, 128, 300);
  CHECK(sniff_event_format(path) == "aedat3");
  auto r = open_events(path);
  CHECK(r->info().width == 128);
  CHECK(r->info().sensor == "DVS128");
  auto back = read_all(*r);
  REQUIRE(back.size() == ev.size());
  CHECK(std::equal(ev.begin(), ev.end(), back.begin(), equal_events));

  // Insert a one-event IMU packet (type 3, 36-byte events) after the header and invalidate the
  // first polarity event: both must be skipped.
  auto bytes = read_bytes(path);
  const std::string end = "#!END-HEADER\r\n";
  auto it = std::search(bytes.begin(), bytes.end(), end.begin(), end.end());
  const size_t data_at = static_cast<size_t>(it - bytes.begin()) + end.size();
  std::vector<char> imu(28 + 36, 0);
  imu[0] = 3;
  imu[4] = 36;
  imu[20] = 1;
  bytes[data_at + 28] &= ~1;  // valid bit of the first polarity event
  bytes.insert(bytes.begin() + static_cast<long>(data_at), imu.begin(), imu.end());
  auto edited = write_bytes(dir / "edited.aedat", bytes);
  auto back2 = read_all(*open_events(edited));
  REQUIRE(back2.size() == ev.size() - 1);
  CHECK(equal_events(back2[0], ev[1]));

  bytes.resize(bytes.size() - 3);
  auto cut = write_bytes(dir / "cut.aedat", bytes);
  auto r3 = open_events(cut);
  CHECK_THROWS_WITH(read_all(*r3), Catch::Contains("byte") && Catch::Contains("packet"));
}

TEST_CASE("workloads events: SHD/SSC HDF5 samples read separately", "[workloads][events]") {
  std::vector<SpikeSample> samples = {
      {{0.001f, 0.0025f, 0.5f}, {3, 699, 0}, 7},
      {{}, {}, 2},
      {{0.25f}, {42}, 19},
  };
  auto path = (workloads_test::temp_dir("shd") / "shd_subset.h5").string();
  write_spike_hdf5(path, samples);
  CHECK(sniff_event_format(path) == "hdf5");
  auto r0 = open_events(path);
  CHECK(r0->info().samples == 3);
  CHECK(r0->info().labels == std::vector<int64_t>{7, 2, 19});
  auto e0 = read_all(*r0);
  REQUIRE(e0.size() == 3);
  CHECK(equal_events(e0[0], Event{1000, 3, 0, 0}));
  CHECK(equal_events(e0[1], Event{2500, 699, 0, 0}));
  CHECK(equal_events(e0[2], Event{500000, 0, 0, 0}));
  CHECK(read_all(*open_events(path, {"", 1})).empty());
  auto e2 = read_all(*open_events(path, {"", 2}));
  REQUIRE(e2.size() == 1);
  CHECK(equal_events(e2[0], Event{250000, 42, 0, 0}));
  CHECK_THROWS_WITH(open_events(path, {"", 3}), Catch::Contains("3 samples"));
  r0->select_sample(2);  // the same reader moves to another sample
  auto again = read_all(*r0);
  REQUIRE(again.size() == 1);
  CHECK(equal_events(again[0], Event{250000, 42, 0, 0}));
  CHECK_THROWS_AS(r0->select_sample(3), InputError);
  CHECK_THROWS_AS(open_events(path, {"aedat2", 0}), InputError);
}

TEST_CASE("workloads events: CSV with and without a header", "[workloads][events]") {
  auto dir = workloads_test::temp_dir("csv");
  auto plain = dir / "plain.csv";
  std::ofstream(plain) << "10,1,2,1\n# comment\n\n20,3,4,0\n30.4,5,6,-1\n";
  auto e = read_all(*open_events(plain.string()));
  REQUIRE(e.size() == 3);
  CHECK(equal_events(e[0], Event{10, 1, 2, 1}));
  CHECK(equal_events(e[2], Event{30, 5, 6, 0}));

  auto named = dir / "named.csv";
  std::ofstream(named) << "x,y,polarity,timestamp\r\n7,8,1,1000\r\n";
  auto f = read_all(*open_events(named.string()));
  REQUIRE(f.size() == 1);
  CHECK(equal_events(f[0], Event{1000, 7, 8, 1}));

  auto bad = dir / "bad.csv";
  std::ofstream(bad) << "t,x,y,p\n1,2,3,1\n2,2,oops,1\n";
  CHECK_THROWS_WITH(read_all(*open_events(bad.string())),
                    Catch::Contains("bad.csv:3:3") && Catch::Contains("oops"));
}

TEST_CASE("workloads events: NPY records in tonic's layout", "[workloads][events]") {
  // tonic: dtype [('x', '<i8'), ('y', '<i8'), ('t', '<i8'), ('p', '<i8')] (np.int fields).
  std::vector<int64_t> rec = {5, 6, 100, 1, 7, 8, 200, 0};
  auto path = (workloads_test::temp_dir("npyev") / "ev.npy").string();
  write_npy(path, "[('x', '<i8'), ('y', '<i8'), ('t', '<i8'), ('p', '<i8')]", {2},
            {reinterpret_cast<const uint8_t*>(rec.data()), rec.size() * 8});
  auto e = read_all(*open_events(path));
  REQUIRE(e.size() == 2);
  CHECK(equal_events(e[1], Event{200, 7, 8, 0}));

  std::vector<float> tensor(4);
  write_npy(path, std::span<const float>(tensor), {2, 2});
  CHECK(sniff_event_format(path).empty());  // a tensor is not an event list
  CHECK_THROWS_AS(open_events(path, {"npy", 0}), InputError);
}

TEST_CASE("workloads events: AEDAT 2.0 address layouts as jAER decodes them",
          "[workloads][events]") {
  auto dir = workloads_test::temp_dir("aedat2");
  auto record = [](std::vector<char>& b, uint32_t a, uint32_t t) {
    for (uint32_t v : {a, t})
      for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>((v >> s) & 0xff));
  };
  auto header = [](const std::string& chip) {
    std::string h = "#!AER-DAT2.0\r\n# AEChip: " + chip + "\r\n";
    return std::vector<char>(h.begin(), h.end());
  };
  // DVS128: raw x 5, y 9, bit 0 = 0 -> ON; bit 15 marks a sync event (skipped).
  auto dvs = header("ch.unizh.ini.jaer.chip.retina.DVS128");
  record(dvs, (9u << 8) | (5u << 1), 100);
  record(dvs, (9u << 8) | (5u << 1) | 1u, 200);
  record(dvs, 0x8000u, 300);
  auto e = read_all(*open_events(write_bytes(dir / "dvs.aedat", dvs)));
  REQUIRE(e.size() == 2);
  CHECK(equal_events(e[0], Event{100, 122, 9, 1}));
  CHECK(equal_events(e[1], Event{200, 122, 9, 0}));

  // DAVIS346: raw x 10, y 20, bit 11 = ON; APS (bit 31) and external (bit 10) skipped.
  auto davis = header("eu.seebetter.ini.chips.davis.Davis346red");
  record(davis, (20u << 22) | (10u << 12) | (1u << 11), 5);
  record(davis, 0x80000000u | (3u << 12), 6);
  record(davis, 1u << 10, 7);
  record(davis, (20u << 22) | (10u << 12), 8);
  auto d = read_all(*open_events(write_bytes(dir / "davis.aedat", davis)));
  REQUIRE(d.size() == 2);
  CHECK(equal_events(d[0], Event{5, 335, 20, 1}));
  CHECK(equal_events(d[1], Event{8, 335, 20, 0}));
}

TEST_CASE("workloads events: AEDAT 4 round trip with Zstd, LZ4 and no compression",
          "[workloads][events]") {
  std::vector<Event> ev;
  for (int i = 0; i < 3000; ++i)
    ev.push_back(Event{1'600'000'000'000'000 + 7 * i, static_cast<uint16_t>(i % 320),
                       static_cast<uint16_t>((i * 13) % 240), static_cast<uint8_t>(i % 2)});
  auto dir = workloads_test::temp_dir("aedat4");
  for (auto c : {Aedat4Compression::kZstd, Aedat4Compression::kLz4, Aedat4Compression::kNone}) {
    INFO(static_cast<int>(c));
    auto path = (dir / "rt.aedat4").string();
    write_aedat4(path, ev, 320, 240, c, 1000);
    CHECK(sniff_event_format(path) == "aedat4");
    auto r = open_events(path);
    CHECK(r->info().width == 320);
    CHECK(r->info().height == 240);
    auto back = read_all(*r);
    REQUIRE(back.size() == ev.size());
    CHECK(std::equal(ev.begin(), ev.end(), back.begin(), equal_events));
  }
  // A corrupt Zstd packet: the frame magic of the first packet (after its 8-byte header).
  auto path = (dir / "bad.aedat4").string();
  write_aedat4(path, ev, 320, 240, Aedat4Compression::kZstd, 1000);
  auto bytes = read_bytes(path);
  const char magic[4] = {0x28, static_cast<char>(0xb5), 0x2f, static_cast<char>(0xfd)};
  auto it = std::search(bytes.begin(), bytes.end(), magic, magic + 4);
  REQUIRE(it != bytes.end());
  *it = 0;
  auto bad = write_bytes(dir / "bad2.aedat4", bytes);
  auto r = open_events(bad);
  CHECK_THROWS_WITH(read_all(*r), Catch::Contains("Zstd") && Catch::Contains("packet 0"));
}
