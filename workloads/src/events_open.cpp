// Chooses the reader for a file from its first bytes. Formats that share an extension (.aedat
// for AEDAT 2/3/4, .raw for EVT 2/3, .dat for Prophesee DAT) are told apart by their headers;
// only N-MNIST .bin and CSV have no header, so they are recognised by extension and content.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/core.h>

#include "binary_file.h"
#include "event_readers.h"
#include "prophesee_header.h"
#include "workloads/error.h"
#include "workloads/npy.h"

namespace workloads {

const std::vector<std::string>& event_formats() {
  static const std::vector<std::string> names = {"aedat2", "aedat3", "aedat4", "evt2", "evt3",
                                                 "dat",    "nmnist", "csv",    "npy",  "hdf5"};
  return names;
}

static std::string extension(const std::string& path) {
  std::string e = std::filesystem::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), ::tolower);
  return e;
}

std::string sniff_event_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open for reading", path));
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  auto starts = [&](const char* s) { return head.rfind(s, 0) == 0; };
  if (starts("\x93NUMPY")) {
    // Only record arrays are event lists; plain tensors are read by load_tensor_input.
    NpyHeader h;
    std::ifstream npy(path, std::ios::binary);
    try {
      h = read_npy_header(npy, path);
    } catch (const InputError&) {
      return "npy";  // let the reader report the header error with its location
    }
    return h.structured() ? "npy" : "";
  }
  if (starts("\x89HDF\r\n\x1a\n")) return is_spike_hdf5(path) ? "hdf5" : "";  // NIR is HDF5 too
  if (starts("#!AER-DAT2")) return "aedat2";
  if (starts("#!AER-DAT3")) return "aedat3";
  if (starts("#!AER-DAT4")) return "aedat4";
  const std::string ext = extension(path);
  if (starts("%")) {
    BinaryFile f(path);
    EventInfo scratch;
    const std::string tag = apply_prophesee_header(read_header_lines(f, '%', "% end"), scratch);
    if (tag == "evt2" || tag == "evt3") return tag;
    std::string lower = head.substr(0, 200);
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (ext == ".dat" || lower.find("data file containing") != std::string::npos) return "dat";
    if (ext == ".raw") return "evt3";  // RAW files without a format line are EVT 3.0 (Gen4)
    return "";
  }
  if (ext == ".bin") return "nmnist";
  if (ext == ".csv" || ext == ".txt") return "csv";
  return "";
}

std::unique_ptr<EventReader> open_events(const std::string& path, const OpenOptions& options) {
  std::string format = options.format;
  if (format.empty()) format = sniff_event_format(path);
  if (format.empty())
    throw InputError(fmt::format(
        "{}: byte 0: not an event file this tool reads (expected AEDAT 2/3/4, Prophesee "
        "EVT 2/3 or DAT, N-MNIST .bin, CSV t,x,y,p, NPY records or SHD/SSC HDF5)",
        path));
  if (options.sample != 0 && format != "hdf5")
    throw InputError(fmt::format("{}: sample {} requested, but a {} recording holds one sample",
                                 path, options.sample, format));
  if (format == "aedat2") return open_aedat2(path);
  if (format == "aedat3") return open_aedat3(path);
  if (format == "aedat4") return open_aedat4(path);
  if (format == "evt2") return open_evt2(path);
  if (format == "evt3") return open_evt3(path);
  if (format == "dat") return open_dat(path);
  if (format == "nmnist") return open_nmnist(path);
  if (format == "csv") return open_csv(path);
  if (format == "npy") return open_npy_events(path);
  if (format == "hdf5") return open_spike_hdf5(path, options.sample);
  throw InputError(
      fmt::format("unknown event format '{}' (expected one of aedat2, aedat3, "
                  "aedat4, evt2, evt3, dat, nmnist, csv, npy, hdf5)",
                  format));
}

void EventReader::select_sample(uint32_t sample) {
  if (sample != 0)
    throw InputError(fmt::format("{}: sample {} requested, but a {} recording holds one sample",
                                 info_.path, sample, info_.format));
}

std::vector<Event> read_all(EventReader& reader) {
  std::vector<Event> all;
  std::vector<Event> batch(65536);
  while (size_t n = reader.read(batch)) all.insert(all.end(), batch.begin(), batch.begin() + n);
  return all;
}

}  // namespace workloads
