// A numeric dataset left in its NIR (HDF5) file and read on demand, in row blocks: the compile
// streams the large weight matrices through quantisation instead of holding the whole float
// network at once (a dense float64 matrix costs 8 bytes per position; docs/performance.md).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace compiler::nir {

// Rows are the first dimension, columns the product of the others (row-major, as NIR stores
// a Linear weight [out][in]).
struct StoredMatrix {
  std::string file;     // path of the HDF5 file
  std::string dataset;  // HDF5 path of the dataset, e.g. "/node/nodes/fc1/weight"
  uint64_t rows = 0, cols = 0;
  // What the matrix is, for messages: "node 'fc1' (Linear): weight" (the import sets it);
  // messages use `dataset` when it is empty.
  std::string label;
};

// Reads row ranges of one stored matrix as double (the conversion read_file makes), keeping
// the file open for its lifetime. Throws isa::InputError naming the file and dataset when the
// file changed or cannot be read.
class RowReader {
 public:
  explicit RowReader(const StoredMatrix& m);
  ~RowReader();
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;

  // Rows [begin, end) into out[0 .. (end - begin) * cols). Every value read is checked to be
  // finite (one pass over the block, as it is read): NaN or +-Inf throws isa::InputError
  // naming the file, the matrix and the element [row, column].
  void read(uint64_t begin, uint64_t end, double* out);

 private:
  struct Handles;
  StoredMatrix m_;
  std::unique_ptr<Handles> h_;
};

// Rows per block so that one block holds about `bytes` of doubles (at least one row). 1 MiB:
// HDF5 reads at full speed and the block is a small share of a run's memory.
uint64_t rows_per_block(const StoredMatrix& m, uint64_t bytes = uint64_t{1} << 20);

// The whole matrix, for the paths that need it in memory (composing operators).
std::vector<double> read_all(const StoredMatrix& m);

}  // namespace compiler::nir
