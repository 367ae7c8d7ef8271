// ProgramImage -> .scb bytes (layout in isa/image.h).
#include <cstring>

#include "image_layout.h"
#include "isa/image.h"
#include "isa/table.h"

namespace isa {

// The writer, the reader, the assembler and the disassembler list every field of these structs
// by hand. A field added to program.h/arith.h changes a size here: then add it to all four
// (and bump kImageFormatVersion) before updating the expected size.
static_assert(sizeof(Segment) == 7 * 4, "Segment changed: update the .scb and .sasm formats");
static_assert(sizeof(ConvGeometry) == 15 * 4, "ConvGeometry changed: update .scb and .sasm");
static_assert(sizeof(Projection) == 9 * 4 + sizeof(ConvGeometry),
              "Projection changed: update the .scb and .sasm formats");
static_assert(sizeof(NeuronParams) == 4 * 4 + 2 * 2,
              "NeuronParams changed: update the .scb and .sasm formats");
static_assert(sizeof(Instr) == 4 * 4, "Instr changed: update the encoder");

namespace {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void i16(int16_t v) { u16(static_cast<uint16_t>(v)); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  void route(const Route& r) {
    u32(static_cast<uint32_t>(r.dest_cores.size()));
    for (uint32_t c : r.dest_cores) u32(c);
  }
  std::vector<uint8_t>& data() { return out_; }

 private:
  void put(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t> out_;
};

void write_core(ByteWriter& w, const CoreProgram& c) {
  w.u32(c.core);
  w.u32(static_cast<uint32_t>(c.code.size()));
  w.u32(static_cast<uint32_t>(c.segments.size()));
  w.u32(static_cast<uint32_t>(c.projections.size()));
  w.u32(static_cast<uint32_t>(c.weights.size()));
  w.u32(static_cast<uint32_t>(c.params.size()));
  w.u32(static_cast<uint32_t>(c.routes.size()));
  for (const Instr& in : c.code) w.u64(encode(in));
  for (const Segment& s : c.segments) {
    for (uint32_t v : {s.layer, s.neuron_begin, s.neuron_count, s.membrane_base, s.param_base,
                       s.param_count, s.partial})
      w.u32(v);
  }
  for (const Projection& p : c.projections) {
    const ConvGeometry& g = p.geom;
    for (uint32_t v :
         {p.source_layer, p.segment,      p.delay_steps,  p.source_neurons, p.weight_base,
          p.weight_count, p.weight_shift, p.source_begin, p.source_end,     g.in_c,
          g.in_h,         g.in_w,         g.out_c,        g.out_h,          g.out_w,
          g.k_h,          g.k_w,          g.stride_h,     g.stride_w,       g.pad_h,
          g.pad_w,        g.dil_h,        g.dil_w,        g.groups})
      w.u32(v);
  }
  for (int16_t v : c.weights) w.i16(v);
  for (const NeuronParams& p : c.params) {
    w.i32(p.threshold);
    w.i32(p.v_reset);
    w.i32(p.bias);
    w.i32(p.input_bias);
    w.u16(p.decay_v);
    w.u16(p.decay_u);
  }
  for (const Route& r : c.routes) w.route(r);
}

}  // namespace

uint64_t fnv1a64(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::vector<uint8_t> write_image(const ProgramImage& image) {
  ByteWriter w;
  w.u64(image.arch_hash);
  w.u32(image.mesh_x);
  w.u32(image.mesh_y);
  w.u8(static_cast<uint8_t>(image.semantics));
  w.u32(image.phases_per_step);
  w.u32(image.input_frac_bits);
  w.u32(static_cast<uint32_t>(image.layers.size()));
  for (const LayerInfo& l : image.layers) {
    w.u32(static_cast<uint32_t>(l.name.size()));
    w.bytes(l.name.data(), l.name.size());
    w.u32(static_cast<uint32_t>(l.shape.size()));
    for (uint32_t d : l.shape) w.u32(d);
    w.u32(l.size);
    w.u8(l.is_input ? 1 : 0);
    w.u8(l.is_output ? 1 : 0);
  }
  w.route(image.host_input);
  w.u32(static_cast<uint32_t>(image.cores.size()));
  for (const CoreProgram& c : image.cores) write_core(w, c);

  const std::vector<uint8_t>& payload = w.data();
  ByteWriter file;
  file.bytes(kImageMagic, sizeof kImageMagic);
  file.u32(kImageFormatVersion);
  file.u64(payload.size());
  file.u64(fnv1a64(payload));
  file.bytes(payload.data(), payload.size());
  return std::move(file.data());
}

}  // namespace isa
