// bench --suite sweep: what the sweep driver costs (docs/sweeps.md, "Speed"). A sweep of the
// bundled workload over timing keys (one compile configuration), measured three ways: every
// point as a bare `spikechip run --threads 1` from the NIR one after the other (what a user
// would type, in one process like a sweep's point),
// `spikechip sweep -j 1` and `spikechip sweep -j 2`.
#pragma once
#include <string>

namespace bench {

// points: 200 (or 20 with quick). Prints the figures; returns 0, or 1 when a run failed.
int run_sweep_bench(const std::string& spikechip, const std::string& work, bool quick);

}  // namespace bench
