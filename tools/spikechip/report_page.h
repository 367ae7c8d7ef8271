// `spikechip report`: one run folder (or two, compared) as a self-contained HTML page with
// Vega-Lite charts, or as a terminal table (docs/reports.md).
#pragma once
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace cli {

// A run folder as `report` reads it: report.json (required), arch.yaml and the CSVs (when
// present). Throws isa::InputError naming the file for a folder that is not a run folder.
struct RunFolder {
  std::filesystem::path dir;
  std::string label;  // how pages and tables name it (the folder's name)
  nlohmann::ordered_json report;
  std::string arch_yaml;
  // steps.csv as columns by header name (empty without --stats-per-step).
  std::vector<std::string> step_columns;
  std::vector<std::vector<double>> step_rows;
};
RunFolder load_run_folder(const std::filesystem::path& dir);

// A headline figure: label, value in its base unit, unit ("pJ", "s", "", "%"...).
struct Metric {
  std::string group, name, unit;
  std::optional<double> value;
  bool lower_is_better = true;
};
std::vector<Metric> headline_metrics(const RunFolder& run);

// Readable magnitudes: 3863592.8 pJ -> "3.864 µJ"; 2.5e-6 s -> "2.5 µs"; 1234567 -> "1.235 M".
std::string human(double v, const std::string& unit);

// A chart on a page: an element id, a title, a note under it, the Vega-Lite spec.
struct Chart {
  std::string id, title, note;
  nlohmann::ordered_json spec;
};
// The page every report uses (style, the inlined Vega scripts, the render check), for other
// pages (report_sweep.cpp): the title, a subtitle and body as HTML, the charts.
std::string html_page(const std::string& title, const std::string& subtitle_html,
                      const std::string& body_html, const std::vector<Chart>& charts);
std::string html_text(const std::string& s);  // escaped for HTML
// A Vega-Lite spec with the pages' common settings and these rows as its data.
nlohmann::ordered_json vega_lite_spec(const std::string& title, nlohmann::ordered_json values);

std::string report_html(const RunFolder& run);
std::string compare_html(const RunFolder& a, const RunFolder& b);
std::string report_text(const RunFolder& run);
std::string compare_text(const RunFolder& a, const RunFolder& b);

}  // namespace cli
