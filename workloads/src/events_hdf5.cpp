// SHD / SSC spike datasets (Zenke lab HDF5 layout): spikes/times is a 1-D dataset of
// variable-length float arrays (seconds), spikes/units the matching variable-length uint16
// arrays (input channel), labels one integer per sample. Each sample is read separately
// (OpenOptions::sample): unit -> x, y = 0, p = 0, time rounded to the nearest µs.
#include <hdf5.h>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include <fmt/core.h>

#include "event_readers.h"
#include "workloads/error.h"

namespace workloads {
namespace {

// Closes an HDF5 handle on scope exit.
struct H5Handle {
  hid_t id = -1;
  herr_t (*close)(hid_t) = nullptr;
  H5Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  ~H5Handle() {
    if (id >= 0 && close) close(id);
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  operator hid_t() const { return id; }
};

void quiet_hdf5() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

hid_t must(hid_t id, const std::string& path, const std::string& what) {
  if (id < 0) throw InputError(fmt::format("{}: {}", path, what));
  return id;
}

hsize_t dataset_length(hid_t dset, const std::string& path, const std::string& name) {
  H5Handle space(H5Dget_space(dset), H5Sclose);
  if (space < 0 || H5Sget_simple_extent_ndims(space) != 1)
    throw InputError(fmt::format("{}: dataset '{}': expected a 1-D dataset", path, name));
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  return n;
}

// Reads element `index` of a 1-D variable-length dataset as `mem_base` values.
template <typename T>
std::vector<T> read_vlen_element(hid_t dset, hid_t mem_base, hsize_t index, const std::string& path,
                                 const std::string& name) {
  H5Handle file_space(H5Dget_space(dset), H5Sclose);
  H5Handle vtype(H5Tvlen_create(mem_base), H5Tclose);
  hsize_t start = index, count = 1;
  H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, nullptr, &count, nullptr);
  H5Handle mem_space(H5Screate_simple(1, &count, nullptr), H5Sclose);
  hvl_t v{0, nullptr};
  if (H5Dread(dset, vtype, mem_space, file_space, H5P_DEFAULT, &v) < 0)
    throw InputError(
        fmt::format("{}: dataset '{}' record {}: expected a variable-length array "
                    "of numbers",
                    path, name, index));
  std::vector<T> out(static_cast<const T*>(v.p), static_cast<const T*>(v.p) + v.len);
  H5Dvlen_reclaim(vtype, mem_space, H5P_DEFAULT, &v);
  return out;
}

class SpikeHdf5Reader : public EventReader {
 public:
  SpikeHdf5Reader(const std::string& path, uint32_t sample) {
    info_.path = path;
    info_.format = "hdf5";
    quiet_hdf5();
    file_.id =
        must(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path, "cannot open as HDF5");
    times_ds_.id = must(H5Dopen2(file_, "spikes/times", H5P_DEFAULT), path,
                        "expected a dataset 'spikes/times' (SHD/SSC layout)");
    units_ds_.id = must(H5Dopen2(file_, "spikes/units", H5P_DEFAULT), path,
                        "expected a dataset 'spikes/units' (SHD/SSC layout)");
    const hsize_t n = dataset_length(times_ds_, path, "spikes/times");
    if (dataset_length(units_ds_, path, "spikes/units") != n)
      throw InputError(fmt::format("{}: 'spikes/units' and 'spikes/times' differ in length", path));
    info_.samples = static_cast<uint32_t>(n);
    if (H5Lexists(file_, "labels", H5P_DEFAULT) > 0) {
      H5Handle labels(H5Dopen2(file_, "labels", H5P_DEFAULT), H5Dclose);
      const hsize_t nl = dataset_length(labels, path, "labels");
      if (nl != n)
        throw InputError(
            fmt::format("{}: 'labels' has {} entries, expected {} (one per sample)", path, nl, n));
      info_.labels.resize(nl);
      if (nl &&
          H5Dread(labels, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, info_.labels.data()) < 0)
        throw InputError(fmt::format("{}: dataset 'labels': expected integers", path));
    }
    select_sample(sample);
  }

  void select_sample(uint32_t sample) override {
    const std::string& path = info_.path;
    if (sample >= info_.samples)
      throw InputError(fmt::format("{}: sample {} requested, the file holds {} samples", path,
                                   sample, info_.samples));
    times_ = read_vlen_element<float>(times_ds_, H5T_NATIVE_FLOAT, sample, path, "spikes/times");
    units_ =
        read_vlen_element<uint16_t>(units_ds_, H5T_NATIVE_UINT16, sample, path, "spikes/units");
    if (times_.size() != units_.size())
      throw InputError(fmt::format("{}: sample {}: {} times but {} units", path, sample,
                                   times_.size(), units_.size()));
    next_ = 0;
  }

  size_t read(std::span<Event> out) override {
    size_t n = 0;
    for (; n < out.size() && next_ < times_.size(); ++n, ++next_) {
      const double t = times_[next_];
      const std::optional<int64_t> t_us = checked_time_us(t * 1e6);
      if (!t_us)
        throw InputError(
            fmt::format("{}: spikes/times record {}: time {} s is not a finite "
                        "non-negative number of at most 2^53 µs",
                        info_.path, next_, t));
      out[n] = Event{*t_us, units_[next_], 0, 0};
    }
    return n;
  }

 private:
  H5Handle file_{-1, H5Fclose}, times_ds_{-1, H5Dclose}, units_ds_{-1, H5Dclose};
  std::vector<float> times_;
  std::vector<uint16_t> units_;
  size_t next_ = 0;
};

template <typename T>
void write_vlen(hid_t group, const char* name, hid_t mem_base, hid_t file_base,
                const std::vector<std::vector<T>>& rows, const std::string& path) {
  std::vector<hvl_t> v(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    v[i] = hvl_t{rows[i].size(), const_cast<T*>(rows[i].data())};
  hsize_t n = rows.size();
  H5Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  H5Handle mtype(H5Tvlen_create(mem_base), H5Tclose);
  H5Handle ftype(H5Tvlen_create(file_base), H5Tclose);
  H5Handle d(H5Dcreate2(group, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose);
  if (d < 0 || H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw InputError(fmt::format("{}: cannot write dataset {}", path, name));
}

}  // namespace

bool is_spike_hdf5(const std::string& path) {
  quiet_hdf5();
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file < 0) return false;
  return H5Lexists(file, "spikes", H5P_DEFAULT) > 0 &&
         H5Lexists(file, "spikes/times", H5P_DEFAULT) > 0;
}

std::unique_ptr<EventReader> open_spike_hdf5(const std::string& path, uint32_t sample) {
  return std::make_unique<SpikeHdf5Reader>(path, sample);
}

void write_spike_hdf5(const std::string& path, const std::vector<SpikeSample>& samples) {
  quiet_hdf5();
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  {
    H5Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (file < 0) throw InputError(fmt::format("{}: cannot create", tmp));
    H5Handle spikes(H5Gcreate2(file, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    std::vector<std::vector<float>> times;
    std::vector<std::vector<uint16_t>> units;
    std::vector<uint16_t> labels;
    for (const auto& s : samples) {
      if (s.times_s.size() != s.units.size())
        throw std::invalid_argument("write_spike_hdf5: times and units differ in length");
      if (s.label < 0 || s.label > 65535)
        throw std::invalid_argument("write_spike_hdf5: labels must fit uint16 (SHD layout)");
      times.push_back(s.times_s);
      units.push_back(s.units);
      labels.push_back(static_cast<uint16_t>(s.label));
    }
    write_vlen(spikes, "times", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, times, tmp);
    write_vlen(spikes, "units", H5T_NATIVE_UINT16, H5T_STD_U16LE, units, tmp);
    hsize_t n = labels.size();
    H5Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    H5Handle d(
        H5Dcreate2(file, "labels", H5T_STD_U16LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose);
    if (d < 0 || H5Dwrite(d, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels.data()) < 0)
      throw InputError(fmt::format("{}: cannot write dataset labels", tmp));
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace workloads
