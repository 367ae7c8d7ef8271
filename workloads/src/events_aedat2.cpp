// AEDAT 2.0 (jAER): '#' header lines, then big-endian records {int32 address, int32 timestamp
// in µs}. The address layout depends on the camera named in the "AEChip" header line; pixel
// coordinates follow jAER's extractors (x mirrored so that the image is upright):
//   DVS128: x = 127 - ((a >> 1) & 0x7f), y = (a >> 8) & 0x7f, ON when bit 0 is 0; bit 15
//           (sync/external) or bit 31 (special) marks non-pixel events, which are skipped.
//   DAVIS:  bit 31 set = APS/IMU sample (skipped); x = width - 1 - ((a >> 12) & 0x3ff),
//           y = (a >> 22) & 0x1ff, ON when bit 11 is set; bits 11..10 = 01 mark external input
//           events (skipped).
#include <algorithm>

#include <fmt/core.h>

#include "binary_file.h"
#include "event_readers.h"

namespace workloads {
namespace {

class Aedat2Reader : public EventReader {
 public:
  explicit Aedat2Reader(const std::string& path) : file_(path) {
    info_.path = path;
    info_.format = "aedat2";
    auto lines = read_header_lines(file_, '#', "");
    if (lines.empty() || lines[0].rfind("#!AER-DAT2", 0) != 0)
      file_.fail(0, "expected the AEDAT 2.0 header line '#!AER-DAT2.0'");
    for (const auto& l : lines) {
      auto at = l.find("AEChip:");
      if (at != std::string::npos) info_.sensor = trim(l.substr(at + 7));
      if (l.find("HardwareInterface:") != std::string::npos && info_.sensor.empty())
        info_.sensor = trim(l.substr(l.find(':') + 1));
    }
    std::string chip = info_.sensor;
    std::transform(chip.begin(), chip.end(), chip.begin(), ::tolower);
    davis_ = chip.find("davis") != std::string::npos;
    if (!davis_) {
      info_.width = info_.height = 128;
    } else if (chip.find("346") != std::string::npos) {
      info_.width = 346, info_.height = 260;
    } else if (chip.find("240") != std::string::npos) {
      info_.width = 240, info_.height = 180;
    } else if (chip.find("640") != std::string::npos) {
      info_.width = 640, info_.height = 480;
    }
    data_start_ = file_.offset();
  }

  size_t read(std::span<Event> out) override {
    size_t n = 0;
    uint8_t rec[8 * 512];
    while (n < out.size()) {
      const size_t want = std::min<size_t>(out.size() - n, 512);
      const uint64_t at = file_.offset();
      const size_t got = file_.read_some(rec, want * 8);
      if (got % 8)
        file_.fail(at + got - got % 8,
                   fmt::format("truncated record {}: expected 8 bytes (address, timestamp)",
                               (at + got - data_start_) / 8));
      if (got == 0) break;
      for (size_t i = 0; i < got / 8; ++i) {
        const uint32_t a = be32(rec + 8 * i);
        const int32_t ts = static_cast<int32_t>(be32(rec + 8 * i + 4));
        Event e;
        if (davis_) {
          if ((a >> 31) || ((a >> 10) & 3) == 1) continue;
          const uint32_t raw_x = (a >> 12) & 0x3ff;
          e.y = static_cast<uint16_t>((a >> 22) & 0x1ff);
          e.x = static_cast<uint16_t>(info_.width > raw_x ? info_.width - 1 - raw_x : raw_x);
          e.p = static_cast<uint8_t>((a >> 11) & 1);
        } else {
          if ((a >> 15) & 1 || (a >> 31)) continue;
          e.x = static_cast<uint16_t>(127 - ((a >> 1) & 0x7f));
          e.y = static_cast<uint16_t>((a >> 8) & 0x7f);
          e.p = static_cast<uint8_t>(1 - (a & 1));
        }
        // 32-bit µs timestamps wrap every ~71.6 minutes; unwrap so time never runs back.
        if (have_last_ && ts < last_ts_ && last_ts_ - static_cast<int64_t>(ts) > (1ll << 31))
          wraps_ += 1ll << 32;
        last_ts_ = ts;
        have_last_ = true;
        e.t_us = wraps_ + ts;
        out[n++] = e;
      }
    }
    return n;
  }

 private:
  static std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
  }
  BinaryFile file_;
  bool davis_ = false;
  uint64_t data_start_ = 0;
  int64_t last_ts_ = 0, wraps_ = 0;
  bool have_last_ = false;
};

}  // namespace

std::unique_ptr<EventReader> open_aedat2(const std::string& path) {
  return std::make_unique<Aedat2Reader>(path);
}

}  // namespace workloads
