// `spikechip report SWEEP_DIR`: a sweep folder (results.json, DESIGN.md §13) as one page: the
// Pareto front of its first two objectives, each objective against each axis, and every point
// with a link to its run folder.
#pragma once
#include <filesystem>
#include <string>

namespace cli {

// A folder holding a sweep's results.json.
bool is_sweep_folder(const std::filesystem::path& dir);
// Throws isa::InputError naming results.json when it is not a sweep's results.
std::string sweep_html(const std::filesystem::path& dir);
std::string sweep_text(const std::filesystem::path& dir);

}  // namespace cli
