// libFuzzer target: arbitrary bytes as an event file. The first byte picks the file name's
// extension (some formats are recognised by extension), the rest is the content; the file is
// sniffed, opened and read to the end in small batches, then binned by event count. Bad input
// must end in workloads::InputError; anything else (crash, other exception) is a bug.
// SHD/SSC HDF5 inputs are skipped: they would fuzz the HDF5 library, not our reader.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "isa/error.h"
#include "workloads/binning.h"
#include "workloads/error.h"
#include "workloads/events.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kExtensions[] = {".aedat", ".raw", ".dat", ".bin", ".csv", ".npy"};
  const std::string path = "/tmp/fuzz_events_" + std::to_string(::getpid()) +
                           kExtensions[data[0] % (sizeof kExtensions / sizeof *kExtensions)];
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data + 1, 1, size - 1, f);
    std::fclose(f);
  } else {
    return 0;
  }
  try {
    const std::string format = workloads::sniff_event_format(path);
    if (!format.empty() && format != "hdf5") {
      auto reader = workloads::open_events(path);
      workloads::Event batch[7];
      while (reader->read(batch) > 0) {
      }
      workloads::BinningOptions o;
      o.mode = workloads::BinningOptions::Mode::kEventCount;
      o.events_per_step = 64;
      o.timesteps = 4;
      o.sensor_width = o.sensor_height = 64;
      auto again = workloads::open_events(path);
      workloads::bin_events(*again, o, {});
    }
  } catch (const workloads::InputError&) {
  } catch (const isa::InputError&) {  // the memory budget's refusals
  }
  std::remove(path.c_str());
  return 0;
}
