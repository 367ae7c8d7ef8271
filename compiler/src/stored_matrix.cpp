#include "compiler/stored_matrix.h"

#include <algorithm>
#include <cmath>

#include "isa/error.h"
#include "nir_hdf5.h"

namespace compiler::nir {

struct RowReader::Handles {
  h5::Id file, dataset, file_space;
};

RowReader::RowReader(const StoredMatrix& m) : m_(m), h_(std::make_unique<Handles>()) {
  h5::QuietErrors quiet;
  const auto fail = [&](const std::string& what) {
    throw isa::InputError(m.file + ": " + m.dataset + ": " + what + h5::last_error());
  };
  h_->file = h5::file(H5Fopen(m.file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!h_->file.valid()) fail("cannot reopen the file to read the weights");
  h_->dataset = h5::dataset(H5Dopen2(h_->file.get(), m.dataset.c_str(), H5P_DEFAULT));
  if (!h_->dataset.valid()) fail("cannot reopen the dataset");
  // Once more with a chunk cache for row blocks (a compressed chunk inflated once).
  const h5::Id access = h5::row_block_access(h_->dataset.get());
  h_->dataset = h5::dataset(H5Dopen2(h_->file.get(), m.dataset.c_str(), access.get()));
  if (!h_->dataset.valid()) fail("cannot reopen the dataset");
  h_->file_space = h5::space(H5Dget_space(h_->dataset.get()));
  const int rank = H5Sget_simple_extent_ndims(h_->file_space.get());
  if (rank < 1) fail("has no rows (the file changed since it was read)");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(h_->file_space.get(), dims.data(), nullptr);
  uint64_t cols = 1;
  for (size_t d = 1; d < dims.size(); ++d) cols *= dims[d];
  if (dims[0] != m.rows || cols != m.cols) fail("changed shape since the file was read");
}

RowReader::~RowReader() = default;

void RowReader::read(uint64_t begin, uint64_t end, double* out) {
  if (begin >= end) return;
  h5::QuietErrors quiet;
  // A hyperslab of whole rows: [begin, end) x every other dimension in full.
  const int rank = H5Sget_simple_extent_ndims(h_->file_space.get());
  std::vector<hsize_t> start(static_cast<size_t>(rank), 0), count(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(h_->file_space.get(), count.data(), nullptr);
  start[0] = begin;
  count[0] = end - begin;
  const hsize_t n = (end - begin) * m_.cols;
  // The memory space has the hyperslab's shape: HDF5 then copies whole chunk rows instead of
  // mapping every element between differently shaped selections (perf on a chunked file).
  h5::Id mem = h5::space(H5Screate_simple(rank, count.data(), nullptr));
  if (H5Sselect_hyperslab(h_->file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                          nullptr) < 0 ||
      H5Dread(h_->dataset.get(), H5T_NATIVE_DOUBLE, mem.get(), h_->file_space.get(), H5P_DEFAULT,
              out) < 0)
    throw isa::InputError(m_.file + ": " + m_.dataset + ": cannot read rows " +
                          std::to_string(begin) + ".." + std::to_string(end) + h5::last_error());
  for (hsize_t k = 0; k < n; ++k)
    if (!std::isfinite(out[k])) [[unlikely]] {
      const uint64_t cols = std::max<uint64_t>(m_.cols, 1);
      throw isa::InputError(m_.file + ": " + (m_.label.empty() ? m_.dataset : m_.label) + "[" +
                            std::to_string(begin + k / cols) + ", " + std::to_string(k % cols) +
                            "] is " +
                            (std::isnan(out[k]) ? "NaN"
                             : out[k] > 0       ? "+Inf"
                                                : "-Inf") +
                            " (expected a finite number)");
    }
}

uint64_t rows_per_block(const StoredMatrix& m, uint64_t bytes) {
  const uint64_t row_bytes = std::max<uint64_t>(m.cols, 1) * sizeof(double);
  return std::max<uint64_t>(1, bytes / row_bytes);
}

std::vector<double> read_all(const StoredMatrix& m) {
  std::vector<double> data(m.rows * m.cols);
  RowReader(m).read(0, m.rows, data.data());
  return data;
}

}  // namespace compiler::nir
