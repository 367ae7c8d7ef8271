// `spikechip inspect FILE`: a table of file kinds, each a sniffer and a summariser. To teach
// inspect a new kind (NIR models, .scb images, ...), add one file with one function pair:
//
//   static bool is_scb(const std::string& path, const std::string& head) { ... }
//   static std::string summarise_scb(const std::string& path) { return "{...}"; }
//   static const bool reg = cli::register_inspector({"scb", &is_scb, &summarise_scb});
//
// Sniffers must not overlap (registration order across files is unspecified): e.g. the events
// kind claims HDF5 files only when they hold spikes/times, leaving other HDF5 (NIR) files free.
#pragma once
#include <string>
#include <vector>

namespace cli {

struct Inspector {
  const char* kind;  // short name, also the "kind" field of the summary
  // `head` holds the file's first bytes (up to 4 KiB), so most sniffers need no I/O.
  bool (*matches)(const std::string& path, const std::string& head);
  // One JSON object (no trailing newline). Bad input throws isa/workloads InputError.
  std::string (*summarise)(const std::string& path);
};

bool register_inspector(const Inspector& inspector);
const std::vector<Inspector>& inspectors();

// A JSON string literal with quotes and escapes.
std::string json_string(const std::string& s);

}  // namespace cli
