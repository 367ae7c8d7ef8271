// Linear operators between two layers: the static NIR nodes (Affine, Linear, Conv, pooling,
// Scale, Flatten) on a path from one neuron layer to the next, composed into one operator
// that becomes a projection. Composition is exact: where two convolutions cannot be fused
// exactly (zero padding between them), the operator is expanded to a dense matrix.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/stored_matrix.h"
#include "isa/program.h"

namespace compiler {

struct LinOp {
  enum class Kind : uint8_t { elementwise, conv, dense };
  Kind kind = Kind::elementwise;
  std::vector<uint32_t> in_shape, out_shape;
  std::vector<double> diag;    // elementwise: one gain per element
  isa::ConvGeometry geom;      // conv
  std::vector<double> kernel;  // conv: [oc][ic/groups][kh][kw]; empty for a pure pool
  bool pure_pool = false;      // conv that is a window sum (depthwise, every tap = pool_gain)
  double pool_gain = 1.0;
  std::vector<double> matrix;  // dense: [out][in]
  // dense: the matrix still in the NIR file (`matrix` empty). Moved through to a projection
  // as it is (streamed by quantise); every other use reads it first (loaded()).
  std::shared_ptr<const nir::StoredMatrix> stored;
};

uint64_t shape_size(const std::vector<uint32_t>& shape);
std::string shape_str(const std::vector<uint32_t>& shape);

LinOp identity_op(const std::vector<uint32_t>& shape);
LinOp scale_op(const std::vector<uint32_t>& shape, std::vector<double> gains);
LinOp dense_op(uint32_t in, uint32_t out, std::vector<double> matrix);
LinOp conv_op(const isa::ConvGeometry& g, std::vector<double> kernel);
LinOp pool_op(const isa::ConvGeometry& g, double gain);
LinOp stored_dense_op(uint32_t in, uint32_t out, std::shared_ptr<const nir::StoredMatrix> m);
LinOp reshape(LinOp op, const std::vector<uint32_t>& out_shape);
// The operator with a stored matrix read into memory (unchanged otherwise).
LinOp loaded(LinOp op);

// Expand any operator to a dense [out][in] matrix (throws when larger than max_elements); a
// dense operator is returned as it is (moved when passed as an rvalue).
LinOp to_dense(LinOp op, uint64_t max_elements);
// The operator `second ∘ first` (first applied first); stored matrices are read for it.
LinOp compose(const LinOp& first, const LinOp& second, uint64_t max_dense_elements);
// compose(identity_op(in_shape), op) without the arithmetic (multiplying by 1 is exact), so a
// weight matrix can be moved instead of copied.
LinOp after_identity(LinOp op, const std::vector<uint32_t>& in_shape);
// Apply the operator to a float vector (used for biases and the float executor's checks).
std::vector<double> apply(const LinOp& op, const std::vector<double>& x);

// Output size of a convolution along one axis (PyTorch's formula).
int64_t conv_out_dim(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dil);

}  // namespace compiler
