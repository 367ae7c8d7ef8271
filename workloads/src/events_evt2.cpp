// Prophesee EVT 2.0: '%' header lines, then little-endian 32-bit words, type in bits 31..28:
//   0x0 CD_OFF / 0x1 CD_ON: bits 27..22 time low (6 bits), 21..11 x, 10..0 y
//   0x8 EV_TIME_HIGH: bits 27..0 are time bits 33..6
//   0xA EXT_TRIGGER, 0xE OTHERS, 0xF CONTINUED: skipped.
// t = (time_high << 6) | time_low; a time_high that runs back wraps the 34-bit counter.
#include <fmt/core.h>

#include "binary_file.h"
#include "event_readers.h"
#include "prophesee_header.h"

namespace workloads {
namespace {

class Evt2Reader : public EventReader {
 public:
  explicit Evt2Reader(const std::string& path) : file_(path) {
    info_.path = path;
    info_.format = "evt2";
    apply_prophesee_header(read_header_lines(file_, '%', "% end"), info_);
    data_start_ = file_.offset();
  }

  size_t read(std::span<Event> out) override {
    size_t n = 0;
    while (n < out.size()) {
      if (pos_ == len_ && !refill()) break;
      while (n < out.size() && pos_ < len_) {
        const uint32_t w = le32(buf_ + 4 * pos_++);
        const uint32_t type = w >> 28;
        if (type <= 1) {
          // CD events before the first time high count from time high 0, as in OpenEB.
          out[n++] =
              Event{time_base_ + static_cast<int64_t>((time_high_ << 6) | ((w >> 22) & 0x3f)),
                    static_cast<uint16_t>((w >> 11) & 0x7ff), static_cast<uint16_t>(w & 0x7ff),
                    static_cast<uint8_t>(type)};
        } else if (type == 0x8) {
          const uint64_t th = w & 0x0fffffff;
          if (have_time_ && th < time_high_ && time_high_ - th > (1u << 27))
            time_base_ += int64_t{1} << 34;
          time_high_ = th;
          have_time_ = true;
        }
      }
    }
    return n;
  }

 private:
  bool refill() {
    const uint64_t at = file_.offset();
    const size_t got = file_.read_some(buf_, sizeof buf_);
    if (got % 4)
      file_.fail(at + got - got % 4,
                 fmt::format("truncated: expected a 4-byte EVT 2.0 word (word {})",
                             (at + got - data_start_) / 4));
    len_ = got / 4;
    pos_ = 0;
    return len_ > 0;
  }

  BinaryFile file_;
  uint8_t buf_[1 << 16];
  size_t pos_ = 0, len_ = 0;
  uint64_t data_start_ = 0, time_high_ = 0;
  int64_t time_base_ = 0;
  bool have_time_ = false;
};

}  // namespace

std::unique_ptr<EventReader> open_evt2(const std::string& path) {
  return std::make_unique<Evt2Reader>(path);
}

}  // namespace workloads
