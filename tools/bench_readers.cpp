// Reader throughput benchmark (not a test): events per second for each event format, read in
// 64 Ki-event batches from files in the page cache (decode cost, not disk speed).
//   bench_readers [DATA_DIR] [--seconds S]
// DATA_DIR defaults to ../shared/data/events beside the checkout. Formats without a shared file
// (AEDAT 3.1, CSV, NPY records, SHD HDF5) are benchmarked on files written from the EVT 2.0
// sample's events in a temporary folder.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "workloads/events.h"
#include "workloads/npy.h"

namespace fs = std::filesystem;
using workloads::Event;

namespace {

struct Result {
  size_t events = 0;
  double seconds = 0;
  uint64_t bytes = 0;
};

// Reads the whole file repeatedly until `min_seconds` have passed.
Result measure(const std::string& path, double min_seconds, uint32_t samples = 1) {
  std::vector<Event> batch(65536);
  Result r;
  const auto start = std::chrono::steady_clock::now();
  do {
    for (uint32_t s = 0; s < samples; ++s) {
      auto reader = workloads::open_events(path, {"", s});
      while (size_t n = reader->read(batch)) r.events += n;
    }
    r.bytes += fs::file_size(path);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (r.seconds < min_seconds);
  return r;
}

void print(const std::string& format, const std::string& file, const Result& r) {
  fmt::print("{:<8} {:<42} {:>8.1f} M events/s {:>8.1f} MB/s\n", format, file,
             r.events / r.seconds / 1e6, r.bytes / r.seconds / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = fs::path(SPIKECHIP_SOURCE_DIR) / ".." / "shared" / "data" / "events";
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
      seconds = std::stod(argv[++i]);
    else
      dir = argv[i];
  }
  if (!fs::exists(dir)) {
    fmt::print(stderr, "bench_readers: {} not found (pass the events folder)\n", dir.string());
    return 2;
  }
  fmt::print("format   file                                       throughput\n");
  const char* files[] = {"tonic/sample.aedat4",
                         "dvs128_aedat2/neal_walking.aedat",
                         "expelliarmus/evt2_sample.raw",
                         "expelliarmus/evt3_sample.raw",
                         "expelliarmus/dat_ncars_sample.dat",
                         "tonic/sample_nmnist.bin"};
  for (const char* f : files) {
    const std::string path = (dir / f).string();
    if (!fs::exists(path)) continue;
    print(workloads::sniff_event_format(path), f, measure(path, seconds));
  }

  // Written formats, from the EVT 2.0 sample (539,481 events).
  const std::string evt2 = (dir / "expelliarmus/evt2_sample.raw").string();
  if (!fs::exists(evt2)) return 0;
  auto reader = workloads::open_events(evt2);
  std::vector<Event> ev = workloads::read_all(*reader);
  const int64_t t0 = ev.front().t_us;
  for (auto& e : ev) e.t_us -= t0;  // AEDAT 3.1 packets must not span a 2^31 µs overflow
  const fs::path tmp = fs::temp_directory_path() / ("bench_readers_" + std::to_string(::getpid()));
  fs::create_directories(tmp);

  const std::string aedat3 = (tmp / "evt2_events.aedat").string();
  workloads::write_aedat3(aedat3, ev, 640, 480);
  print("aedat3", "(written) evt2_events.aedat", measure(aedat3, seconds));

  const std::string csv = (tmp / "evt2_events.csv").string();
  {
    std::ofstream out(csv);
    out << "t,x,y,p\n";
    for (const auto& e : ev) out << e.t_us << ',' << e.x << ',' << e.y << ',' << int(e.p) << '\n';
  }
  print("csv", "(written) evt2_events.csv", measure(csv, seconds));

  const std::string npy = (tmp / "evt2_events.npy").string();
  {
    // tonic's layout: x, y, t, p as int64 fields.
    std::vector<int64_t> rec;
    for (const auto& e : ev) rec.insert(rec.end(), {e.x, e.y, e.t_us, e.p});
    workloads::write_npy(npy, "[('x', '<i8'), ('y', '<i8'), ('t', '<i8'), ('p', '<i8')]",
                         {ev.size()},
                         {reinterpret_cast<const uint8_t*>(rec.data()), rec.size() * 8});
  }
  print("npy", "(written) evt2_events.npy", measure(npy, seconds));

  const std::string h5 = (tmp / "evt2_units.h5").string();
  {
    // 100 samples of ~5,400 spikes, units = x (SHD has 700 units).
    std::vector<workloads::SpikeSample> samples(100);
    for (size_t i = 0; i < ev.size(); ++i) {
      auto& s = samples[i * samples.size() / ev.size()];
      s.times_s.push_back(static_cast<float>(ev[i].t_us * 1e-6));
      s.units.push_back(ev[i].x);
    }
    workloads::write_spike_hdf5(h5, samples);
  }
  print("hdf5", "(written) evt2_units.h5, 100 samples", measure(h5, seconds, 100));
  fs::remove_all(tmp);
  return 0;
}
