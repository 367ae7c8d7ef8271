#include "nir_hdf5.h"

#include <algorithm>
#include <vector>

namespace compiler::nir {

namespace h5 {

QuietErrors::QuietErrors() {
  H5Eget_auto2(H5E_DEFAULT, &old_func_, &old_data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

QuietErrors::~QuietErrors() {
  H5Eset_auto2(H5E_DEFAULT, old_func_, old_data_);
}

namespace {
herr_t innermost(unsigned n, const H5E_error2_t* err, void* out) {
  // Walking upward, entry 0 is the innermost call: the most specific reason.
  if (n == 0 && err->desc) *static_cast<std::string*>(out) = err->desc;
  return 0;
}
}  // namespace

std::string last_error() {
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &desc);
  H5Eclear2(H5E_DEFAULT);
  return desc.empty() ? std::string() : " (HDF5: " + desc + ")";
}

Id vlen_utf8_type() {
  Id t = type(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

Id row_block_access(hid_t dataset) {
  Id access = plist(H5Pcreate(H5P_DATASET_ACCESS));
  Id create = plist(H5Dget_create_plist(dataset));
  Id space = h5::space(H5Dget_space(dataset));
  Id file_type = type(H5Dget_type(dataset));
  if (!access.valid() || !create.valid() || !space.valid() || !file_type.valid() ||
      H5Pget_layout(create.get()) != H5D_CHUNKED)
    return access;
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1) return access;
  std::vector<hsize_t> dims(static_cast<size_t>(rank)), chunk(dims.size());
  if (H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0 ||
      H5Pget_chunk(create.get(), rank, chunk.data()) != rank)
    return access;
  uint64_t chunks = 1, chunk_bytes = H5Tget_size(file_type.get());
  for (size_t d = 0; d < dims.size(); ++d) {
    if (chunk[d] == 0) return access;
    chunk_bytes *= chunk[d];
    if (d > 0) chunks *= (dims[d] + chunk[d] - 1) / chunk[d];
  }
  const uint64_t bytes = std::min<uint64_t>(chunks * chunk_bytes, uint64_t{256} << 20);
  // Hash slots: about 100 per cached chunk, as HDF5 advises (odd: fewer collisions).
  const uint64_t slots = std::max<uint64_t>(521, 100 * chunks) | 1;
  H5Pset_chunk_cache(access.get(), slots, std::max<uint64_t>(bytes, uint64_t{1} << 20), 1.0);
  return access;
}

}  // namespace h5
}  // namespace compiler::nir
