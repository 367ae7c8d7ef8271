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

std::vector<uint32_t> to_shape(const Ctx& c, const nir::Node& n, const nir::Array& a) {
  std::vector<uint32_t> s;
  for (double v : a.data) {
    if (v < 1 || v != std::floor(v) || v > 1e9)
      c.fail(n, "shape entries must be positive integers");
    s.push_back(static_cast<uint32_t>(v));
  }
  return s;
}

// A pair (h, w) from a scalar or a 1- or 2-element array.
std::pair<uint32_t, uint32_t> pair_of(const Ctx& c, const nir::Node& n, const std::string& key,
                                      uint32_t dflt, bool one_d) {
  const nir::Array* a = maybe(n, key);
  if (!a) return {one_d ? 1 : dflt, dflt};
  for (double v : a->data)
    if (v < 0 || v != std::floor(v))
      c.fail(n, fmt::format("'{}' must hold non-negative integers", key));
  if (a->data.size() == 1) {
    const auto v = static_cast<uint32_t>(a->data[0]);
    return {one_d ? (key == "padding" ? 0u : 1u) : v, v};
  }
  if (a->data.size() == 2 && !one_d)
    return {static_cast<uint32_t>(a->data[0]), static_cast<uint32_t>(a->data[1])};
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
    if (w.stored) return stored_dense_op(in_n, out_n, w.stored);  // streamed by quantise
    return dense_op(in_n, out_n, take_weights(c, n));
  }
  if (t == "Scale") {
    const auto& s = need(c, n, "scale");
    return scale_op(in, broadcast(c, n, "scale", in, std::nullopt));
    (void)s;
  }
  if (t == "Flatten" || t == "Delay") {
    if (t == "Delay") {
      for (double d : need(c, n, "delay").data)
        if (d != 0) c.fail(n, "delays other than 0 are not supported by the chip (no delay line)");
    }
    LinOp op = identity_op(in);
    if (t == "Flatten") op = reshape(op, {static_cast<uint32_t>(in_size)});
    return op;
  }
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
      std::tie(g.k_h, g.k_w) = pair_of(c, n, "kernel_size", 1, false);
      std::tie(g.stride_h, g.stride_w) = pair_of(c, n, "stride", 1, false);
      std::tie(g.pad_h, g.pad_w) = pair_of(c, n, "padding", 0, false);
      g.out_c = g.in_c;
      g.groups = g.in_c;
    } else {
      const auto& w = need(c, n, "weight");
      const size_t want = one_d ? 3 : 4;
      if (w.shape.size() != want) c.fail(n, fmt::format("weight must be {}-D", want));
      g.out_c = static_cast<uint32_t>(w.shape[0]);
      const uint32_t icg = static_cast<uint32_t>(w.shape[1]);
      g.k_h = one_d ? 1 : static_cast<uint32_t>(w.shape[2]);
      g.k_w = static_cast<uint32_t>(w.shape[one_d ? 2 : 3]);
      const nir::Array* groups = maybe(n, "groups");
      g.groups = groups && !groups->data.empty() ? static_cast<uint32_t>(groups->data[0]) : 1;
      if (g.groups == 0 || g.in_c % g.groups || g.out_c % g.groups || icg * g.groups != g.in_c)
        c.fail(n, fmt::format("weight {}x{}x.. with groups={} does not fit {} input channels",
                              g.out_c, icg, g.groups, g.in_c));
      std::tie(g.stride_h, g.stride_w) = pair_of(c, n, "stride", 1, one_d);
      std::tie(g.dil_h, g.dil_w) = pair_of(c, n, "dilation", 1, one_d);
      if (auto ps = n.strings.find("padding"); ps != n.strings.end()) {
        if (ps->second == "valid") {
          g.pad_h = g.pad_w = 0;
        } else if (ps->second == "same") {
          const uint32_t th = g.dil_h * (g.k_h - 1), tw = g.dil_w * (g.k_w - 1);
          if (th % 2 || tw % 2 || g.stride_h != 1 || g.stride_w != 1)
            c.fail(n,
                   "padding 'same' needs stride 1 and an odd kernel extent (PyTorch pads "
                   "asymmetrically otherwise)");
          g.pad_h = th / 2, g.pad_w = tw / 2;
        } else {
          c.fail(n, fmt::format("padding '{}' (expected 'same', 'valid' or integers)", ps->second));
        }
      } else {
        std::tie(g.pad_h, g.pad_w) = pair_of(c, n, "padding", 0, one_d);
      }
      if (const nir::Array* is = maybe(n, "input_shape"); is && !is->data.empty()) {
        const uint32_t ih = one_d ? 1 : static_cast<uint32_t>(is->data[0]);
        const uint32_t iw = static_cast<uint32_t>(is->data[one_d ? 0 : is->data.size() - 1]);
        if (ih != g.in_h || iw != g.in_w)
          c.fail(n, fmt::format("input_shape ({}, {}) disagrees with the inferred input {}", ih, iw,
                                shape_str(in)));
      }
      kernel = take_weights(c, n);
    }
    const int64_t oh = conv_out_dim(g.in_h, g.k_h, g.stride_h, g.pad_h, g.dil_h);
    const int64_t ow = conv_out_dim(g.in_w, g.k_w, g.stride_w, g.pad_w, g.dil_w);
    if (oh < 1 || ow < 1 || g.stride_h == 0 || g.stride_w == 0)
      c.fail(n, fmt::format("kernel {}x{} does not fit input {}", g.k_h, g.k_w, shape_str(in)));
    g.out_h = static_cast<uint32_t>(oh), g.out_w = static_cast<uint32_t>(ow);
    LinOp op = pool ? pool_op(g, t == "AvgPool2d" ? 1.0 / (g.k_h * g.k_w) : 1.0)
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
  nir::Graph graph = has_subgraph(graph_in) ? nir::flatten(graph_in) : std::move(graph_in);
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
  }
  if (input.empty()) throw isa::InputError(fmt::format("{}: the graph has no Input node", file));
  for (const auto& [src, dst] : graph.edges) {
    for (const auto* name : {&src, &dst})
      if (!c.nodes.count(*name))
        throw isa::InputError(fmt::format("{}: edge ({}, {}) names a node '{}' that does not exist",
                                          file, src, dst, *name));
    c.succs[src].push_back(dst);
    c.preds[dst].push_back(src);
  }
  for (auto& [k, v] : c.succs) std::sort(v.begin(), v.end());
  order_graph(c, input);

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
      l.nir.tau.assign(l.size, -1.0);  // marks "forget every step" for discretise
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
