// Random layered NIR networks for tests (see RandomNetworkSpec in nir_build.h).
#include <algorithm>
#include <random>
#include <stdexcept>

#include "compiler/nir_build.h"

namespace compiler::nir::build {
namespace {

constexpr double kDt = 1e-4;  // seconds: the step the neuron parameters are made for

class NetworkMaker {
 public:
  NetworkMaker(uint64_t seed, const RandomNetworkSpec& spec) : rng_(seed), spec_(spec) {}

  Graph make() {
    if (spec_.neuron != "LIF" && spec_.neuron != "IF" && spec_.neuron != "CubaLIF")
      throw std::invalid_argument("random_network: neuron must be LIF, IF or CubaLIF");
    if (spec_.conv_layers > 0 && spec_.input_shape.size() != 3)
      throw std::invalid_argument("random_network: conv layers need a CHW input shape");
    Graph g;
    g.version = kWriterVersion;
    g.nodes.push_back(input("input", spec_.input_shape));
    std::string last = "input";
    Shape shape = spec_.input_shape;
    for (int i = 1; i <= spec_.conv_layers; ++i) conv_layer(g, i, shape, last);
    if (spec_.conv_layers > 0) {
      g.nodes.push_back(flatten_node("flatten", shape, 0, -1));
      g.edges.emplace_back(last, "flatten");
      last = "flatten";
    }
    int64_t width = 1;
    for (int64_t d : shape) width *= d;
    for (int i = 1; i <= spec_.fc_layers; ++i) {
      int64_t out = i == spec_.fc_layers ? spec_.outputs : uniform(1, spec_.max_width);
      std::string name = "fc" + std::to_string(i);
      g.nodes.push_back(affine(name, out, width, weights(out * width), weights(out, 0.1)));
      g.edges.emplace_back(last, name);
      last = neuron(g, name, {out});
      if (i == 1 && spec_.recurrent) {
        g.nodes.push_back(linear("rec1", out, out, weights(out * out)));
        g.edges.emplace_back(last, "rec1");
        g.edges.emplace_back("rec1", last);
      }
      width = out;
    }
    g.nodes.push_back(output("output", {width}));
    g.edges.emplace_back(last, "output");
    std::sort(g.nodes.begin(), g.nodes.end(),
              [](const Node& a, const Node& b) { return a.name < b.name; });
    return g;
  }

 private:
  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, std::max(lo, hi))(rng_);
  }

  std::vector<double> weights(int64_t n, double scale = 1.0) {
    std::uniform_real_distribution<double> w(-spec_.weight_scale * scale,
                                             spec_.weight_scale * scale);
    std::vector<double> out(static_cast<size_t>(n));
    for (double& v : out) v = w(rng_);
    return out;
  }

  // Adds "<layer>.n" after `layer`; returns its name.
  std::string neuron(Graph& g, const std::string& layer, const Shape& shape) {
    std::string name = layer + ".n";
    double tau = std::uniform_real_distribution<double>(1e-3, 1e-2)(rng_);
    if (spec_.neuron == "LIF") {
      g.nodes.push_back(lif(name, shape, tau, tau / kDt, 0.0, 1.0));
    } else if (spec_.neuron == "IF") {
      g.nodes.push_back(if_neuron(name, shape, 1.0 / kDt, 1.0));
    } else {
      double tau_syn = std::uniform_real_distribution<double>(5e-4, 5e-3)(rng_);
      g.nodes.push_back(cuba_lif(name, shape, tau_syn, tau, tau / kDt, 0.0, 1.0, tau_syn / kDt));
    }
    g.edges.emplace_back(layer, name);
    return name;
  }

  void conv_layer(Graph& g, int i, Shape& shape, std::string& last) {
    int64_t c_in = shape[0], h = shape[1], w = shape[2];
    Conv2dParams p;
    int64_t stride = std::min(h, w) >= 5 ? uniform(1, 2) : 1;
    int64_t pad = std::min(h, w) < 3 ? 1 : uniform(0, 1);
    p.stride = {stride, stride};
    p.padding = {pad, pad};
    p.input_shape = {h, w};
    int64_t c_out = uniform(1, spec_.max_channels);
    std::string name = "conv" + std::to_string(i);
    g.nodes.push_back(
        conv2d(name, {c_out, c_in, 3, 3}, weights(c_out * c_in * 9), weights(c_out, 0.1), p));
    g.edges.emplace_back(last, name);
    // PyTorch's output size: floor((in + 2p - d(k-1) - 1)/s + 1) with d = 1, k = 3.
    shape = {c_out, (h + 2 * pad - 3) / stride + 1, (w + 2 * pad - 3) / stride + 1};
    last = neuron(g, name, shape);
    if (spec_.pool && shape[1] >= 2 && shape[2] >= 2) {
      std::string pool = "pool" + std::to_string(i);
      g.nodes.push_back(sum_pool2d(pool, {2, 2}, {2, 2}));
      g.edges.emplace_back(last, pool);
      shape = {shape[0], shape[1] / 2, shape[2] / 2};
      last = pool;
    }
  }

  std::mt19937_64 rng_;
  RandomNetworkSpec spec_;
};

}  // namespace

Graph random_network(uint64_t seed, const RandomNetworkSpec& spec) {
  return NetworkMaker(seed, spec).make();
}

}  // namespace compiler::nir::build
