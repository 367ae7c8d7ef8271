// spikechip inspect FILE: a JSON summary of any input file the tool reads. Event recordings
// and spike datasets: format, event count, sensor, duration, polarity split; NPY tensors: dtype
// and shape. Other kinds register their own summariser (inspect.h).
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <boost/program_options.hpp>

#include "cli.h"
#include "input_file.h"
#include "inspect.h"
#include "workloads/error.h"
#include "workloads/events.h"
#include "workloads/npy.h"

namespace cli {

static std::vector<Inspector>& inspector_table() {
  static std::vector<Inspector> table;
  return table;
}
bool register_inspector(const Inspector& inspector) {
  inspector_table().push_back(inspector);
  return true;
}
const std::vector<Inspector>& inspectors() {
  return inspector_table();
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace cli

namespace {

namespace po = boost::program_options;
using cli::json_string;

std::string json_shape(const std::vector<size_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", shape[i]);
  return s + "]";
}

// Event files: every sample streamed once, in bounded memory.
bool is_events(const std::string& path, const std::string&) {
  return !workloads::sniff_event_format(path).empty();
}

std::string summarise_events(const std::string& path) {
  auto reader = workloads::open_events(path);
  const workloads::EventInfo info = reader->info();
  uint64_t events = 0, on = 0;
  int64_t t_first = 0, t_last = 0;
  int64_t duration = 0;
  uint32_t max_x = 0, max_y = 0;
  std::vector<workloads::Event> batch(65536);
  for (uint32_t s = 0; s < info.samples; ++s) {
    if (s > 0) reader->select_sample(s);
    uint64_t n_sample = 0;
    int64_t first = 0, last = 0;
    while (size_t n = reader->read(batch)) {
      if (n_sample == 0) first = batch[0].t_us;
      if (events == 0) t_first = batch[0].t_us;
      for (size_t i = 0; i < n; ++i) {
        on += batch[i].p;
        max_x = std::max<uint32_t>(max_x, batch[i].x);
        max_y = std::max<uint32_t>(max_y, batch[i].y);
      }
      last = batch[n - 1].t_us;
      t_last = last;
      n_sample += n;
      events += n;
    }
    if (n_sample) duration = std::max(duration, last - first);
  }
  std::string j =
      fmt::format("{{\"file\": {}, \"kind\": \"events\", \"format\": {}, \"events\": {}",
                  json_string(path), json_string(info.format), events);
  if (info.width && info.height)
    j += fmt::format(", \"sensor\": [{}, {}]", info.width, info.height);
  else
    j += ", \"sensor\": null";
  if (!info.sensor.empty()) j += fmt::format(", \"camera\": {}", json_string(info.sensor));
  if (events)
    j += fmt::format(", \"extent\": [{}, {}]", max_x + 1, max_y + 1);  // largest x, y seen + 1
  j += fmt::format(", \"duration_us\": {}, \"polarity\": {{\"on\": {}, \"off\": {}}}", duration, on,
                   events - on);
  if (events)
    j += fmt::format(", \"t_first_us\": {}, \"t_last_us\": {}", t_first, t_last);
  else
    j += ", \"t_first_us\": null, \"t_last_us\": null";
  if (info.format == "hdf5") {
    j += fmt::format(", \"samples\": {}", info.samples);
    if (!info.labels.empty()) {
      auto [lo, hi] = std::minmax_element(info.labels.begin(), info.labels.end());
      j += fmt::format(", \"labels\": {{\"count\": {}, \"min\": {}, \"max\": {}}}",
                       info.labels.size(), *lo, *hi);
    }
  }
  if (info.format == "npy") {
    std::ifstream in(path, std::ios::binary);
    const auto h = workloads::read_npy_header(in, path);
    j += fmt::format(", \"dtype\": {}", json_string(h.descr));
  }
  return j + "}";
}

// NPY tensors (record arrays are events, above).
bool is_npy(const std::string&, const std::string& head) {
  return head.rfind("\x93NUMPY", 0) == 0;
}

std::string summarise_npy(const std::string& path) {
  const workloads::NpyArray a = workloads::read_npy(path);  // checks the data is all there
  std::string j = fmt::format(
      "{{\"file\": {}, \"kind\": \"tensor\", \"format\": \"npy\", \"dtype\": {}, \"shape\": {}, "
      "\"fortran_order\": {}, \"elements\": {}",
      json_string(path), json_string(a.descr), json_shape(a.shape), a.fortran_order, a.count());
  if (!a.structured() && a.count() > 0) {
    const auto v = workloads::to_float(a);
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    const size_t nonzero =
        static_cast<size_t>(std::count_if(v.begin(), v.end(), [](float x) { return x != 0; }));
    j += fmt::format(", \"min\": {}, \"max\": {}, \"nonzero\": {}", *lo, *hi, nonzero);
  }
  return j + "}";
}

// The two sniffers do not overlap: NPY record arrays are events, other NPY files tensors.
const bool registered_events = cli::register_inspector({"events", &is_events, &summarise_events});
const bool registered_npy = cli::register_inspector({"npy", &is_npy, &summarise_npy});

int run_inspect(const std::vector<std::string>& args) {
  po::options_description opts("spikechip inspect FILE");
  std::string input;
  opts.add_options()("help,h", "show this help")(
      "input", po::value<std::string>(&input)->required(), "file to summarise");
  po::positional_options_description pos;
  pos.add("input", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts << "\nkinds:";
    for (const auto& k : cli::inspectors()) std::cout << " " << k.kind;
    std::cout << "\n";
    return cli::kExitOk;
  }
  po::notify(vm);
  cli::require_regular_file(input, "the file to inspect");
  std::ifstream in(input, std::ios::binary);
  if (!in) throw workloads::InputError(fmt::format("{}: cannot open for reading", input));
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  for (const auto& k : cli::inspectors()) {
    if (!k.matches(input, head)) continue;
    std::cout << k.summarise(input) << "\n";
    std::cout.flush();
    return std::cout ? cli::kExitOk : cli::kExitInternal;
  }
  std::string kinds;
  for (const auto& k : cli::inspectors())
    kinds += (kinds.empty() ? "" : ", ") + std::string(k.kind);
  throw workloads::InputError(
      fmt::format("{}: byte 0: not a file kind inspect knows (kinds: {})", input, kinds));
}

const bool registered = cli::register_verb(
    {"inspect", "print a JSON summary of an input file (events, NPY, ...)", &run_inspect});

}  // namespace
