// Event streams from event cameras and spike datasets. Each format has a streaming reader that
// fills caller-provided batches, so memory stays bounded on large recordings; open_events()
// picks the reader from the file's header (formats sharing an extension are told apart there).
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace workloads {

// One address event. Polarity: 1 = ON (brightness up), 0 = OFF. For spike datasets (SHD/SSC)
// x is the input unit, y = 0 and p = 0.
struct Event {
  int64_t t_us;  // microseconds from the recording's time origin (as stored, not rebased)
  uint16_t x, y;
  uint8_t p;
};

struct EventInfo {
  std::string path;
  std::string format;              // one of event_formats()
  std::string sensor;              // camera or chip named by the header, "" when unknown
  uint32_t width = 0, height = 0;  // sensor size from the header or the format; 0 = unknown
  uint32_t samples = 1;            // recordings hold one; SHD/SSC files one per label
  std::vector<int64_t> labels;     // SHD/SSC: one label per sample
};

class EventReader {
 public:
  virtual ~EventReader() = default;
  const EventInfo& info() const { return info_; }
  // Fills `out` from the front with the next events; returns how many (0 = end of stream).
  // Throws InputError naming the file and byte offset (or record index) on corrupt data.
  virtual size_t read(std::span<Event> out) = 0;
  // Restarts the stream at sample `sample` of a multi-sample file (SHD/SSC); recordings hold
  // only sample 0. Throws InputError for a sample the file does not hold.
  virtual void select_sample(uint32_t sample);

 protected:
  EventInfo info_;
};

struct OpenOptions {
  std::string format;   // "" = sniff from the header; otherwise one of event_formats()
  uint32_t sample = 0;  // which sample of a multi-sample file (SHD/SSC)
};

// Format names: aedat2, aedat3, aedat4, evt2, evt3, dat, nmnist, csv, npy, hdf5.
const std::vector<std::string>& event_formats();
// The format of an event file from its first bytes (and extension for headerless formats), or
// "" when it is not an event file this library reads.
std::string sniff_event_format(const std::string& path);
std::unique_ptr<EventReader> open_events(const std::string& path, const OpenOptions& options = {});
// Reads everything left in the reader (convenience for tests and small files).
std::vector<Event> read_all(EventReader& reader);

// Writers used by tests, the benchmark and format conversion: atomic (temp + rename).
// SHD/SSC layout: spikes/times (vlen float32, seconds), spikes/units (vlen uint16), labels.
struct SpikeSample {
  std::vector<float> times_s;
  std::vector<uint16_t> units;
  int64_t label = 0;
};
void write_spike_hdf5(const std::string& path, const std::vector<SpikeSample>& samples);
// AEDAT 3.1 with polarity packets (event type 1) of at most `events_per_packet` events.
void write_aedat3(const std::string& path, const std::vector<Event>& events, uint32_t width,
                  uint32_t height, size_t events_per_packet = 4096);

// AEDAT 4.0 with one EVTS stream (id 0) of polarity packets, each compressed as given; no data
// table (dataTablePosition -1).
enum class Aedat4Compression { kNone = 0, kLz4 = 1, kZstd = 3 };
void write_aedat4(const std::string& path, const std::vector<Event>& events, uint32_t width,
                  uint32_t height, Aedat4Compression compression = Aedat4Compression::kLz4,
                  size_t events_per_packet = 4096);

}  // namespace workloads
