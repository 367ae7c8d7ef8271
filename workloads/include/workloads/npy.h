// NumPy .npy files (format versions 1.0, 2.0 and 3.0): reading, writing, and conversion of the
// stored elements to float or int64. Structured dtypes (records such as tonic's (x, y, t, p))
// are read field by field.
#pragma once
#include <cstddef>
#include <cstdint>
#include <istream>
#include <span>
#include <string>
#include <vector>

namespace workloads {

// One scalar element type from a dtype string such as "<f4", "|u1", ">i2" or "?".
struct NpyScalarType {
  char kind = 0;            // 'b' bool, 'i' signed, 'u' unsigned, 'f' float, 'V' void (padding)
  size_t size = 0;          // bytes
  bool big_endian = false;  // meaningful for size > 1
};
// Throws InputError naming `where` when the dtype is not one this reader supports.
NpyScalarType parse_npy_scalar_type(const std::string& descr, const std::string& where);

// One field of a structured dtype; padding fields (empty names) are not listed.
struct NpyField {
  std::string name;
  std::string descr;  // scalar dtype of the field, e.g. "<i8"
  NpyScalarType type;
  size_t offset = 0;  // bytes from the start of a record
};

// Everything in the header; data_offset is where the elements start in the file.
struct NpyHeader {
  std::string path;              // file name, for error messages
  std::string descr;             // scalar dtype ("<f4"), or the header's literal for records
  std::vector<NpyField> fields;  // structured dtypes only, in record order
  std::vector<size_t> shape;
  bool fortran_order = false;
  size_t item_size = 0;    // bytes per element (per record when structured)
  size_t data_offset = 0;  // bytes from the start of the file

  size_t count() const;  // number of elements (product of shape; 1 for a scalar)
  bool structured() const { return !fields.empty(); }
  bool has_field(const std::string& name) const;
  const NpyField& field(const std::string& name) const;  // throws InputError if absent
};

struct NpyArray : NpyHeader {
  std::vector<uint8_t> bytes;  // the elements exactly as stored (count() * item_size bytes)
};

// Reads the header only, leaving `in` at the first element: for streaming large record files.
NpyHeader read_npy_header(std::istream& in, const std::string& path);
NpyArray read_npy(const std::string& path);

// Writes atomically (a temporary file renamed into place). `descr` is a scalar dtype such as
// "<f4", or a record list literal such as "[('x', '<u2'), ('t', '<i8')]"; `bytes` must hold
// product(shape) elements of that dtype in C order.
void write_npy(const std::string& path, const std::string& descr, const std::vector<size_t>& shape,
               std::span<const uint8_t> bytes);
void write_npy(const std::string& path, std::span<const float> values,
               const std::vector<size_t>& shape);
void write_npy(const std::string& path, std::span<const uint8_t> values,
               const std::vector<size_t>& shape);
void write_npy(const std::string& path, std::span<const int64_t> values,
               const std::vector<size_t>& shape);

// Elements as float / int64 in C order (a Fortran-ordered array is transposed), for the scalar
// kinds bool, u1/i1/u2/i2/u4/i4/u8/i8/f2/f4/f8 in either byte order. Throws for records.
// to_int64 accepts floats only when every value is integral (labels saved as float).
std::vector<float> to_float(const NpyArray& array);
std::vector<int64_t> to_int64(const NpyArray& array);
// One field of every record, in record order (records must be 1-D or C-ordered).
std::vector<float> field_to_float(const NpyArray& array, const std::string& field);
std::vector<int64_t> field_to_int64(const NpyArray& array, const std::string& field);

// Decodes one stored scalar (no alignment needed).
double load_npy_double(const uint8_t* p, const NpyScalarType& type);
int64_t load_npy_int64(const uint8_t* p, const NpyScalarType& type);

}  // namespace workloads
