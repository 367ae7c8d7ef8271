#include "compiler/linop.h"

#include <fmt/core.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "isa/error.h"

namespace compiler {

uint64_t shape_size(const std::vector<uint32_t>& shape) {
  uint64_t n = 1;
  for (uint32_t d : shape) n *= d;
  return n;
}

std::string shape_str(const std::vector<uint32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

int64_t conv_out_dim(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dil) {
  return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
}

LinOp identity_op(const std::vector<uint32_t>& shape) {
  return scale_op(shape, std::vector<double>(shape_size(shape), 1.0));
}

LinOp scale_op(const std::vector<uint32_t>& shape, std::vector<double> gains) {
  LinOp op;
  op.kind = LinOp::Kind::elementwise;
  op.in_shape = op.out_shape = shape;
  op.diag = std::move(gains);
  return op;
}

LinOp dense_op(uint32_t in, uint32_t out, std::vector<double> matrix) {
  LinOp op;
  op.kind = LinOp::Kind::dense;
  op.in_shape = {in};
  op.out_shape = {out};
  op.matrix = std::move(matrix);
  return op;
}

LinOp stored_dense_op(uint32_t in, uint32_t out, std::shared_ptr<const nir::StoredMatrix> m) {
  LinOp op = dense_op(in, out, {});
  op.stored = std::move(m);
  return op;
}

LinOp loaded(LinOp op) {
  if (op.stored) {
    op.matrix = nir::read_all(*op.stored);
    op.stored.reset();
  }
  return op;
}

LinOp conv_op(const isa::ConvGeometry& g, std::vector<double> kernel) {
  LinOp op;
  op.kind = LinOp::Kind::conv;
  op.geom = g;
  op.in_shape = {g.in_c, g.in_h, g.in_w};
  op.out_shape = {g.out_c, g.out_h, g.out_w};
  op.kernel = std::move(kernel);
  return op;
}

LinOp pool_op(const isa::ConvGeometry& g, double gain) {
  LinOp op = conv_op(g, {});
  op.pure_pool = true;
  op.pool_gain = gain;
  return op;
}

LinOp reshape(LinOp op, const std::vector<uint32_t>& out_shape) {
  op.out_shape = out_shape;
  if (op.kind == LinOp::Kind::elementwise) op.in_shape = out_shape;
  return op;
}

// The kernel of a conv with groups expanded to a full [oc][ic][kh][kw] kernel.
static std::vector<double> full_kernel(const LinOp& op) {
  const auto& g = op.geom;
  const uint32_t icg = g.in_c / g.groups, ocg = g.out_c / g.groups;
  const size_t taps = size_t{g.k_h} * g.k_w;
  std::vector<double> k(size_t{g.out_c} * g.in_c * taps, 0.0);
  for (uint32_t oc = 0; oc < g.out_c; ++oc) {
    const uint32_t grp = oc / ocg;
    for (uint32_t j = 0; j < icg; ++j) {
      const uint32_t ic = grp * icg + j;
      for (size_t t = 0; t < taps; ++t)
        k[(size_t{oc} * g.in_c + ic) * taps + t] =
            op.pure_pool ? op.pool_gain : op.kernel[(size_t{oc} * icg + j) * taps + t];
    }
  }
  return k;
}

// Calls f(out_index, in_index, weight) for every tap of a conv that lands inside the input.
template <typename F>
static void for_each_conv_tap(const LinOp& op, F&& f) {
  const auto& g = op.geom;
  const uint32_t icg = g.in_c / g.groups, ocg = g.out_c / g.groups;
  for (uint32_t oc = 0; oc < g.out_c; ++oc) {
    const uint32_t grp = oc / ocg;
    for (uint32_t oy = 0; oy < g.out_h; ++oy)
      for (uint32_t ox = 0; ox < g.out_w; ++ox) {
        const uint64_t out = (uint64_t{oc} * g.out_h + oy) * g.out_w + ox;
        for (uint32_t j = 0; j < icg; ++j) {
          const uint32_t ic = grp * icg + j;
          for (uint32_t ky = 0; ky < g.k_h; ++ky) {
            const int64_t y = int64_t{oy} * g.stride_h - g.pad_h + int64_t{ky} * g.dil_h;
            if (y < 0 || y >= g.in_h) continue;
            for (uint32_t kx = 0; kx < g.k_w; ++kx) {
              const int64_t x = int64_t{ox} * g.stride_w - g.pad_w + int64_t{kx} * g.dil_w;
              if (x < 0 || x >= g.in_w) continue;
              const double w = op.pure_pool
                                   ? op.pool_gain
                                   : op.kernel[((size_t{oc} * icg + j) * g.k_h + ky) * g.k_w + kx];
              f(out, (uint64_t{ic} * g.in_h + y) * g.in_w + x, w);
            }
          }
        }
      }
  }
}

LinOp to_dense(LinOp op, uint64_t max_elements) {
  const uint64_t in = shape_size(op.in_shape), out = shape_size(op.out_shape);
  if (op.kind == LinOp::Kind::dense) return op;
  if (in * out > max_elements)
    throw isa::InputError(
        fmt::format("cannot expand a {} -> {} operator to a dense matrix ({} elements, limit {})",
                    shape_str(op.in_shape), shape_str(op.out_shape), in * out, max_elements));
  std::vector<double> m(in * out, 0.0);
  if (op.kind == LinOp::Kind::elementwise) {
    for (uint64_t i = 0; i < in; ++i) m[i * in + i] = op.diag[i];
  } else {
    for_each_conv_tap(op, [&](uint64_t o, uint64_t i, double w) { m[o * in + i] += w; });
  }
  LinOp d = dense_op(static_cast<uint32_t>(in), static_cast<uint32_t>(out), std::move(m));
  return d;
}

static bool uniform_per_channel(const std::vector<double>& v, uint32_t channels,
                                std::vector<double>& per_channel) {
  if (channels == 0 || v.size() % channels) return false;
  const size_t n = v.size() / channels;
  per_channel.assign(channels, 0.0);
  for (uint32_t c = 0; c < channels; ++c) {
    per_channel[c] = v[c * n];
    for (size_t i = 1; i < n; ++i)
      if (v[c * n + i] != per_channel[c]) return false;
  }
  return true;
}

// Two convolutions fuse into one exactly when (dilation 1) every value the second reads from
// the first's zero padding would also be computed as zero by the fused kernel: the padded rows
// map to input rows that all lie outside the input. Without padding between them this always
// holds (every tap of the second lands inside the first's output).
static bool fusable_axis(uint32_t in, uint32_t out_a, uint32_t k_a, uint32_t s_a, uint32_t p_a,
                         uint32_t p_b) {
  if (p_b == 0) return true;
  return k_a <= s_a + p_a && int64_t{out_a} * s_a - p_a >= int64_t{in};
}

static bool fusable(const isa::ConvGeometry& a, const isa::ConvGeometry& b) {
  return a.dil_h == 1 && a.dil_w == 1 && b.dil_h == 1 && b.dil_w == 1 &&
         fusable_axis(a.in_h, a.out_h, a.k_h, a.stride_h, a.pad_h, b.pad_h) &&
         fusable_axis(a.in_w, a.out_w, a.k_w, a.stride_w, a.pad_w, b.pad_w);
}

static LinOp compose_conv(const LinOp& a, const LinOp& b) {
  const auto& ga = a.geom;
  const auto& gb = b.geom;
  isa::ConvGeometry g;
  g.in_c = ga.in_c, g.in_h = ga.in_h, g.in_w = ga.in_w;
  g.out_c = gb.out_c, g.out_h = gb.out_h, g.out_w = gb.out_w;
  g.k_h = (gb.k_h - 1) * ga.stride_h + ga.k_h;
  g.k_w = (gb.k_w - 1) * ga.stride_w + ga.k_w;
  g.stride_h = ga.stride_h * gb.stride_h;
  g.stride_w = ga.stride_w * gb.stride_w;
  g.pad_h = ga.pad_h + gb.pad_h * ga.stride_h;
  g.pad_w = ga.pad_w + gb.pad_w * ga.stride_w;
  g.groups = 1;  // the fused kernel is stored in full (zeros where groups kept channels apart)
  const auto ka = full_kernel(a), kb = full_kernel(b);
  const uint32_t cm = ga.out_c;
  std::vector<double> k(size_t{g.out_c} * g.in_c * g.k_h * g.k_w, 0.0);
  for (uint32_t o = 0; o < g.out_c; ++o)
    for (uint32_t m = 0; m < cm; ++m)
      for (uint32_t by = 0; by < gb.k_h; ++by)
        for (uint32_t bx = 0; bx < gb.k_w; ++bx) {
          const double wb = kb[((size_t{o} * cm + m) * gb.k_h + by) * gb.k_w + bx];
          if (wb == 0) continue;
          for (uint32_t i = 0; i < g.in_c; ++i)
            for (uint32_t ay = 0; ay < ga.k_h; ++ay)
              for (uint32_t ax = 0; ax < ga.k_w; ++ax) {
                const double wa = ka[((size_t{m} * g.in_c + i) * ga.k_h + ay) * ga.k_w + ax];
                const uint32_t cy = by * ga.stride_h + ay, cx = bx * ga.stride_w + ax;
                k[((size_t{o} * g.in_c + i) * g.k_h + cy) * g.k_w + cx] += wb * wa;
              }
        }
  return conv_op(g, std::move(k));
}

LinOp compose(const LinOp& first, const LinOp& second, uint64_t max_dense) {
  using K = LinOp::Kind;
  if (first.stored) return compose(loaded(first), second, max_dense);
  if (second.stored) return compose(first, loaded(second), max_dense);
  if (shape_size(first.out_shape) != shape_size(second.in_shape))
    throw std::logic_error("compose: size mismatch");
  if (first.kind == K::elementwise && second.kind == K::elementwise) {
    LinOp r = second;
    for (size_t i = 0; i < r.diag.size(); ++i) r.diag[i] *= first.diag[i];
    r.in_shape = first.in_shape;
    return r;
  }
  if (first.kind == K::elementwise && second.kind == K::conv) {
    std::vector<double> pc;
    if (uniform_per_channel(first.diag, second.geom.in_c, pc)) {
      LinOp r = second;
      if (r.pure_pool) {
        bool same = true;
        for (double v : pc) same = same && v == pc[0];
        if (same) {
          r.pool_gain *= pc.empty() ? 1.0 : pc[0];
          return r;
        }
        r.kernel = full_kernel(r);
        r.pure_pool = false;
        r.geom.groups = 1;
      }
      const auto& g = r.geom;
      const uint32_t icg = g.in_c / g.groups, ocg = g.out_c / g.groups;
      const size_t taps = size_t{g.k_h} * g.k_w;
      for (uint32_t oc = 0; oc < g.out_c; ++oc)
        for (uint32_t j = 0; j < icg; ++j)
          for (size_t t = 0; t < taps; ++t)
            r.kernel[(size_t{oc} * icg + j) * taps + t] *= pc[(oc / ocg) * icg + j];
      return r;
    }
  }
  if (first.kind == K::conv && second.kind == K::elementwise) {
    std::vector<double> pc;
    if (uniform_per_channel(second.diag, first.geom.out_c, pc)) {
      LinOp r = first;
      bool same = true;
      for (double v : pc) same = same && v == pc[0];
      if (r.pure_pool && same) {
        r.pool_gain *= pc.empty() ? 1.0 : pc[0];
        return r;
      }
      if (r.pure_pool) {
        r.kernel = full_kernel(r);
        r.pure_pool = false;
        r.geom.groups = 1;
      }
      const auto& g = r.geom;
      const size_t per_oc = r.kernel.size() / g.out_c;
      for (uint32_t oc = 0; oc < g.out_c; ++oc)
        for (size_t t = 0; t < per_oc; ++t) r.kernel[oc * per_oc + t] *= pc[oc];
      return r;
    }
  }
  if (first.kind == K::conv && second.kind == K::conv && fusable(first.geom, second.geom)) {
    return compose_conv(first, second);
  }
  // General case: a dense matrix m = second x first.
  const uint64_t in = shape_size(first.in_shape), mid = shape_size(first.out_shape),
                 out = shape_size(second.out_shape);
  if (in * out > max_dense)
    throw isa::InputError(fmt::format("cannot fuse operators into a {}x{} dense matrix", out, in));
  std::vector<double> m(in * out, 0.0);
  const auto finish = [&] {
    LinOp r = dense_op(static_cast<uint32_t>(in), static_cast<uint32_t>(out), std::move(m));
    r.in_shape = first.in_shape;
    r.out_shape = second.out_shape;
    return r;
  };
  // A sparse factor next to a dense one is applied without expanding it to a matrix (the
  // expansion costs in x mid x out); each m[o][i] receives the same products in the same
  // (ascending k) order as the dense product below, so the result is identical.
  if (second.kind == K::dense && first.kind == K::elementwise) {
    for (uint64_t o = 0; o < out; ++o)
      for (uint64_t i = 0; i < in; ++i) m[o * in + i] += second.matrix[o * mid + i] * first.diag[i];
    return finish();
  }
  if (second.kind == K::elementwise && first.kind == K::dense) {
    for (uint64_t o = 0; o < out; ++o)
      for (uint64_t i = 0; i < in; ++i) m[o * in + i] += second.diag[o] * first.matrix[o * in + i];
    return finish();
  }
  if (second.kind == K::dense && first.kind == K::conv) {
    // first's taps (k, i, w) in ascending k; m[o][i] += second[o][k] * w.
    for_each_conv_tap(first, [&](uint64_t k, uint64_t i, double w) {
      for (uint64_t o = 0; o < out; ++o) m[o * in + i] += second.matrix[o * mid + k] * w;
    });
    return finish();
  }
  const LinOp a = to_dense(first, max_dense), b = to_dense(second, max_dense);
  for (uint64_t o = 0; o < out; ++o)
    for (uint64_t k = 0; k < mid; ++k) {
      const double w = b.matrix[o * mid + k];
      if (w == 0) continue;
      const double* arow = &a.matrix[k * in];
      double* mrow = &m[o * in];
      for (uint64_t i = 0; i < in; ++i) mrow[i] += w * arow[i];
    }
  LinOp r = dense_op(static_cast<uint32_t>(in), static_cast<uint32_t>(out), std::move(m));
  r.in_shape = first.in_shape;
  r.out_shape = second.out_shape;
  return r;
}

LinOp after_identity(LinOp op, const std::vector<uint32_t>& in_shape) {
  if (shape_size(in_shape) != shape_size(op.in_shape))
    throw std::logic_error("after_identity: size mismatch");
  // As compose: an elementwise or dense result takes the identity's input shape; a conv keeps
  // its own (CHW) one.
  if (op.kind != LinOp::Kind::conv) op.in_shape = in_shape;
  return op;
}

std::vector<double> apply(const LinOp& op, const std::vector<double>& x) {
  const uint64_t in = shape_size(op.in_shape), out = shape_size(op.out_shape);
  std::vector<double> y(out, 0.0);
  switch (op.kind) {
    case LinOp::Kind::elementwise:
      for (uint64_t i = 0; i < in; ++i) y[i] = op.diag[i] * x[i];
      break;
    case LinOp::Kind::dense:
      if (op.stored) {  // row blocks: the same sums in the same order as below
        nir::RowReader rows(*op.stored);
        const uint64_t block = nir::rows_per_block(*op.stored);
        std::vector<double> buf(block * in);
        for (uint64_t b = 0; b < out; b += block) {
          const uint64_t e = std::min(out, b + block);
          rows.read(b, e, buf.data());
          for (uint64_t o = b; o < e; ++o) {
            double s = 0;
            for (uint64_t i = 0; i < in; ++i) s += buf[(o - b) * in + i] * x[i];
            y[o] = s;
          }
        }
        break;
      }
      for (uint64_t o = 0; o < out; ++o) {
        double s = 0;
        for (uint64_t i = 0; i < in; ++i) s += op.matrix[o * in + i] * x[i];
        y[o] = s;
      }
      break;
    case LinOp::Kind::conv:
      for_each_conv_tap(op, [&](uint64_t o, uint64_t i, double w) { y[o] += w * x[i]; });
      break;
  }
  return y;
}

}  // namespace compiler
