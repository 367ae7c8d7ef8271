// ProgramImage -> .sasm text that assembles back to the same image. Comments are derived from
// the image (layer names) plus whatever the caller's annotator adds.
#include <algorithm>
#include <set>

#include <fmt/core.h>
#include <fmt/format.h>

#include "isa/assembler.h"
#include "isa/table.h"
#include "sasm_syntax.h"

namespace isa {
namespace {

constexpr size_t kWeightsPerLine = 16;
constexpr size_t kCommentColumn = 40;

std::string join(const std::vector<uint32_t>& v, std::string_view sep) {
  return fmt::format("{}", fmt::join(v, sep));
}

// A comment can't hold a newline: it would end the comment and start a line of code.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

class Disassembler {
 public:
  Disassembler(const ProgramImage& img, const ListingAnnotator& annotate)
      : img_(img), annotate_(annotate) {}

  std::string run() {
    out_ += fmt::format("; spikechip program image, format {}\n", kImageFormatVersion);
    out_ += fmt::format(".arch_hash 0x{:016x}\n", img_.arch_hash);
    out_ += fmt::format(".mesh {} {}\n", img_.mesh_x, img_.mesh_y);
    out_ +=
        fmt::format(".semantics {}\n", sasm::kSemanticsNames[static_cast<size_t>(img_.semantics)]);
    out_ += fmt::format(".phases {}\n", img_.phases_per_step);
    out_ += fmt::format(".input_frac_bits {}\n", img_.input_frac_bits);
    for (size_t i = 0; i < img_.layers.size(); ++i) layer(img_.layers[i], i);
    out_ += ".host_input";
    if (!img_.host_input.dest_cores.empty())
      out_ += " cores=" + join(img_.host_input.dest_cores, ",");
    out_ += "\n";
    for (const CoreProgram& c : img_.cores) core(c);
    return std::move(out_);
  }

 private:
  std::string layer_name(uint32_t layer) const {
    return layer < img_.layers.size() ? one_line(img_.layers[layer].name)
                                      : fmt::format("<layer {}?>", layer);
  }

  void layer(const LayerInfo& l, size_t index) {
    std::string line =
        fmt::format(".layer {} shape={}", sasm::quote_if_needed(l.name), join(l.shape, "x"));
    const uint64_t product = sasm::shape_product(l.shape);  // size= when it differs
    if (product != l.size) line += fmt::format(" size={}", l.size);
    if (l.is_input) line += " input";
    if (l.is_output) line += " output";
    emit(line, fmt::format("layer {}", index));
  }

  // A line with an optional comment aligned at kCommentColumn.
  void emit(const std::string& code, const std::string& comment) {
    out_ += code;
    if (!comment.empty()) {
      out_ += std::string(code.size() < kCommentColumn ? kCommentColumn - code.size() : 1, ' ');
      out_ += "; " + one_line(comment);
    }
    out_ += "\n";
  }

  std::string with_note(std::string comment, const CoreProgram& c, ListingItem item,
                        size_t index) const {
    if (!annotate_) return comment;
    std::string note = annotate_(c, item, index);
    return note.empty() ? comment : note;
  }

  std::string instr_comment(const CoreProgram& c, const Instr& in) const {
    const InstrInfo& info = instr_info(in.op);
    std::string s;
    for (size_t k = 0; k < info.operand_count; ++k) {
      const uint32_t v = operand(in, k);
      if (info.operands[k].name == "seg" && v < c.segments.size())
        s += layer_name(c.segments[v].layer);
      if (info.operands[k].name == "proj" && v < c.projections.size()) {
        const Projection& p = c.projections[v];
        s += layer_name(p.source_layer) + " -> " +
             (p.segment < c.segments.size() ? layer_name(c.segments[p.segment].layer) : "?");
      }
      if (info.operands[k].name == "route" && v < c.routes.size())
        s += " to cores " + join(c.routes[v].dest_cores, ",");
    }
    return s;
  }

  void core(const CoreProgram& c) {
    out_ += fmt::format("\n.core {}\n", c.core);
    code(c);
    for (size_t i = 0; i < c.segments.size(); ++i) {
      const Segment& s = c.segments[i];
      emit(fmt::format(".segment {} layer={} begin={} count={} membrane={} params={} nparams={}{}",
                       i, s.layer, s.neuron_begin, s.neuron_count, s.membrane_base, s.param_base,
                       s.param_count, s.partial ? " partial=1" : ""),
           with_note(layer_name(s.layer) + (s.partial ? " (partial sums)" : ""), c,
                     ListingItem::segment, i));
    }
    for (size_t i = 0; i < c.projections.size(); ++i) projection(c, i);
    for (size_t i = 0; i < c.params.size(); ++i) {
      const NeuronParams& p = c.params[i];
      emit(fmt::format(
               ".params {} threshold={} v_reset={} bias={} input_bias={} decay_v={} decay_u={}", i,
               p.threshold, p.v_reset, p.bias, p.input_bias, p.decay_v, p.decay_u),
           with_note("", c, ListingItem::params, i));
    }
    for (size_t i = 0; i < c.routes.size(); ++i) {
      std::string line = fmt::format(".route {}", i);
      if (!c.routes[i].dest_cores.empty()) line += " cores=" + join(c.routes[i].dest_cores, ",");
      emit(line, with_note("", c, ListingItem::route, i));
    }
    weights(c);
  }

  void code(const CoreProgram& c) {
    // Label every in-range branch target; out-of-range targets stay numbers.
    std::set<uint32_t> targets;
    for (const Instr& in : c.code) {
      const InstrInfo& info = instr_info(in.op);
      for (size_t k = 0; k < info.operand_count; ++k)
        if (info.operands[k].name == "target" && operand(in, k) <= c.code.size())
          targets.insert(operand(in, k));
    }
    for (size_t addr = 0; addr <= c.code.size(); ++addr) {
      if (targets.count(static_cast<uint32_t>(addr))) out_ += fmt::format("L{}:\n", addr);
      if (addr == c.code.size()) break;
      const Instr& in = c.code[addr];
      const InstrInfo& info = instr_info(in.op);
      std::string line = fmt::format("  {}", info.mnemonic);
      for (size_t k = 0; k < info.operand_count; ++k) {
        const OperandField& f = info.operands[k];
        const uint32_t v = operand(in, k);
        const bool label = f.name == "target" && targets.count(v);
        line += fmt::format("{} {}={}", k == 0 ? "" : ",", f.name,
                            label ? fmt::format("L{}", v) : std::to_string(v));
      }
      emit(line, with_note(instr_comment(c, in), c, ListingItem::instruction, addr));
    }
  }

  void projection(const CoreProgram& c, size_t i) {
    const Projection& p = c.projections[i];
    std::string line = fmt::format(
        ".projection {} source={} segment={} delay={} neurons={} weights={} "
        "nweights={} shift={}",
        i, p.source_layer, p.segment, p.delay_steps, p.source_neurons, p.weight_base,
        p.weight_count, p.weight_shift);
    if (p.source_begin != 0 || p.source_end != p.source_neurons)
      line += fmt::format(" from={} to={}", p.source_begin, p.source_end);
    const ConvGeometry& g = p.geom;
    if (!(g == ConvGeometry{}))
      line += fmt::format(
          " in={}x{}x{} out={}x{}x{} k={}x{} stride={}x{} pad={}x{} dil={}x{} "
          "groups={}",
          g.in_c, g.in_h, g.in_w, g.out_c, g.out_h, g.out_w, g.k_h, g.k_w, g.stride_h, g.stride_w,
          g.pad_h, g.pad_w, g.dil_h, g.dil_w, g.groups);
    const std::string dst =
        p.segment < c.segments.size() ? layer_name(c.segments[p.segment].layer) : "?";
    emit(line, with_note(layer_name(p.source_layer) + " -> " + dst, c, ListingItem::projection, i));
  }

  // One .weights directive per block that starts at a projection's weight_base.
  void weights(const CoreProgram& c) {
    if (c.weights.empty()) return;
    std::set<size_t> starts = {0};
    for (const Projection& p : c.projections)
      if (p.weight_base < c.weights.size()) starts.insert(p.weight_base);
    std::vector<size_t> bounds(starts.begin(), starts.end());
    bounds.push_back(c.weights.size());
    for (size_t b = 0; b + 1 < bounds.size(); ++b) {
      std::string note;
      for (size_t i = 0; i < c.projections.size(); ++i)
        if (c.projections[i].weight_base == bounds[b])
          note += fmt::format("{}projection {}", note.empty() ? "" : ", ", i);
      emit(fmt::format(".weights {}", bounds[b]), note);
      for (size_t i = bounds[b]; i < bounds[b + 1]; i += kWeightsPerLine) {
        const size_t end = std::min(bounds[b + 1], i + kWeightsPerLine);
        out_ += "  " +
                fmt::format("{}", fmt::join(c.weights.begin() + static_cast<long>(i),
                                            c.weights.begin() + static_cast<long>(end), " ")) +
                "\n";
      }
    }
  }

  const ProgramImage& img_;
  const ListingAnnotator& annotate_;
  std::string out_;
};

}  // namespace

std::string disassemble(const ProgramImage& image, const ListingAnnotator& annotate) {
  return Disassembler(image, annotate).run();
}

}  // namespace isa
