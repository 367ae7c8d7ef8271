// AEDAT 4.0 (iniVation DV): "#!AER-DAT4.0\r\n", int32 size, an IOHeader flatbuffer
// {compression: int32 (0 none, 1 LZ4, 2 LZ4 high, 3 Zstd, 4 Zstd high), dataTablePosition: int64,
// infoNode: string (XML naming each stream's typeIdentifier and sizeX/sizeY)}, then packets
// {int32 streamID, int32 size, size bytes of a (compressed) size-prefixed flatbuffer}. Packets
// of streams whose type is "EVTS" hold an EventPacket table whose field 0 is a vector of
// 16-byte structs {int64 timestamp µs, int16 x, int16 y, bool polarity, 3 bytes padding}.
// Packets stop at dataTablePosition (the file's index, which is not needed to read forward).
// The flatbuffers are parsed by hand: only root offset, vtable lookup and vectors are needed.
#include <lz4frame.h>
#include <zstd.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/core.h>

#include "binary_file.h"
#include "event_readers.h"
#include "isa/memory_budget.h"
#include "workloads/error.h"

namespace workloads {
namespace {

// Bounds-checked view of one flatbuffer; every access names the file offset of the packet.
class FlatBuffer {
 public:
  FlatBuffer(const uint8_t* data, size_t size, const BinaryFile& file, uint64_t at,
             std::string what)
      : d_(data), n_(size), file_(file), at_(at), what_(std::move(what)) {}

  uint32_t u32(size_t pos) const {
    need(pos, 4);
    return le32(d_ + pos);
  }
  // Position of the root table (after an optional size prefix), checking the identifier.
  size_t root(const char* identifier) const {
    for (size_t base : {size_t{0}, size_t{4}}) {
      if (n_ >= base + 8 && std::memcmp(d_ + base + 4, identifier, 4) == 0)
        return base + static_cast<size_t>(u32(base));
    }
    fail(fmt::format("expected a flatbuffer with identifier '{}'", identifier));
  }
  // Position of field `index` of the table at `table`, or 0 when absent.
  size_t field(size_t table, int index) const {
    const auto soff = static_cast<int32_t>(u32(table));
    const int64_t vt = static_cast<int64_t>(table) - soff;
    if (vt < 0 || static_cast<size_t>(vt) + 4 > n_) fail("vtable outside the buffer");
    const uint16_t vsize = le16(d_ + vt);
    const size_t slot = 4 + 2 * static_cast<size_t>(index);
    if (slot + 2 > vsize) return 0;
    need(static_cast<size_t>(vt) + slot, 2);
    const uint16_t off = le16(d_ + vt + slot);
    return off ? table + off : 0;
  }
  // Follows the offset stored at `pos` (to a string, vector or table).
  size_t deref(size_t pos) const { return pos + u32(pos); }
  const uint8_t* bytes(size_t pos, size_t len) const {
    need(pos, len);
    return d_ + pos;
  }
  [[noreturn]] void fail(const std::string& msg) const {
    file_.fail(at_, fmt::format("{}: {}", what_, msg));
  }

 private:
  void need(size_t pos, size_t len) const {
    if (pos > n_ || len > n_ - pos)
      fail(fmt::format("offset {} + {} outside the {}-byte buffer", pos, len, n_));
  }
  const uint8_t* d_;
  size_t n_;
  const BinaryFile& file_;
  uint64_t at_;
  std::string what_;
};

// The value of <attr key="KEY" ...>VALUE</attr> inside `xml`, or "".
std::string xml_attr(const std::string& xml, const std::string& key) {
  const std::string tag = "key=\"" + key + "\"";
  auto at = xml.find(tag);
  if (at == std::string::npos) return "";
  auto gt = xml.find('>', at);
  auto end = xml.find('<', gt);
  if (gt == std::string::npos || end == std::string::npos) return "";
  return xml.substr(gt + 1, end - gt - 1);
}

class Aedat4Reader : public EventReader {
 public:
  explicit Aedat4Reader(const std::string& path) : file_(path) {
    info_.path = path;
    info_.format = "aedat4";
    if (file_.read_line() != "#!AER-DAT4.0") file_.fail(0, "expected '#!AER-DAT4.0'");
    const uint64_t header_at = file_.offset();
    uint8_t len[4];
    file_.read_exact(len, 4, "the IOHeader size");
    const uint32_t size = le32(len);
    if (size > (64u << 20) || file_.offset() + size > file_.size())
      file_.fail(header_at, fmt::format("IOHeader size {} exceeds the file", size));
    std::vector<uint8_t> buf(size);
    file_.read_exact(buf.data(), size, "the IOHeader flatbuffer");
    FlatBuffer fb(buf.data(), size, file_, header_at + 4, "IOHeader");
    const size_t root = fb.root("IOHE");
    if (size_t f = fb.field(root, 0)) compression_ = static_cast<int32_t>(fb.u32(f));
    if (size_t f = fb.field(root, 1)) {
      const uint8_t* p = fb.bytes(f, 8);
      data_table_ = static_cast<int64_t>(le64(p));
    }
    if (compression_ < 0 || compression_ > 4)
      fb.fail(fmt::format("unknown compression {} (expected 0..4)", compression_));
    std::string xml;
    if (size_t f = fb.field(root, 2)) {
      const size_t s = fb.deref(f);
      const uint32_t n = fb.u32(s);
      xml.assign(reinterpret_cast<const char*>(fb.bytes(s + 4, n)), n);
    }
    parse_streams(xml);
  }

  ~Aedat4Reader() override {
    if (lz4_) LZ4F_freeDecompressionContext(lz4_);
    if (zstd_) ZSTD_freeDStream(zstd_);
  }

  size_t read(std::span<Event> out) override {
    size_t n = 0;
    while (n < out.size()) {
      if (next_ >= count_ && !next_packet()) break;
      while (n < out.size() && next_ < count_) {
        const uint8_t* p = events_ + 16 * next_++;
        out[n++] = Event{static_cast<int64_t>(le64(p)), le16(p + 8), le16(p + 10),
                         static_cast<uint8_t>(p[12] ? 1 : 0)};
      }
    }
    return n;
  }

 private:
  void parse_streams(const std::string& xml) {
    // Each output stream is <node name="ID" path=".../outInfo/ID/"> ... </node>.
    size_t at = 0;
    while ((at = xml.find("<node name=\"", at)) != std::string::npos) {
      at += 12;
      const size_t q = xml.find('"', at);
      if (q == std::string::npos) break;
      const std::string name = xml.substr(at, q - at);
      const auto id = small_number(name);
      if (id < 0) continue;
      size_t end = xml.find("<node name=\"", q);
      // The stream's own nested "info" node belongs to it; the next numbered node does not.
      while (end != std::string::npos && xml.compare(end + 12, 5, "info\"") == 0)
        end = xml.find("<node name=\"", end + 12);
      const std::string body =
          xml.substr(q, end == std::string::npos ? std::string::npos : end - q);
      if (xml_attr(body, "typeIdentifier") != "EVTS") continue;
      event_streams_.insert(static_cast<int32_t>(id));
      if (info_.width == 0) {
        const auto w = small_number(xml_attr(body, "sizeX"));
        const auto h = small_number(xml_attr(body, "sizeY"));
        if (w > 0 && h > 0) {
          info_.width = static_cast<uint32_t>(w);
          info_.height = static_cast<uint32_t>(h);
        }
        info_.sensor = xml_attr(body, "source");
      }
    }
  }

  // A decimal number below 2^31, or -1 for anything else.
  static int64_t small_number(const std::string& s) {
    if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), ::isdigit)) return -1;
    return std::stoll(s);
  }

  bool next_packet() {
    for (;;) {
      const uint64_t at = file_.offset();
      if (file_.at_end() || (data_table_ >= 0 && at >= static_cast<uint64_t>(data_table_)))
        return false;
      uint8_t h[8];
      file_.read_exact(h, 8, fmt::format("the header of packet {}", packet_index_));
      const auto stream = static_cast<int32_t>(le32(h));
      const auto size = static_cast<int32_t>(le32(h + 4));
      if (size < 0 || file_.offset() + static_cast<uint64_t>(size) > file_.size())
        file_.fail(at, fmt::format("truncated: packet {} announces {} bytes, the file ends at "
                                   "byte {}",
                                   packet_index_, size, file_.size()));
      const size_t index = packet_index_++;
      if (!event_streams_.count(stream)) {
        file_.skip(static_cast<uint64_t>(size), "packet data");
        continue;
      }
      raw_.resize(static_cast<size_t>(size));
      file_.read_exact(raw_.data(), raw_.size(), "packet data");
      const std::vector<uint8_t>& data = decompress(at, index);
      FlatBuffer fb(data.data(), data.size(), file_, at, fmt::format("packet {}", index));
      const size_t root = fb.root("EVTS");
      const size_t f = fb.field(root, 0);
      if (!f) continue;  // an empty packet
      const size_t vec = fb.deref(f);
      count_ = fb.u32(vec);
      events_ = fb.bytes(vec + 4, count_ * 16);
      next_ = 0;
      if (count_ > 0) return true;
    }
  }

  // Appends inflated bytes, bounded: a few kilobytes of Zstd or LZ4 can inflate to gigabytes.
  // A size-prefixed packet (DV writes them so) may not inflate past its prefix, which must fit
  // the memory budget; an unprefixed one is bounded by the budget alone.
  void append_plain(const uint8_t* p, size_t len, uint64_t at, size_t index) {
    plain_.insert(plain_.end(), p, p + len);
    if (plain_limit_ == 0 && plain_.size() >= 12) {
      if (std::memcmp(plain_.data() + 8, "EVTS", 4) == 0)
        plain_limit_ = uint64_t{4} + le32(plain_.data());
      else if (std::memcmp(plain_.data() + 4, "EVTS", 4) == 0)
        plain_limit_ = isa::memory_budget();
      else
        file_.fail(at,
                   fmt::format("packet {}: expected a flatbuffer with identifier 'EVTS'", index));
      if (!isa::within_budget(plain_limit_))
        file_.fail(at, isa::over_budget_message(fmt::format("packet {} (its size prefix)", index),
                                                plain_limit_));
    }
    if (plain_limit_ != 0 && plain_.size() > plain_limit_)
      file_.fail(at, plain_limit_ == isa::memory_budget()
                         ? isa::over_budget_message(fmt::format("packet {}", index), plain_.size())
                         : fmt::format("packet {}: inflates past the {} bytes its size prefix "
                                       "announces",
                                       index, plain_limit_));
  }

  const std::vector<uint8_t>& decompress(uint64_t at, size_t index) {
    if (compression_ == 0) return raw_;
    plain_.clear();
    plain_limit_ = 0;
    uint8_t chunk[1 << 16];
    if (compression_ <= 2) {
      if (!lz4_ && LZ4F_isError(LZ4F_createDecompressionContext(&lz4_, LZ4F_VERSION)))
        throw std::runtime_error("LZ4F_createDecompressionContext failed");
      LZ4F_resetDecompressionContext(lz4_);
      size_t pos = 0;
      for (;;) {
        size_t out_len = sizeof chunk, in_len = raw_.size() - pos;
        const size_t r =
            LZ4F_decompress(lz4_, chunk, &out_len, raw_.data() + pos, &in_len, nullptr);
        if (LZ4F_isError(r))
          file_.fail(at,
                     fmt::format("packet {}: LZ4 data corrupt: {}", index, LZ4F_getErrorName(r)));
        append_plain(chunk, out_len, at, index);
        pos += in_len;
        if (r == 0) break;
        if (pos >= raw_.size() && out_len == 0)
          file_.fail(at, fmt::format("packet {}: LZ4 frame truncated", index));
      }
    } else {
      if (!zstd_) zstd_ = ZSTD_createDStream();
      ZSTD_initDStream(zstd_);
      ZSTD_inBuffer in{raw_.data(), raw_.size(), 0};
      for (;;) {
        ZSTD_outBuffer out{chunk, sizeof chunk, 0};
        const size_t r = ZSTD_decompressStream(zstd_, &out, &in);
        if (ZSTD_isError(r))
          file_.fail(at,
                     fmt::format("packet {}: Zstd data corrupt: {}", index, ZSTD_getErrorName(r)));
        append_plain(chunk, out.pos, at, index);
        if (r == 0) break;
        if (in.pos >= in.size && out.pos == 0)
          file_.fail(at, fmt::format("packet {}: Zstd frame truncated", index));
      }
    }
    return plain_;
  }

  BinaryFile file_;
  int32_t compression_ = 0;
  int64_t data_table_ = -1;
  std::set<int32_t> event_streams_;
  std::vector<uint8_t> raw_, plain_;
  uint64_t plain_limit_ = 0;  // inflated bytes allowed for the current packet; 0 = not known yet
  LZ4F_dctx* lz4_ = nullptr;
  ZSTD_DStream* zstd_ = nullptr;
  const uint8_t* events_ = nullptr;  // into raw_ or plain_
  size_t count_ = 0, next_ = 0, packet_index_ = 0;
};

}  // namespace

std::unique_ptr<EventReader> open_aedat4(const std::string& path) {
  return std::make_unique<Aedat4Reader>(path);
}

namespace {
void put16(std::string& s, uint16_t v) {
  s += static_cast<char>(v & 0xff);
  s += static_cast<char>(v >> 8);
}
void put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put64(std::string& s, uint64_t v) {
  put32(s, static_cast<uint32_t>(v));
  put32(s, static_cast<uint32_t>(v >> 32));
}
void put_at32(std::string& s, size_t pos, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[pos + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// IOHeader table {compression @4, dataTablePosition @8, infoNode @16}, root at 20.
std::string io_header(int32_t compression, const std::string& xml) {
  std::string b;
  put32(b, 20);  // root table offset
  b += "IOHE";
  put16(b, 10), put16(b, 20), put16(b, 4), put16(b, 8), put16(b, 16);  // vtable at 8
  put16(b, 0);                                                         // padding to 20
  put32(b, 12);                                                        // table - vtable
  put32(b, static_cast<uint32_t>(compression));
  put64(b, ~uint64_t{0});  // dataTablePosition -1: no index
  put32(b, 40 - 36);       // infoNode string at 40
  put32(b, static_cast<uint32_t>(xml.size()));
  b += xml;
  b += '\0';
  return b;
}

// Size-prefixed EventPacket {elements @4} with identifier EVTS.
std::string event_packet(const Event* ev, size_t n) {
  std::string b;
  put32(b, 0);   // size prefix, patched below
  put32(b, 16);  // root table at 4 + 16 = 20
  b += "EVTS";
  put16(b, 6), put16(b, 8), put16(b, 4), put16(b, 0);  // vtable at 12, padding to 20
  put32(b, 8);                                         // table (20) - vtable (12)
  put32(b, 28 - 24);                                   // vector at 28
  put32(b, static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; ++i) {
    put64(b, static_cast<uint64_t>(ev[i].t_us));
    put16(b, ev[i].x), put16(b, ev[i].y);
    b += static_cast<char>(ev[i].p ? 1 : 0);
    b.append(3, '\0');
  }
  put_at32(b, 0, static_cast<uint32_t>(b.size() - 4));
  return b;
}

std::string compress(const std::string& plain, Aedat4Compression c) {
  std::string out;
  if (c == Aedat4Compression::kLz4) {
    out.resize(LZ4F_compressFrameBound(plain.size(), nullptr));
    const size_t n =
        LZ4F_compressFrame(out.data(), out.size(), plain.data(), plain.size(), nullptr);
    if (LZ4F_isError(n)) throw std::runtime_error("LZ4F_compressFrame failed");
    out.resize(n);
  } else if (c == Aedat4Compression::kZstd) {
    out.resize(ZSTD_compressBound(plain.size()));
    const size_t n = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3);
    if (ZSTD_isError(n)) throw std::runtime_error("ZSTD_compress failed");
    out.resize(n);
  } else {
    out = plain;
  }
  return out;
}
}  // namespace

void write_aedat4(const std::string& path, const std::vector<Event>& events, uint32_t width,
                  uint32_t height, Aedat4Compression compression, size_t events_per_packet) {
  const char* name = compression == Aedat4Compression::kZstd  ? "ZSTD"
                     : compression == Aedat4Compression::kLz4 ? "LZ4"
                                                              : "NONE";
  const std::string xml = fmt::format(
      "<dv version=\"2.0\">\n    <node name=\"outInfo\" path=\"/outInfo/\">\n"
      "        <node name=\"0\" path=\"/outInfo/0/\">\n"
      "            <attr key=\"compression\" type=\"string\">{}</attr>\n"
      "            <attr key=\"typeIdentifier\" type=\"string\">EVTS</attr>\n"
      "            <node name=\"info\" path=\"/outInfo/0/info/\">\n"
      "                <attr key=\"sizeX\" type=\"int\">{}</attr>\n"
      "                <attr key=\"sizeY\" type=\"int\">{}</attr>\n"
      "                <attr key=\"source\" type=\"string\">spikechip</attr>\n"
      "            </node>\n        </node>\n    </node>\n</dv>\n",
      name, width, height);
  std::string data = "#!AER-DAT4.0\r\n";
  const std::string header = io_header(static_cast<int32_t>(compression), xml);
  put32(data, static_cast<uint32_t>(header.size()));
  data += header;
  events_per_packet = std::max<size_t>(events_per_packet, 1);
  for (size_t start = 0; start < events.size(); start += events_per_packet) {
    const size_t n = std::min(events_per_packet, events.size() - start);
    const std::string packet = compress(event_packet(events.data() + start, n), compression);
    put32(data, 0);  // stream id
    put32(data, static_cast<uint32_t>(packet.size()));
    data += packet;
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
