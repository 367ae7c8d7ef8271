// libFuzzer target: event binning as --bin, --bin-us, --bin-events, --downsample,
// --merge-polarity, --binarize and --sensor set it, on events made from the fuzzer's bytes
// (timestamps anywhere in int64, negative included). The first 16 bytes choose the options;
// each following 8 bytes are one event. Bad input must end in InputError (the budget refuses
// frames that would not fit); anything else (crash, other exception) is a bug.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "isa/error.h"
#include "isa/memory_budget.h"
#include "workloads/binning.h"
#include "workloads/error.h"
#include "workloads/events.h"

namespace {

class BytesReader : public workloads::EventReader {
 public:
  BytesReader(const uint8_t* data, size_t size, uint32_t w, uint32_t h) : d_(data), n_(size) {
    info_.path = "fuzz-events";
    info_.format = "csv";
    info_.width = w, info_.height = h;
  }
  size_t read(std::span<workloads::Event> out) override {
    size_t k = 0;
    for (; k < out.size() && pos_ + 8 <= n_; ++k, pos_ += 8) {
      const uint8_t* p = d_ + pos_;
      int32_t dt = 0;
      std::memcpy(&dt, p, 4);
      // Jumps anywhere in int64 and small steps (wrapping: the reader's arithmetic, not binning's).
      t_ = (p[7] & 0x80)
               ? static_cast<int64_t>(static_cast<uint64_t>(dt) << (p[7] & 0x3f))
               : static_cast<int64_t>(static_cast<uint64_t>(t_) + static_cast<uint64_t>(dt));
      out[k] = {t_, static_cast<uint16_t>(p[4] | ((p[7] & 1) << 8)),
                static_cast<uint16_t>(p[5] | ((p[7] & 2) << 7)), static_cast<uint8_t>(p[6] & 1)};
    }
    return k;
  }

 private:
  const uint8_t* d_;
  size_t n_, pos_ = 0;
  int64_t t_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 16) return 0;
  isa::set_memory_budget(uint64_t{64} << 20);  // within libFuzzer's RSS limit
  workloads::BinningOptions o;
  const uint8_t* c = data;
  o.mode = (c[0] & 1) ? workloads::BinningOptions::Mode::kEventCount
                      : workloads::BinningOptions::Mode::kTimeWindow;
  o.merge_polarity = c[0] & 2;
  o.binarize = c[0] & 4;
  o.window_us = (c[0] & 8) ? c[1] : (int64_t{c[1]} << c[2] % 40);
  o.events_per_step = 1 + c[3] % 16;
  o.downsample = 1 + c[4] % 9;
  o.timesteps = (c[0] & 16) ? c[5] : 0;
  o.max_count = c[6] % 4;
  o.crop_x = c[7] % 8, o.crop_y = c[8] % 8;
  o.crop_width = c[9] % 40, o.crop_height = c[10] % 40;
  const uint32_t w = c[11] % 300, h = c[12] % 300;
  std::vector<uint32_t> expected;
  if (c[13] & 1) expected = {static_cast<uint32_t>(c[14] % 3), c[15] % 40u, c[15] % 37u};
  if (o.window_us <= 0) return 0;  // the CLI refuses it by name
  BytesReader reader(data + 16, size - 16, w, h);
  try {
    workloads::bin_events(reader, o, expected);
  } catch (const workloads::InputError&) {
  } catch (const isa::InputError&) {
  }
  return 0;
}
