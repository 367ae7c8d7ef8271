// Private helpers of the NIR reader and writer: RAII for HDF5 ids, quiet error handling,
// and the innermost HDF5 error text for messages.
#pragma once
#include <hdf5.h>

#include <string>
#include <utility>

namespace compiler::nir::h5 {

// Owns one HDF5 id and closes it with the matching H5?close.
class Id {
 public:
  using Closer = herr_t (*)(hid_t);
  Id() = default;
  Id(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id(Id&& other) noexcept { *this = std::move(other); }
  Id& operator=(Id&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  ~Id() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }  // the caller closes it
  void reset() {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

inline Id file(hid_t id) {
  return Id(id, H5Fclose);
}
inline Id group(hid_t id) {
  return Id(id, H5Gclose);
}
inline Id dataset(hid_t id) {
  return Id(id, H5Dclose);
}
inline Id space(hid_t id) {
  return Id(id, H5Sclose);
}
inline Id type(hid_t id) {
  return Id(id, H5Tclose);
}
inline Id plist(hid_t id) {
  return Id(id, H5Pclose);
}
inline Id attribute(hid_t id) {
  return Id(id, H5Aclose);
}

// Silences HDF5's automatic error printing for its lifetime and restores it afterwards.
class QuietErrors {
 public:
  QuietErrors();
  ~QuietErrors();
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t old_func_ = nullptr;
  void* old_data_ = nullptr;
};

// " (HDF5: <innermost message>)" from the current error stack, or "" when it is empty.
std::string last_error();

// A variable-length UTF-8 C string type for memory (caller owns it).
Id vlen_utf8_type();

// Access properties for reading `dataset` in blocks of whole rows (first dimension): a chunk
// cache holding one row of chunks (every chunk a block of rows touches, capped at 256 MiB), so
// that each compressed chunk is inflated once however many row blocks it spans. HDF5's default
// cache (1 MiB) holds a few of them: nir.write's 128x128 chunks of a 4096-column matrix were
// inflated anew for each 1 MiB row block. Default properties for an unchunked dataset.
Id row_block_access(hid_t dataset);

}  // namespace compiler::nir::h5
