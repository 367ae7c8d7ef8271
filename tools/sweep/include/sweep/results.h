// results.csv and results.json: one row per point in grid order (`point`, `status`, one
// column per axis, the metric columns of metrics.h, `pareto`), read from the point folders,
// so every way of running a sweep writes the same bytes for the same points.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sweep/plan.h"
#include "sweep/store.h"

namespace sweep {

struct Row {
  size_t index = 0;
  std::string id;
  std::string status;               // "ok", the error's first line, or "missing" (not run yet)
  std::vector<std::string> values;  // per axis
  std::vector<std::optional<double>> metrics;  // per metric column
  std::optional<bool> pareto;                  // ok points only, when there are objectives
};

// Rows of the points `which` (grid indices, ascending), with the Pareto column among them.
std::vector<Row> collect_rows(const Plan& plan, const Store& store,
                              const std::vector<size_t>& which);
// Sets `pareto` over the ok rows for the spec's objectives.
void mark_pareto(const Plan& plan, std::vector<Row>& rows);

std::string results_csv(const Plan& plan, const std::vector<Row>& rows);
std::string results_json(const Plan& plan, const std::vector<Row>& rows);
// The Pareto front as a fixed-width text table (axes and objectives), "" without objectives.
std::string pareto_table(const Plan& plan, const std::vector<Row>& rows);

// RFC 4180: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s);

}  // namespace sweep
