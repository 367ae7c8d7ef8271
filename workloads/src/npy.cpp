// NPY reader and writer. The header is a Python dict literal; a small literal parser reads it
// (strings, integers, booleans, None, tuples, lists, dicts) so record dtypes in list or dict
// form are understood without special cases.
#include "workloads/npy.h"

#include <unistd.h>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>

#include <fmt/core.h>

#include "isa/memory_budget.h"
#include "workloads/error.h"
#include "workloads/frames.h"

namespace workloads {
namespace {

// ---- Python literal values -------------------------------------------------------------------
struct PyValue {
  enum Kind { kNone, kBool, kInt, kString, kList, kDict } kind = kNone;
  bool b = false;
  int64_t i = 0;
  std::string s;
  std::vector<PyValue> items;     // list or tuple elements; dict values
  std::vector<std::string> keys;  // dict keys (strings in NPY headers), parallel to items

  const PyValue* get(const std::string& key) const {
    for (size_t k = 0; k < keys.size(); ++k)
      if (keys[k] == key) return &items[k];
    return nullptr;
  }
};

class LiteralParser {
 public:
  LiteralParser(const std::string& text, const std::string& path, size_t base)
      : text_(text), path_(path), base_(base) {}

  PyValue parse_all() {
    PyValue v = parse();
    skip_space();
    if (pos_ != text_.size()) fail("end of the header dict");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& expected) const {
    throw InputError(fmt::format("{}: byte {}: NPY header: expected {}, found '{}'", path_,
                                 base_ + pos_, expected,
                                 pos_ < text_.size() ? text_.substr(pos_, 12) : "end"));
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool eat_word(const char* w) {
    skip_space();
    size_t n = std::strlen(w);
    if (text_.compare(pos_, n, w) == 0) {
      pos_ += n;
      return true;
    }
    return false;
  }
  // Comma-separated items up to `close`; a trailing comma is allowed.
  template <typename F>
  void sequence(char close, F&& item) {
    if (eat(close)) return;
    for (;;) {
      item();
      if (eat(close)) return;
      if (!eat(',')) fail(fmt::format("',' or '{}'", close));
      if (eat(close)) return;
    }
  }
  // NumPy's own headers nest a few levels (a record's sub-arrays); the input must not choose
  // the recursion depth (50,000 brackets once overflowed the stack).
  static constexpr int kMaxNesting = 32;
  PyValue parse() {
    skip_space();
    if (pos_ >= text_.size()) fail("a value");
    if (depth_ >= kMaxNesting)
      fail(fmt::format("at most {} levels of nested brackets", kMaxNesting));
    struct Level {
      int& d;
      explicit Level(int& depth) : d(++depth) {}
      ~Level() { --d; }
    } level(depth_);
    PyValue v;
    char c = text_[pos_];
    if (c == '\'' || c == '"') {
      v.kind = PyValue::kString;
      v.s = parse_string();
    } else if (c == '(' || c == '[') {
      ++pos_;
      v.kind = PyValue::kList;
      sequence(c == '(' ? ')' : ']', [&] { v.items.push_back(parse()); });
    } else if (c == '{') {
      ++pos_;
      v.kind = PyValue::kDict;
      sequence('}', [&] {
        skip_space();
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
          fail("a string key");
        std::string key = parse_string();
        if (!eat(':')) fail("':'");
        v.keys.push_back(key);
        v.items.push_back(parse());
      });
    } else if (eat_word("True")) {
      v.kind = PyValue::kBool;
      v.b = true;
    } else if (eat_word("False")) {
      v.kind = PyValue::kBool;
    } else if (eat_word("None")) {
      v.kind = PyValue::kNone;
    } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
      v.kind = PyValue::kInt;
      size_t start = pos_;
      if (c == '-') ++pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 long
      try {
        v.i = std::stoll(text_.substr(start, pos_ - start));
      } catch (const std::exception&) {
        pos_ = start;
        fail("an integer");
      }
    } else {
      fail("a Python literal");
    }
    return v;
  }
  std::string parse_string() {
    char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (pos_ >= text_.size()) fail("a closing quote");
    ++pos_;
    return out;
  }

  const std::string& text_;
  const std::string& path_;
  size_t base_;
  size_t pos_ = 0;
  int depth_ = 0;
};

[[noreturn]] void header_error(const std::string& path, size_t offset, const std::string& what) {
  throw InputError(fmt::format("{}: byte {}: NPY header: {}", path, offset, what));
}

NpyField make_field(const std::string& name, const std::string& descr, size_t offset,
                    const std::string& where) {
  NpyField f;
  f.name = name;
  f.descr = descr;
  f.type = parse_npy_scalar_type(descr, where);
  f.offset = offset;
  return f;
}

// Record dtypes: [('x', '<i2'), ...] (packed, '' names are padding) or
// {'names': [...], 'formats': [...], 'offsets': [...], 'itemsize': n}.
void parse_record_descr(const PyValue& d, NpyHeader& h, size_t header_offset) {
  const std::string where = fmt::format("{}: byte {}: NPY header descr", h.path, header_offset);
  if (d.kind == PyValue::kList) {
    size_t offset = 0;
    for (const auto& item : d.items) {
      if (item.kind != PyValue::kList || item.items.size() < 2 ||
          item.items[1].kind != PyValue::kString)
        header_error(h.path, header_offset, "expected record fields as ('name', 'dtype') tuples");
      if (item.items.size() > 2)
        header_error(h.path, header_offset, "record fields with sub-array shapes are unsupported");
      std::string name;
      const PyValue& n = item.items[0];
      if (n.kind == PyValue::kString) {
        name = n.s;
      } else if (n.kind == PyValue::kList && n.items.size() == 2) {
        name = n.items[1].s;  // (title, name)
      } else {
        header_error(h.path, header_offset, "expected a field name string");
      }
      NpyField f = make_field(name, item.items[1].s, offset, where);
      offset += f.type.size;
      if (f.type.kind != 'V' || !name.empty()) h.fields.push_back(f);
    }
    h.item_size = offset;
  } else if (d.kind == PyValue::kDict) {
    const PyValue* names = d.get("names");
    const PyValue* formats = d.get("formats");
    const PyValue* offsets = d.get("offsets");
    const PyValue* itemsize = d.get("itemsize");
    if (!names || !formats || names->kind != PyValue::kList || formats->kind != PyValue::kList ||
        names->items.size() != formats->items.size())
      header_error(h.path, header_offset, "expected 'names' and 'formats' lists of equal length");
    size_t offset = 0;
    for (size_t i = 0; i < names->items.size(); ++i) {
      if (offsets && i < offsets->items.size()) offset = static_cast<size_t>(offsets->items[i].i);
      NpyField f = make_field(names->items[i].s, formats->items[i].s, offset, where);
      offset += f.type.size;
      h.item_size = std::max(h.item_size, offset);
      h.fields.push_back(f);
    }
    if (itemsize) {
      if (itemsize->i < static_cast<int64_t>(h.item_size))
        header_error(h.path, header_offset, "'itemsize' smaller than its fields");
      h.item_size = static_cast<size_t>(itemsize->i);
    }
  } else {
    header_error(h.path, header_offset, "expected 'descr' to be a string, list or dict");
  }
  if (h.fields.empty()) header_error(h.path, header_offset, "record dtype has no fields");
}

template <typename T>
T load_raw(const uint8_t* p, bool big_endian) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if (big_endian != (std::endian::native == std::endian::big)) {
    auto* b = reinterpret_cast<uint8_t*>(&v);
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
  }
  return v;
}

float half_to_float(uint16_t h) {
  int sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? NAN : INFINITY;
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  }
  return sign ? -v : v;
}

// Maps the i-th element in C order to its position in storage (differs only for Fortran order).
std::vector<size_t> c_order_positions(const NpyHeader& h) {
  const size_t n = h.count();
  std::vector<size_t> pos(n);
  if (!h.fortran_order || h.shape.size() < 2) {
    for (size_t i = 0; i < n; ++i) pos[i] = i;
    return pos;
  }
  std::vector<size_t> idx(h.shape.size(), 0);
  for (size_t f = 0; f < n; ++f) {  // walk storage order: first dimension fastest
    size_t c = 0;
    for (size_t d = 0; d < h.shape.size(); ++d) c = c * h.shape[d] + idx[d];
    pos[c] = f;
    for (size_t d = 0; d < h.shape.size(); ++d) {
      if (++idx[d] < h.shape[d]) break;
      idx[d] = 0;
    }
  }
  return pos;
}

void require_scalar(const NpyArray& a) {
  if (a.structured())
    throw InputError(
        fmt::format("{}: NPY dtype {} is a record type: read it field by field", a.path, a.descr));
}

std::string shape_literal(const std::vector<size_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", shape[i]);
  if (shape.size() == 1) s += ",";
  return s + ")";
}

}  // namespace

NpyScalarType parse_npy_scalar_type(const std::string& descr, const std::string& where) {
  NpyScalarType t;
  std::string d = descr;
  if (d == "?") d = "|b1";
  if (d.size() >= 2 && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=')) {
    t.big_endian = d[0] == '>';
    d = d.substr(1);
  }
  if (d.size() < 2) throw InputError(fmt::format("{}: unsupported dtype '{}'", where, descr));
  t.kind = d[0];
  size_t size = 0;
  for (size_t i = 1; i < d.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(d[i])) || size > 1'000'000)
      throw InputError(fmt::format("{}: unsupported dtype '{}'", where, descr));
    size = size * 10 + static_cast<size_t>(d[i] - '0');
  }
  t.size = size;
  bool ok = false;
  switch (t.kind) {
    case 'b':
      ok = size == 1;
      break;
    case 'i':
    case 'u':
      ok = size == 1 || size == 2 || size == 4 || size == 8;
      break;
    case 'f':
      ok = size == 2 || size == 4 || size == 8;
      break;
    case 'V':
      ok = size > 0;
      break;
    default:
      ok = false;
  }
  if (!ok)
    throw InputError(fmt::format(
        "{}: unsupported dtype '{}' (expected bool, [u]int8..64 or float16/32/64)", where, descr));
  return t;
}

size_t NpyHeader::count() const {
  size_t n = 1;
  for (size_t d : shape) n *= d;
  return n;
}

bool NpyHeader::has_field(const std::string& name) const {
  for (const auto& f : fields)
    if (f.name == name) return true;
  return false;
}

const NpyField& NpyHeader::field(const std::string& name) const {
  for (const auto& f : fields)
    if (f.name == name) return f;
  std::string names;
  for (const auto& f : fields) names += (names.empty() ? "" : ", ") + f.name;
  throw InputError(fmt::format("{}: NPY record has no field '{}' (fields: {})", path, name, names));
}

NpyHeader read_npy_header(std::istream& in, const std::string& path) {
  NpyHeader h;
  h.path = path;
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    throw InputError(fmt::format("{}: byte 0: expected the NPY magic \\x93NUMPY", path));
  const int major = static_cast<uint8_t>(magic[6]);
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    uint8_t b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2))
      throw InputError(fmt::format("{}: byte 8: truncated NPY header length", path));
    header_len = b[0] | (b[1] << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    uint8_t b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4))
      throw InputError(fmt::format("{}: byte 8: truncated NPY header length", path));
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<size_t>(b[3]) << 24);
    header_start = 12;
    if (header_len > (64u << 20)) header_error(path, 8, "header length over 64 MiB");
  } else {
    throw InputError(fmt::format(
        "{}: byte 6: unsupported NPY format version {} (expected 1, 2 or 3)", path, major));
  }
  std::string text(header_len, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(header_len)))
    throw InputError(fmt::format("{}: byte {}: truncated NPY header (expected {} bytes)", path,
                                 header_start, header_len));
  h.data_offset = header_start + header_len;

  PyValue dict = LiteralParser(text, path, header_start).parse_all();
  if (dict.kind != PyValue::kDict) header_error(path, header_start, "expected a dict");
  const PyValue* descr = dict.get("descr");
  const PyValue* fortran = dict.get("fortran_order");
  const PyValue* shape = dict.get("shape");
  if (!descr || !fortran || !shape)
    header_error(path, header_start, "expected keys 'descr', 'fortran_order' and 'shape'");
  if (fortran->kind != PyValue::kBool)
    header_error(path, header_start, "expected 'fortran_order' True or False");
  h.fortran_order = fortran->b;
  if (shape->kind != PyValue::kList) header_error(path, header_start, "expected a shape tuple");
  for (const auto& d : shape->items) {
    if (d.kind != PyValue::kInt || d.i < 0)
      header_error(path, header_start, "expected non-negative integer dimensions");
    h.shape.push_back(static_cast<size_t>(d.i));
  }
  if (descr->kind == PyValue::kString) {
    h.descr = descr->s;
    NpyScalarType t =
        parse_npy_scalar_type(h.descr, fmt::format("{}: byte {}: NPY header", path, header_start));
    if (t.kind == 'V') header_error(path, header_start, "void dtype without fields");
    h.item_size = t.size;
  } else {
    // Keep the literal's text for messages and `inspect`.
    size_t a = text.find("'descr'");
    size_t b = text.find("'fortran_order'");
    h.descr = (a != std::string::npos && b != std::string::npos && b > a)
                  ? text.substr(a + 8, b - a - 8)
                  : "record";
    while (!h.descr.empty() && (h.descr.back() == ' ' || h.descr.back() == ',')) h.descr.pop_back();
    while (!h.descr.empty() && (h.descr.front() == ' ' || h.descr.front() == ':'))
      h.descr.erase(h.descr.begin());
    parse_record_descr(*descr, h, header_start);
  }
  return h;
}

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open for reading", path));
  NpyArray a;
  static_cast<NpyHeader&>(a) = read_npy_header(in, path);
  const size_t n = a.count();
  if (a.item_size && n > (size_t{1} << 40) / a.item_size) header_error(path, 10, "shape too large");
  const size_t want = n * a.item_size;
  // The stored bytes and their conversion to float or int64 (8 bytes at most per element).
  if (!isa::within_budget(isa::saturating_add(want, isa::saturating_mul(n, 8))))
    throw InputError(isa::over_budget_message(
        fmt::format("{}: NPY data of shape {}", path, shape_string(a.shape)),
        isa::saturating_add(want, isa::saturating_mul(n, 8))));
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<size_t>(in.tellg());
  if (file_size < a.data_offset + want)
    throw InputError(fmt::format(
        "{}: byte {}: truncated NPY data: expected {} bytes of {} elements of {} bytes, found {}",
        path, file_size, want, n, a.item_size, file_size - a.data_offset));
  in.seekg(static_cast<std::streamoff>(a.data_offset));
  a.bytes.resize(want);
  in.read(reinterpret_cast<char*>(a.bytes.data()), static_cast<std::streamsize>(want));
  if (!in) throw InputError(fmt::format("{}: byte {}: read error", path, a.data_offset));
  return a;
}

void write_npy(const std::string& path, const std::string& descr, const std::vector<size_t>& shape,
               std::span<const uint8_t> bytes) {
  const bool record = !descr.empty() && (descr[0] == '[' || descr[0] == '{');
  std::string dict = fmt::format("{{'descr': {}, 'fortran_order': False, 'shape': {}, }}",
                                 record ? descr : "'" + descr + "'", shape_literal(shape));
  // Pad with spaces so the data starts on a 64-byte boundary; the header ends with '\n'.
  size_t prefix = dict.size() + 1 + 10 > 65535 ? 12 : 10;
  size_t total = prefix + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::string head = "\x93NUMPY";
  head += static_cast<char>(prefix == 10 ? 1 : 2);
  head += '\0';
  const size_t len = dict.size();
  head += static_cast<char>(len & 0xff);
  head += static_cast<char>((len >> 8) & 0xff);
  if (prefix == 12) {
    head += static_cast<char>((len >> 16) & 0xff);
    head += static_cast<char>((len >> 24) & 0xff);
  }
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(fmt::format("{}: cannot open for writing", tmp));
    out.write(head.data(), static_cast<std::streamsize>(head.size()));
    out.write(dict.data(), static_cast<std::streamsize>(dict.size()));
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(tmp);
      throw InputError(fmt::format("{}: write failed", tmp));
    }
  }
  std::filesystem::rename(tmp, path);
}

namespace {
template <typename T>
void write_typed(const std::string& path, const char* descr, std::span<const T> values,
                 const std::vector<size_t>& shape) {
  static_assert(std::endian::native == std::endian::little, "NPY writer assumes little endian");
  size_t n = 1;
  for (size_t d : shape) n *= d;
  if (n != values.size())
    throw std::invalid_argument(fmt::format("write_npy {}: shape {} holds {} values, given {}",
                                            path, shape_literal(shape), n, values.size()));
  write_npy(path, descr, shape,
            {reinterpret_cast<const uint8_t*>(values.data()), values.size() * sizeof(T)});
}
}  // namespace

void write_npy(const std::string& path, std::span<const float> values,
               const std::vector<size_t>& shape) {
  write_typed(path, "<f4", values, shape);
}
void write_npy(const std::string& path, std::span<const uint8_t> values,
               const std::vector<size_t>& shape) {
  write_typed(path, "|u1", values, shape);
}
void write_npy(const std::string& path, std::span<const int64_t> values,
               const std::vector<size_t>& shape) {
  write_typed(path, "<i8", values, shape);
}

double load_npy_double(const uint8_t* p, const NpyScalarType& t) {
  switch (t.kind) {
    case 'b':
      return *p ? 1.0 : 0.0;
    case 'f':
      if (t.size == 2) return half_to_float(load_raw<uint16_t>(p, t.big_endian));
      if (t.size == 4) return load_raw<float>(p, t.big_endian);
      return load_raw<double>(p, t.big_endian);
    default:
      return static_cast<double>(load_npy_int64(p, t));
  }
}

int64_t load_npy_int64(const uint8_t* p, const NpyScalarType& t) {
  const bool be = t.big_endian;
  switch (t.kind) {
    case 'b':
      return *p ? 1 : 0;
    case 'i':
      switch (t.size) {
        case 1:
          return static_cast<int8_t>(*p);
        case 2:
          return load_raw<int16_t>(p, be);
        case 4:
          return load_raw<int32_t>(p, be);
        default:
          return load_raw<int64_t>(p, be);
      }
    case 'u':
      switch (t.size) {
        case 1:
          return *p;
        case 2:
          return load_raw<uint16_t>(p, be);
        case 4:
          return load_raw<uint32_t>(p, be);
        default:
          return static_cast<int64_t>(load_raw<uint64_t>(p, be));
      }
    case 'f':
      return static_cast<int64_t>(load_npy_double(p, t));
    default:
      return 0;
  }
}

std::vector<float> to_float(const NpyArray& a) {
  require_scalar(a);
  const NpyScalarType t = parse_npy_scalar_type(a.descr, a.path);
  const auto pos = c_order_positions(a);
  std::vector<float> out(pos.size());
  for (size_t i = 0; i < pos.size(); ++i)
    out[i] = static_cast<float>(load_npy_double(a.bytes.data() + pos[i] * t.size, t));
  return out;
}

std::vector<int64_t> to_int64(const NpyArray& a) {
  require_scalar(a);
  const NpyScalarType t = parse_npy_scalar_type(a.descr, a.path);
  const auto pos = c_order_positions(a);
  std::vector<int64_t> out(pos.size());
  for (size_t i = 0; i < pos.size(); ++i) {
    const uint8_t* p = a.bytes.data() + pos[i] * t.size;
    if (t.kind == 'f') {
      double v = load_npy_double(p, t);
      if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 9.0e18)
        throw InputError(
            fmt::format("{}: element {}: expected an integer value, found {}", a.path, i, v));
      out[i] = static_cast<int64_t>(v);
    } else {
      out[i] = load_npy_int64(p, t);
    }
  }
  return out;
}

std::vector<float> field_to_float(const NpyArray& a, const std::string& name) {
  const NpyField& f = a.field(name);
  const size_t n = a.count();
  std::vector<float> out(n);
  for (size_t i = 0; i < n; ++i)
    out[i] =
        static_cast<float>(load_npy_double(a.bytes.data() + i * a.item_size + f.offset, f.type));
  return out;
}

std::vector<int64_t> field_to_int64(const NpyArray& a, const std::string& name) {
  const NpyField& f = a.field(name);
  const size_t n = a.count();
  std::vector<int64_t> out(n);
  for (size_t i = 0; i < n; ++i)
    out[i] = load_npy_int64(a.bytes.data() + i * a.item_size + f.offset, f.type);
  return out;
}

}  // namespace workloads
