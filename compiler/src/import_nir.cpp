// NIR graph -> float Network: validate node types, order the graph, infer shapes, and fuse
// each path of static nodes between two neuron layers into one projection.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "compiler/linop.h"
#include "compiler/nir.h"
#include "compiler/passes.h"
#include "isa/error.h"

namespace compiler {
namespace {

const std::set<std::string> kNeuronTypes = {"LIF", "IF", "LI", "CubaLIF", "CubaLI", "I"};
const std::set<std::string> kStaticTypes = {"Affine",  "Linear",    "Conv1d",    "Conv2d", "Scale",
                                            "Flatten", "SumPool2d", "AvgPool2d", "Delay"};
const char* kSupported =
    "Input, Output, Affine, Linear, Conv1d, Conv2d, SumPool2d, AvgPool2d, Scale, Flatten, "
    "LIF, IF, LI, I, CubaLIF, CubaLI (Delay only with zero delays)";

struct Ctx {
  const std::string& file;
  const CompileOptions& opt;
  std::map<std::string, nir::Node*> nodes;  // into the graph import_nir owns
  std::map<std::string, std::vector<std::string>> preds, succs;
  std::vector<std::string> order;  // topological (back edges ignored)
  std::set<std::pair<std::string, std::string>> back_edges;
  std::map<std::string, std::vector<uint32_t>> out_shape;

  [[noreturn]] void fail(const nir::Node& n, const std::string& what) const {
    throw isa::InputError(fmt::format("{}: node '{}' ({}): {}", file, n.name, n.type, what));
  }
};

const nir::Array& need(const Ctx& c, const nir::Node& n, const std::string& key) {
  auto it = n.arrays.find(key);
  if (it == n.arrays.end()) c.fail(n, fmt::format("missing dataset '{}'", key));
  return it->second;
}

const nir::Array* maybe(const nir::Node& n, const std::string& key) {
  auto it = n.arrays.find(key);
  return it == n.arrays.end() ? nullptr : &it->second;
}

// Limits on what a file may ask for (docs/nir-import.md, "Checks at import").
constexpr int64_t kMaxGeometry = int64_t(1) << 24;  // stride, padding, dilation, kernel, groups
constexpr int64_t kMaxDim = 1000000000;             // one entry of a shape
constexpr uint64_t kMaxNodeElements = uint64_t(1) << 27;  // elements of any node's output
constexpr size_t kMaxStaticChain = 256;  // static nodes in a row between neuron layers
constexpr uint64_t kMaxPaths = 4096;     // layer-to-layer paths through static nodes, per node

// "[i]", "[i, j]" ... for element `flat` of an array of `shape`; "" for a scalar.
std::string index_str(const std::vector<int64_t>& shape, uint64_t flat) {
  if (shape.empty()) return "";
  std::vector<uint64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    const auto extent = static_cast<uint64_t>(std::max<int64_t>(shape[d], 1));
    idx[d] = flat % extent;
    flat /= extent;
  }
  std::string s = "[";
  for (size_t d = 0; d < idx.size(); ++d) s += (d ? ", " : "") + std::to_string(idx[d]);
  return s + "]";
}

std::string value_str(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// The domain of a float parameter (NIR.md §2-§3; the table in docs/nir-import.md).
enum class Domain { finite, positive, non_negative };

struct FloatField {
  const char* name;
  Domain domain;
};

// Every float parameter of every node type the chip runs, with its domain. Integer fields
// (shape, stride, ...) are checked where they are converted (int_value).
const std::map<std::string, std::vector<FloatField>>& float_fields() {
  using D = Domain;
  static const std::map<std::string, std::vector<FloatField>> fields = {
      {"Affine", {{"weight", D::finite}, {"bias", D::finite}}},
      {"Linear", {{"weight", D::finite}}},
      {"Scale", {{"scale", D::finite}}},
      {"Conv1d", {{"weight", D::finite}, {"bias", D::finite}}},
      {"Conv2d", {{"weight", D::finite}, {"bias", D::finite}}},
      {"Delay", {{"delay", D::non_negative}}},
      {"I", {{"r", D::non_negative}}},
      {"IF", {{"r", D::non_negative}, {"v_threshold", D::finite}, {"v_reset", D::finite}}},
      {"LI", {{"tau", D::positive}, {"r", D::non_negative}, {"v_leak", D::finite}}},
      {"LIF",
       {{"tau", D::positive},
        {"r", D::non_negative},
        {"v_leak", D::finite},
        {"v_threshold", D::finite},
        {"v_reset", D::finite}}},
      {"CubaLI",
       {{"tau_syn", D::positive},
        {"tau_mem", D::positive},
        {"r", D::non_negative},
        {"v_leak", D::finite},
        {"w_in", D::finite}}},
      {"CubaLIF",
       {{"tau_syn", D::positive},
        {"tau_mem", D::positive},
        {"r", D::non_negative},
        {"v_leak", D::finite},
        {"v_threshold", D::finite},
        {"w_in", D::finite},
        {"v_reset", D::finite}}},
  };
  return fields;
}

// One pass over every float parameter of `n` held in memory (weights left in the file are
// checked as they are read: RowReader::read). The first value outside its domain fails.
void check_floats(const Ctx& c, const nir::Node& n) {
  auto it = float_fields().find(n.type);
  if (it == float_fields().end()) return;
  for (const FloatField& f : it->second) {
    const nir::Array* a = maybe(n, f.name);
    if (!a) continue;
    const double* v = a->data.data();
    const size_t size = a->data.size();
    size_t i = 0;
    switch (f.domain) {  // the loops stop at the first bad value (NaN fails every comparison)
      case Domain::finite:
        while (i < size && std::isfinite(v[i])) ++i;
        break;
      case Domain::positive:
        while (i < size && v[i] > 0 && std::isfinite(v[i])) ++i;
        break;
      case Domain::non_negative:
        while (i < size && v[i] >= 0 && std::isfinite(v[i])) ++i;
        break;
    }
    if (i == size) continue;
    const char* expected = f.domain == Domain::finite     ? "a finite number"
                           : f.domain == Domain::positive ? "a finite number > 0"
                                                          : "a finite number >= 0";
    c.fail(n, fmt::format("{}{} is {} (expected {})", f.name, index_str(a->shape, i),
                          value_str(v[i]), expected));
  }
}

// Element i of an integer field, checked to be an integer in [lo, hi] before any cast.
int64_t int_value(const Ctx& c, const nir::Node& n, const std::string& key, const nir::Array& a,
                  size_t i, int64_t lo, int64_t hi) {
  const double v = a.data.at(i);
  if (!(v >= double(lo) && v <= double(hi)) || v != std::floor(v))
    c.fail(n, fmt::format("{}{} is {} (expected an integer in {}..{})", key, index_str(a.shape, i),
                          value_str(v), lo, hi));
  return static_cast<int64_t>(v);
}

// A field that holds one integer: rank 0 or one element.
int64_t one_int(const Ctx& c, const nir::Node& n, const std::string& key, const nir::Array& a,
                int64_t lo, int64_t hi) {
  if (a.data.size() != 1)
    c.fail(n, fmt::format("'{}' has {} values (expected one integer)", key, a.data.size()));
  return int_value(c, n, key, a, 0, lo, hi);
}

// Product of `dims`, saturated at kMaxNodeElements + 1.
uint64_t bounded_size(const std::vector<uint64_t>& dims) {
  uint64_t n = 1;
  for (uint64_t d : dims) {
    if (d != 0 && n > (kMaxNodeElements + 1) / d) return kMaxNodeElements + 1;
    n *= d;
  }
  return std::min(n, kMaxNodeElements + 1);
}

void check_size(const Ctx& c, const nir::Node& n, const std::vector<uint64_t>& dims,
                const char* what) {
  if (bounded_size(dims) > kMaxNodeElements) {
    std::string s;
    for (uint64_t d : dims) s += (s.empty() ? "" : ",") + std::to_string(d);
    c.fail(n, fmt::format("{} [{}] has more than {} elements", what, s, kMaxNodeElements));
  }
}

std::vector<uint32_t> to_shape(const Ctx& c, const nir::Node& n, const nir::Array& a) {
  if (a.data.empty()) c.fail(n, "'shape' is empty (expected at least one dimension)");
  std::vector<uint32_t> s;
  std::vector<uint64_t> dims;
  for (size_t i = 0; i < a.data.size(); ++i) {
    s.push_back(static_cast<uint32_t>(int_value(c, n, "shape", a, i, 1, kMaxDim)));
    dims.push_back(s.back());
  }
  check_size(c, n, dims, "shape");
  return s;
}

// A pair (h, w) of integers in [lo, kMaxGeometry] from a scalar or a 1- or 2-element array
// (Conv1d: one value, h = `one_d_h`).
std::pair<uint32_t, uint32_t> pair_of(const Ctx& c, const nir::Node& n, const std::string& key,
                                      uint32_t dflt, int64_t lo, bool one_d) {
  const uint32_t one_d_h = key == "padding" ? 0u : 1u;
  const nir::Array* a = maybe(n, key);
  if (!a) return {one_d ? one_d_h : dflt, dflt};
  const auto at = [&](size_t i) {
    return static_cast<uint32_t>(int_value(c, n, key, *a, i, lo, kMaxGeometry));
  };
  if (a->data.size() == 1) {
    const uint32_t v = at(0);
    return {one_d ? one_d_h : v, v};
  }
  if (a->data.size() == 2 && !one_d) return {at(0), at(1)};
  c.fail(n, fmt::format("'{}' has {} values (expected {})", key, a->data.size(), one_d ? 1 : 2));
}

// Broadcast a parameter array to the layer's neurons as NumPy would: the array's dimensions,
// aligned to the layer shape's last ones, each 1 or equal (a per-channel (C, 1, 1) array, a
// scalar, (1,), or the whole shape).
std::vector<double> broadcast(const Ctx& c, const nir::Node& n, const std::string& key,
                              const std::vector<uint32_t>& shape, std::optional<double> dflt) {
  uint64_t size = 1;
  for (uint32_t d : shape) size *= d;
  const nir::Array* a = maybe(n, key);
  if (!a) {
    if (!dflt) c.fail(n, fmt::format("missing dataset '{}'", key));
    return std::vector<double>(size, *dflt);
  }
  if (a->data.size() == 1) return std::vector<double>(size, a->data[0]);
  if (a->data.size() == size) return a->data;
  const size_t rank = shape.size();
  bool fits = a->shape.size() <= rank;
  for (size_t k = 0; fits && k < a->shape.size(); ++k) {
    const int64_t want = shape[rank - a->shape.size() + k], have = a->shape[k];
    fits = have == 1 || have == want;
  }
  if (fits) {
    // Strides of the array's data over the layer's dimensions (0 where it is broadcast).
    std::vector<uint64_t> stride(rank, 0);
    uint64_t step = 1;
    for (size_t k = a->shape.size(); k-- > 0;) {
      const size_t dim = rank - a->shape.size() + k;
      if (a->shape[k] != 1) stride[dim] = step;
      step *= static_cast<uint64_t>(a->shape[k]);
    }
    std::vector<double> out(size);
    std::vector<uint32_t> at(rank, 0);
    for (uint64_t i = 0; i < size; ++i) {
      uint64_t src = 0;
      for (size_t d = 0; d < rank; ++d) src += at[d] * stride[d];
      out[i] = a->data[src];
      for (size_t d = rank; d-- > 0;) {  // next position, last dimension fastest
        if (++at[d] < shape[d]) break;
        at[d] = 0;
      }
    }
    return out;
  }
  c.fail(n, fmt::format("'{}' has shape {}, which does not broadcast to the layer's {} ({} "
                        "neurons)",
                        key, shape_str(std::vector<uint32_t>(a->shape.begin(), a->shape.end())),
                        shape_str(shape), size));
}

// The weight data of a node, moved out of the graph: each static node's operator is built
// once, and a second float64 copy of every weight matrix is the largest cost of an import.
std::vector<double> take_weights(const Ctx& c, nir::Node& n) {
  auto it = n.arrays.find("weight");
  if (it == n.arrays.end()) c.fail(n, "missing dataset 'weight'");
  return std::move(it->second.data);
}

// Flatten's output shape: dims start_dim..end_dim (inclusive; negative counts from the end;
// no batch dim, NIR.md §2.2) of `in` merged into one. Absent dims flatten everything (what
// this importer did before it read them). `input_type`, when present, must hold as many
// elements as the inferred input (exporters leak batch dims: NIR.md §5.5).
std::vector<uint32_t> flatten_shape(const Ctx& c, const nir::Node& n,
                                    const std::vector<uint32_t>& in) {
  const auto rank = static_cast<int64_t>(in.size());
  if (const nir::Array* it = maybe(n, "input_type")) {
    if (it->data.empty()) c.fail(n, "'input_type' is empty (expected the input shape)");
    std::vector<uint64_t> dims;
    for (size_t i = 0; i < it->data.size(); ++i)
      dims.push_back(static_cast<uint64_t>(int_value(c, n, "input_type", *it, i, 1, kMaxDim)));
    if (bounded_size(dims) != shape_size(in)) {
      std::string s;
      for (uint64_t d : dims) s += (s.empty() ? "" : ",") + std::to_string(d);
      c.fail(n, fmt::format("input_type [{}] does not match the inferred input {} ({} elements)", s,
                            shape_str(in), shape_size(in)));
    }
  }
  const auto dim = [&](const char* key, int64_t dflt) {
    const nir::Array* a = maybe(n, key);
    return a ? one_int(c, n, key, *a, -rank, rank - 1) : dflt;
  };
  const int64_t start_raw = dim("start_dim", 0), end_raw = dim("end_dim", -1);
  const int64_t start = start_raw < 0 ? start_raw + rank : start_raw;
  const int64_t end = end_raw < 0 ? end_raw + rank : end_raw;
  if (start > end)
    c.fail(n, fmt::format("start_dim {} comes after end_dim {} (dims {} and {} of input {})",
                          start_raw, end_raw, start, end, shape_str(in)));
  std::vector<uint32_t> out(in.begin(), in.begin() + start);
  uint64_t merged = 1;
  for (int64_t d = start; d <= end; ++d) merged *= in[static_cast<size_t>(d)];
  out.push_back(static_cast<uint32_t>(merged));  // <= the input's size, checked already
  out.insert(out.end(), in.begin() + end + 1, in.end());
  return out;
}

// The operator of one static node, applied to an input of shape `in` (takes its weights).
LinOp static_op(const Ctx& c, nir::Node& n, const std::vector<uint32_t>& in) {
  const uint64_t in_size = shape_size(in);
  const std::string& t = n.type;
  if (t == "Affine" || t == "Linear") {
    const auto& w = need(c, n, "weight");
    if (w.shape.size() != 2) c.fail(n, "weight must be 2-D (out, in)");
    if (uint64_t(w.shape[1]) != in_size)
      c.fail(n, fmt::format("weight has {} inputs, its input {} has {} elements", w.shape[1],
                            shape_str(in), in_size));
    const auto in_n = static_cast<uint32_t>(w.shape[1]), out_n = static_cast<uint32_t>(w.shape[0]);
    if (out_n == 0) c.fail(n, "weight has 0 outputs (expected at least 1)");
    if (w.stored) {  // streamed by quantise; its values are checked as they are read
      auto m = std::make_shared<nir::StoredMatrix>(*w.stored);
      m->label = fmt::format("node '{}' ({}): weight", n.name, n.type);
      return stored_dense_op(in_n, out_n, std::move(m));
    }
    return dense_op(in_n, out_n, take_weights(c, n));
  }
  if (t == "Scale") {
    const auto& s = need(c, n, "scale");
    return scale_op(in, broadcast(c, n, "scale", in, std::nullopt));
    (void)s;
  }
  if (t == "Delay") {
    for (double d : need(c, n, "delay").data)
      if (d != 0) c.fail(n, "delays other than 0 are not supported by the chip (no delay line)");
    return identity_op(in);
  }
  if (t == "Flatten") return reshape(identity_op(in), flatten_shape(c, n, in));
  const bool one_d = t == "Conv1d";
  if (t == "Conv2d" || t == "Conv1d" || t == "SumPool2d" || t == "AvgPool2d") {
    const bool pool = t == "SumPool2d" || t == "AvgPool2d";
    std::vector<uint32_t> chw = in;
    if (one_d && chw.size() == 2) chw = {in[0], 1, in[1]};
    if (chw.size() != 3) c.fail(n, fmt::format("input shape {} is not CHW", shape_str(in)));
    isa::ConvGeometry g;
    g.in_c = chw[0], g.in_h = chw[1], g.in_w = chw[2];
    std::vector<double> kernel;
    if (pool) {
      std::tie(g.k_h, g.k_w) = pair_of(c, n, "kernel_size", 1, 1, false);
      std::tie(g.stride_h, g.stride_w) = pair_of(c, n, "stride", 1, 1, false);
      std::tie(g.pad_h, g.pad_w) = pair_of(c, n, "padding", 0, 0, false);
      g.out_c = g.in_c;
      g.groups = g.in_c;
    } else {
      const auto& w = need(c, n, "weight");
      const size_t want = one_d ? 3 : 4;
      if (w.shape.size() != want) c.fail(n, fmt::format("weight must be {}-D", want));
      // Each dimension is at most 2^27 (the reader's limit), so these casts are exact.
      g.out_c = static_cast<uint32_t>(w.shape[0]);
      const uint32_t icg = static_cast<uint32_t>(w.shape[1]);
      g.k_h = one_d ? 1 : static_cast<uint32_t>(w.shape[2]);
      g.k_w = static_cast<uint32_t>(w.shape[one_d ? 2 : 3]);
      if (g.out_c == 0) c.fail(n, "weight has 0 output channels (expected at least 1)");
      if (icg == 0) c.fail(n, "weight has 0 input channels per group (expected at least 1)");
      if (g.k_h == 0 || g.k_w == 0)
        c.fail(n, fmt::format("weight has a {}x{} kernel (expected at least 1x1)", g.k_h, g.k_w));
      const nir::Array* groups = maybe(n, "groups");
      g.groups =
          groups ? static_cast<uint32_t>(one_int(c, n, "groups", *groups, 1, kMaxGeometry)) : 1;
      if (g.in_c % g.groups || g.out_c % g.groups || uint64_t(icg) * g.groups != g.in_c)
        c.fail(n, fmt::format("weight {}x{}x.. with groups={} does not fit {} input channels",
                              g.out_c, icg, g.groups, g.in_c));
      std::tie(g.stride_h, g.stride_w) = pair_of(c, n, "stride", 1, 1, one_d);
      std::tie(g.dil_h, g.dil_w) = pair_of(c, n, "dilation", 1, 1, one_d);
      if (auto ps = n.strings.find("padding"); ps != n.strings.end()) {
        if (ps->second == "valid") {
          g.pad_h = g.pad_w = 0;
        } else if (ps->second == "same") {
          const uint64_t th = uint64_t(g.dil_h) * (g.k_h - 1), tw = uint64_t(g.dil_w) * (g.k_w - 1);
          if (th % 2 || tw % 2 || g.stride_h != 1 || g.stride_w != 1)
            c.fail(n,
                   "padding 'same' needs stride 1 and an odd kernel extent (PyTorch pads "
                   "asymmetrically otherwise)");
          if (th / 2 > uint64_t(kMaxGeometry) || tw / 2 > uint64_t(kMaxGeometry))
            c.fail(n, fmt::format("padding 'same' needs padding {}x{} (expected at most {})",
                                  th / 2, tw / 2, kMaxGeometry));
          g.pad_h = static_cast<uint32_t>(th / 2), g.pad_w = static_cast<uint32_t>(tw / 2);
        } else {
          c.fail(n, fmt::format("padding '{}' (expected 'same', 'valid' or integers)", ps->second));
        }
      } else {
        std::tie(g.pad_h, g.pad_w) = pair_of(c, n, "padding", 0, 0, one_d);
      }
      if (const nir::Array* is = maybe(n, "input_shape"); is && !is->data.empty()) {
        const size_t last = is->data.size() - 1;
        const auto ih = one_d ? 1 : int_value(c, n, "input_shape", *is, 0, 1, kMaxDim);
        const auto iw = int_value(c, n, "input_shape", *is, one_d ? 0 : last, 1, kMaxDim);
        if (ih != g.in_h || iw != g.in_w)
          c.fail(n, fmt::format("input_shape ({}, {}) disagrees with the inferred input {}", ih, iw,
                                shape_str(in)));
      }
      kernel = take_weights(c, n);
    }
    // Strides and dilations are >= 1 here (pair_of), so the division is safe, and every term
    // is small enough for int64.
    const int64_t oh = conv_out_dim(g.in_h, g.k_h, g.stride_h, g.pad_h, g.dil_h);
    const int64_t ow = conv_out_dim(g.in_w, g.k_w, g.stride_w, g.pad_w, g.dil_w);
    if (oh < 1 || ow < 1)
      c.fail(n, fmt::format("kernel {}x{} does not fit input {}", g.k_h, g.k_w, shape_str(in)));
    check_size(c, n, {g.out_c, uint64_t(oh), uint64_t(ow)}, "output");
    g.out_h = static_cast<uint32_t>(oh), g.out_w = static_cast<uint32_t>(ow);
    LinOp op = pool ? pool_op(g, t == "AvgPool2d" ? 1.0 / (double(g.k_h) * g.k_w) : 1.0)
                    : conv_op(g, std::move(kernel));
    if (one_d) {
      op.in_shape = in;
      op.out_shape = {g.out_c, g.out_w};
    }
    return op;
  }
  c.fail(n, "not a static node");
}

// The constant a static node adds (Affine/Conv bias) given its own output shape.
std::vector<double> static_bias(const Ctx& c, const nir::Node& n, const LinOp& op) {
  const uint64_t out = shape_size(op.out_shape);
  const nir::Array* b = maybe(n, "bias");
  if (!b || (n.type != "Affine" && n.type != "Conv2d" && n.type != "Conv1d"))
    return std::vector<double>(out, 0.0);
  if (n.type == "Affine") {
    if (b->data.size() != out)
      c.fail(n, fmt::format("bias has {} values, expected {}", b->data.size(), out));
    return b->data;
  }
  const uint32_t oc = op.out_shape[0];
  if (b->data.size() != oc)
    c.fail(n, fmt::format("bias has {} values, expected {}", b->data.size(), oc));
  std::vector<double> v(out);
  const uint64_t per = out / oc;
  for (uint64_t i = 0; i < out; ++i) v[i] = b->data[i / per];
  return v;
}

void order_graph(Ctx& c, const std::string& input) {
  // Iterative DFS from the input in name order; edges to a node on the stack are back edges.
  std::map<std::string, int> state;  // 0 new, 1 on stack, 2 done
  std::vector<std::string> post;
  std::vector<std::pair<std::string, size_t>> stack{{input, 0}};
  state[input] = 1;
  while (!stack.empty()) {
    auto& [name, next] = stack.back();
    const auto& out = c.succs[name];
    if (next < out.size()) {
      const std::string s = out[next++];
      if (state[s] == 1) {
        c.back_edges.insert({name, s});
      } else if (state[s] == 0) {
        state[s] = 1;
        stack.push_back({s, 0});
      }
      continue;
    }
    state[name] = 2;
    post.push_back(name);
    stack.pop_back();
  }
  c.order.assign(post.rbegin(), post.rend());
  for (const auto& [name, node] : c.nodes)
    if (state[name] != 2)
      c.fail(*node, "not reachable from the input node (every node must lie on a path from it)");
}

// Static nodes compose into projections by walking back from each neuron layer through the
// static nodes before it to the layers that feed them (paths_into, count_uses and bias_of in
// import_nir recurse along that walk). Check, without recursion, that every walk ends and
// stays small: no cycle of static nodes alone (a self-loop on a Linear, say: nothing on it
// holds a value from one step to the next), at most kMaxStaticChain static nodes in a row
// (which bounds the recursion's depth), at most kMaxPaths paths into one node.
void check_static_paths(const Ctx& c) {
  static const std::vector<std::string> kNone;
  const auto list = [](const std::map<std::string, std::vector<std::string>>& m,
                       const std::string& k) -> const std::vector<std::string>& {
    auto it = m.find(k);
    return it == m.end() ? kNone : it->second;
  };
  const auto is_static = [&](const std::string& name) {
    return kStaticTypes.count(c.nodes.at(name)->type) > 0;
  };
  std::map<std::string, size_t> pending;  // static predecessors not yet visited (per edge)
  std::map<std::string, uint64_t> depth, paths;
  std::vector<std::string> ready;
  for (const auto& [name, node] : c.nodes) {
    if (!kStaticTypes.count(node->type)) continue;
    const auto& ps = list(c.preds, name);
    const auto k = static_cast<size_t>(std::count_if(ps.begin(), ps.end(), is_static));
    pending[name] = k;
    if (k == 0) ready.push_back(name);
  }
  while (!ready.empty()) {
    const std::string name = std::move(ready.back());
    ready.pop_back();
    uint64_t d = 0, np = 0;
    for (const auto& p : list(c.preds, name)) {
      if (is_static(p)) {
        d = std::max(d, depth[p]);
        np += paths[p];
      } else {
        np += 1;  // a layer (the Input or a neuron node)
      }
      np = std::min(np, kMaxPaths + 1);
    }
    const nir::Node& n = *c.nodes.at(name);
    depth[name] = d + 1;
    paths[name] = np;
    if (d + 1 > kMaxStaticChain)
      c.fail(n, fmt::format("is static node number {} in a row without a neuron layer between "
                            "(expected at most {})",
                            d + 1, kMaxStaticChain));
    if (np > kMaxPaths)
      c.fail(n, fmt::format("more than {} paths from neuron layers reach it through static "
                            "nodes (each would become a projection)",
                            kMaxPaths));
    for (const auto& s : list(c.succs, name))
      if (is_static(s) && --pending[s] == 0) ready.push_back(s);
  }
  for (const auto& [start, k] : pending) {
    if (k == 0) continue;
    // Every static predecessor left pending lies on or after a cycle of static nodes:
    // walk back along such predecessors until a node repeats.
    std::vector<std::string> walk{start};
    std::map<std::string, size_t> seen{{start, 0}};
    for (;;) {
      const auto& ps = list(c.preds, walk.back());
      const auto p = std::find_if(ps.begin(), ps.end(),
                                  [&](const std::string& q) { return is_static(q) && pending[q]; });
      if (p == ps.end()) break;  // cannot happen: a pending node has a pending static pred
      if (auto it = seen.find(*p); it != seen.end()) {
        std::string cycle = *p;
        for (size_t i = walk.size(); i-- > it->second;) cycle += " -> " + walk[i];
        c.fail(*c.nodes.at(*p),
               fmt::format("lies on a cycle of static nodes only ({}): no neuron on it holds a "
                           "value from one step to the next (expected a neuron node on every "
                           "cycle)",
                           cycle));
      }
      seen[*p] = walk.size();
      walk.push_back(*p);
    }
  }
  // Every path into a neuron or Output node becomes one projection (duplicate edges too).
  for (const auto& [name, node] : c.nodes) {
    if (kStaticTypes.count(node->type) || node->type == "Input") continue;
    uint64_t np = 0;
    for (const auto& p : list(c.preds, name))
      np = std::min(np + (is_static(p) ? paths[p] : 1), kMaxPaths + 1);
    if (np > kMaxPaths)
      c.fail(*node, fmt::format("more than {} paths from neuron layers reach it (each would "
                                "become a projection)",
                                kMaxPaths));
  }
}

// Reads a weight matrix left in the file once, so that its values are checked
// (RowReader::read) even when no projection reads it.
void check_stored(const nir::StoredMatrix& m) {
  nir::RowReader reader(m);
  const uint64_t block = nir::rows_per_block(m);
  std::vector<double> buf(block * m.cols);
  for (uint64_t b = 0; b < m.rows; b += block)
    reader.read(b, std::min(m.rows, b + block), buf.data());
}

// The weight matrix of a Linear or Affine node is the only array import can leave in the file
// (nir::ReadOptions): it becomes a fc projection's weights as it is. Every other array is read.
void load_unstreamed(nir::Graph& g) {
  for (nir::Node& n : g.nodes)
    for (auto& [key, a] : n.arrays)
      if (a.stored && !(key == "weight" && (n.type == "Linear" || n.type == "Affine")))
        nir::load(a);
}

// A fc projection's weights from a dense operator: its matrix, or its handle on the file.
void set_fc_weights(Projection& pr, LinOp op) {
  pr.kind = ProjectionKind::fc;
  if (op.stored)
    pr.stored = Projection::Stored{std::move(op.stored), {}, 1.0};
  else
    pr.weight = std::move(op.matrix);
}

bool has_subgraph(const nir::Graph& g) {
  return std::any_of(g.nodes.begin(), g.nodes.end(), [](const nir::Node& n) { return n.subgraph; });
}

}  // namespace

Network import_nir(nir::Graph graph_in, const std::string& file, const CompileOptions& opt) {
  check_dt(opt, file);
  nir::Graph graph;
  if (has_subgraph(graph_in)) {
    try {
      graph = nir::flatten(graph_in);
    } catch (const isa::InputError& e) {  // flatten knows no file name
      throw isa::InputError(fmt::format("{}: {}", file, e.what()));
    }
  } else {
    graph = std::move(graph_in);
  }
  load_unstreamed(graph);
  Ctx c{file, opt, {}, {}, {}, {}, {}, {}};
  std::string input;
  for (auto& n : graph.nodes) {
    c.nodes[n.name] = &n;
    if (n.type == "Input") {
      if (!input.empty())
        c.fail(n,
               fmt::format("a second Input node (first: '{}'); the chip takes one input", input));
      input = n.name;
    } else if (n.type != "Output" && !kNeuronTypes.count(n.type) && !kStaticTypes.count(n.type)) {
      c.fail(n, fmt::format("the chip cannot run this node type (supported: {})", kSupported));
    }
    check_floats(c, n);
  }
  if (input.empty()) throw isa::InputError(fmt::format("{}: the graph has no Input node", file));
  for (const auto& [src, dst] : graph.edges) {
    for (const auto* name : {&src, &dst})
      if (!c.nodes.count(*name))
        throw isa::InputError(fmt::format("{}: edge ({}, {}) names a node '{}' that does not exist",
                                          file, src, dst, *name));
    if (const nir::Node& s = *c.nodes[src]; s.type == "Output")
      c.fail(s, fmt::format("has an edge to '{}' (an Output node ends the graph: no edge may "
                            "leave it)",
                            dst));
    if (const nir::Node& d = *c.nodes[dst]; d.type == "Input")
      c.fail(d, fmt::format("has an edge from '{}' (the Input node starts the graph: no edge may "
                            "enter it)",
                            src));
    c.succs[src].push_back(dst);
    c.preds[dst].push_back(src);
  }
  for (auto& [k, v] : c.succs) std::sort(v.begin(), v.end());
  order_graph(c, input);
  check_static_paths(c);

  // Shapes, in topological order (back edges carry a shape already known).
  Network net;
  std::map<std::string, uint32_t> layer_of;  // neuron/input node -> layer index
  std::map<std::string, LinOp> op_of;        // static node -> its own operator
  for (const auto& name : c.order) {
    nir::Node& n = *c.nodes[name];
    std::vector<uint32_t> in_shape;
    if (n.type == "Input") {
      in_shape = to_shape(c, n, need(c, n, "shape"));
    } else {
      const auto& ps = c.preds[name];
      bool have = false;
      for (const auto& p : ps) {
        if (c.back_edges.count({p, name})) continue;
        const auto& s = c.out_shape.at(p);
        if (!have) {
          in_shape = s;
          have = true;
        } else if (shape_size(s) != shape_size(in_shape)) {
          c.fail(n, fmt::format("inputs disagree in size: {} vs {}", shape_str(in_shape),
                                shape_str(s)));
        }
      }
      if (!have) c.fail(n, "has no input");
    }
    if (n.type == "Output")
      if (const nir::Array* os = maybe(n, "shape")) {
        // Exporters leak batch/time dims ([1,1,1] for one neuron: NIR.md §5.5): compare the
        // element count only.
        const std::vector<uint32_t> want = to_shape(c, n, *os);
        if (shape_size(want) != shape_size(in_shape))
          c.fail(n, fmt::format("shape {} ({} elements) does not match its input {} ({} elements)",
                                shape_str(want), shape_size(want), shape_str(in_shape),
                                shape_size(in_shape)));
      }
    if (kStaticTypes.count(n.type)) {
      op_of[name] = static_op(c, n, in_shape);
      c.out_shape[name] = op_of[name].out_shape;
    } else {
      c.out_shape[name] = in_shape;
    }
    if (n.type == "Input" || kNeuronTypes.count(n.type)) {
      Layer l;
      l.name = name;
      l.shape = in_shape;
      l.size = static_cast<uint32_t>(shape_size(in_shape));
      layer_of[name] = static_cast<uint32_t>(net.layers.size());
      net.layers.push_back(std::move(l));
    }
  }

  // Each path source-layer -> static nodes -> neuron node becomes one projection (ops fused).
  // `op` empty: the identity on the source layer (no static node yet).
  struct Path {
    uint32_t source;
    std::optional<LinOp> op;
    bool recurrent;
    std::string origin;
    LinOp take_op(const std::vector<uint32_t>& shape) {
      return op ? std::move(*op) : identity_op(shape);
    }
  };
  // How many paths will compose each static node's operator: its last use moves the operator
  // (and its weights) instead of copying them. Mirrors paths_into's recursion.
  std::map<std::string, uint64_t> uses;
  std::function<uint64_t(const std::string&)> count_uses;
  count_uses = [&](const std::string& name) -> uint64_t {
    if (layer_of.count(name)) return 1;
    uint64_t n = 0;
    for (const auto& p : c.preds[name]) n += count_uses(p);
    uses[name] += n;
    return n;
  };
  std::function<std::vector<double>(const std::string&)> bias_of;
  std::function<std::vector<Path>(const std::string&, bool)> paths_into;
  paths_into = [&](const std::string& name, bool rec) -> std::vector<Path> {
    // Paths that end at the *output* of node `name`.
    if (layer_of.count(name)) return {Path{layer_of[name], std::nullopt, rec, ""}};
    std::vector<Path> result;
    for (const auto& p : c.preds[name]) {
      for (Path path : paths_into(p, rec || c.back_edges.count({p, name}) > 0)) {
        if (--uses.at(name) == 0) {
          bias_of(name);  // memoised now: it needs the operator, about to be moved
          LinOp& own = op_of.at(name);
          path.op = path.op ? compose(*path.op, own, opt.max_dense_elements)
                            : after_identity(std::move(own), c.out_shape[p]);
          own = LinOp{};
        } else {
          const LinOp& own = op_of.at(name);
          path.op = path.op ? compose(*path.op, own, opt.max_dense_elements)
                            : after_identity(own, c.out_shape[p]);
        }
        path.origin += (path.origin.empty() ? "" : "+") + name;
        result.push_back(std::move(path));
      }
    }
    return result;
  };
  // Constant (bias) output of a node when every layer outputs 0.
  std::map<std::string, std::vector<double>> bias_memo;
  bias_of = [&](const std::string& name) -> std::vector<double> {
    if (layer_of.count(name)) return std::vector<double>(shape_size(c.out_shape[name]), 0.0);
    if (auto it = bias_memo.find(name); it != bias_memo.end()) return it->second;
    const LinOp& op = op_of.at(name);
    std::vector<double> in(shape_size(op.in_shape), 0.0);
    for (const auto& p : c.preds[name]) {
      const auto b = bias_of(p);
      for (size_t i = 0; i < in.size(); ++i) in[i] += b[i];
    }
    auto out = compiler::apply(op, in);
    const auto own = static_bias(c, *c.nodes[name], op);
    for (size_t i = 0; i < out.size(); ++i) out[i] += own[i];
    return bias_memo[name] = out;
  };

  for (const auto& name : c.order) {
    const nir::Node& n = *c.nodes[name];
    if (kNeuronTypes.count(n.type) || n.type == "Output")
      for (const auto& p : c.preds[name])
        if (n.type != "Output" || !layer_of.count(p)) count_uses(p);
  }
  // A weight matrix left in the file that no path reads is still checked.
  for (const auto& [name, op] : op_of)
    if (op.stored && !uses.count(name)) check_stored(*op.stored);
  for (const auto& name : c.order) {
    const nir::Node& n = *c.nodes[name];
    if (!kNeuronTypes.count(n.type)) continue;
    Layer& l = net.layers[layer_of[name]];
    std::vector<double> bias(l.size, 0.0);
    for (const auto& p : c.preds[name]) {
      for (Path& path : paths_into(p, c.back_edges.count({p, name}) > 0)) {
        Projection pr;
        pr.source = path.source;
        pr.delay_steps = path.recurrent ? 1 : 0;
        pr.origin = path.origin.empty() ? net.layers[path.source].name : path.origin;
        LinOp op = path.take_op(net.layers[path.source].shape);
        if (op.kind == LinOp::Kind::conv) {
          pr.kind = op.pure_pool ? ProjectionKind::pool : ProjectionKind::conv;
          pr.geom = op.geom;
          pr.weight = std::move(op.kernel);
          pr.pool_gain = op.pool_gain;
          pr.conv_mode = opt.conv_mode;
          for (const auto& [node, mode] : opt.conv_mode_per_node)
            if (pr.origin.find(node) != std::string::npos) pr.conv_mode = mode;
        } else if (op.kind == LinOp::Kind::elementwise) {
          pr.kind = ProjectionKind::elementwise;
          pr.weight = std::move(op.diag);
        } else {
          set_fc_weights(pr, std::move(op));
        }
        l.inputs.push_back(std::move(pr));
      }
      const auto b = bias_of(p);
      for (size_t i = 0; i < bias.size(); ++i) bias[i] += b[i];
    }
    // Neuron parameters, broadcast to the layer.
    const std::vector<uint32_t>& N = l.shape;
    const uint64_t size = l.size;
    auto& P = l.nir;
    P.bias = bias;
    const std::string& t = n.type;
    if (t == "LIF" || t == "LI") {
      l.kind = t == "LIF" ? NeuronKind::lif : NeuronKind::li;
      P.tau = broadcast(c, n, "tau", N, std::nullopt);
      P.r = broadcast(c, n, "r", N, 1.0);
      P.v_leak = broadcast(c, n, "v_leak", N, 0.0);
    } else if (t == "IF" || t == "I") {
      l.kind = t == "IF" ? NeuronKind::if_ : NeuronKind::li;
      P.r = broadcast(c, n, "r", N, 1.0);
      P.tau.assign(size, 0.0);  // no leak
      P.v_leak.assign(size, 0.0);
    } else {  // CubaLIF, CubaLI
      l.kind = t == "CubaLIF" ? NeuronKind::cuba : NeuronKind::cuba_li;
      P.tau = broadcast(c, n, "tau_mem", N, std::nullopt);
      P.tau_syn = broadcast(c, n, "tau_syn", N, std::nullopt);
      P.r = broadcast(c, n, "r", N, 1.0);
      P.v_leak = broadcast(c, n, "v_leak", N, 0.0);
      P.w_in = broadcast(c, n, "w_in", N, 1.0);
    }
    if (is_spiking(l.kind)) {
      P.v_threshold = broadcast(c, n, "v_threshold", N, std::nullopt);
      P.v_reset = broadcast(c, n, "v_reset", N, 0.0);
    }
    l.reset = opt.reset;
    l.compare = opt.compare;
  }

  // Outputs: a layer that feeds an Output node directly; a static path into an Output becomes
  // a readout layer (a leaky integrator that forgets every step: v = input).
  for (const auto& name : c.order) {
    const nir::Node& n = *c.nodes[name];
    if (n.type != "Output") continue;
    for (const auto& p : c.preds[name]) {
      if (layer_of.count(p)) {
        if (layer_of[p] == 0)
          c.fail(n, "is fed by the Input directly: nothing for the chip to run");
        net.layers[layer_of[p]].is_output = true;
        continue;
      }
      Layer l;
      l.name = name;
      l.shape = c.out_shape[p];
      l.size = static_cast<uint32_t>(shape_size(l.shape));
      l.kind = NeuronKind::li;
      l.is_output = true;
      for (Path& path : paths_into(p, false)) {
        Projection pr;
        pr.source = path.source;
        pr.origin = path.origin;
        set_fc_weights(
            pr, to_dense(path.take_op(net.layers[path.source].shape), opt.max_dense_elements));
        l.inputs.push_back(std::move(pr));
      }
      l.nir.bias = bias_of(p);
      l.readout = true;  // discretise: forgets every step
      l.nir.tau.assign(l.size, 0.0);
      l.nir.r.assign(l.size, 1.0);
      l.nir.v_leak.assign(l.size, 0.0);
      net.layers.push_back(std::move(l));
    }
  }
  bool any_output = false;
  for (const auto& l : net.layers) any_output = any_output || l.is_output;
  if (!any_output) throw isa::InputError(fmt::format("{}: the graph has no Output node", file));
  net.layers[0].kind = NeuronKind::input;
  net.input_frac_bits = opt.input_frac_bits.value_or(0);
  return net;
}

}  // namespace compiler
