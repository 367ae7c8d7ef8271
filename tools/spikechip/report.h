// The one report schema (report.json) that golden and run write, and predictions.csv.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "compiler/golden.h"
#include "model_options.h"

namespace cli {

using Json = nlohmann::ordered_json;

inline constexpr const char* kReportSchema = "spikechip.report/1";

// Header: schema, command, model, arch, semantics, workload, conventions.
Json report_header(const std::string& command, const LoadedModel& m, const std::string& input,
                   uint32_t samples, uint32_t timesteps);
// Per-layer spike and synaptic counts plus NeuroBench-style sparsity.
Json layer_counts(const isa::ProgramImage& image, const compiler::ExecStats& stats,
                  uint64_t samples, uint64_t timesteps);
Json sparsity(const isa::ProgramImage& image, const compiler::ExecStats& stats, uint64_t samples,
              uint64_t timesteps);
// The input's fixed point on the workload (first, "input": true), then every layer's.
Json quantisation(const LoadedModel& m);
// Per projection (compiled from NIR): the weight layout the compiler chose and why, and its
// layer's synapse memory over all its segments (empty for a loaded program image).
Json weight_layouts(const LoadedModel& m);
// What the model ran with: profile, dt, discretisation, reset, spike comparison, input fixed
// point (a .scb: only what its image records).
Json conventions(const LoadedModel& m);

// predictions.csv: sample,predicted[,label].
std::string predictions_csv(const std::vector<int64_t>& predicted,
                            const std::vector<int64_t>& labels);
// Fraction of samples whose prediction equals its label; labels.size() must match.
double accuracy(const std::vector<int64_t>& predicted, const std::vector<int64_t>& labels);

std::string dump(const Json& j);  // 2-space indent, trailing newline

}  // namespace cli
