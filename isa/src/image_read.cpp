// .scb bytes -> ProgramImage (layout in isa/image.h). Every read is bounds-checked; errors
// name the file, the byte offset and what was expected.
#include <string_view>

#include <fmt/core.h>

#include "image_layout.h"
#include "isa/error.h"
#include "isa/image.h"
#include "isa/table.h"

namespace isa {
namespace {

class ByteReader {
 public:
  ByteReader(std::span<const uint8_t> file, const std::string& name) : file_(file), name_(name) {}

  // Throws unless `n` bytes remain; `what` says what they were for.
  void need(uint64_t n, std::string_view what) const {
    if (n > file_.size() - pos_)
      fail(pos_, fmt::format("truncated {} (expected {} bytes of {}, {} left)", context_, n, what,
                             file_.size() - pos_));
  }
  // As need(), for `count` records of `record_bytes` each (guards huge counts before allocating).
  void need_records(uint64_t count, size_t record_bytes, std::string_view what) const {
    need(count * record_bytes, what);  // count < 2^32 and record_bytes < 2^8: no overflow
  }
  uint8_t u8(std::string_view what) { return static_cast<uint8_t>(get(1, what)); }
  uint16_t u16(std::string_view what) { return static_cast<uint16_t>(get(2, what)); }
  uint32_t u32(std::string_view what) { return static_cast<uint32_t>(get(4, what)); }
  uint64_t u64(std::string_view what) { return get(8, what); }
  int16_t i16(std::string_view what) { return static_cast<int16_t>(u16(what)); }
  int32_t i32(std::string_view what) { return static_cast<int32_t>(u32(what)); }
  std::string string(uint32_t n, std::string_view what) {
    need(n, what);
    std::string s(reinterpret_cast<const char*>(file_.data() + pos_), n);
    pos_ += n;
    return s;
  }

  [[noreturn]] void fail(size_t at, const std::string& msg) const {
    throw InputError(fmt::format("{}: byte {}: {}", name_, at, msg));
  }
  size_t pos() const { return pos_; }
  void seek(size_t p) { pos_ = p; }
  size_t size() const { return file_.size(); }
  void set_context(std::string c) { context_ = std::move(c); }
  const std::string& context() const { return context_; }

 private:
  uint64_t get(int n, std::string_view what) {
    need(static_cast<uint64_t>(n), what);
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t{file_[pos_ + static_cast<size_t>(i)]} << (8 * i);
    pos_ += static_cast<size_t>(n);
    return v;
  }
  std::span<const uint8_t> file_;
  const std::string& name_;
  size_t pos_ = 0;
  std::string context_ = "header";
};

struct ImageLimits {
  uint64_t core_count = 1;  // mesh_x * mesh_y
  uint32_t layer_count = 0;
};

void check_core(ByteReader& r, size_t at, uint32_t core, const ImageLimits& lim,
                std::string_view what) {
  if (core >= lim.core_count)
    r.fail(at, fmt::format("{}: {} names core {}, outside the mesh (expected 0..{})", r.context(),
                           what, core, lim.core_count - 1));
}

void check_layer(ByteReader& r, size_t at, uint32_t layer, const ImageLimits& lim,
                 std::string_view what) {
  if (layer >= lim.layer_count)
    r.fail(at, fmt::format("{}: {} = {} is not a layer (the image has {} layers)", r.context(),
                           what, layer, lim.layer_count));
}

Route read_route(ByteReader& r, const ImageLimits& lim, std::string_view what) {
  Route route;
  const uint32_t n = r.u32(what);
  r.need_records(n, 4, what);
  route.dest_cores.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    const size_t at = r.pos();
    route.dest_cores.push_back(r.u32(what));
    check_core(r, at, route.dest_cores.back(), lim, what);
  }
  return route;
}

CoreProgram read_core(ByteReader& r, const ImageLimits& lim) {
  CoreProgram c;
  const size_t core_at = r.pos();
  c.core = r.u32("core index");
  check_core(r, core_at, c.core, lim, "core index");
  uint32_t counts[scb::kCoreCounts];
  for (uint32_t& n : counts) n = r.u32("section counts");
  const auto [n_code, n_seg, n_proj, n_w, n_par, n_route] = counts;

  r.need_records(n_code, scb::kInstrBytes, "code");
  c.code.reserve(n_code);
  for (uint32_t i = 0; i < n_code; ++i) {
    const size_t at = r.pos();
    const uint64_t word = r.u64("code");
    try {
      c.code.push_back(decode(word));
    } catch (const InputError& e) {
      r.fail(at, fmt::format("{}: instruction {}: {}", r.context(), i, e.what()));
    }
  }

  r.need_records(n_seg, scb::kSegmentBytes, "segments");
  c.segments.resize(n_seg);
  for (Segment& s : c.segments) {
    const size_t at = r.pos();
    for (uint32_t* f : {&s.layer, &s.neuron_begin, &s.neuron_count, &s.membrane_base, &s.param_base,
                        &s.param_count, &s.partial})
      *f = r.u32("segments");
    check_layer(r, at, s.layer, lim, "segment layer");
    if (s.partial > 1)
      r.fail(at, fmt::format("{}: segment partial = {} (expected 0 or 1)", r.context(), s.partial));
  }

  r.need_records(n_proj, scb::kProjectionBytes, "projections");
  c.projections.resize(n_proj);
  for (Projection& p : c.projections) {
    const size_t at = r.pos();
    ConvGeometry& g = p.geom;
    for (uint32_t* f :
         {&p.source_layer, &p.segment,      &p.delay_steps,  &p.source_neurons, &p.weight_base,
          &p.weight_count, &p.weight_shift, &p.source_begin, &p.source_end,     &g.in_c,
          &g.in_h,         &g.in_w,         &g.out_c,        &g.out_h,          &g.out_w,
          &g.k_h,          &g.k_w,          &g.stride_h,     &g.stride_w,       &g.pad_h,
          &g.pad_w,        &g.dil_h,        &g.dil_w,        &g.groups})
      *f = r.u32("projections");
    check_layer(r, at, p.source_layer, lim, "projection source_layer");
    if (p.source_begin > p.source_end || p.source_end > p.source_neurons)
      r.fail(at, fmt::format("{}: projection takes source neurons [{}, {}) (expected a range "
                             "inside its {} source neurons)",
                             r.context(), p.source_begin, p.source_end, p.source_neurons));
  }

  r.need_records(n_w, scb::kWeightBytes, "weights");
  c.weights.resize(n_w);
  for (int16_t& w : c.weights) w = r.i16("weights");

  r.need_records(n_par, scb::kParamsBytes, "params");
  c.params.resize(n_par);
  for (NeuronParams& p : c.params) {
    p.threshold = r.i32("params");
    p.v_reset = r.i32("params");
    p.bias = r.i32("params");
    p.input_bias = r.i32("params");
    p.decay_v = r.u16("params");
    p.decay_u = r.u16("params");
  }

  r.need_records(n_route, 4, "routes");
  c.routes.reserve(n_route);
  for (uint32_t i = 0; i < n_route; ++i) c.routes.push_back(read_route(r, lim, "routes"));
  return c;
}

}  // namespace

ProgramImage read_image(std::span<const uint8_t> bytes, const std::string& name_for_errors) {
  ByteReader r(bytes, name_for_errors);
  r.need(4, "magic");
  if (!std::equal(kImageMagic, kImageMagic + 4, bytes.begin()))
    r.fail(0, "bad magic: expected \"SCB1\" (a spikechip program image)");
  r.seek(4);
  const uint32_t version = r.u32("format version");
  if (version != kImageFormatVersion)
    r.fail(4, fmt::format("unsupported format version {} (this build reads version {})", version,
                          kImageFormatVersion));
  const uint64_t payload_bytes = r.u64("payload size");
  const uint64_t checksum = r.u64("checksum");
  const uint64_t have = bytes.size() - kImageHeaderBytes;
  if (payload_bytes != have)
    r.fail(kImageHeaderBytes,
           fmt::format("{} (header says {} payload bytes, the file has {})",
                       payload_bytes > have ? "truncated payload" : "trailing bytes after payload",
                       payload_bytes, have));
  const uint64_t actual = fnv1a64(bytes.subspan(kImageHeaderBytes));
  if (actual != checksum)
    r.fail(16, fmt::format("checksum mismatch (header 0x{:016x}, payload 0x{:016x}): the file is "
                           "corrupt",
                           checksum, actual));

  ProgramImage img;
  r.set_context("image header");
  img.arch_hash = r.u64("arch hash");
  size_t at = r.pos();
  img.mesh_x = r.u32("mesh");
  img.mesh_y = r.u32("mesh");
  if (img.mesh_x == 0 || img.mesh_y == 0)
    r.fail(at, fmt::format("mesh {}x{}: expected both dimensions >= 1", img.mesh_x, img.mesh_y));
  at = r.pos();
  const uint8_t sem = r.u8("semantics");
  if (sem > static_cast<uint8_t>(Semantics::pipelined))
    r.fail(at,
           fmt::format("unknown semantics {} (expected 0 layer_sequential or 1 pipelined)", sem));
  img.semantics = static_cast<Semantics>(sem);
  at = r.pos();
  img.phases_per_step = r.u32("phases per step");
  if (img.phases_per_step == 0) r.fail(at, "phases per step is 0 (expected >= 1)");
  img.input_frac_bits = r.u32("input fraction bits");

  ImageLimits lim;
  lim.core_count = uint64_t{img.mesh_x} * img.mesh_y;
  const uint32_t n_layers = r.u32("layer count");
  r.need_records(n_layers, 4 + 4 + 4 + 2, "layers");  // minimum size of a layer record
  img.layers.resize(n_layers);
  for (uint32_t i = 0; i < n_layers; ++i) {
    r.set_context(fmt::format("layer {}", i));
    LayerInfo& l = img.layers[i];
    l.name = r.string(r.u32("layer name size"), "layer name");
    const uint32_t rank = r.u32("layer rank");
    r.need_records(rank, 4, "layer shape");
    l.shape.resize(rank);
    for (uint32_t& d : l.shape) d = r.u32("layer shape");
    l.size = r.u32("layer size");
    for (bool* flag : {&l.is_input, &l.is_output}) {
      at = r.pos();
      const uint8_t v = r.u8("layer flags");
      if (v > 1) r.fail(at, fmt::format("layer {}: flag byte {} (expected 0 or 1)", i, v));
      *flag = v == 1;
    }
  }
  lim.layer_count = n_layers;

  r.set_context("host input route");
  img.host_input = read_route(r, lim, "host input route");

  r.set_context("image header");
  const uint32_t n_cores = r.u32("core count");
  r.need_records(n_cores, 4 * (1 + scb::kCoreCounts), "core sections");
  img.cores.reserve(n_cores);
  for (uint32_t i = 0; i < n_cores; ++i) {
    r.set_context(fmt::format("core section {}", i));
    at = r.pos();
    img.cores.push_back(read_core(r, lim));
    if (i > 0 && img.cores[i].core <= img.cores[i - 1].core)
      r.fail(at, fmt::format("core section {}: core {} after core {} (expected ascending core "
                             "indices, each once)",
                             i, img.cores[i].core, img.cores[i - 1].core));
  }
  if (r.pos() != r.size())
    r.fail(r.pos(),
           fmt::format("{} unexpected bytes after the last core section", r.size() - r.pos()));
  return img;
}

}  // namespace isa
