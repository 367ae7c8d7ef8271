// The result rows: an aligned table for the terminal and CSV with every column.
#pragma once
#include <string>
#include <vector>

#include "measure.h"
#include "workload.h"

namespace bench {

struct Row {
  Workload workload;
  Measurement m;
  std::string error;  // non-empty when the workload failed (the row shows it, no figures)
};

// Prints the speed rows (suite "speed") and the SANA-FE rows (suite "sanafe") as two tables.
void print_tables(const std::vector<Row>& rows);
// Writes every column of every row (see docs/performance.md), atomically.
void write_csv(const std::vector<Row>& rows, const std::string& path);

}  // namespace bench
