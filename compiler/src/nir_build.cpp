#include "compiler/nir_build.h"

#include <stdexcept>

namespace compiler::nir::build {
namespace {

Node make(const std::string& name, const char* type) {
  Node n;
  n.name = name;
  n.type = type;
  return n;
}

}  // namespace

Array scalar(double value) {
  return Array{{}, {value}, false};
}
Array integer_scalar(int64_t value) {
  return Array{{}, {double(value)}, true};
}

Array ints(const std::vector<int64_t>& values) {
  return Array{{int64_t(values.size())}, std::vector<double>(values.begin(), values.end()), true};
}

Array tensor(Shape shape, std::vector<double> data) {
  Array a{std::move(shape), std::move(data), false};
  if (a.size() != int64_t(a.data.size()))
    throw std::invalid_argument("nir::build::tensor: data size does not match the shape");
  return a;
}

Array filled(const Shape& shape, double value) {
  Array a{shape, {}, false};
  a.data.assign(size_t(a.size()), value);
  return a;
}

Node input(const std::string& name, const Shape& shape) {
  Node n = make(name, "Input");
  n.arrays["shape"] = ints(shape);
  return n;
}

Node output(const std::string& name, const Shape& shape) {
  Node n = make(name, "Output");
  n.arrays["shape"] = ints(shape);
  return n;
}

Node linear(const std::string& name, int64_t out, int64_t in, std::vector<double> weight) {
  Node n = make(name, "Linear");
  n.arrays["weight"] = tensor({out, in}, std::move(weight));
  return n;
}

Node affine(const std::string& name, int64_t out, int64_t in, std::vector<double> weight,
            std::vector<double> bias) {
  Node n = make(name, "Affine");
  n.arrays["weight"] = tensor({out, in}, std::move(weight));
  n.arrays["bias"] = tensor({out}, std::move(bias));
  return n;
}

Node scale(const std::string& name, const Shape& shape, double factor) {
  Node n = make(name, "Scale");
  n.arrays["scale"] = filled(shape, factor);
  return n;
}

Node conv2d(const std::string& name, Shape weight_shape, std::vector<double> weight,
            std::vector<double> bias, const Conv2dParams& p) {
  Node n = make(name, "Conv2d");
  if (weight_shape.size() != 4)
    throw std::invalid_argument("nir::build::conv2d: weight shape must be OIHW");
  int64_t c_out = weight_shape[0];
  n.arrays["weight"] = tensor(std::move(weight_shape), std::move(weight));
  n.arrays["bias"] = tensor({c_out}, std::move(bias));
  n.arrays["stride"] = ints(p.stride);
  n.arrays["padding"] = ints(p.padding);
  n.arrays["dilation"] = ints(p.dilation);
  n.arrays["groups"] = integer_scalar(p.groups);
  if (!p.input_shape.empty()) n.arrays["input_shape"] = ints(p.input_shape);
  return n;
}

Node sum_pool2d(const std::string& name, std::vector<int64_t> kernel, std::vector<int64_t> stride,
                std::vector<int64_t> padding) {
  Node n = make(name, "SumPool2d");
  n.arrays["kernel_size"] = ints(kernel);
  n.arrays["stride"] = ints(stride);
  n.arrays["padding"] = ints(padding);
  return n;
}

Node avg_pool2d(const std::string& name, std::vector<int64_t> kernel, std::vector<int64_t> stride,
                std::vector<int64_t> padding) {
  Node n = sum_pool2d(name, std::move(kernel), std::move(stride), std::move(padding));
  n.type = "AvgPool2d";
  return n;
}

Node flatten_node(const std::string& name, const Shape& input_type, int64_t start_dim,
                  int64_t end_dim) {
  Node n = make(name, "Flatten");
  n.arrays["input_type"] = ints(input_type);
  n.arrays["start_dim"] = integer_scalar(start_dim);
  n.arrays["end_dim"] = integer_scalar(end_dim);
  return n;
}

Node lif(const std::string& name, const Shape& shape, double tau, double r, double v_leak,
         double v_threshold, double v_reset) {
  Node n = make(name, "LIF");
  n.arrays["tau"] = filled(shape, tau);
  n.arrays["r"] = filled(shape, r);
  n.arrays["v_leak"] = filled(shape, v_leak);
  n.arrays["v_threshold"] = filled(shape, v_threshold);
  n.arrays["v_reset"] = filled(shape, v_reset);
  return n;
}

Node if_neuron(const std::string& name, const Shape& shape, double r, double v_threshold,
               double v_reset) {
  Node n = make(name, "IF");
  n.arrays["r"] = filled(shape, r);
  n.arrays["v_threshold"] = filled(shape, v_threshold);
  n.arrays["v_reset"] = filled(shape, v_reset);
  return n;
}

Node li(const std::string& name, const Shape& shape, double tau, double r, double v_leak) {
  Node n = make(name, "LI");
  n.arrays["tau"] = filled(shape, tau);
  n.arrays["r"] = filled(shape, r);
  n.arrays["v_leak"] = filled(shape, v_leak);
  return n;
}

Node integrator(const std::string& name, const Shape& shape, double r) {
  Node n = make(name, "I");
  n.arrays["r"] = filled(shape, r);
  return n;
}

Node cuba_lif(const std::string& name, const Shape& shape, double tau_syn, double tau_mem, double r,
              double v_leak, double v_threshold, double w_in, double v_reset) {
  Node n = make(name, "CubaLIF");
  n.arrays["tau_syn"] = filled(shape, tau_syn);
  n.arrays["tau_mem"] = filled(shape, tau_mem);
  n.arrays["r"] = filled(shape, r);
  n.arrays["v_leak"] = filled(shape, v_leak);
  n.arrays["v_threshold"] = filled(shape, v_threshold);
  n.arrays["w_in"] = filled(shape, w_in);
  n.arrays["v_reset"] = filled(shape, v_reset);
  return n;
}

Node threshold(const std::string& name, const Shape& shape, double theta) {
  Node n = make(name, "Threshold");
  n.arrays["threshold"] = filled(shape, theta);
  return n;
}

Node delay(const std::string& name, const Shape& shape, double delay) {
  Node n = make(name, "Delay");
  n.arrays["delay"] = filled(shape, delay);
  return n;
}

Node subgraph(const std::string& name, Graph inner) {
  Node n = make(name, "NIRGraph");
  n.subgraph = std::make_shared<Graph>(std::move(inner));
  return n;
}

void chain(Graph& g, const std::vector<std::string>& names) {
  for (size_t i = 0; i + 1 < names.size(); ++i) g.edges.emplace_back(names[i], names[i + 1]);
}

}  // namespace compiler::nir::build
