// Prophesee DAT: '%' header lines, one byte event type, one byte event size (8 for CD events),
// then little-endian records {uint32 timestamp µs, uint32 data}: x = bits 13..0,
// y = bits 27..14, polarity = bits 31..28 (non-zero = ON). 32-bit timestamps that run back by
// more than half their range are unwrapped.
#include <algorithm>

#include <fmt/core.h>

#include "binary_file.h"
#include "event_readers.h"
#include "prophesee_header.h"

namespace workloads {
namespace {

class DatReader : public EventReader {
 public:
  explicit DatReader(const std::string& path) : file_(path) {
    info_.path = path;
    info_.format = "dat";
    auto lines = read_header_lines(file_, '%', "% end");
    if (lines.empty()) file_.fail(0, "expected a '%' DAT header");
    apply_prophesee_header(lines, info_);
    uint8_t ts[2];
    file_.read_exact(ts, 2, "the event type and event size bytes");
    record_ = ts[1];
    if (record_ < 8 || record_ > 64)
      file_.fail(file_.offset() - 1, fmt::format("event size {}, expected 8..64", record_));
    data_start_ = file_.offset();
  }

  size_t read(std::span<Event> out) override {
    size_t n = 0;
    std::vector<uint8_t>& rec = rec_;
    while (n < out.size()) {
      const size_t want = std::min<size_t>(out.size() - n, 4096);
      rec.resize(want * record_);
      const uint64_t at = file_.offset();
      const size_t got = file_.read_some(rec.data(), rec.size());
      if (got % record_)
        file_.fail(at + got - got % record_,
                   fmt::format("truncated record {}: expected {} bytes",
                               (at + got - data_start_) / record_, record_));
      if (got == 0) break;
      for (size_t i = 0; i < got / record_; ++i) {
        const uint8_t* p = rec.data() + i * record_;
        const uint32_t ts = le32(p), data = le32(p + 4);
        if (have_last_ && ts < last_ && last_ - ts > (1u << 31)) wraps_ += int64_t{1} << 32;
        last_ = ts;
        have_last_ = true;
        out[n++] = Event{wraps_ + ts, static_cast<uint16_t>(data & 0x3fff),
                         static_cast<uint16_t>((data >> 14) & 0x3fff),
                         static_cast<uint8_t>((data >> 28) ? 1 : 0)};
      }
    }
    return n;
  }

 private:
  BinaryFile file_;
  std::vector<uint8_t> rec_;
  size_t record_ = 8;
  uint64_t data_start_ = 0;
  uint32_t last_ = 0;
  int64_t wraps_ = 0;
  bool have_last_ = false;
};

}  // namespace

std::unique_ptr<EventReader> open_dat(const std::string& path) {
  return std::make_unique<DatReader>(path);
}

}  // namespace workloads
