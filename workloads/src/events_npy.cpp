// NPY record arrays of events as tonic and expelliarmus write them: a 1-D structured array with
// fields x, y, t (or ts/timestamp, µs) and p (or polarity/pol), any integer/float/bool types,
// any field order. Records are streamed in chunks.
#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/core.h>

#include "event_readers.h"
#include "workloads/error.h"
#include "workloads/npy.h"

namespace workloads {
namespace {

const NpyField& find_field(const NpyHeader& h, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (h.has_field(n)) return h.field(n);
  return h.field(*names.begin());  // throws, listing the fields present
}

class NpyEventReader : public EventReader {
 public:
  explicit NpyEventReader(const std::string& path) : in_(path, std::ios::binary) {
    info_.path = path;
    info_.format = "npy";
    if (!in_) throw InputError(fmt::format("{}: cannot open for reading", path));
    h_ = read_npy_header(in_, path);
    if (!h_.structured())
      throw InputError(
          fmt::format("{}: NPY dtype {}: expected a record array with fields x, y, "
                      "t, p",
                      path, h_.descr));
    if (h_.shape.size() != 1)
      throw InputError(fmt::format("{}: NPY event records: expected a 1-D array", path));
    x_ = find_field(h_, {"x"});
    y_ = find_field(h_, {"y"});
    t_ = find_field(h_, {"t", "ts", "timestamp"});
    p_ = find_field(h_, {"p", "polarity", "pol"});
    total_ = h_.count();
    in_.seekg(0, std::ios::end);
    const auto size = static_cast<uint64_t>(in_.tellg());
    in_.seekg(static_cast<std::streamoff>(h_.data_offset));
    if (size < h_.data_offset + total_ * h_.item_size)
      throw InputError(fmt::format(
          "{}: byte {}: truncated: expected {} records of {} bytes, the file has room for {}", path,
          size, total_, h_.item_size, (size - h_.data_offset) / h_.item_size));
  }

  size_t read(std::span<Event> out) override {
    const size_t take = std::min<size_t>(out.size(), total_ - next_);
    buf_.resize(take * h_.item_size);
    in_.read(reinterpret_cast<char*>(buf_.data()), static_cast<std::streamsize>(buf_.size()));
    if (!in_)
      throw InputError(fmt::format("{}: byte {}: read error at record {}", info_.path,
                                   h_.data_offset + next_ * h_.item_size, next_));
    for (size_t i = 0; i < take; ++i) {
      const uint8_t* r = buf_.data() + i * h_.item_size;
      const int64_t x = load_npy_int64(r + x_.offset, x_.type);
      const int64_t y = load_npy_int64(r + y_.offset, y_.type);
      if (x < 0 || x > 65535 || y < 0 || y > 65535)
        throw InputError(fmt::format("{}: record {}: coordinate ({}, {}) outside 0..65535",
                                     info_.path, next_ + i, x, y));
      const std::optional<int64_t> t =
          t_.type.kind == 'f' ? checked_time_us(load_npy_double(r + t_.offset, t_.type))
                              : std::optional(load_npy_int64(r + t_.offset, t_.type));
      if (!t || *t < 0 || *t > kMaxEventTimeUs)
        throw InputError(fmt::format("{}: record {}: time {} µs outside 0 to {} µs", info_.path,
                                     next_ + i, load_npy_double(r + t_.offset, t_.type),
                                     kMaxEventTimeUs));
      out[i] = Event{*t, static_cast<uint16_t>(x), static_cast<uint16_t>(y),
                     static_cast<uint8_t>(load_npy_double(r + p_.offset, p_.type) > 0 ? 1 : 0)};
    }
    next_ += take;
    return take;
  }

 private:
  std::ifstream in_;
  NpyHeader h_;
  NpyField x_, y_, t_, p_;
  size_t total_ = 0, next_ = 0;
  std::vector<uint8_t> buf_;
};

}  // namespace

std::unique_ptr<EventReader> open_npy_events(const std::string& path) {
  return std::make_unique<NpyEventReader>(path);
}

}  // namespace workloads
