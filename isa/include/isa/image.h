// The binary program image (.scb): a ProgramImage as bytes. All integers little-endian.
//
// header (24 bytes)
//   0   char[4]  magic "SCB1"
//   4   u32      format version (kImageFormatVersion)
//   8   u64      payload bytes
//   16  u64      FNV-1a 64 of the payload
// payload
//   u64 arch_hash; u32 mesh_x; u32 mesh_y; u8 semantics; u32 phases_per_step;
//   u32 input_frac_bits
//   u32 layer count, per layer:  u32 name bytes, name (UTF-8), u32 rank, u32 dims[rank],
//                                u32 size, u8 is_input, u8 is_output
//   host_input route:            u32 count, u32 cores[count]
//   u32 core count, per core:    u32 core, u32 counts[6] (code, segments, projections, weights,
//                                params, routes), then
//     code         u64 instruction words (isa/table.h)
//     segments     7 × u32 (28 bytes): layer, neuron_begin, neuron_count, membrane_base,
//                  param_base, param_count, partial
//     projections  24 × u32 (96 bytes): source_layer, segment, delay_steps, source_neurons,
//                  weight_base, weight_count, weight_shift, source_begin, source_end, then the
//                  geometry in ConvGeometry field order
//     weights      i16 each
//     params       20 bytes: i32 threshold, i32 v_reset, i32 bias, i32 input_bias,
//                  u16 decay_v, u16 decay_u
//     routes       u32 count, u32 cores[count]
//
// Reading checks every size against the bytes left, the checksum, that semantics is known,
// mesh and phases are >= 1, cores are in ascending order inside the mesh, routes name cores
// inside the mesh, layer references name existing layers, and every instruction decodes.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "isa/program.h"

namespace isa {

inline constexpr size_t kImageHeaderBytes = 24;

// FNV-1a 64 of the bytes (the image checksum).
uint64_t fnv1a64(std::span<const uint8_t> bytes);

// Throws InputError when an instruction does not encode (operand too wide, unknown opcode).
std::vector<uint8_t> write_image(const ProgramImage& image);

// Throws InputError naming `name_for_errors`, the byte offset and what was expected.
ProgramImage read_image(std::span<const uint8_t> bytes, const std::string& name_for_errors);

// Writes to a temporary name beside `path` and renames, so no partial file is left behind.
void save_image(const ProgramImage& image, const std::filesystem::path& path);
ProgramImage load_image(const std::filesystem::path& path);

// Writes bytes/text to `path` atomically (temporary file + rename); throws InputError on failure.
void write_file_atomically(const std::filesystem::path& path, std::span<const uint8_t> bytes);
// Reads a whole file; throws InputError naming the path when it cannot.
std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path);

}  // namespace isa
