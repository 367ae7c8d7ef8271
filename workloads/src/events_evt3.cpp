// Prophesee EVT 3.0: '%' header lines, then little-endian 16-bit words, type in bits 15..12:
//   0x0 EVT_ADDR_Y   y = bits 10..0 (bit 11: master/slave camera)
//   0x2 EVT_ADDR_X   one event at x = bits 10..0, polarity bit 11, the current y and time
//   0x3 VECT_BASE_X  base x = bits 10..0, polarity bit 11, for the vector words that follow
//   0x4 VECT_12      bits 11..0: events at base x + i for each set bit i; base x += 12
//   0x5 VECT_8       bits 7..0:  the same over 8 pixels; base x += 8
//   0x6 TIME_LOW     time bits 11..0
//   0x8 TIME_HIGH    time bits 23..12; a time high that runs back wraps the 24-bit counter
//   0xA EXT_TRIGGER, 0xE OTHERS, 0x7/0xF CONTINUED: skipped.
#include <fmt/core.h>

#include "binary_file.h"
#include "event_readers.h"
#include "prophesee_header.h"

namespace workloads {
namespace {

class Evt3Reader : public EventReader {
 public:
  explicit Evt3Reader(const std::string& path) : file_(path) {
    info_.path = path;
    info_.format = "evt3";
    apply_prophesee_header(read_header_lines(file_, '%', "% end"), info_);
    data_start_ = file_.offset();
  }

  size_t read(std::span<Event> out) override {
    size_t n = 0;
    while (n < out.size()) {
      // Events of a vector word that did not fit in the previous batch.
      while (pending_mask_ && n < out.size()) {
        const int i = __builtin_ctz(pending_mask_);
        pending_mask_ &= pending_mask_ - 1;
        out[n++] = Event{time(), static_cast<uint16_t>(pending_base_ + i), y_, pol_};
      }
      if (n == out.size()) break;
      if (pos_ == len_ && !refill()) break;
      const uint16_t w = le16(buf_ + 2 * pos_++);
      switch (w >> 12) {
        case 0x0:
          y_ = w & 0x7ff;
          break;
        case 0x2:
          out[n++] = Event{time(), static_cast<uint16_t>(w & 0x7ff), y_,
                           static_cast<uint8_t>((w >> 11) & 1)};
          break;
        case 0x3:
          base_x_ = w & 0x7ff;
          pol_ = static_cast<uint8_t>((w >> 11) & 1);
          break;
        case 0x4:
          pending_mask_ = w & 0xfff;
          pending_base_ = base_x_;
          base_x_ = static_cast<uint16_t>(base_x_ + 12);
          break;
        case 0x5:
          pending_mask_ = w & 0xff;
          pending_base_ = base_x_;
          base_x_ = static_cast<uint16_t>(base_x_ + 8);
          break;
        case 0x6:
          time_low_ = w & 0xfff;
          break;
        case 0x8: {
          const uint32_t th = w & 0xfff;
          if (have_high_ && th < time_high_ && time_high_ - th > 0x800) time_base_ += 1 << 24;
          time_high_ = th;
          have_high_ = true;
          break;
        }
        default:
          break;
      }
    }
    return n;
  }

 private:
  int64_t time() const { return time_base_ + ((time_high_ << 12) | time_low_); }
  bool refill() {
    const uint64_t at = file_.offset();
    const size_t got = file_.read_some(buf_, sizeof buf_);
    if (got % 2)
      file_.fail(at + got - 1, fmt::format("truncated: expected a 2-byte EVT 3.0 word (word {})",
                                           (at + got - data_start_) / 2));
    len_ = got / 2;
    pos_ = 0;
    return len_ > 0;
  }

  BinaryFile file_;
  uint8_t buf_[1 << 16];
  size_t pos_ = 0, len_ = 0;
  uint64_t data_start_ = 0;
  uint32_t time_high_ = 0, time_low_ = 0, pending_mask_ = 0;
  int64_t time_base_ = 0;
  bool have_high_ = false;
  uint16_t y_ = 0, base_x_ = 0, pending_base_ = 0;
  uint8_t pol_ = 0;
};

}  // namespace

std::unique_ptr<EventReader> open_evt3(const std::string& path) {
  return std::make_unique<Evt3Reader>(path);
}

}  // namespace workloads
