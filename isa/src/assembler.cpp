// .sasm text -> ProgramImage (syntax in isa/assembler.h). One pass over the lines; label uses
// are fixed up at the end of each core.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include <fmt/core.h>

#include "isa/assembler.h"
#include "isa/error.h"
#include "isa/table.h"
#include "sasm_syntax.h"

namespace isa {
namespace {

using sasm::Token;

constexpr std::string_view kTopDirectives[] = {
    ".arch_hash", ".mesh", ".semantics", ".phases", ".input_frac_bits", ".layer", ".host_input"};
constexpr std::string_view kCoreDirectives[] = {".core",   ".segment", ".projection",
                                                ".params", ".route",   ".weights"};

// A key=value field of a directive, with where it sits for errors.
struct KeyValue {
  std::string value;
  size_t key_col = 0;
  size_t value_col = 0;
  bool used = false;
};

struct LabelUse {
  size_t instr = 0, operand = 0;
  std::string label;
  size_t line = 0, col = 0;
};

class Assembler {
 public:
  explicit Assembler(const std::string& filename) : file_(filename) {}

  ProgramImage run(std::string_view text) {
    size_t line_no = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      line_ = ++line_no;
      line(text.substr(pos, end - pos));
      pos = end + 1;
    }
    end_top_level();
    end_core();
    return std::move(img_);
  }

 private:
  [[noreturn]] void fail(size_t col, const std::string& msg) const {
    throw InputError(fmt::format("{}:{}:{}: {}", file_, line_, col, msg));
  }

  void line(std::string_view text) {
    std::optional<sasm::LexError> lex_error;
    std::vector<Token> toks = sasm::tokenize(text, lex_error);
    if (lex_error) fail(lex_error->col, lex_error->message);
    if (toks.empty()) return;
    const Token& first = toks.front();
    if (!first.quoted && !first.text.empty() &&
        (std::isdigit(static_cast<unsigned char>(first.text[0])) || first.text[0] == '-' ||
         first.text[0] == '+')) {
      if (!weights_open_)
        fail(first.col, fmt::format("unexpected number '{}' (expected a directive, a label or "
                                    "an instruction; values continue only a .weights directive)",
                                    first.text));
      weight_values(toks, 0);
      return;
    }
    weights_open_ = false;
    if (!first.quoted && first.text.size() > 1 && first.text.back() == ':') {
      label(first);
      toks.erase(toks.begin());
      if (toks.empty()) return;
    }
    if (!toks[0].quoted && toks[0].text[0] == '.')
      directive(toks);
    else
      instruction(toks);
  }

  // ---- numbers --------------------------------------------------------------------------

  int64_t number(const std::string& text, size_t col, int64_t lo, int64_t hi,
                 std::string_view what) const {
    const auto v = sasm::parse_signed(text);
    if (!v) fail(col, fmt::format("{}: expected a number {}..{}, found '{}'", what, lo, hi, text));
    if (*v < lo || *v > hi)
      fail(col, fmt::format("{} = {} is out of range (expected {}..{})", what, *v, lo, hi));
    return *v;
  }
  uint32_t u32(const std::string& text, size_t col, std::string_view what, int64_t lo = 0) const {
    return static_cast<uint32_t>(number(text, col, lo, UINT32_MAX, what));
  }

  // "2x34x34" -> {2, 34, 34}; "" -> {}.
  std::vector<uint32_t> dims(const KeyValue& kv, std::string_view what) const {
    std::vector<uint32_t> out;
    if (kv.value.empty()) return out;
    size_t pos = 0;
    while (true) {
      size_t end = kv.value.find('x', pos);
      if (end == std::string::npos) end = kv.value.size();
      out.push_back(u32(kv.value.substr(pos, end - pos), kv.value_col + pos, what));
      if (end == kv.value.size()) break;
      pos = end + 1;
    }
    return out;
  }
  // "1,2,3" -> {1, 2, 3}; "" -> {}.
  std::vector<uint32_t> core_list(const KeyValue& kv, std::string_view what) {
    std::vector<uint32_t> out;
    if (kv.value.empty()) return out;
    size_t pos = 0;
    while (true) {
      size_t end = kv.value.find(',', pos);
      if (end == std::string::npos) end = kv.value.size();
      out.push_back(u32(kv.value.substr(pos, end - pos), kv.value_col + pos, what));
      core_cols_.push_back({out.back(), line_, kv.value_col + pos});
      if (end == kv.value.size()) break;
      pos = end + 1;
    }
    return out;
  }

  // ---- key=value fields -----------------------------------------------------------------

  // Splits toks[first..] into key=value fields and bare flags; every key must be in `keys`.
  std::map<std::string, KeyValue> fields(const std::vector<Token>& toks, size_t first,
                                         std::span<const std::string_view> keys,
                                         std::string_view directive) const {
    std::map<std::string, KeyValue> out;
    for (size_t i = first; i < toks.size(); ++i) {
      const Token& t = toks[i];
      const size_t eq = t.quoted ? std::string::npos : t.text.find('=');
      const std::string key = eq == std::string::npos ? t.text : t.text.substr(0, eq);
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        std::string expected;
        for (std::string_view k : keys)
          expected += fmt::format("{}{}", expected.empty() ? "" : ", ", k);
        fail(t.col, fmt::format("{}: unknown field '{}'{} (expected one of: {})", directive, key,
                                sasm::did_you_mean(key, keys), expected));
      }
      if (out.count(key)) fail(t.col, fmt::format("{}: field '{}' given twice", directive, key));
      KeyValue kv;
      kv.key_col = t.col;
      if (eq != std::string::npos) {
        kv.value = t.text.substr(eq + 1);
        kv.value_col = t.col + eq + 1;
      }
      out[key] = kv;
    }
    return out;
  }

  // Sets *dst from field `key` when present (it keeps its default otherwise).
  void take(std::map<std::string, KeyValue>& f, const std::string& key, uint32_t* dst,
            std::string_view directive, int64_t lo = 0) const {
    auto it = f.find(key);
    if (it == f.end()) return;
    *dst = u32(it->second.value, it->second.value_col, fmt::format("{} {}", directive, key), lo);
  }
  template <typename Int>
  void take_int(std::map<std::string, KeyValue>& f, const std::string& key, Int* dst,
                std::string_view directive) const {
    auto it = f.find(key);
    if (it == f.end()) return;
    *dst = static_cast<Int>(number(it->second.value, it->second.value_col,
                                   std::numeric_limits<Int>::min(), std::numeric_limits<Int>::max(),
                                   fmt::format("{} {}", directive, key)));
  }
  void take_pair(std::map<std::string, KeyValue>& f, const std::string& key, uint32_t* a,
                 uint32_t* b, std::string_view directive) const {
    auto it = f.find(key);
    if (it == f.end()) return;
    const std::vector<uint32_t> d = dims(it->second, fmt::format("{} {}", directive, key));
    if (d.size() != 2)
      fail(it->second.value_col, fmt::format("{} {}: expected two numbers HxW, found '{}'",
                                             directive, key, it->second.value));
    *a = d[0];
    *b = d[1];
  }
  void take_triple(std::map<std::string, KeyValue>& f, const std::string& key, uint32_t* c,
                   uint32_t* h, uint32_t* w, std::string_view directive) const {
    auto it = f.find(key);
    if (it == f.end()) return;
    const std::vector<uint32_t> d = dims(it->second, fmt::format("{} {}", directive, key));
    if (d.size() != 3)
      fail(it->second.value_col, fmt::format("{} {}: expected three numbers CxHxW, found '{}'",
                                             directive, key, it->second.value));
    *c = d[0];
    *h = d[1];
    *w = d[2];
  }

  // ---- directives -----------------------------------------------------------------------

  void directive(const std::vector<Token>& toks) {
    const std::string& name = toks[0].text;
    const bool top = std::find(std::begin(kTopDirectives), std::end(kTopDirectives), name) !=
                     std::end(kTopDirectives);
    const bool in_core_set = std::find(std::begin(kCoreDirectives), std::end(kCoreDirectives),
                                       name) != std::end(kCoreDirectives);
    if (!top && !in_core_set) {
      std::vector<std::string_view> all(std::begin(kTopDirectives), std::end(kTopDirectives));
      all.insert(all.end(), std::begin(kCoreDirectives), std::end(kCoreDirectives));
      fail(toks[0].col,
           fmt::format("unknown directive '{}'{}", name, sasm::did_you_mean(name, all)));
    }
    if (top) {
      if (in_core_)
        fail(toks[0].col, fmt::format("{} after .core (top-level directives come before the "
                                      "first .core)",
                                      name));
      if (name != ".layer") {
        auto [it, fresh] = top_seen_.emplace(name, line_);
        if (!fresh)
          fail(toks[0].col, fmt::format("{} given twice (first at line {})", name, it->second));
      }
    } else if (name != ".core" && !in_core_) {
      fail(toks[0].col, fmt::format("{} outside a core (expected .core N before it)", name));
    }
    if (name == ".arch_hash") return arch_hash(toks);
    if (name == ".mesh") return mesh(toks);
    if (name == ".semantics") return semantics(toks);
    if (name == ".phases") return phases(toks);
    if (name == ".input_frac_bits") return input_frac_bits(toks);
    if (name == ".layer") return layer(toks);
    if (name == ".host_input") return host_input(toks);
    if (name == ".core") return core(toks);
    if (name == ".segment") return segment(toks);
    if (name == ".projection") return projection(toks);
    if (name == ".params") return params(toks);
    if (name == ".route") return route(toks);
    weights(toks);
  }

  // The positional operands of a directive: exactly `n` tokens after the name.
  void expect_positional(const std::vector<Token>& toks, size_t n, std::string_view usage) const {
    if (toks.size() < 1 + n) {
      const size_t col = toks.back().col + toks.back().text.size();
      fail(col, fmt::format("{}: missing operand (usage: {})", toks[0].text, usage));
    }
  }
  void expect_no_more(const std::vector<Token>& toks, size_t n, std::string_view usage) const {
    if (toks.size() > n)
      fail(toks[n].col,
           fmt::format("{}: unexpected '{}' (usage: {})", toks[0].text, toks[n].text, usage));
  }

  void arch_hash(const std::vector<Token>& toks) {
    constexpr std::string_view usage = ".arch_hash 0xHEX";
    expect_positional(toks, 1, usage);
    expect_no_more(toks, 2, usage);
    const auto v = sasm::parse_unsigned(toks[1].text);
    if (!v)
      fail(toks[1].col,
           fmt::format(".arch_hash: expected a 64-bit number, found '{}'", toks[1].text));
    img_.arch_hash = *v;
  }

  void mesh(const std::vector<Token>& toks) {
    constexpr std::string_view usage = ".mesh X Y";
    expect_positional(toks, 2, usage);
    expect_no_more(toks, 3, usage);
    img_.mesh_x = u32(toks[1].text, toks[1].col, ".mesh x", 1);
    img_.mesh_y = u32(toks[2].text, toks[2].col, ".mesh y", 1);
  }

  void semantics(const std::vector<Token>& toks) {
    constexpr std::string_view usage = ".semantics layer_sequential|pipelined";
    expect_positional(toks, 1, usage);
    expect_no_more(toks, 2, usage);
    for (size_t i = 0; i < std::size(sasm::kSemanticsNames); ++i) {
      if (toks[1].text == sasm::kSemanticsNames[i]) {
        img_.semantics = static_cast<Semantics>(i);
        return;
      }
    }
    fail(toks[1].col,
         fmt::format(".semantics: unknown '{}'{} (expected layer_sequential or "
                     "pipelined)",
                     toks[1].text, sasm::did_you_mean(toks[1].text, sasm::kSemanticsNames)));
  }

  void phases(const std::vector<Token>& toks) {
    constexpr std::string_view usage = ".phases N";
    expect_positional(toks, 1, usage);
    expect_no_more(toks, 2, usage);
    img_.phases_per_step = u32(toks[1].text, toks[1].col, ".phases", 1);
  }

  void input_frac_bits(const std::vector<Token>& toks) {
    constexpr std::string_view usage = ".input_frac_bits N";
    expect_positional(toks, 1, usage);
    expect_no_more(toks, 2, usage);
    img_.input_frac_bits = u32(toks[1].text, toks[1].col, ".input_frac_bits");
  }

  void layer(const std::vector<Token>& toks) {
    expect_positional(toks, 1, ".layer NAME shape=AxBxC [size=N] [input] [output]");
    LayerInfo l;
    l.name = toks[1].text;
    constexpr std::string_view keys[] = {"shape", "size", "input", "output"};
    auto f = fields(toks, 2, keys, ".layer");
    if (f.count("shape")) l.shape = dims(f["shape"], ".layer shape");
    if (f.count("size")) {
      take(f, "size", &l.size, ".layer");
    } else {
      const uint64_t product = sasm::shape_product(l.shape);
      if (product > UINT32_MAX)
        fail(f["shape"].value_col, ".layer shape: more than 2^32-1 neurons (give size=)");
      l.size = static_cast<uint32_t>(product);
    }
    for (const char* flag : {"input", "output"}) {
      auto it = f.find(flag);
      if (it != f.end() && it->second.value_col != 0)
        fail(it->second.key_col, fmt::format(".layer: '{}' is a flag and takes no value", flag));
    }
    l.is_input = f.count("input") > 0;
    l.is_output = f.count("output") > 0;
    img_.layers.push_back(std::move(l));
  }

  void host_input(const std::vector<Token>& toks) {
    constexpr std::string_view keys[] = {"cores"};
    auto f = fields(toks, 1, keys, ".host_input");
    if (f.count("cores")) img_.host_input.dest_cores = core_list(f["cores"], ".host_input cores");
  }

  // Checks that the core indices named so far are inside the mesh (known once the top-level
  // directives are done).
  void end_top_level() {
    if (top_done_) return;
    top_done_ = true;
    check_core_refs();
  }
  void check_core_refs() {
    const uint64_t n = uint64_t{img_.mesh_x} * img_.mesh_y;
    for (const CoreRef& ref : core_cols_) {
      if (ref.core >= n) {
        line_ = ref.line;
        fail(ref.col, fmt::format("core {} is outside the {}x{} mesh (expected 0..{})", ref.core,
                                  img_.mesh_x, img_.mesh_y, n - 1));
      }
    }
    core_cols_.clear();
  }

  void core(const std::vector<Token>& toks) {
    constexpr std::string_view usage = ".core N";
    expect_positional(toks, 1, usage);
    expect_no_more(toks, 2, usage);
    end_top_level();
    end_core();
    const uint64_t n = uint64_t{img_.mesh_x} * img_.mesh_y;
    const uint32_t c = static_cast<uint32_t>(
        number(toks[1].text, toks[1].col, 0, static_cast<int64_t>(n - 1), ".core"));
    if (!img_.cores.empty() && c <= img_.cores.back().core)
      fail(toks[1].col, fmt::format(".core {} after .core {} (expected ascending core indices, "
                                    "each once)",
                                    c, img_.cores.back().core));
    img_.cores.push_back(CoreProgram{});
    img_.cores.back().core = c;
    in_core_ = true;
  }

  CoreProgram& cur() { return img_.cores.back(); }

  // ".segment 3 ..." : the index must be the next one.
  void expect_index(const std::vector<Token>& toks, size_t next, std::string_view usage) const {
    expect_positional(toks, 1, usage);
    const uint32_t i = u32(toks[1].text, toks[1].col, fmt::format("{} index", toks[0].text));
    if (i != next)
      fail(toks[1].col, fmt::format("{} {}: indices count up from 0 in a core (expected {})",
                                    toks[0].text, i, next));
  }

  void check_layer_ref(std::map<std::string, KeyValue>& f, const std::string& key,
                       uint32_t layer) const {
    if (layer < img_.layers.size()) return;
    const KeyValue& kv = f[key];
    fail(kv.value_col ? kv.value_col : kv.key_col,
         fmt::format("{} = {} is not a layer ({} .layer directives before the first .core)", key,
                     layer, img_.layers.size()));
  }

  void segment(const std::vector<Token>& toks) {
    expect_index(toks, cur().segments.size(),
                 ".segment I layer= begin= count= membrane= params= nparams= [partial=1]");
    constexpr std::string_view keys[] = {"layer",  "begin",   "count",  "membrane",
                                         "params", "nparams", "partial"};
    auto f = fields(toks, 2, keys, ".segment");
    Segment s;
    take(f, "layer", &s.layer, ".segment");
    take(f, "begin", &s.neuron_begin, ".segment");
    take(f, "count", &s.neuron_count, ".segment");
    take(f, "membrane", &s.membrane_base, ".segment");
    take(f, "params", &s.param_base, ".segment");
    take(f, "nparams", &s.param_count, ".segment");
    take(f, "partial", &s.partial, ".segment");
    if (s.partial > 1) {
      const KeyValue& kv = f["partial"];
      fail(kv.value_col, fmt::format(".segment partial = {} (expected 0 or 1)", s.partial));
    }
    check_layer_ref(f, "layer", s.layer);
    cur().segments.push_back(s);
  }

  void projection(const std::vector<Token>& toks) {
    expect_index(
        toks, cur().projections.size(),
        ".projection I source= segment= delay= neurons= weights= nweights= shift= [from= to=] "
        "[in=CxHxW out=CxHxW k=HxW stride=HxW pad=HxW dil=HxW groups=G]");
    constexpr std::string_view keys[] = {
        "source", "segment", "delay", "neurons", "weights", "nweights", "shift", "from",
        "to",     "in",      "out",   "k",       "stride",  "pad",      "dil",   "groups"};
    auto f = fields(toks, 2, keys, ".projection");
    Projection p;
    ConvGeometry& g = p.geom;
    constexpr std::string_view d = ".projection";
    take(f, "source", &p.source_layer, d);
    take(f, "segment", &p.segment, d);
    take(f, "delay", &p.delay_steps, d);
    take(f, "neurons", &p.source_neurons, d);
    take(f, "weights", &p.weight_base, d);
    take(f, "nweights", &p.weight_count, d);
    take(f, "shift", &p.weight_shift, d);
    p.source_end = p.source_neurons;  // the whole source layer unless from=/to= say otherwise
    take(f, "from", &p.source_begin, d);
    take(f, "to", &p.source_end, d);
    if (p.source_begin > p.source_end || p.source_end > p.source_neurons) {
      const KeyValue& kv = f.count("to") ? f["to"] : f["from"];
      fail(kv.value_col ? kv.value_col : toks[0].col,
           fmt::format(".projection from={} to={}: expected from <= to <= neurons ({})",
                       p.source_begin, p.source_end, p.source_neurons));
    }
    take_triple(f, "in", &g.in_c, &g.in_h, &g.in_w, d);
    take_triple(f, "out", &g.out_c, &g.out_h, &g.out_w, d);
    take_pair(f, "k", &g.k_h, &g.k_w, d);
    take_pair(f, "stride", &g.stride_h, &g.stride_w, d);
    take_pair(f, "pad", &g.pad_h, &g.pad_w, d);
    take_pair(f, "dil", &g.dil_h, &g.dil_w, d);
    take(f, "groups", &g.groups, d);
    check_layer_ref(f, "source", p.source_layer);
    cur().projections.push_back(p);
  }

  void params(const std::vector<Token>& toks) {
    expect_index(toks, cur().params.size(),
                 ".params I threshold= v_reset= bias= input_bias= decay_v= decay_u=");
    constexpr std::string_view keys[] = {"threshold",  "v_reset", "bias",
                                         "input_bias", "decay_v", "decay_u"};
    auto f = fields(toks, 2, keys, ".params");
    NeuronParams p;
    take_int(f, "threshold", &p.threshold, ".params");
    take_int(f, "v_reset", &p.v_reset, ".params");
    take_int(f, "bias", &p.bias, ".params");
    take_int(f, "input_bias", &p.input_bias, ".params");
    take_int(f, "decay_v", &p.decay_v, ".params");
    take_int(f, "decay_u", &p.decay_u, ".params");
    cur().params.push_back(p);
  }

  void route(const std::vector<Token>& toks) {
    expect_index(toks, cur().routes.size(), ".route I cores=A,B,...");
    constexpr std::string_view keys[] = {"cores"};
    auto f = fields(toks, 2, keys, ".route");
    Route r;
    if (f.count("cores")) r.dest_cores = core_list(f["cores"], ".route cores");
    check_core_refs();
    cur().routes.push_back(std::move(r));
  }

  void weights(const std::vector<Token>& toks) {
    expect_positional(toks, 1, ".weights BASE [values...]");
    const uint32_t base = u32(toks[1].text, toks[1].col, ".weights base");
    if (base != cur().weights.size())
      fail(toks[1].col, fmt::format(".weights {}: the base must be the number of weights so far "
                                    "in this core (expected {})",
                                    base, cur().weights.size()));
    weights_open_ = true;
    weight_values(toks, 2);
  }

  void weight_values(const std::vector<Token>& toks, size_t first) {
    for (size_t i = first; i < toks.size(); ++i) {
      const Token& t = toks[i];
      // Values may be separated by commas as well as spaces.
      size_t pos = 0;
      while (pos < t.text.size()) {
        size_t end = t.text.find(',', pos);
        if (end == std::string::npos) end = t.text.size();
        if (end > pos)
          cur().weights.push_back(static_cast<int16_t>(
              number(t.text.substr(pos, end - pos), t.col + pos, INT16_MIN, INT16_MAX, "weight")));
        pos = end + 1;
      }
    }
  }

  // ---- code -----------------------------------------------------------------------------

  static bool is_label_name(std::string_view s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    });
  }

  void label(const Token& t) {
    if (!in_core_) fail(t.col, "label outside a core (expected .core N before it)");
    const std::string name = t.text.substr(0, t.text.size() - 1);
    if (!is_label_name(name))
      fail(t.col, fmt::format("bad label '{}' (expected a letter or '_' then letters, digits, "
                              "'_' or '.')",
                              name));
    auto [it, fresh] = labels_.emplace(name, std::pair{cur().code.size(), line_});
    if (!fresh)
      fail(t.col,
           fmt::format("label '{}' defined twice (first at line {})", name, it->second.second));
  }

  // Operands: tokens after the mnemonic, split on commas; each "name=value" or positional.
  void instruction(const std::vector<Token>& toks) {
    const Token& m = toks[0];
    if (!in_core_)
      fail(m.col,
           fmt::format("instruction '{}' outside a core (expected .core N before it)", m.text));
    std::string upper = m.text;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const InstrInfo* info = m.quoted ? nullptr : find_instr(upper);
    if (!info) {
      std::vector<std::string_view> names;
      for (const InstrInfo& r : kInstructions) names.push_back(r.mnemonic);
      fail(m.col,
           fmt::format("unknown mnemonic '{}'{}", m.text, sasm::did_you_mean(m.text, names)));
    }
    struct Piece {
      std::string text;
      size_t col;
    };
    std::vector<Piece> pieces;
    for (size_t i = 1; i < toks.size(); ++i) {
      const Token& t = toks[i];
      size_t pos = 0;
      while (pos <= t.text.size()) {
        size_t end = t.text.find(',', pos);
        if (end == std::string::npos) end = t.text.size();
        if (end > pos) pieces.push_back({t.text.substr(pos, end - pos), t.col + pos});
        pos = end + 1;
      }
    }
    Instr in;
    in.op = info->op;
    std::vector<bool> given(info->operand_count, false);
    size_t next_positional = 0;
    const std::string usage = operand_usage(*info);
    for (const Piece& p : pieces) {
      const size_t eq = p.text.find('=');
      size_t k = 0;
      std::string value = p.text;
      size_t value_col = p.col;
      if (eq != std::string::npos) {
        const std::string name = p.text.substr(0, eq);
        std::vector<std::string_view> names;
        for (const OperandField& f : info->used_operands()) names.push_back(f.name);
        auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end())
          fail(p.col, fmt::format("{} has no operand '{}'{} (usage: {})", info->mnemonic, name,
                                  sasm::did_you_mean(name, names), usage));
        k = static_cast<size_t>(it - names.begin());
        value = p.text.substr(eq + 1);
        value_col = p.col + eq + 1;
      } else {
        while (next_positional < given.size() && given[next_positional]) ++next_positional;
        if (next_positional >= given.size())
          fail(p.col, fmt::format("{}: too many operands (usage: {})", info->mnemonic, usage));
        k = next_positional;
      }
      if (given[k])
        fail(p.col,
             fmt::format("{}: operand '{}' given twice", info->mnemonic, info->operands[k].name));
      given[k] = true;
      operand_value(in, *info, k, value, value_col);
    }
    for (size_t k = 0; k < given.size(); ++k)
      if (!given[k]) {
        const Token& last = toks.back();
        fail(last.col + last.text.size(),
             fmt::format("{}: missing operand '{}' (usage: {})", info->mnemonic,
                         info->operands[k].name, usage));
      }
    cur().code.push_back(in);
  }

  static std::string operand_usage(const InstrInfo& info) {
    std::string s(info.mnemonic);
    for (const OperandField& f : info.used_operands())
      s += fmt::format("{} {}=0..{}", &f == info.operands.data() ? "" : ",", f.name, f.max_value());
    return s;
  }

  void operand_value(Instr& in, const InstrInfo& info, size_t k, const std::string& value,
                     size_t col) {
    const OperandField& f = info.operands[k];
    const bool is_target = f.name == "target";  // code address: a label or a number
    if (is_target && is_label_name(value)) {
      uses_.push_back({cur().code.size(), k, value, line_, col});
      return;
    }
    if (value.empty())
      fail(col, fmt::format("{}: operand '{}' has no value (expected 0..{})", info.mnemonic, f.name,
                            f.max_value()));
    operand(in, k) = static_cast<uint32_t>(
        number(value, col, 0, f.max_value(), fmt::format("{} operand {}", info.mnemonic, f.name)));
  }

  // Resolves the label uses of the current core.
  void end_core() {
    weights_open_ = false;
    if (!in_core_) return;
    for (const LabelUse& u : uses_) {
      auto it = labels_.find(u.label);
      if (it == labels_.end()) {
        std::vector<std::string_view> names;
        for (const auto& [n, v] : labels_) names.push_back(n);
        line_ = u.line;
        fail(u.col, fmt::format("undefined label '{}' in core {}{}", u.label, cur().core,
                                sasm::did_you_mean(u.label, names)));
      }
      Instr& in = cur().code[u.instr];
      const OperandField& f = instr_info(in.op).operands[u.operand];
      if (it->second.first > f.max_value()) {
        line_ = u.line;
        fail(u.col, fmt::format("label '{}' is at address {}, beyond the {}-bit target field",
                                u.label, it->second.first, f.bits));
      }
      operand(in, u.operand) = static_cast<uint32_t>(it->second.first);
    }
    uses_.clear();
    labels_.clear();
  }

  struct CoreRef {
    uint32_t core;
    size_t line, col;
  };

  const std::string& file_;
  size_t line_ = 0;
  ProgramImage img_;
  bool in_core_ = false;
  bool top_done_ = false;
  bool weights_open_ = false;
  std::map<std::string, size_t> top_seen_;                   // directive -> line
  std::map<std::string, std::pair<size_t, size_t>> labels_;  // name -> (address, line)
  std::vector<LabelUse> uses_;
  std::vector<CoreRef> core_cols_;  // core indices awaiting the mesh check
};

}  // namespace

ProgramImage assemble(std::string_view text, const std::string& filename) {
  return Assembler(filename).run(text);
}

}  // namespace isa
