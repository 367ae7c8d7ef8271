// The headline metrics of a point: results.csv's metric columns, each named by its path in the
// point's report.json (tools/spikechip/cmd_run.cpp writes them). Objectives name one of these.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sweep {

const std::vector<std::string_view>& metric_columns();

// The number at a dotted path ("energy.per_inference_pj") of a report, if present.
std::optional<double> metric_of(const nlohmann::json& report, std::string_view path);

}  // namespace sweep
