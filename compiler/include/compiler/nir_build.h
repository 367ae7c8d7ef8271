// Helpers that make NIR nodes the way NIR's Python classes write them (field names, int64
// shape fields, neuron parameters as arrays of the layer shape), for tests and the bundled
// workloads. Pair with nir::write_file to produce a .nir file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/nir.h"

namespace compiler::nir::build {

using Shape = std::vector<int64_t>;

Array scalar(double value);                           // rank 0, float
Array integer_scalar(int64_t value);                  // rank 0, int64
Array ints(const std::vector<int64_t>& values);       // 1-D int64
Array tensor(Shape shape, std::vector<double> data);  // float; data.size() == product(shape)
Array filled(const Shape& shape, double value);       // float, every element `value`

Node input(const std::string& name, const Shape& shape);
Node output(const std::string& name, const Shape& shape);
// weight row-major (out, in): y = W x (+ b).
Node linear(const std::string& name, int64_t out, int64_t in, std::vector<double> weight);
Node affine(const std::string& name, int64_t out, int64_t in, std::vector<double> weight,
            std::vector<double> bias);
Node scale(const std::string& name, const Shape& shape, double factor);

struct Conv2dParams {
  std::vector<int64_t> stride{1, 1}, padding{0, 0}, dilation{1, 1};
  int64_t groups = 1;
  std::vector<int64_t> input_shape;  // (H, W); empty = not written (NIR < 1.0 files)
};
// weight OIHW, shape (c_out, c_in / groups, kh, kw); bias (c_out,).
Node conv2d(const std::string& name, Shape weight_shape, std::vector<double> weight,
            std::vector<double> bias, const Conv2dParams& p = {});
Node sum_pool2d(const std::string& name, std::vector<int64_t> kernel, std::vector<int64_t> stride,
                std::vector<int64_t> padding = {0, 0});
Node avg_pool2d(const std::string& name, std::vector<int64_t> kernel, std::vector<int64_t> stride,
                std::vector<int64_t> padding = {0, 0});
// input_type = the full CHW input shape; dims exclude the batch dim (NIR.md §2.2).
Node flatten_node(const std::string& name, const Shape& input_type, int64_t start_dim = 0,
                  int64_t end_dim = -1);

// Neurons: every parameter is broadcast to an array of the layer `shape`.
Node lif(const std::string& name, const Shape& shape, double tau, double r, double v_leak,
         double v_threshold, double v_reset = 0.0);
Node if_neuron(const std::string& name, const Shape& shape, double r, double v_threshold,
               double v_reset = 0.0);
Node li(const std::string& name, const Shape& shape, double tau, double r, double v_leak);
Node integrator(const std::string& name, const Shape& shape, double r);  // type "I"
Node cuba_lif(const std::string& name, const Shape& shape, double tau_syn, double tau_mem, double r,
              double v_leak, double v_threshold, double w_in = 1.0, double v_reset = 0.0);
Node threshold(const std::string& name, const Shape& shape, double theta);
Node delay(const std::string& name, const Shape& shape, double delay);

// A NIRGraph node holding `inner` (which should have its own Input/Output nodes).
Node subgraph(const std::string& name, Graph inner);

// Appends a chain of edges a -> b -> c ... to g.
void chain(Graph& g, const std::vector<std::string>& names);

// A random layered network for tests: Input → [Conv2d → neuron (→ SumPool2d)] × conv_layers
// → Flatten (only after convs) → [Affine → neuron] × fc_layers → Output, every shape consistent
// (Conv2d input_shape and Flatten input_type written). Neuron parameters follow snnTorch's
// export convention for dt = 1e-4 s (r = tau/dt, w_in = tau_syn/dt: a unit input raises v by 1
// per step), thresholds 1, v_leak = v_reset = 0. Nodes: "input", "conv<i>", "pool<i>",
// "flatten", "fc<i>", "rec<i>" (recurrent Linear), "<layer>.n" (neuron of a layer), "output".
struct RandomNetworkSpec {
  std::vector<int64_t> input_shape{2, 10, 10};  // CHW; {N} when conv_layers == 0
  int conv_layers = 1;  // 3x3 kernels, stride 1 or 2, padding 0 or 1, 1..max_channels out
  bool pool = true;     // a 2x2 SumPool2d after each conv layer while the map is >= 2x2
  int fc_layers = 2;    // 1..max_width neurons each; the last has `outputs`
  int64_t outputs = 4;
  bool recurrent = true;       // the first fc layer's neurons feed back through a Linear "rec1"
  std::string neuron = "LIF";  // "LIF", "IF" or "CubaLIF"
  int64_t max_channels = 4, max_width = 16;
  double weight_scale = 1.0;  // weights uniform in [-weight_scale, weight_scale]
};
Graph random_network(uint64_t seed, const RandomNetworkSpec& spec = {});

}  // namespace compiler::nir::build
