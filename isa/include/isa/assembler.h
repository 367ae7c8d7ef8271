// Text assembly (.sasm) <-> ProgramImage. The syntax (docs/isa.md has the full reference):
//
//   ; comment to end of line
//   .arch_hash 0x0123456789abcdef
//   .mesh 2 1                          ; mesh_x mesh_y
//   .semantics layer_sequential        ; or pipelined
//   .phases 2                          ; phases per step
//   .input_frac_bits 0                 ; fixed-point fraction bits of graded host input
//   .layer in shape=784 input          ; NAME shape=AxBxC [size=N] [input] [output]
//   .layer fc1 shape=128
//   .host_input cores=0                ; cores receiving the input spikes
//   .core 0                            ; a core's program, cores in ascending order
//   .segment 0 layer=1 begin=0 count=128 membrane=0 params=0 nparams=1
//   .projection 0 source=0 segment=0 delay=0 neurons=784 weights=0 nweights=100352 shift=0
//                [in=CxHxW out=CxHxW k=HxW stride=HxW pad=HxW dil=HxW groups=G]
//   .params 0 threshold=64 v_reset=0 bias=0 input_bias=0 decay_v=0 decay_u=4096
//   .route 0 cores=1,2
//   .weights 0                         ; base (must equal the weights so far), then values,
//     1 -2 3 ...                       ; on this line and on following lines
//   loop:                              ; a label: the address of the next instruction
//     AU.FC proj=0                     ; operands by name (names from the table) or position
//     UPD.LIF 0, 0, 0
//     LOOPT target=loop
//
// Top-level directives come before the first .core; indices of .segment/.projection/.params/
// .route must count up from 0 within a core. Errors name file:line:column.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "isa/program.h"

namespace isa {

// Throws InputError "file:line:column: message" on the first error.
ProgramImage assemble(std::string_view text, const std::string& filename);

// What a listing comment is attached to.
enum class ListingItem { instruction, segment, projection, params, route };

// Returns the comment for item `index` of `core`: non-empty text replaces the disassembler's
// own comment on that line ("" keeps it). The compiler uses it to annotate listings.
using ListingAnnotator =
    std::function<std::string(const CoreProgram& core, ListingItem item, size_t index)>;

// Text that assemble() turns back into an identical image.
std::string disassemble(const ProgramImage& image, const ListingAnnotator& annotate = {});

}  // namespace isa
