// N-MNIST / N-Caltech101 .bin (ATIS): 5-byte records, big-endian bit fields:
// x (8 bits), y (8 bits), polarity (1 bit), timestamp µs (23 bits). A record with y = 240 is a
// timestamp overflow marker (Orchard's Read_Ndataset): it adds 2^23 µs to later events and is
// not an event. Sensor 34x34 for N-MNIST.
#include <algorithm>

#include <fmt/core.h>

#include "binary_file.h"
#include "event_readers.h"

namespace workloads {
namespace {

class NmnistReader : public EventReader {
 public:
  explicit NmnistReader(const std::string& path) : file_(path) {
    info_.path = path;
    info_.format = "nmnist";
    info_.sensor = "ATIS";
    info_.width = info_.height = 34;
    if (file_.size() % 5)
      file_.fail(file_.size() - file_.size() % 5,
                 fmt::format("truncated record {}: expected 5-byte records, the file has {} bytes",
                             file_.size() / 5, file_.size()));
  }

  size_t read(std::span<Event> out) override {
    size_t n = 0;
    uint8_t rec[5 * 1024];
    while (n < out.size()) {
      const size_t want = std::min<size_t>(out.size() - n, 1024);
      const uint64_t at = file_.offset();
      const size_t got = file_.read_some(rec, want * 5);
      if (got % 5)
        file_.fail(at + got - got % 5,
                   fmt::format("truncated record {}: expected 5 bytes", (at + got) / 5));
      if (got == 0) break;
      for (size_t i = 0; i < got / 5; ++i) {
        const uint8_t* p = rec + 5 * i;
        if (p[1] == 240) {
          overflow_ += 1 << 23;
          continue;
        }
        const uint32_t ts = ((p[2] & 0x7fu) << 16) | (p[3] << 8) | p[4];
        out[n++] = Event{overflow_ + ts, p[0], p[1], static_cast<uint8_t>(p[2] >> 7)};
      }
    }
    return n;
  }

 private:
  BinaryFile file_;
  int64_t overflow_ = 0;
};

}  // namespace

std::unique_ptr<EventReader> open_nmnist(const std::string& path) {
  return std::make_unique<NmnistReader>(path);
}

}  // namespace workloads
