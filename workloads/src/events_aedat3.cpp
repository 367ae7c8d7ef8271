// AEDAT 3.1 (libcaer): '#' header lines up to "#!END-HEADER", then packets. Each packet has a
// 28-byte little-endian header {int16 eventType, int16 eventSource, int32 eventSize,
// int32 eventTSOffset, int32 eventTSOverflow, int32 eventCapacity, int32 eventNumber,
// int32 eventValid} and eventNumber * eventSize bytes of events. Polarity events (type 1) are
// {uint32 data, int32 timestamp}: bit 0 valid, bit 1 polarity, bits 2..16 y, bits 17..31 x;
// the 64-bit time is (eventTSOverflow << 31) | timestamp. Other packet types are skipped.
#include <unistd.h>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>

#include "binary_file.h"
#include "event_readers.h"
#include "workloads/error.h"

namespace workloads {
namespace {

constexpr int kPolarityEvent = 1;

class Aedat3Reader : public EventReader {
 public:
  explicit Aedat3Reader(const std::string& path) : file_(path) {
    info_.path = path;
    info_.format = "aedat3";
    auto lines = read_header_lines(file_, '#', "#!END-HEADER");
    if (lines.empty() || lines[0].rfind("#!AER-DAT3", 0) != 0)
      file_.fail(0, "expected the AEDAT 3.x header line '#!AER-DAT3.1'");
    if (lines.back() != "#!END-HEADER")
      file_.fail(file_.offset(), "expected the header to end with '#!END-HEADER'");
    for (const auto& l : lines) {
      // "#Source 1: DVS128" / "#Source 1: DAVIS240C" / "#-Source 1: ..."
      auto at = l.find("Source ");
      if (at == std::string::npos || l.find(':', at) == std::string::npos) continue;
      std::string name = l.substr(l.find(':', at) + 1);
      name.erase(0, name.find_first_not_of(' '));
      info_.sensor = name;
      if (name.find("DVS128") != std::string::npos)
        info_.width = info_.height = 128;
      else if (name.find("DAVIS240") != std::string::npos)
        info_.width = 240, info_.height = 180;
      else if (name.find("DAVIS346") != std::string::npos)
        info_.width = 346, info_.height = 260;
      else if (name.find("DAVIS640") != std::string::npos)
        info_.width = 640, info_.height = 480;
    }
  }

  size_t read(std::span<Event> out) override {
    size_t n = 0;
    while (n < out.size()) {
      if (left_ == 0 && !next_packet()) break;
      const size_t take = std::min<size_t>(left_, std::min<size_t>(out.size() - n, 512));
      uint8_t rec[8 * 512];
      file_.read_exact(rec, take * 8,
                       fmt::format("{} polarity events of packet {}", take, packet_index_));
      left_ -= take;
      for (size_t i = 0; i < take; ++i) {
        const uint32_t data = le32(rec + 8 * i);
        if (!(data & 1)) continue;  // invalidated by a filter
        const uint32_t ts = le32(rec + 8 * i + 4) & 0x7fffffffu;
        out[n++] = Event{ts_overflow_ + static_cast<int64_t>(ts), static_cast<uint16_t>(data >> 17),
                         static_cast<uint16_t>((data >> 2) & 0x7fff),
                         static_cast<uint8_t>((data >> 1) & 1)};
      }
    }
    return n;
  }

 private:
  // Positions the file at the next polarity packet's events; false at a clean end.
  bool next_packet() {
    for (;;) {
      if (file_.at_end()) return false;
      const uint64_t at = file_.offset();
      uint8_t h[28];
      file_.read_exact(h, 28, fmt::format("the 28-byte header of packet {}", packet_index_ + 1));
      ++packet_index_;
      const int type = static_cast<int16_t>(le16(h));
      const int32_t size = static_cast<int32_t>(le32(h + 4));
      const int32_t overflow = static_cast<int32_t>(le32(h + 12));
      const int32_t number = static_cast<int32_t>(le32(h + 20));
      if (size <= 0 || number < 0 || size > (1 << 20))
        file_.fail(at, fmt::format("packet {}: bad header (eventSize {}, eventNumber {})",
                                   packet_index_, size, number));
      const uint64_t bytes = static_cast<uint64_t>(size) * static_cast<uint64_t>(number);
      if (type != kPolarityEvent) {
        file_.skip(bytes, fmt::format("the events of packet {} (type {})", packet_index_, type));
        continue;
      }
      if (size != 8)
        file_.fail(at + 4, fmt::format("packet {}: polarity eventSize {}, expected 8",
                                       packet_index_, size));
      if (file_.offset() + bytes > file_.size())
        file_.fail(file_.offset(), fmt::format("truncated: packet {} announces {} events ({} "
                                               "bytes), the file ends at byte {}",
                                               packet_index_, number, bytes, file_.size()));
      ts_overflow_ = static_cast<int64_t>(overflow) << 31;
      left_ = static_cast<size_t>(number);
      if (left_ > 0) return true;
    }
  }

  BinaryFile file_;
  size_t left_ = 0;  // events left in the current packet
  size_t packet_index_ = 0;
  int64_t ts_overflow_ = 0;
};

void put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

std::unique_ptr<EventReader> open_aedat3(const std::string& path) {
  return std::make_unique<Aedat3Reader>(path);
}

void write_aedat3(const std::string& path, const std::vector<Event>& events, uint32_t width,
                  uint32_t height, size_t events_per_packet) {
  std::string data = "#!AER-DAT3.1\r\n#Format: RAW\r\n";
  data += fmt::format("#Source 1: {}\r\n", width == 128 && height == 128 ? "DVS128"
                                           : width == 240                ? "DAVIS240C"
                                           : width == 346                ? "DAVIS346B"
                                                                         : "DVS");
  data += "#!END-HEADER\r\n";
  events_per_packet = std::max<size_t>(events_per_packet, 1);
  for (size_t start = 0; start < events.size(); start += events_per_packet) {
    const size_t count = std::min(events_per_packet, events.size() - start);
    const auto overflow = static_cast<uint32_t>(events[start].t_us >> 31);
    data += static_cast<char>(kPolarityEvent);
    data += '\0';
    data += '\1';  // eventSource 1
    data += '\0';
    put32(data, 8);                             // eventSize
    put32(data, 4);                             // eventTSOffset
    put32(data, overflow);                      // eventTSOverflow
    put32(data, static_cast<uint32_t>(count));  // eventCapacity
    put32(data, static_cast<uint32_t>(count));  // eventNumber
    put32(data, static_cast<uint32_t>(count));  // eventValid
    for (size_t i = start; i < start + count; ++i) {
      const Event& e = events[i];
      if ((e.t_us >> 31) != overflow)
        throw std::invalid_argument("write_aedat3: a packet spans a timestamp overflow");
      put32(data, 1u | (static_cast<uint32_t>(e.p & 1) << 1) |
                      (static_cast<uint32_t>(e.y & 0x7fff) << 2) |
                      (static_cast<uint32_t>(e.x & 0x7fff) << 17));
      put32(data, static_cast<uint32_t>(e.t_us & 0x7fffffff));
    }
  }
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw InputError(fmt::format("{}: write failed", tmp));
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace workloads
